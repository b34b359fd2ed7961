//! The native tool: runs a scenario with the same core as the page and writes its metrics and
//! figures.
//!
//! ```text
//! batchscape run [--config FILE.json] [--set key=value]... [--dump] --out DIR
//! ```
//! Settings start from the defaults; `--config` and `--set` apply in the order given (the keys of
//! `docs/settings.md`). Writes `DIR/metrics.json` (`{"settings": {...}, "runs": [...]}`, one run
//! per batch size in `batch`; fields in `docs/metrics.md`), the page's pictures:
//! `DIR/landscape.svg` (the page's shared plane through θ0 and the first two runs' end points,
//! every run's path on it) and `DIR/curves.svg`, plus the analysis figures `DIR/slices.svg` (a
//! 1-D slice through every run's end point along one filter-normalized direction) and, with two
//! or more finished runs, `DIR/interpolation.svg` (the page's pair: from the first finished
//! run's end point, α = 0, to the second's, α = 1). For data without an input plane
//! (`dataset=digits`) also `DIR/confusion.svg` and `DIR/digits.svg` (see `images.rs`).
//! `--dump` adds the data sets and each run's initial and final θ to
//! `metrics.json`.
//!
//! Bad arguments exit with status 2 and a one-line message for each, naming the argument, before
//! anything is written (every bad `--set` and `--config` is reported, not only the first). The files are written into a fresh temporary directory next to `DIR` and then
//! renamed into place, so a failure while writing leaves no half-written output. The argument
//! grammar is five flags, so it is parsed by hand rather than with a parser crate.

use batchscape_core::analysis::{analyze, AnalysisConfig};
use batchscape_core::landscape::{interpolation, slice_along, Profile};
use batchscape_core::model::Workspace;
use batchscape_render::slices::{draw_profiles, ProfileSeries, ProfilesView};
use batchscape_core::facts::{interpolation_pair, limits, loss_label, INTERPOLATION, SLICE};
use batchscape_core::lab::{plan_atlas, PlaneKind};
use batchscape_render::spec::LandscapeChart;
use batchscape_render::{self as render, Chart, CurvesView, Series, RUN_COLORS};
use batchscape_core::scenario::{RunReport, Scenario};
use batchscape_core::settings::{Settings, KEYS};
use batchscape_core::train::History;
mod seeds;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod sweep;
mod images;

const USAGE: &str = "usage: batchscape run [--config FILE.json] [--set key=value]... [--dump] --out DIR";

struct Args {
    settings: Settings,
    out: PathBuf,
    dump: bool,
}

/// What the command line asked for: a run, or the help text.
enum Command {
    Run(Box<Args>),
    Help(String),
}

fn help() -> String {
    let keys: Vec<String> = KEYS.iter().map(|s| format!("  {:<13}{} ({})", s.key, s.help, s.kind.allowed())).collect();
    format!(
        "{USAGE}\n       {}\n       {}\n\n  --config FILE.json  settings as a JSON object (same keys as --set)\n  --set key=value     one setting (repeatable; applied in order)\n  --dump              add the data sets and each run's initial and final θ to metrics.json\n  --out DIR           output directory (created if missing)\n\nsettings (see docs/settings.md):\n{}\n\n`batchscape seeds --help`: a scene's claims over several seeds; `batchscape sweep --help`: the B × η sweep and the laws.",
        seeds::USAGE.trim_start_matches("usage: "),
        sweep::USAGE.trim_start_matches("usage: "),
        keys.join("\n")
    )
}

/// The command, or one message per bad argument (each one line, in the order given).
fn parse_args(argv: &[String]) -> Result<Command, Vec<String>> {
    let mut it = argv.iter();
    match it.next().map(String::as_str) {
        Some("run") => {}
        Some("--help" | "-h" | "help") => return Ok(Command::Help(help())),
        Some(other) => return Err(vec![format!("unknown command `{}`; {USAGE}", other.escape_debug())]),
        None => return Err(vec![USAGE.into()]),
    }
    let mut settings = Settings::default();
    let mut out = None;
    let mut dump = false;
    let mut errors = Vec::new();
    let mut truncated = false;
    while let Some(arg) = it.next() {
        let Some(value) = (match arg.as_str() {
            "--config" | "--set" | "--out" => it.next().cloned(),
            _ => Some(String::new()),
        }) else {
            // A flag without its value ends the arguments.
            errors.push(format!("`{arg}` needs a value; {USAGE}"));
            truncated = true;
            break;
        };
        let result = match arg.as_str() {
            "--config" | "--set" => apply_settings_flag(&mut settings, arg, &value),
            "--out" => {
                out = Some(PathBuf::from(value));
                Ok(())
            }
            "--dump" => {
                dump = true;
                Ok(())
            }
            "--help" | "-h" => return Ok(Command::Help(help())),
            other => Err(format!("unknown argument `{}`; {USAGE}", other.escape_debug())),
        };
        errors.extend(result.err());
    }
    // Cross-setting rules only make sense once every setting was read.
    if errors.is_empty() {
        errors.extend(settings.check().err().map(|e| format!("settings: {e}")));
    }
    match &out {
        None if !truncated => errors.push(format!("`--out DIR` is required; {USAGE}")),
        None => {}
        Some(out) if out.exists() && !out.is_dir() => errors.push(format!("--out {}: exists and is not a directory", out.display())),
        Some(_) => {}
    }
    match out {
        Some(out) if errors.is_empty() => Ok(Command::Run(Box::new(Args { settings, out, dump }))),
        _ => Err(errors),
    }
}

/// `--config FILE.json` or `--set key=value` applied to `settings` (shared by `run` and
/// `sweep`); the error is one line naming the argument.
fn apply_settings_flag(settings: &mut Settings, flag: &str, value: &str) -> Result<(), String> {
    if flag == "--config" {
        return std::fs::read_to_string(value)
            .map_err(|e| e.to_string())
            .and_then(|text| settings.apply_json(&text).map_err(|e| e.to_string()))
            .map_err(|e| format!("--config {value}: {e}"));
    }
    match value.split_once('=') {
        None => Err(format!("--set {}: expected key=value", value.escape_debug())),
        Some((k, v)) => settings.set(k, v).map_err(|e| format!("--set {}: {e}", value.escape_debug())),
    }
}

/// Writes every file into a new temporary directory beside `out`, then moves them into `out`:
/// a rename of the whole directory when `out` does not exist yet, file by file otherwise.
fn write_all(out: &Path, files: &[(String, String)]) -> Result<(), String> {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| format!("--out {}: {e}", out.display()))?;
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        std::fs::create_dir(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        for (file, text) in files {
            std::fs::write(tmp.join(file), text).map_err(|e| format!("writing {file}: {e}"))?;
        }
        if !out.exists() && std::fs::rename(&tmp, out).is_ok() {
            return Ok(());
        }
        std::fs::create_dir_all(out).map_err(|e| format!("--out {}: {e}", out.display()))?;
        for (file, _) in files {
            std::fs::rename(tmp.join(file), out.join(file)).map_err(|e| format!("moving {file}: {e}"))?;
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

/// An accuracy to four decimals, or "–" for a regression run (no accuracy).
fn accuracy(a: f64) -> String {
    if a.is_nan() {
        "–".into()
    } else {
        format!("{a:.4}")
    }
}

/// One line to stdout; a closed pipe (`batchscape … | head`) is not an error.
fn say(line: std::fmt::Arguments) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// Numbers as JSON (NaN and ∞, e.g. in a diverged θ, become null).
fn json_of<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, String> {
    serde_json::to_value(value).map_err(|e| e.to_string())
}

fn run(args: Args) -> Result<(), String> {
    let scenario = Scenario::try_new(&args.settings).map_err(|e| format!("settings: {e}"))?;
    let mut runs: Vec<(History, serde_json::Value)> = Vec::new();
    let mut ends: Vec<Vec<f32>> = Vec::new();
    let mut files = Vec::new();
    for &b in &args.settings.batch {
        let mut trainer = scenario.trainer(b);
        let start = std::time::Instant::now();
        trainer.advance(usize::MAX);
        let wall_ms = start.elapsed().as_secs_f64() * 1e3;
        let report = RunReport::for_run(&scenario, &trainer);
        // The analysis keys (docs/metrics.md): at the end point, or null if the run diverged.
        let h = trainer.history();
        let cfg = AnalysisConfig::default();
        let analysis = analyze(&scenario.mlp, &scenario.split.train, trainer.theta(), &h.theta, &h.step, &cfg, scenario.streams.dirs);
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
        ends.push(trainer.theta().to_vec());
        if args.dump {
            value["theta_initial"] = json_of(&scenario.theta0)?;
            value["theta_final"] = json_of(&trainer.theta())?;
        }
        runs.push((trainer.history().clone(), value));
    }
    let labels: Vec<(String, String)> =
        runs.iter().map(|(_, r)| (format!("train B={}", r["batch_size"]), format!("test B={}", r["batch_size"]))).collect();
    let mut series = Vec::new();
    for (k, ((h, _), (l_train, l_test))) in runs.iter().zip(&labels).enumerate() {
        series.push(Series { label: l_train, xs: &h.epoch, ys: &h.train_loss, color: RUN_COLORS[k % 4], dashed: false });
        series.push(Series { label: l_test, xs: &h.epoch, ys: &h.test_loss, color: RUN_COLORS[k % 4], dashed: true });
    }
    let y_label = loss_label(scenario.mlp.loss);
    let curves = CurvesView { series, x_label: "epoch", y_label, log_y: false };
    files.push(("curves.svg".into(), render::to_svg(640, 400, |r| render::draw_curves(r, &curves))?));
    // The page's landscape: one shared plane (θ0 and the first two runs' end points) with every
    // run's path, on the settings' grid.
    let trajectories: Vec<Vec<Vec<f32>>> = runs.iter().map(|(h, _)| h.theta.clone()).collect();
    let mut atlas = plan_atlas(&scenario, PlaneKind::Endpoints, &trajectories, limits::clamp(args.settings.grid, limits::GRID_N));
    let mut ws = Workspace::new(&scenario.mlp, 256);
    atlas.grid.fill_rows(&scenario.mlp, &atlas.plane, &scenario.split.train, &mut ws, usize::MAX);
    let landscape = LandscapeChart::of_atlas(&atlas);
    files.push(("landscape.svg".into(), Chart::Landscape(landscape.clone()).to_svg(640, 540)?));
    let finished: Vec<usize> = runs.iter().enumerate().filter(|(_, (_, r))| r["diverged"] != true).map(|(k, _)| k).collect();
    let (profile_files, interpolation) = profile_figures(&scenario, &args.settings.batch, &ends, &finished, y_label)?;
    files.extend(profile_files);
    if let Some(reports) = images::reports(&scenario, &ends) {
        files.extend(images::figures(&scenario, &args.settings.batch, &reports)?);
        for ((_, run), report) in runs.iter_mut().zip(&reports) {
            run["test_confusion"] = json_of(report)?;
        }
    }

    let mut metrics = serde_json::json!({
        "settings": args.settings.to_json(),
        "n_params": scenario.mlp.n_params(),
        "loss": json_of(&scenario.mlp.loss)?,
        "runs": runs.into_iter().map(|(_, r)| r).collect::<Vec<_>>(),
        "landscape": json_of(&landscape)?,
        "interpolation": interpolation,
    });
    if args.dump {
        let set = |d: &batchscape_core::data::Dataset| serde_json::json!({ "dim": d.dim, "x": d.x, "y": d.y });
        metrics["data"] = serde_json::json!({ "train": set(&scenario.split.train), "test": set(&scenario.split.test) });
    }
    let text = serde_json::to_string_pretty(&metrics).map_err(|e| e.to_string())?;
    files.push(("metrics.json".into(), text));
    write_all(&args.out, &files)
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

/// `batchscape seeds …` (crate/cli/src/seeds.rs).
fn seeds_main(argv: &[String]) -> ExitCode {
    match seeds::parse(argv) {
        Ok(None) => {
            say(format_args!("{}", seeds::help()));
            ExitCode::SUCCESS
        }
        Ok(Some(args)) => match seeds::run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(msg) => {
                eprintln!("batchscape: {msg}");
                ExitCode::from(1)
            }
        },
        Err(messages) => {
            messages.iter().for_each(|m| eprintln!("batchscape: {m}"));
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("seeds") {
        return seeds_main(&argv[1..]);
    }
    if argv.first().map(String::as_str) == Some("sweep") {
        return sweep::main(&argv[1..]);
    }
    let args = match parse_args(&argv) {
        Ok(Command::Run(a)) => *a,
        Ok(Command::Help(text)) => {
            say(format_args!("{text}"));
            return ExitCode::SUCCESS;
        }
        Err(messages) => {
            for msg in messages {
                eprintln!("batchscape: {msg}");
            }
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("batchscape: {msg}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    fn errors(line: &str) -> Vec<String> {
        match parse_args(&args(line)) {
            Err(e) => e,
            Ok(_) => panic!("`{line}` must be rejected"),
        }
    }

    #[test]
    fn bad_arguments_are_one_line_errors_naming_the_argument() {
        for (line, names) in [
            ("run --set lr=1e999 --out o", "--set lr=1e999"),
            ("run --set batch=1,2,3,4,5 --out o", "--set batch=1,2,3,4,5"),
            ("run --set act=<script> --out o", "--set act=<script>"),
            ("run --set colour=red --out o", "unknown setting `colour`"),
            ("run --set lr --out o", "--set lr: expected key=value"),
            ("run --set n_train=64 --set batch=128 --out o", "`batch` = \"128\""),
            ("run --config /no/such/file.json --out o", "--config /no/such/file.json"),
            ("run --out", "`--out` needs a value"),
            ("run --set lr=0.1", "`--out DIR` is required"),
            ("run --frobnicate --out o", "unknown argument `--frobnicate`"),
            ("walk", "unknown command `walk`"),
        ] {
            let e = errors(line);
            assert_eq!(e.len(), 1, "`{line}` gave {e:?}");
            assert!(e[0].contains(names), "`{line}` gave {e:?}");
            assert!(!e[0].contains('\n'), "`{line}` gave more than one line: {e:?}");
        }
    }

    #[test]
    fn every_bad_argument_is_reported_once_in_order() {
        let e = errors("run --set lr=1e999 --set act=<script> --set batch=8 --frobnicate --set colour=red");
        assert_eq!(e.len(), 5, "{e:?}");
        for (msg, names) in e.iter().zip(["--set lr=1e999", "--set act=<script>", "unknown argument `--frobnicate`", "unknown setting `colour`", "`--out DIR` is required"]) {
            assert!(msg.contains(names), "{msg:?} should name {names:?}");
        }
    }

    #[test]
    fn settings_flags_apply_in_order_and_help_is_not_an_error() {
        match parse_args(&args("run --set lr=0.3 --set lr=0.4 --set batch=8 --dump --out o")) {
            Ok(Command::Run(a)) => {
                assert_eq!((a.settings.lr, a.settings.batch.clone(), a.dump), (0.4, vec![8], true));
                assert_eq!(a.out, PathBuf::from("o"));
            }
            _ => panic!("valid arguments"),
        }
        assert!(matches!(parse_args(&args("run --help")), Ok(Command::Help(text)) if text.contains("label_noise") && text.contains("batchscape seeds [--config")));
        match parse_args(&args("run --set budget=loss --set target_loss=0.3 --set max_steps=500 --out o")) {
            Ok(Command::Run(a)) => assert_eq!((a.settings.target_for_runs(), a.settings.steps_for(8)), (Some(0.3), 500)),
            _ => panic!("budget=loss arguments are valid"),
        }
        assert!(errors("run --set budget=loss --set target_loss=0 --out o")[0].contains("`target_loss` = \"0\""));
    }

    #[test]
    fn output_files_appear_together_and_no_temporary_directory_is_left() {
        let base = std::env::temp_dir().join(format!("batchscape-cli-test-{}", std::process::id()));
        let out = base.join("new");
        let files = vec![("a.txt".to_string(), "1".to_string()), ("b.txt".to_string(), "2".to_string())];
        write_all(&out, &files).unwrap();
        write_all(&out, &[("a.txt".to_string(), "3".to_string())]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "3");
        assert_eq!(std::fs::read_to_string(out.join("b.txt")).unwrap(), "2");
        let names: Vec<String> = std::fs::read_dir(&base).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(names, vec!["new".to_string()]);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
