//! The sweep worker's boundary: [`SweepSession`], trained in slices. Every method forwards
//! to [`batchscape_core::sweep`]; nothing here panics on input. Its charts are ordinary
//! `sweep` charts ([`crate::draw::draw`]).

use batchscape_core::settings::Settings;
use crate::to_js;
use batchscape_core::sweep::{aggregate, diverged_counts, BandColumns, Metric, Sweep, SweepPlan};
use wasm_bindgen::prelude::*;

/// A sweep of the settings given (batch size over powers of two × seeds).
#[wasm_bindgen]
pub struct SweepSession {
    sweep: Sweep,
    errors: Vec<String>,
}


#[wasm_bindgen]
impl SweepSession {
    /// Settings from parallel lists of keys and values (parsed leniently, as the page's
    /// [`crate::run::Session`]), `seeds` seeds per batch size (clamped to 1 ..= 10).
    #[wasm_bindgen(constructor)]
    pub fn new(keys: Vec<String>, values: Vec<String>, seeds: u32) -> SweepSession {
        let (settings, errors) = Settings::from_pairs_lenient(keys.iter().map(String::as_str).zip(values.iter().map(String::as_str)));
        let plan = SweepPlan::new(&settings, seeds as usize);
        SweepSession { sweep: Sweep::new(&settings, plan), errors: errors.iter().map(ToString::to_string).collect() }
    }

    /// One message per rejected setting.
    pub fn errors(&self) -> Vec<String> {
        self.errors.clone()
    }

    /// Trains up to `max_steps` steps (stopping early when a run ends); returns
    /// [`SweepSession::progress`].
    pub fn advance(&mut self, max_steps: u32) -> Result<JsValue, JsError> {
        to_js(&self.sweep.advance(max_steps as usize))
    }

    /// [`batchscape_core::sweep::SweepProgress`]: `{cells_done, n_cells, cell_step, cell_steps}` (runs done, runs in
    /// all, step of the run in progress and its planned steps).
    pub fn progress(&self) -> Result<JsValue, JsError> {
        to_js(&self.sweep.progress())
    }

    pub fn batch_sizes(&self) -> Vec<f64> {
        self.sweep.plan().batch_sizes.iter().map(|&b| b as f64).collect()
    }

    pub fn seeds(&self) -> Vec<f64> {
        self.sweep.plan().seeds.iter().map(|&s| s as f64).collect()
    }

    /// Each run's target training loss as a fraction of its initial one.
    pub fn target_fraction(&self) -> f64 {
        self.sweep.plan().target_fraction
    }

    /// The bands of `metric` (`test_acc`, `train_acc`, `test_loss`, `train_loss`, `gap`,
    /// `lambda_max`, `steps_to_target`) per batch size over the runs finished so far, as
    /// [`BandColumns`] (`{mean, min, max, count}`); `undefined` for an unknown metric.
    pub fn band(&self, metric: &str) -> Result<JsValue, JsError> {
        let Some(m) = Metric::parse(metric) else { return Ok(JsValue::UNDEFINED) };
        to_js(&BandColumns::of(&aggregate(self.sweep.plan(), self.sweep.cells(), m)))
    }

    /// Diverged runs per batch size.
    pub fn diverged(&self) -> Vec<f64> {
        diverged_counts(self.sweep.plan(), self.sweep.cells()).into_iter().map(|n| n as f64).collect()
    }

    /// `metric` of every finished run, in run order (seed by seed, B ascending).
    pub fn cells(&self, metric: &str) -> Vec<f64> {
        let Some(m) = Metric::parse(metric) else { return vec![] };
        self.sweep.cells().iter().map(|c| m.of(c)).collect()
    }
}
