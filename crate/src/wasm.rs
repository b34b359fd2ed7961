//! The only `#[wasm_bindgen]` code: an opaque training session for the Web Worker and two
//! drawing functions for the main thread. Data leaves as typed arrays (`Vec<f64>` /
//! `Vec<f32>` become `Float64Array` / `Float32Array`).
//!
//! **Architecture Invariant:** no logic lives here that a native test cannot reach: every
//! method forwards to [`crate::scenario`], [`crate::train`], [`crate::landscape`] or
//! [`crate::render`]. Nothing here panics on input: settings are parsed leniently (rejected
//! values are reported and replaced by defaults) and drawing errors return a `JsError`.

use crate::model::Workspace;
use crate::render::{self, CurvesView, LandscapeView, PathView, Series, RUN_COLORS};
use crate::scenario::{Landscape, Scenario};
use crate::settings::Settings;
use crate::train::{Status, Trainer};
use crate::landscape::Extent;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// A scenario, its current run and its current landscape. Create one per settings change.
#[wasm_bindgen]
pub struct Session {
    scenario: Scenario,
    errors: Vec<String>,
    trainer: Option<Trainer>,
    landscape: Option<Landscape>,
    ws: Workspace<f32>,
}

#[wasm_bindgen]
impl Session {
    /// Settings from parallel lists of keys and values (e.g. a URL's query). Rejected pairs
    /// keep the default and are listed by [`Session::errors`].
    #[wasm_bindgen(constructor)]
    pub fn new(keys: Vec<String>, values: Vec<String>) -> Session {
        let (settings, errors) = Settings::from_pairs_lenient(keys.iter().map(String::as_str).zip(values.iter().map(String::as_str)));
        let scenario = Scenario::new(&settings);
        let ws = Workspace::new(&scenario.mlp, 256);
        Session { errors: errors.iter().map(ToString::to_string).collect(), scenario, trainer: None, landscape: None, ws }
    }

    /// One message per rejected setting.
    pub fn errors(&self) -> Vec<String> {
        self.errors.clone()
    }

    /// The settings in effect as `[key, value, key, value, …]`.
    pub fn settings(&self) -> Vec<String> {
        self.scenario.settings.to_pairs().into_iter().flat_map(|(k, v)| [k.to_string(), v]).collect()
    }

    /// Starts a run of batch size `batch` (clamped to 1 ..= N) from the shared θ0.
    pub fn start(&mut self, batch: u32) {
        self.trainer = Some(self.scenario.trainer(batch as usize));
        self.landscape = None;
    }

    /// Runs up to `max_steps` steps: 0 running, 1 finished, 2 diverged, 3 no run.
    pub fn advance(&mut self, max_steps: u32) -> u32 {
        match self.trainer.as_mut().map(|t| t.advance(max_steps as usize)) {
            Some(Status::Running) => 0,
            Some(Status::Finished) => 1,
            Some(Status::Diverged { .. }) => 2,
            None => 3,
        }
    }

    /// `[step, total steps, batch size, learning rate]` of the current run.
    pub fn progress(&self) -> Vec<f64> {
        match &self.trainer {
            Some(t) => vec![t.step() as f64, t.spec().steps as f64, t.spec().batch_size as f64, t.spec().lr],
            None => vec![],
        }
    }

    /// Why the run diverged, with a hint; empty unless it did.
    pub fn divergence(&self) -> String {
        match self.trainer.as_ref().map(Trainer::status) {
            Some(Status::Diverged { step, reason, hint }) => format!("diverged at step {step}: {reason}; {hint}"),
            _ => String::new(),
        }
    }

    /// History column by name: `step`, `epoch`, `train_loss`, `test_loss`, `train_acc`, `test_acc`.
    pub fn history(&self, column: &str) -> Vec<f64> {
        let Some(h) = self.trainer.as_ref().map(Trainer::history) else { return vec![] };
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

    /// FNV-1a 32 of the current θ (compare with the native tool's `theta_fingerprint`).
    pub fn fingerprint(&self) -> String {
        self.trainer.as_ref().map(|t| format!("{:08x}", crate::rng::fnv1a_f32(t.theta()))).unwrap_or_default()
    }

    /// Plans an `n × n` landscape through the run's start and its current point.
    pub fn plan_landscape(&mut self, n: u32) {
        self.landscape = self.trainer.as_ref().map(|t| self.scenario.plan_landscape(t.history(), t.theta(), (n as usize).clamp(2, 101)));
    }

    /// Fills up to `rows` more rows; returns whether the grid is complete.
    pub fn fill_landscape(&mut self, rows: u32) -> bool {
        match self.landscape.as_mut() {
            Some(land) => self.scenario.fill_landscape(land, &mut self.ws, rows as usize),
            None => true,
        }
    }

    /// The grid's values, `values[j·n + i]` at (αᵢ, βⱼ).
    pub fn landscape_values(&self) -> Vec<f32> {
        self.landscape.as_ref().map(|l| l.grid.values.clone()).unwrap_or_default()
    }

    /// `[n, α₀, α₁, β₀, β₁]`.
    pub fn landscape_extent(&self) -> Vec<f64> {
        self.landscape
            .as_ref()
            .map(|l| {
                let e = l.grid.extent;
                vec![l.grid.n as f64, e.alpha.0, e.alpha.1, e.beta.0, e.beta.1]
            })
            .unwrap_or_default()
    }

    /// The path's coordinates, `[α₀, β₀, α₁, β₁, …]`.
    pub fn landscape_path(&self) -> Vec<f64> {
        self.landscape.as_ref().map(|l| l.path.iter().flat_map(|&(a, b)| [a, b]).collect()).unwrap_or_default()
    }

    /// `[α label, β label]`.
    pub fn landscape_labels(&self) -> Vec<String> {
        self.landscape.as_ref().map(|l| vec![l.plane.alpha_label.clone(), l.plane.beta_label.clone()]).unwrap_or_default()
    }
}

fn canvas_area(canvas: HtmlCanvasElement) -> Result<DrawingArea<CanvasBackend, plotters::coord::Shift>, JsError> {
    CanvasBackend::with_canvas_object(canvas)
        .map(IntoDrawingArea::into_drawing_area)
        .ok_or_else(|| JsError::new("the canvas has no 2-D context"))
}

fn pairs(flat: &[f64]) -> Vec<(f64, f64)> {
    flat.chunks_exact(2).map(|c| (c[0], c[1])).collect()
}

/// Draws a landscape (as produced by [`Session`]) with one path in run colour `color`.
#[wasm_bindgen]
pub fn draw_landscape(
    canvas: HtmlCanvasElement,
    values: &[f32],
    extent: &[f64],
    path: &[f64],
    color: u32,
    alpha_label: &str,
    beta_label: &str,
) -> Result<(), JsError> {
    let [n, a0, a1, b0, b1] = extent else { return Err(JsError::new("extent must be [n, α0, α1, β0, β1]")) };
    let n = *n as usize;
    if n * n != values.len() {
        return Err(JsError::new("values must hold n × n numbers"));
    }
    let points = pairs(path);
    let view = LandscapeView {
        n,
        extent: Extent { alpha: (*a0, *a1), beta: (*b0, *b1) },
        values,
        paths: vec![PathView { points: &points, color: RUN_COLORS[color as usize % RUN_COLORS.len()] }],
        alpha_label,
        beta_label,
    };
    let root = canvas_area(canvas)?;
    render::draw_landscape(&root, &view).map_err(|e| JsError::new(&e))?;
    root.present().map_err(|e| JsError::new(&format!("{e:?}")))
}

/// Draws train (solid) and test (dashed) loss against `xs` in run colour `color`.
#[wasm_bindgen]
pub fn draw_curves(
    canvas: HtmlCanvasElement,
    xs: &[f64],
    train: &[f64],
    test: &[f64],
    color: u32,
    x_label: &str,
) -> Result<(), JsError> {
    let c = RUN_COLORS[color as usize % RUN_COLORS.len()];
    let view = CurvesView {
        series: vec![
            Series { label: "train loss", xs, ys: train, color: c, dashed: false },
            Series { label: "test loss", xs, ys: test, color: c, dashed: true },
        ],
        x_label,
        y_label: "loss (binary cross-entropy)",
    };
    let root = canvas_area(canvas)?;
    render::draw_curves(&root, &view).map_err(|e| JsError::new(&e))?;
    root.present().map_err(|e| JsError::new(&format!("{e:?}")))
}
