//! `batchscape run` and `batchscape scene NAME`: trains every batch size of the settings and
//! writes every view the page has, as SVG, with the numbers in `metrics.json`.
//!
//! Files (all in `--out DIR`):
//! - `metrics.json`: `{"settings", "n_params", "loss", "runs": [...], "landscape",
//!   "interpolation", "cost"}` (fields in docs/metrics.md; with `scene`, also `"scene"`; for
//!   the digits, `"pca"`);
//!   `--dump` adds the data sets and each run's initial and final θ;
//! - `landscape.svg`: the page's shared plane through θ0 and the first two runs' end points,
//!   every run's path on it; `surface.svg`: the same grid as the page's 3-D surface;
//! - `curves.svg`: training and test loss by epoch;
//! - `slices.svg`: a 1-D slice through every run's end point along one filter-normalized
//!   direction; with two or more finished runs `interpolation.svg` (the page's pair);
//! - `dynamics_lambda.svg` (λ_max against 2/η) and `dynamics_noise.svg` (B_simple against B);
//! - `boundaries.svg` (each run's decision map) for data with an input plane, or
//!   `confusion.svg`, `digits.svg` and `pca.svg` for the digits (images.rs);
//! - `cost.md`: the cost table;
//! - with `scene … --seeds N`: `seeds.json` (the seeds study and the scene's verdicts).
//!
//! Figures are SVG only: plotters' bitmap backend needs a font file to draw text, and the tool
//! ships none. The files are written into a fresh temporary directory next to `DIR` and then
//! renamed into place, so a failure while writing leaves no half-written output.

use crate::scene::Scene;
use crate::{images, json_of, say, views, write_all};
use batchscape_core::analysis::{analyze, AnalysisConfig, RunAnalysis};
use batchscape_core::facts::{interpolation_pair, limits, loss_label, INTERPOLATION, SLICE};
use batchscape_core::lab::{plan_atlas, PlaneKind};
use batchscape_core::landscape::{interpolation, slice_along, Profile};
use batchscape_core::model::Workspace;
use batchscape_core::scenario::{RunReport, Scenario};
use batchscape_core::seeds::SeedStudy;
use batchscape_core::settings::Settings;
use batchscape_core::train::History;
use batchscape_render::slices::{draw_profiles, ProfileSeries, ProfilesView};
use batchscape_render::spec::LandscapeChart;
use batchscape_render::{self as render, Chart, CurvesView, Series, RUN_COLORS};
use std::path::PathBuf;

pub const ABOUT: &str = "Trains every batch size of the settings (defaults, then --config/--set in the order given) with the same core as the page and writes every view the page has: metrics.json, landscape.svg, surface.svg, curves.svg, slices.svg, interpolation.svg (two or more finished runs), dynamics_lambda.svg, dynamics_noise.svg, boundaries.svg (or confusion.svg, digits.svg and pca.svg for dataset=digits) and cost.md. Figures are SVG only (plotters' bitmap backend needs a font file for text, and none is shipped). Prints one line per run.";

/// A run or a scene, its settings read and checked.
pub struct Job {
    pub settings: Settings,
    pub dump: bool,
    pub out: PathBuf,
    pub scene: Option<&'static Scene>,
    /// Seeds for the scene's verdicts (0: none).
    pub seeds: usize,
}

/// An accuracy to four decimals, or "–" for a regression run (no accuracy).
fn accuracy(a: f64) -> String {
    if a.is_nan() {
        "–".into()
    } else {
        format!("{a:.4}")
    }
}

/// One trained run: its history, report (as metrics.json holds it), analysis and end point.
struct Done {
    history: History,
    value: serde_json::Value,
    report: RunReport,
    analysis: RunAnalysis,
    wall_ms: f64,
    theta: Vec<f32>,
}

fn train(scenario: &Scenario, settings: &Settings, dump: bool) -> Result<Vec<Done>, String> {
    let mut runs = Vec::new();
    for &b in &settings.batch {
        let mut trainer = scenario.trainer(b);
        let start = std::time::Instant::now();
        trainer.advance(usize::MAX);
        let wall_ms = start.elapsed().as_secs_f64() * 1e3;
        let report = RunReport::for_run(scenario, &trainer);
        // The analysis keys (docs/metrics.md): at the end point, or null if the run diverged.
        let h = trainer.history();
        let analysis = analyze(&scenario.mlp, &scenario.split.train, trainer.theta(), &h.theta, &h.step, &AnalysisConfig::default(), scenario.streams.dirs);
        say(format_args!(
            "B = {:>4}  η = {:<10} {:<9} steps {:>6}  train loss {:.6}  test loss {:.6}  train acc {}  test acc {}  grad_norm {:.4e}  θ {}  {:.0} ms",
            report.batch_size,
            report.lr,
            if report.diverged { "diverged" } else { "finished" },
            report.steps,
            report.final_train_loss,
            report.final_test_loss,
            accuracy(report.final_train_acc),
            accuracy(report.final_test_acc),
            analysis.grad_norm,
            report.theta_fingerprint,
            wall_ms
        ));
        if report.diverged || report.reached_target.is_some() {
            say(format_args!("          {}", report.message));
        }
        let mut value = json_of(&report)?;
        value["wall_ms"] = serde_json::json!(wall_ms);
        if let serde_json::Value::Object(fields) = json_of(&analysis)? {
            for (key, field) in fields {
                value[if key == "history" { "analysis_history".to_string() } else { key }] = field;
            }
        }
        if dump {
            value["theta_initial"] = json_of(&scenario.theta0)?;
            value["theta_final"] = json_of(&trainer.theta())?;
        }
        runs.push(Done { history: trainer.history().clone(), value, report, analysis, wall_ms, theta: trainer.theta().to_vec() });
    }
    Ok(runs)
}

pub fn run(job: Job) -> Result<(), String> {
    let settings = &job.settings;
    let scenario = Scenario::try_new(settings).map_err(|e| format!("settings: {e}"))?;
    let mut runs = train(&scenario, settings, job.dump)?;
    let mut files = Vec::new();

    let labels: Vec<(String, String)> = runs.iter().map(|r| (format!("train B={}", r.report.batch_size), format!("test B={}", r.report.batch_size))).collect();
    let mut series = Vec::new();
    for (k, (r, (l_train, l_test))) in runs.iter().zip(&labels).enumerate() {
        let h = &r.history;
        series.push(Series { label: l_train, xs: &h.epoch, ys: &h.train_loss, color: RUN_COLORS[k % 4], dashed: false });
        series.push(Series { label: l_test, xs: &h.epoch, ys: &h.test_loss, color: RUN_COLORS[k % 4], dashed: true });
    }
    let y_label = loss_label(scenario.mlp.loss);
    let curves = CurvesView { series, x_label: "epoch", y_label, log_y: false };
    files.push(("curves.svg".into(), render::to_svg(640, 400, |r| render::draw_curves(r, &curves))?));

    // The page's landscape: one shared plane (θ0 and the first two runs' end points) with every
    // run's path, on the settings' grid; the 3-D surface draws the same chart.
    let trajectories: Vec<Vec<Vec<f32>>> = runs.iter().map(|r| r.history.theta.clone()).collect();
    let mut atlas = plan_atlas(&scenario, PlaneKind::Endpoints, &trajectories, limits::clamp(settings.grid, limits::GRID_N));
    let mut ws = Workspace::new(&scenario.mlp, 256);
    atlas.grid.fill_rows(&scenario.mlp, &atlas.plane, &scenario.split.train, &mut ws, usize::MAX);
    let landscape = LandscapeChart::of_atlas(&atlas);
    files.push(("landscape.svg".into(), Chart::Landscape(landscape.clone()).to_svg(640, 540)?));
    files.push(views::surface(&landscape)?);

    let ends: Vec<Vec<f32>> = runs.iter().map(|r| r.theta.clone()).collect();
    let finished: Vec<usize> = runs.iter().enumerate().filter(|(_, r)| !r.report.diverged).map(|(k, _)| k).collect();
    let (profile_files, interpolation) = profile_figures(&scenario, &settings.batch, &ends, &finished, y_label)?;
    files.extend(profile_files);

    let view_runs: Vec<views::RunView> = runs
        .iter()
        .map(|r| views::RunView {
            batch: r.report.batch_size,
            lr: r.report.lr,
            steps: r.report.steps,
            diverged: r.report.diverged,
            wall_ms: r.wall_ms,
            final_test_acc: r.report.final_test_acc,
            final_test_loss: r.report.final_test_loss,
            theta: &r.theta,
            history_step: r.history.step.iter().map(|&s| f64::from(s)).collect(),
            train_loss: &r.history.train_loss,
            analysis: &r.analysis.history,
        })
        .collect();
    files.extend(views::dynamics(&view_runs)?);
    files.extend(views::boundaries(&scenario, &view_runs)?);
    let (cost_file, cost) = views::cost(&scenario, &view_runs)?;
    files.push(cost_file);
    drop(view_runs);

    let mut projection = None;
    if let Some(reports) = images::reports(&scenario, &ends) {
        files.extend(images::figures(&scenario, &settings.batch, &reports)?);
        for (run, report) in runs.iter_mut().zip(&reports) {
            run.value["test_confusion"] = json_of(report)?;
        }
        let p = images::projection(&scenario);
        projection = Some(serde_json::json!({ "explained": p.explained, "fingerprint": p.fingerprint }));
    }

    let mut metrics = serde_json::json!({
        "settings": settings.to_json(),
        "n_params": scenario.mlp.n_params(),
        "loss": json_of(&scenario.mlp.loss)?,
        "runs": runs.into_iter().map(|r| r.value).collect::<Vec<_>>(),
        "landscape": json_of(&landscape)?,
        "interpolation": interpolation,
        "cost": cost,
    });
    if let Some(p) = projection {
        metrics["pca"] = p;
    }
    if job.dump {
        let set = |d: &batchscape_core::data::Dataset| serde_json::json!({ "dim": d.dim, "x": d.x, "y": d.y });
        metrics["data"] = serde_json::json!({ "train": set(&scenario.split.train), "test": set(&scenario.split.test) });
    }
    if let Some(scene) = job.scene {
        metrics["scene"] = serde_json::json!({ "name": scene.name, "title": scene.title, "pairs": scene.pairs, "claims": scene.claims });
        if job.seeds > 0 {
            files.push(("seeds.json".into(), scene_seeds(scene, settings, job.seeds)?));
        }
    }
    let text = serde_json::to_string_pretty(&metrics).map_err(|e| e.to_string())?;
    files.push(("metrics.json".into(), text));
    write_all(&job.out, &files)
}

/// The seeds study of a scene's settings over `n` seeds: prints the scene's verdicts and
/// returns `seeds.json` (as `batchscape seeds` writes it, plus `scene_verdicts`: the verdicts
/// of the scene's claims only, in the scene's order).
fn scene_seeds(scene: &Scene, settings: &Settings, n: usize) -> Result<String, String> {
    let checked = settings.check().map_err(|e| format!("settings: {e}"))?;
    let mut study = SeedStudy::new(&checked, n);
    study.run();
    let all = study.verdicts();
    let mine: Vec<_> = scene.claims().into_iter().filter_map(|c| all.iter().find(|v| v.claim == c)).collect();
    say(format_args!("Scene {} over seeds {:?}:", scene.name, study.seeds()));
    for v in &mine {
        say(format_args!("- {}: holds in {} of {} seeds", v.statement, v.holds, v.of));
    }
    let mut json = crate::seeds::study_json(&study, settings);
    json["scene_verdicts"] = json_of(&mine)?;
    serde_json::to_string_pretty(&json).map_err(|e| e.to_string())
}

/// `slices.svg` (every run's end point, one shared direction, over [`SLICE`]) and, with two
/// or more finished runs, `interpolation.svg` between the pair [`interpolation_pair`] picks (the
/// page's pair, in the page's order) over [`INTERPOLATION`]; also that interpolation's numbers
/// for `metrics.json` (`null` without a pair). Diverged end points (non-finite θ) are left out.
fn profile_figures(
    scenario: &Scenario,
    batches: &[usize],
    ends: &[Vec<f32>],
    finished: &[usize],
    loss: &str,
) -> Result<(Vec<(String, String)>, serde_json::Value), String> {
    let finite = |t: &[f32]| t.iter().all(|v| v.is_finite());
    let mut ws = Workspace::new(&scenario.mlp, 256);
    let mut slices: Vec<(String, Profile, usize)> = Vec::new();
    for (k, (b, theta)) in batches.iter().zip(ends).enumerate().filter(|(_, (_, t))| finite(t)) {
        let (_, p) = slice_along(&scenario.mlp, &scenario.split, theta, scenario.streams.dirs, (SLICE.lo, SLICE.hi), SLICE.n, &mut ws);
        slices.push((format!("B={b}"), p, k));
    }
    let loss_label = format!("{loss}, log");
    let mut files = Vec::new();
    let view = ProfilesView {
        series: slices.iter().map(|(l, p, k)| ProfileSeries { label: l, profile: p, color: RUN_COLORS[k % 4] }).collect(),
        x_label: "α along a filter-normalized direction (0: the run's end)",
        loss_label: &loss_label,
    };
    files.push(("slices.svg".to_string(), render::to_svg(640, 560, |r| draw_profiles(r, &view).map(|_| ()))?));
    let finished: Vec<usize> = finished.iter().copied().filter(|&k| ends.get(k).is_some_and(|t| finite(t))).collect();
    let mut numbers = serde_json::Value::Null;
    if let Some((a, b)) = interpolation_pair(&finished) {
        let range = (INTERPOLATION.lo, INTERPOLATION.hi);
        let p = interpolation(&scenario.mlp, &scenario.split, &ends[a], &ends[b], range, INTERPOLATION.n, &mut ws);
        let label = format!("B={} → B={}", batches[a], batches[b]);
        let x_label = format!("α: (1−α)·θ(B={}) + α·θ(B={})", batches[a], batches[b]);
        let view = ProfilesView { series: vec![ProfileSeries { label: &label, profile: &p, color: RUN_COLORS[1] }], x_label: &x_label, loss_label: &loss_label };
        files.push(("interpolation.svg".to_string(), render::to_svg(640, 560, |r| draw_profiles(r, &view).map(|_| ()))?));
        numbers = serde_json::json!({ "a": a, "b": b, "batch_a": batches[a], "batch_b": batches[b], "profile": json_of(&p)? });
    }
    Ok((files, numbers))
}
