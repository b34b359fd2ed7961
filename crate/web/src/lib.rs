//! The only `#[wasm_bindgen]` code: an opaque training session (up to four runs) for the run
//! worker, an atlas session (shared landscape, analysis) for the analysis worker, and drawing
//! functions for the draw worker (on an `OffscreenCanvas`; they also accept a page `<canvas>`)
//! and the main thread's SVG exports. Data leaves as typed arrays (`Vec<f64>` / `Vec<f32>` become
//! `Float64Array` / `Float32Array`); lists of runs travel as concatenated arrays plus lengths.
//!
//! **Architecture Invariant:** no logic lives here that a native test cannot reach: every
//! method forwards to [`batchscape_core::scenario`], [`batchscape_core::train`], [`batchscape_core::lab`] or
//! [`batchscape_render`]. Nothing here panics on input: settings are parsed leniently (rejected
//! values are reported and replaced by defaults), slots are bounds-checked, drawing errors
//! return a `JsError`.

// The boundary exists only in the browser; natively this crate is empty (its logic is in the
// core and render crates, where native tests reach it).
#![cfg(target_arch = "wasm32")]

pub mod bench;
mod canvas;
mod measure;
mod sweep;
pub use sweep::{draw_sweep, svg_sweep, SweepSession};

use batchscape_core::lab::{plan_atlas, Atlas, PlaneKind};
use batchscape_core::landscape::Extent;
use batchscape_core::model::Workspace;
use batchscape_render::{self as render, Cells, CurvesView, LandscapeView, PathView, PlotFrame, Series, RUN_COLORS};
use batchscape_core::scenario::Scenario;
use batchscape_core::settings::Settings;
use batchscape_core::train::{Status, Trainer};
use plotters::prelude::*;
use canvas::{context_of, Canvas2d};
use measure::Measured;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, ImageData, OffscreenCanvas};

/// Runs per page.
pub const MAX_RUNS: usize = 4;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Runs when the module is instantiated (page and every worker): a panic — a bug, never bad
/// input — is written to the console with its message and place before the module aborts,
/// instead of leaving only "unreachable".
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| console_error(&format!("batchscape (wasm) panicked: {info}"))));
}

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

    /// The settings in effect as the JSON object the native tool's `--config` reads.
    pub fn settings_json(&self) -> String {
        serde_json::to_string_pretty(&self.scenario.settings.to_json()).unwrap_or_default()
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

    /// The input box decision maps cover: `[x_min, x_max, y_min, y_max]`.
    pub fn input_frame(&self) -> Vec<f64> {
        batchscape_core::boundary::frame_of(&self.scenario.split.train).into_iter().flat_map(|(a, b)| [a, b]).collect()
    }

    /// The training points a decision map shows (row-major `n × 2`; see
    /// [`batchscape_core::boundary::points_of`]) and, separately, their labels.
    pub fn train_points(&self) -> Vec<f32> {
        batchscape_core::boundary::points_of(&self.scenario.split.train)
    }

    pub fn train_labels(&self) -> Vec<f32> {
        self.scenario.split.train.y.clone()
    }

    /// Run `slot`'s predictions on an `n × n` grid over [`Session::input_frame`] (see
    /// [`batchscape_core::boundary::decision_map`]); empty without a run.
    pub fn decision_map(&self, slot: u32, n: u32) -> Vec<f32> {
        let Some(t) = self.run(slot) else { return vec![] };
        let frame = batchscape_core::boundary::frame_of(&self.scenario.split.train);
        batchscape_core::boundary::decision_map(&self.scenario.mlp, t.theta(), &frame, (n as usize).clamp(2, 201)).values
    }

    /// FNV-1a 32 of run `slot`'s current θ (compare with the native tool's `theta_fingerprint`).
    pub fn fingerprint(&self, slot: u32) -> String {
        self.run(slot).map(|t| format!("{:08x}", batchscape_core::rng::fnv1a_f32(t.theta()))).unwrap_or_default()
    }
}

/// The analysis side: trajectories of all runs in, one shared landscape out.
#[wasm_bindgen]
pub struct AtlasSession {
    scenario: Scenario,
    trajectories: Vec<Vec<Vec<f32>>>,
    /// The trainer's step count at each snapshot, per slot.
    steps: Vec<Vec<u32>>,
    atlas: Option<Atlas>,
    ws: Workspace<f32>,
}

#[wasm_bindgen]
impl AtlasSession {
    #[wasm_bindgen(constructor)]
    pub fn new(keys: Vec<String>, values: Vec<String>) -> AtlasSession {
        let (scenario, _) = scenario_from(&keys, &values);
        let ws = Workspace::new(&scenario.mlp, 256);
        AtlasSession { scenario, trajectories: vec![vec![]; MAX_RUNS], steps: vec![vec![]; MAX_RUNS], atlas: None, ws }
    }

    /// Replaces run `slot`'s trajectory with concatenated snapshots (as [`Session::snapshots`]).
    pub fn set_trajectory(&mut self, slot: u32, flat: &[f32]) {
        let p = self.scenario.mlp.n_params();
        if let Some(t) = self.trajectories.get_mut(slot as usize) {
            *t = flat.chunks_exact(p).map(<[f32]>::to_vec).collect();
        }
    }

    /// The step of each snapshot of run `slot` (as [`Session::history`]'s `step` column).
    pub fn set_steps(&mut self, slot: u32, steps: &[f64]) {
        if let Some(s) = self.steps.get_mut(slot as usize) {
            *s = steps.iter().map(|&x| x as u32).collect();
        }
    }

    fn end_of(&self, slot: u32) -> Option<&[f32]> {
        self.trajectories.get(slot as usize).and_then(|t| t.last()).map(Vec::as_slice)
    }

    /// The flat-vs-sharp and dynamics numbers of run `slot` at its last snapshot, as JSON
    /// ([`batchscape_core::analysis::RunAnalysis`]; NaN becomes null). Empty without a trajectory.
    pub fn diagnose(&self, slot: u32) -> String {
        let (Some(theta), Some(snaps), Some(steps)) = (self.end_of(slot), self.trajectories.get(slot as usize), self.steps.get(slot as usize)) else {
            return String::new();
        };
        let cfg = batchscape_core::analysis::AnalysisConfig::default();
        let a = batchscape_core::analysis::analyze(&self.scenario.mlp, &self.scenario.split.train, theta, snaps, steps, &cfg, self.scenario.streams.dirs);
        serde_json::to_string(&a).unwrap_or_default()
    }

    /// A 1-D slice through run `slot`'s end point along the scenario's filter-normalized
    /// direction (same seed for every run), α over `[lo, hi]` at `n` points:
    /// `[α…, train loss…, test loss…, train acc…, test acc…]` (5·n numbers).
    pub fn slice(&mut self, slot: u32, lo: f64, hi: f64, n: u32) -> Vec<f64> {
        let Some(theta) = self.end_of(slot).map(<[f32]>::to_vec) else { return vec![] };
        let n = (n as usize).clamp(2, 401);
        let (_, p) = batchscape_core::landscape::slice_along(&self.scenario.mlp, &self.scenario.split, &theta, self.scenario.streams.dirs, (lo, hi), n, &mut self.ws);
        flatten_profile(&p)
    }

    /// The linear interpolation from run `a`'s end (α = 0) to run `b`'s (α = 1) over `[lo, hi]`,
    /// in [`AtlasSession::slice`]'s format.
    pub fn interpolate(&mut self, a: u32, b: u32, lo: f64, hi: f64, n: u32) -> Vec<f64> {
        let (Some(ta), Some(tb)) = (self.end_of(a).map(<[f32]>::to_vec), self.end_of(b).map(<[f32]>::to_vec)) else { return vec![] };
        let n = (n as usize).clamp(2, 401);
        let p = batchscape_core::landscape::interpolation(&self.scenario.mlp, &self.scenario.split, &ta, &tb, (lo, hi), n, &mut self.ws);
        flatten_profile(&p)
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

fn flatten_profile(p: &batchscape_core::landscape::Profile) -> Vec<f64> {
    [&p.alpha, &p.train_loss, &p.test_loss, &p.train_acc, &p.test_acc].into_iter().flatten().copied().collect()
}

type CanvasArea = DrawingArea<Canvas2d, plotters::coord::Shift>;

const NO_CONTEXT: &str = "expected a <canvas> or an OffscreenCanvas with a 2-D context";

/// A drawing area on `canvas`, an `HTMLCanvasElement` or an `OffscreenCanvas`, with `scale`
/// device pixels per chart pixel (the page's `devicePixelRatio`; 1 for a plain canvas).
fn canvas_area(canvas: &JsValue, scale: f64) -> Result<CanvasArea, JsError> {
    Canvas2d::new(canvas, scale).map(IntoDrawingArea::into_drawing_area).ok_or_else(|| JsError::new(NO_CONTEXT))
}

/// An SVG document drawn by `draw` (plotters' SVG backend, text measured as on the canvas).
fn to_svg<R>(width: u32, height: u32, draw: impl FnOnce(&DrawingArea<Measured<SVGBackend>, plotters::coord::Shift>) -> Result<R, String>) -> Result<String, JsError> {
    let mut out = String::new();
    {
        let root = Measured { inner: SVGBackend::with_string(&mut out, (width, height)) }.into_drawing_area();
        draw(&root).map_err(|e| JsError::new(&e))?;
        root.present().map_err(|e| JsError::new(&format!("{e:?}")))?;
    }
    Ok(out)
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

fn present(root: CanvasArea, frame: Result<PlotFrame, String>) -> Result<Vec<f64>, JsError> {
    let frame = frame.map_err(|e| JsError::new(&e))?;
    root.present().map_err(|e| JsError::new(&format!("{e:?}")))?;
    Ok(frame.to_vec())
}

/// Builds the landscape view from the page's arrays and hands it to `f` (with n).
#[allow(clippy::too_many_arguments)]
fn with_landscape<R>(
    values: &[f32],
    extent: &[f64],
    paths: &[f64],
    lengths: &[u32],
    colors: &[u32],
    alpha_label: &str,
    beta_label: &str,
    f: impl FnOnce(&LandscapeView, usize) -> Result<R, JsError>,
) -> Result<R, JsError> {
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
    f(&view, n)
}

/// Draws a landscape with several paths (`paths` concatenated `[α, β, …]`, `lengths` points per
/// path, `colors` run-colour index per path). Returns the plot frame (see `PlotFrame::to_vec`).
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn draw_landscape(
    canvas: JsValue,
    scale: f64,
    values: &[f32],
    extent: &[f64],
    paths: &[f64],
    lengths: &[u32],
    colors: &[u32],
    alpha_label: &str,
    beta_label: &str,
) -> Result<Vec<f64>, JsError> {
    with_landscape(values, extent, paths, lengths, colors, alpha_label, beta_label, |view, n| {
        let root = canvas_area(&canvas, scale)?;
        clear(&canvas)?;
        let frame = render::draw_landscape_with(&root, view, Cells::Raster);
        let frame = present(root, frame)?;
        paint_beneath(&canvas, &render::landscape_rgba(view), n, &frame)?;
        Ok(frame)
    })
}

/// [`draw_landscape`] as an SVG document of `width × height` (plotters' SVG backend, the same
/// drawing code; cells as rectangles).
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn svg_landscape(
    width: u32,
    height: u32,
    values: &[f32],
    extent: &[f64],
    paths: &[f64],
    lengths: &[u32],
    colors: &[u32],
    alpha_label: &str,
    beta_label: &str,
) -> Result<String, JsError> {
    with_landscape(values, extent, paths, lengths, colors, alpha_label, beta_label, |view, _| {
        to_svg(width, height, |root| render::draw_landscape(root, view))
    })
}

fn context(canvas: &JsValue) -> Result<(CanvasRenderingContext2d, (u32, u32)), JsError> {
    context_of(canvas).ok_or_else(|| JsError::new(NO_CONTEXT))
}

fn js_err(e: JsValue) -> JsError {
    JsError::new(&format!("canvas: {e:?}"))
}

/// Makes the canvas transparent, for a drawing whose background is painted beneath afterwards.
fn clear(canvas: &JsValue) -> Result<(), JsError> {
    let (ctx, (w, h)) = context(canvas)?;
    ctx.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
    Ok(())
}

/// Paints an `n × n` RGBA heatmap (grid points at the plot's corners, so the image extends
/// half a cell beyond the plot area on each side and is clipped to it) *beneath* what is
/// already drawn, then a white background beneath everything: the raster counterpart of
/// drawing one rectangle per cell, at a small fraction of the cost.
fn paint_beneath(canvas: &JsValue, rgba: &[u8], n: usize, frame: &[f64]) -> Result<(), JsError> {
    let tile = OffscreenCanvas::new(n as u32, n as u32).map_err(js_err)?;
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), n as u32, n as u32).map_err(js_err)?;
    context(tile.unchecked_ref())?.0.put_image_data(&image, 0.0, 0.0).map_err(js_err)?;
    let (ctx, (width, height)) = context(canvas)?;
    let [x0, y0, x1, y1] = [frame[0], frame[1], frame[2], frame[3]];
    let (cw, ch) = ((x1 - x0) / (n - 1).max(1) as f64, (y1 - y0) / (n - 1).max(1) as f64);
    ctx.save();
    ctx.set_global_composite_operation("destination-over").map_err(js_err)?;
    ctx.set_image_smoothing_enabled(false);
    ctx.begin_path();
    ctx.rect(x0, y0, x1 - x0, y1 - y0);
    ctx.clip();
    ctx.draw_image_with_offscreen_canvas_and_dw_and_dh(&tile, x0 - cw / 2.0, y0 - ch / 2.0, x1 - x0 + cw, y1 - y0 + ch)
        .map_err(js_err)?;
    ctx.restore();
    ctx.save();
    ctx.set_global_composite_operation("destination-over").map_err(js_err)?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    ctx.restore();
    Ok(())
}

/// Builds a line chart from the page's arrays and hands it to `f`.
#[allow(clippy::too_many_arguments)]
fn with_lines<R>(
    xs: &[f64],
    ys: &[f64],
    lengths: &[u32],
    colors: &[u32],
    dashed: &[u8],
    labels: &[String],
    x_label: &str,
    y_label: &str,
    log_y: bool,
    f: impl FnOnce(&CurvesView) -> Result<R, JsError>,
) -> Result<R, JsError> {
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
    f(&CurvesView { series, x_label, y_label, log_y })
}

/// Draws line series: `xs`/`ys` concatenated, `lengths` per series, a run colour index, a dashed
/// flag and a label each (empty label: not in the legend). Returns the plot frame.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn draw_lines(
    canvas: JsValue,
    scale: f64,
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
    with_lines(xs, ys, lengths, colors, dashed, &labels, x_label, y_label, log_y, |view| {
        let root = canvas_area(&canvas, scale)?;
        let frame = render::draw_curves(&root, view);
        present(root, frame)
    })
}

/// [`draw_lines`] as an SVG document of `width × height`.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn svg_lines(
    width: u32,
    height: u32,
    xs: &[f64],
    ys: &[f64],
    lengths: &[u32],
    colors: &[u32],
    dashed: &[u8],
    labels: Vec<String>,
    x_label: &str,
    y_label: &str,
    log_y: bool,
) -> Result<String, JsError> {
    with_lines(xs, ys, lengths, colors, dashed, &labels, x_label, y_label, log_y, |view| {
        to_svg(width, height, |root| render::draw_curves(root, view))
    })
}

/// A decision map from the page's arrays: `values` is n × n (2-D input) or n (a 1-D regression
/// curve, the `true` case, drawn without a raster) over `frame` = `[x0, x1, y0, y1]`.
fn decision_map_from(values: Vec<f32>, frame: &[f64], points: &[f32], labels: &[f32]) -> Result<(batchscape_core::boundary::DecisionMap, bool), JsError> {
    if frame.len() < 4 || points.len() != 2 * labels.len() {
        return Err(JsError::new("decision map: sizes do not match"));
    }
    let side = (values.len() as f64).sqrt().round() as usize;
    let one_d = side * side != values.len();
    let n = if one_d { values.len() } else { side };
    Ok((batchscape_core::boundary::DecisionMap { n, x: (frame[0], frame[1]), y: (frame[2], frame[3]), values }, one_d))
}

/// Draws one run's decision map (`values` n × n over `frame` = `[x0, x1, y0, y1]`) with the
/// points (`points` n × 2, `labels` 0/1) on it; `run` picks the title colour.
#[wasm_bindgen]
pub fn draw_boundary(
    canvas: JsValue,
    scale: f64,
    values: Vec<f32>,
    frame: &[f64],
    points: &[f32],
    labels: &[f32],
    title: &str,
    run: u32,
) -> Result<(), JsError> {
    let (map, one_d) = decision_map_from(values, frame, points, labels)?;
    let n = map.n;
    let root = canvas_area(&canvas, scale)?;
    let view = render::BoundaryView { map: &map, points, labels, title, run: run as usize };
    if one_d {
        let frame = render::draw_boundary(&root, &view);
        return present(root, frame).map(|_| ());
    }
    clear(&canvas)?;
    let frame = render::draw_boundary_with(&root, &view, Cells::Raster);
    let frame = present(root, frame)?;
    paint_beneath(&canvas, &render::boundary_rgba(&map), n, &frame)
}

/// [`draw_boundary`] as an SVG document of `width × height`.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn svg_boundary(
    width: u32,
    height: u32,
    values: Vec<f32>,
    frame: &[f64],
    points: &[f32],
    labels: &[f32],
    title: &str,
    run: u32,
) -> Result<String, JsError> {
    let (map, _) = decision_map_from(values, frame, points, labels)?;
    let view = render::BoundaryView { map: &map, points, labels, title, run: run as usize };
    to_svg(width, height, |root| render::draw_boundary(root, &view))
}

/// Settings from a JSON object (the native tool's `--config` format, or `metrics.json`'s
/// `settings`) as `[key, value, key, value, …]` for the URL; an error names what was rejected.
#[wasm_bindgen]
pub fn pairs_from_settings_json(json: &str) -> Result<Vec<String>, JsError> {
    let mut settings = Settings::default();
    settings.apply_json(json).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(settings.to_pairs().into_iter().flat_map(|(k, v)| [k.to_string(), v]).collect())
}

/// The JSON object the native tool's `--config` reads, for settings given as parallel key and
/// value lists (rejected pairs keep their defaults, as in the page).
#[wasm_bindgen]
pub fn settings_json_from_pairs(keys: Vec<String>, values: Vec<String>) -> String {
    let (settings, _) = Settings::from_pairs_lenient(keys.iter().map(String::as_str).zip(values.iter().map(String::as_str)));
    serde_json::to_string_pretty(&settings.to_json()).unwrap_or_default()
}
