//! The only `#[wasm_bindgen]` code: an opaque training session (up to four runs) for the run
//! worker, an atlas session (shared landscape, analysis) for the analysis worker, and drawing
//! functions for the main thread. Data leaves as typed arrays (`Vec<f64>` / `Vec<f32>` become
//! `Float64Array` / `Float32Array`); lists of runs travel as concatenated arrays plus lengths.
//!
//! **Architecture Invariant:** no logic lives here that a native test cannot reach: every
//! method forwards to [`crate::scenario`], [`crate::train`], [`crate::lab`] or
//! [`crate::render`]. Nothing here panics on input: settings are parsed leniently (rejected
//! values are reported and replaced by defaults), slots are bounds-checked, drawing errors
//! return a `JsError`.

pub mod bench;

use crate::lab::{plan_atlas, Atlas, PlaneKind};
use crate::landscape::Extent;
use crate::model::Workspace;
use crate::render::{self, CurvesView, LandscapeView, PathView, PlotFrame, Series, RUN_COLORS};
use crate::scenario::Scenario;
use crate::settings::Settings;
use crate::train::{Status, Trainer};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// Runs per page.
pub const MAX_RUNS: usize = 4;

fn scenario_from(keys: &[String], values: &[String]) -> (Scenario, Vec<String>) {
    let (settings, errors) = Settings::from_pairs_lenient(keys.iter().map(String::as_str).zip(values.iter().map(String::as_str)));
    (Scenario::new(&settings), errors.iter().map(ToString::to_string).collect())
}

/// A scenario and up to [`MAX_RUNS`] runs of it, addressed by slot. Create one per settings change.
#[wasm_bindgen]
pub struct Session {
    scenario: Scenario,
    errors: Vec<String>,
    runs: Vec<Option<Trainer>>,
}

#[wasm_bindgen]
impl Session {
    /// Settings from parallel lists of keys and values (e.g. a URL's query). Rejected pairs
    /// keep the default and are listed by [`Session::errors`].
    #[wasm_bindgen(constructor)]
    pub fn new(keys: Vec<String>, values: Vec<String>) -> Session {
        let (scenario, errors) = scenario_from(&keys, &values);
        Session { scenario, errors, runs: (0..MAX_RUNS).map(|_| None).collect() }
    }

    /// One message per rejected setting.
    pub fn errors(&self) -> Vec<String> {
        self.errors.clone()
    }

    /// The settings in effect as `[key, value, key, value, …]`.
    pub fn settings(&self) -> Vec<String> {
        self.scenario.settings.to_pairs().into_iter().flat_map(|(k, v)| [k.to_string(), v]).collect()
    }

    /// Starts (or restarts) run `slot` with batch size `batch` (clamped to 1 ..= N) from θ0.
    pub fn start(&mut self, slot: u32, batch: u32) {
        if let Some(r) = self.runs.get_mut(slot as usize) {
            *r = Some(self.scenario.trainer(batch as usize));
        }
    }

    /// Forgets run `slot`.
    pub fn stop(&mut self, slot: u32) {
        if let Some(r) = self.runs.get_mut(slot as usize) {
            *r = None;
        }
    }

    fn run(&self, slot: u32) -> Option<&Trainer> {
        self.runs.get(slot as usize).and_then(Option::as_ref)
    }

    /// Runs up to `max_steps` steps of `slot`: 0 running, 1 finished, 2 diverged, 3 no run.
    pub fn advance(&mut self, slot: u32, max_steps: u32) -> u32 {
        match self.runs.get_mut(slot as usize).and_then(Option::as_mut).map(|t| t.advance(max_steps as usize)) {
            Some(Status::Running) => 0,
            Some(Status::Finished) => 1,
            Some(Status::Diverged { .. }) => 2,
            None => 3,
        }
    }

    /// `[step, total steps, batch size, learning rate, parameters]` of run `slot`.
    pub fn progress(&self, slot: u32) -> Vec<f64> {
        match self.run(slot) {
            Some(t) => vec![t.step() as f64, t.spec().steps as f64, t.spec().batch_size as f64, t.spec().lr, self.scenario.mlp.n_params() as f64],
            None => vec![],
        }
    }

    /// Why run `slot` diverged, with a hint; empty unless it did.
    pub fn divergence(&self, slot: u32) -> String {
        match self.run(slot).map(Trainer::status) {
            Some(Status::Diverged { step, reason, hint }) => format!("diverged at step {step}: {reason}; {hint}"),
            _ => String::new(),
        }
    }

    /// History column of run `slot`: `step`, `epoch`, `train_loss`, `test_loss`, `train_acc`, `test_acc`.
    pub fn history(&self, slot: u32, column: &str) -> Vec<f64> {
        let Some(h) = self.run(slot).map(Trainer::history) else { return vec![] };
        match column {
            "step" => h.step.iter().map(|&s| s as f64).collect(),
            "epoch" => h.epoch.clone(),
            "train_loss" => h.train_loss.clone(),
            "test_loss" => h.test_loss.clone(),
            "train_acc" => h.train_acc.clone(),
            "test_acc" => h.test_acc.clone(),
            _ => vec![],
        }
    }

    /// The θ snapshots of run `slot` recorded so far, concatenated (`n_snapshots × n_params`).
    pub fn snapshots(&self, slot: u32) -> Vec<f32> {
        self.run(slot).map(|t| t.history().theta.concat()).unwrap_or_default()
    }

    /// FNV-1a 32 of run `slot`'s current θ (compare with the native tool's `theta_fingerprint`).
    pub fn fingerprint(&self, slot: u32) -> String {
        self.run(slot).map(|t| format!("{:08x}", crate::rng::fnv1a_f32(t.theta()))).unwrap_or_default()
    }
}

/// The analysis side: trajectories of all runs in, one shared landscape out.
#[wasm_bindgen]
pub struct AtlasSession {
    scenario: Scenario,
    trajectories: Vec<Vec<Vec<f32>>>,
    atlas: Option<Atlas>,
    ws: Workspace<f32>,
}

#[wasm_bindgen]
impl AtlasSession {
    #[wasm_bindgen(constructor)]
    pub fn new(keys: Vec<String>, values: Vec<String>) -> AtlasSession {
        let (scenario, _) = scenario_from(&keys, &values);
        let ws = Workspace::new(&scenario.mlp, 256);
        AtlasSession { scenario, trajectories: vec![vec![]; MAX_RUNS], atlas: None, ws }
    }

    /// Replaces run `slot`'s trajectory with concatenated snapshots (as [`Session::snapshots`]).
    pub fn set_trajectory(&mut self, slot: u32, flat: &[f32]) {
        let p = self.scenario.mlp.n_params();
        if let Some(t) = self.trajectories.get_mut(slot as usize) {
            *t = flat.chunks_exact(p).map(<[f32]>::to_vec).collect();
        }
    }

    /// Plans the landscape of all trajectories on plane `kind` (`endpoints` or `random`) with an
    /// `n × n` grid; an unknown kind means `endpoints`.
    pub fn plan(&mut self, kind: &str, n: u32) {
        let kind = PlaneKind::parse(kind).unwrap_or(PlaneKind::Endpoints);
        self.atlas = Some(plan_atlas(&self.scenario, kind, &self.trajectories, (n as usize).clamp(2, 101)));
    }

    /// Fills up to `rows` more rows; returns whether the grid is complete.
    pub fn fill(&mut self, rows: u32) -> bool {
        match self.atlas.as_mut() {
            Some(a) => {
                a.grid.fill_rows(&self.scenario.mlp, &a.plane, &self.scenario.split.train, &mut self.ws, rows as usize);
                a.grid.is_done()
            }
            None => true,
        }
    }

    /// The grid's values, `values[j·n + i]` at (αᵢ, βⱼ).
    pub fn values(&self) -> Vec<f32> {
        self.atlas.as_ref().map(|a| a.grid.values.clone()).unwrap_or_default()
    }

    /// `[n, α₀, α₁, β₀, β₁]`.
    pub fn extent(&self) -> Vec<f64> {
        self.atlas
            .as_ref()
            .map(|a| {
                let e = a.grid.extent;
                vec![a.grid.n as f64, e.alpha.0, e.alpha.1, e.beta.0, e.beta.1]
            })
            .unwrap_or_default()
    }

    /// Every run's path, concatenated `[α, β, α, β, …]`; lengths (in points) by [`AtlasSession::path_lengths`].
    pub fn paths(&self) -> Vec<f64> {
        self.atlas.as_ref().map(|a| a.paths.iter().flatten().flat_map(|&(x, y)| [x, y]).collect()).unwrap_or_default()
    }

    pub fn path_lengths(&self) -> Vec<u32> {
        self.atlas.as_ref().map(|a| a.paths.iter().map(|p| p.len() as u32).collect()).unwrap_or_default()
    }

    /// `[α label, β label]`.
    pub fn labels(&self) -> Vec<String> {
        self.atlas.as_ref().map(|a| vec![a.plane.alpha_label.clone(), a.plane.beta_label.clone()]).unwrap_or_default()
    }
}

fn canvas_area(canvas: HtmlCanvasElement) -> Result<DrawingArea<CanvasBackend, plotters::coord::Shift>, JsError> {
    CanvasBackend::with_canvas_object(canvas)
        .map(IntoDrawingArea::into_drawing_area)
        .ok_or_else(|| JsError::new("the canvas has no 2-D context"))
}

/// Splits a concatenated array into pieces of the given lengths (in units of `width` numbers);
/// `None` if the lengths do not add up.
fn split_by<'a, T>(flat: &'a [T], lengths: &[u32], width: usize) -> Option<Vec<&'a [T]>> {
    let mut out = Vec::with_capacity(lengths.len());
    let mut at = 0usize;
    for &len in lengths {
        let end = at.checked_add(len as usize * width)?;
        out.push(flat.get(at..end)?);
        at = end;
    }
    (at == flat.len()).then_some(out)
}

/// Run colour `k` (0–3); any other index is the neutral reference colour (guides such as 2/η).
fn color(k: u32) -> RGBColor {
    RUN_COLORS.get(k as usize).copied().unwrap_or(render::REFERENCE_COLOR)
}

fn present(root: DrawingArea<CanvasBackend, plotters::coord::Shift>, frame: Result<PlotFrame, String>) -> Result<Vec<f64>, JsError> {
    let frame = frame.map_err(|e| JsError::new(&e))?;
    root.present().map_err(|e| JsError::new(&format!("{e:?}")))?;
    Ok(frame.to_vec())
}

/// Draws a landscape with several paths (`paths` concatenated `[α, β, …]`, `lengths` points per
/// path, `colors` run-colour index per path). Returns the plot frame (see `PlotFrame::to_vec`).
#[wasm_bindgen]
pub fn draw_landscape(
    canvas: HtmlCanvasElement,
    values: &[f32],
    extent: &[f64],
    paths: &[f64],
    lengths: &[u32],
    colors: &[u32],
    alpha_label: &str,
    beta_label: &str,
) -> Result<Vec<f64>, JsError> {
    let [n, a0, a1, b0, b1] = extent else { return Err(JsError::new("extent must be [n, α0, α1, β0, β1]")) };
    let n = *n as usize;
    if n * n != values.len() {
        return Err(JsError::new("values must hold n × n numbers"));
    }
    let pieces = split_by(paths, lengths, 2).ok_or_else(|| JsError::new("path lengths do not match the paths"))?;
    let points: Vec<Vec<(f64, f64)>> = pieces.iter().map(|p| p.chunks_exact(2).map(|c| (c[0], c[1])).collect()).collect();
    let view = LandscapeView {
        n,
        extent: Extent { alpha: (*a0, *a1), beta: (*b0, *b1) },
        values,
        paths: points.iter().zip(colors.iter().chain(std::iter::repeat(&0))).map(|(p, &c)| PathView { points: p, color: color(c) }).collect(),
        alpha_label,
        beta_label,
    };
    let root = canvas_area(canvas)?;
    let frame = render::draw_landscape(&root, &view);
    present(root, frame)
}

/// Draws line series: `xs`/`ys` concatenated, `lengths` per series, a run colour index, a dashed
/// flag and a label each (empty label: not in the legend). Returns the plot frame.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn draw_lines(
    canvas: HtmlCanvasElement,
    xs: &[f64],
    ys: &[f64],
    lengths: &[u32],
    colors: &[u32],
    dashed: &[u8],
    labels: Vec<String>,
    x_label: &str,
    y_label: &str,
    log_y: bool,
) -> Result<Vec<f64>, JsError> {
    let bad = || JsError::new("series lengths do not match the data");
    let xs = split_by(xs, lengths, 1).ok_or_else(bad)?;
    let ys = split_by(ys, lengths, 1).ok_or_else(bad)?;
    let series = (0..lengths.len())
        .map(|k| Series {
            label: labels.get(k).map(String::as_str).unwrap_or(""),
            xs: xs[k],
            ys: ys[k],
            color: color(colors.get(k).copied().unwrap_or(0)),
            dashed: dashed.get(k).copied().unwrap_or(0) != 0,
        })
        .collect();
    let root = canvas_area(canvas)?;
    let frame = render::draw_curves(&root, &CurvesView { series, x_label, y_label, log_y });
    present(root, frame)
}
