//! The run worker's boundary: [`Session`], a scenario and up to four runs of it by slot.

use crate::{lenient_settings, to_js};
use batchscape_core::boundary::{decision_map, frame_of, points_of};
use batchscape_core::facts::{limits, run_progress, scenario_facts};
use batchscape_core::images::{image_report, shown_images};
use batchscape_core::input_pca::test_projection;
use batchscape_core::scenario::Scenario;
use batchscape_core::slots::Slots;
use batchscape_core::train::{Status, Trainer};
use wasm_bindgen::prelude::*;

/// A scenario and its runs, addressed by slot. Create one per settings change.
#[wasm_bindgen]
pub struct Session {
    scenario: Scenario,
    errors: Vec<String>,
    runs: Slots<Trainer>,
}

#[wasm_bindgen]
impl Session {
    /// Settings from parallel lists of keys and values (e.g. a URL's query). Rejected pairs
    /// keep the default and are listed by [`Session::errors`].
    #[wasm_bindgen(constructor)]
    pub fn new(keys: Vec<String>, values: Vec<String>) -> Session {
        let (settings, errors) = lenient_settings(&keys, &values);
        Session { scenario: Scenario::new(&settings), errors, runs: Slots::new() }
    }

    /// One message per rejected setting.
    pub fn errors(&self) -> Vec<String> {
        self.errors.clone()
    }

    /// [`batchscape_core::work::Work`]: the work and memory these settings ask for (within the
    /// page's limits: `lenient_settings` in lib.rs applied them).
    pub fn work(&self) -> Result<JsValue, JsError> {
        to_js(&batchscape_core::work::estimate(&self.scenario.settings))
    }

    /// The settings in effect as the JSON object the native tool's `--config` reads.
    pub fn settings_json(&self) -> String {
        serde_json::to_string_pretty(&self.scenario.settings.to_json()).unwrap_or_default()
    }

    /// The settings in effect as `[[key, value], …]`.
    pub fn settings(&self) -> Result<JsValue, JsError> {
        to_js(&self.scenario.settings.to_pairs())
    }

    /// [`batchscape_core::facts::ScenarioFacts`]: batch-size stops, loss label, input width,
    /// analysis ranges…
    pub fn facts(&self) -> Result<JsValue, JsError> {
        to_js(&scenario_facts(&self.scenario))
    }

    /// The run palette as CSS colours, run slot by slot, then the reference colour: the page's
    /// swatches and hover marks take their colours from here (the render crate's
    /// [`batchscape_render::RUN_COLORS`]), so the palette is written once.
    pub fn palette(&self) -> Vec<String> {
        let hex = |c: &plotters::style::RGBColor| format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2);
        batchscape_render::RUN_COLORS.iter().chain([&batchscape_render::REFERENCE_COLOR]).map(hex).collect()
    }

    /// Starts (or restarts) run `slot` with batch size `batch` (clamped to 1 ..= N) from θ0.
    pub fn start(&mut self, slot: u32, batch: u32) {
        self.runs.set(slot as usize, self.scenario.trainer(batch as usize));
    }

    /// Forgets run `slot`.
    pub fn stop(&mut self, slot: u32) {
        self.runs.clear(slot as usize);
    }

    fn run(&self, slot: u32) -> Option<&Trainer> {
        self.runs.get(slot as usize)
    }

    /// Runs up to `max_steps` steps of `slot`: 0 running, 1 finished, 2 diverged, 3 no run.
    pub fn advance(&mut self, slot: u32, max_steps: u32) -> u32 {
        match self.runs.get_mut(slot as usize).map(|t| t.advance(max_steps as usize)) {
            Some(Status::Running) => 0,
            Some(Status::Finished) => 1,
            Some(Status::Diverged { .. }) => 2,
            None => 3,
        }
    }

    /// [`batchscape_core::facts::RunProgress`] of run `slot` (step, steps, batch, η, memory per
    /// step, divergence, fingerprint); `undefined` without a run.
    pub fn progress(&self, slot: u32) -> Result<JsValue, JsError> {
        match self.run(slot) {
            Some(t) => to_js(&run_progress(&self.scenario, t)),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// History column of run `slot`: `step`, `epoch`, `train_loss`, `test_loss`, `train_acc`, `test_acc`.
    ///
    /// Written straight into a new JS array, as [`Session::snapshots`]: no buffer in the wasm heap.
    pub fn history(&self, slot: u32, column: &str) -> js_sys::Float64Array {
        let Some(h) = self.run(slot).map(Trainer::history) else { return js_sys::Float64Array::new_with_length(0) };
        let values: &[f64] = match column {
            // Two JS calls, whatever the length: a copy into a Uint32Array, converted by the
            // Float64Array constructor (every u32 is exact in an f64).
            "step" => return js_sys::Float64Array::new(&js_sys::Uint32Array::from(&h.step[..])),
            "epoch" => &h.epoch,
            "train_loss" => &h.train_loss,
            "test_loss" => &h.test_loss,
            "train_acc" => &h.train_acc,
            "test_acc" => &h.test_acc,
            _ => &[],
        };
        js_sys::Float64Array::from(values)
    }

    /// The θ snapshots of run `slot` recorded so far, concatenated (`n_snapshots × n_params`).
    ///
    /// Copied snapshot by snapshot into a new JS array. Collecting them in a `Vec` first (as
    /// before) allocated a buffer in the wasm heap on every frame, a little larger each time,
    /// which a linear memory that never shrinks pays for in fragmentation: a CI soak saw the run
    /// worker's memory grow 4.38 → 5.44 MB with its live bytes flat (0.63 MB). The run worker's
    /// peak per soak part: 2.37–2.95 MB in one soak before, 2.07–2.36 MB in two after.
    pub fn snapshots(&self, slot: u32) -> js_sys::Float32Array {
        let Some(theta) = self.run(slot).map(|t| &t.history().theta) else { return js_sys::Float32Array::new_with_length(0) };
        let n = theta.first().map_or(0, Vec::len) as u32;
        let out = js_sys::Float32Array::new_with_length(theta.len() as u32 * n);
        for (k, th) in theta.iter().enumerate() {
            let k = k as u32;
            out.subarray(k * n, (k + 1) * n).copy_from(th);
        }
        out
    }

    /// The training points a decision map shows (row-major `n × 2`; see
    /// [`batchscape_core::boundary::points_of`]).
    pub fn train_points(&self) -> Vec<f32> {
        points_of(&self.scenario.split.train)
    }

    /// The training labels, one per point of [`Session::train_points`].
    pub fn train_labels(&self) -> Vec<f32> {
        self.scenario.split.train.y.clone()
    }

    /// Run `slot`'s [`batchscape_core::boundary::DecisionMap`] (its dimension, grid, box and
    /// values) on `n` points per axis (clamped to [`limits::BOUNDARY_N`]); `undefined` without a run.
    pub fn decision_map(&self, slot: u32, n: u32) -> Result<JsValue, JsError> {
        let Some(t) = self.run(slot) else { return Ok(JsValue::UNDEFINED) };
        let frame = frame_of(&self.scenario.split.train);
        to_js(&decision_map(&self.scenario.mlp, t.theta(), &frame, limits::clamp(n as usize, limits::BOUNDARY_N)))
    }

    /// Run `slot`'s [`batchscape_core::images::ImageReport`] on the test set (confusion matrix,
    /// most confused pairs, the shown images' predictions) when the data has no input plane
    /// (the digits); `undefined` otherwise or without a run.
    pub fn image_report(&self, slot: u32) -> Result<JsValue, JsError> {
        let Some(t) = self.run(slot) else { return Ok(JsValue::UNDEFINED) };
        if self.scenario.mlp.input_dim() <= 2 {
            return Ok(JsValue::UNDEFINED);
        }
        to_js(&image_report(&self.scenario.mlp, t.theta(), &self.scenario.split.test))
    }

    /// The test images the digit grid shows (row-major, `input_dim` values each; empty when
    /// the data has an input plane) — see [`batchscape_core::images::shown_images`].
    pub fn shown_images(&self) -> Vec<f32> {
        if self.scenario.mlp.input_dim() <= 2 {
            return Vec::new();
        }
        shown_images(&self.scenario.split.test).0
    }

    /// The test images on their first two principal components
    /// ([`batchscape_core::input_pca::Projection`]: coordinates, true labels, variance shares,
    /// fingerprint) when the data has no input plane; `undefined` otherwise. A property of the
    /// scenario, not of a run: computed once per settings change.
    pub fn test_projection(&self) -> Result<JsValue, JsError> {
        if self.scenario.mlp.input_dim() <= 2 {
            return Ok(JsValue::UNDEFINED);
        }
        to_js(&test_projection(&self.scenario.split.test))
    }

    /// The labels of [`Session::shown_images`].
    pub fn shown_labels(&self) -> Vec<f32> {
        if self.scenario.mlp.input_dim() <= 2 {
            return Vec::new();
        }
        shown_images(&self.scenario.split.test).1
    }
}
