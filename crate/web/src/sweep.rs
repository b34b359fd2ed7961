//! The sweep worker's boundary: [`SweepSession`], trained in slices. Every method forwards
//! to [`batchscape_core::sweep`]; nothing here panics on input. Its charts are ordinary
//! `sweep` charts ([`crate::draw::draw`]).

use batchscape_core::settings::Settings;
use batchscape_core::sweep::{aggregate, diverged_counts, Metric, Sweep, SweepPlan, SweepProgress};
use wasm_bindgen::prelude::*;

/// A sweep of the settings given (batch size over powers of two × seeds).
#[wasm_bindgen]
pub struct SweepSession {
    sweep: Sweep,
    errors: Vec<String>,
}

fn progress_vec(p: SweepProgress) -> Vec<f64> {
    vec![p.cells_done as f64, p.n_cells as f64, p.cell_step as f64, p.cell_steps as f64]
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
    pub fn advance(&mut self, max_steps: u32) -> Vec<f64> {
        progress_vec(self.sweep.advance(max_steps as usize))
    }

    /// `[runs done, runs in all, step of the run in progress, its planned steps]`.
    pub fn progress(&self) -> Vec<f64> {
        progress_vec(self.sweep.progress())
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
    /// `lambda_max`, `steps_to_target`) per batch size over the runs finished so far:
    /// `[mean…, min…, max…, count…]` (4 × batch sizes); empty for an unknown metric.
    pub fn band(&self, metric: &str) -> Vec<f64> {
        let Some(m) = Metric::parse(metric) else { return vec![] };
        let bands = aggregate(self.sweep.plan(), self.sweep.cells(), m);
        let col = |f: fn(&batchscape_core::sweep::Band) -> f64| bands.iter().map(f).collect::<Vec<f64>>();
        [col(|b| b.mean), col(|b| b.min), col(|b| b.max), col(|b| b.n as f64)].concat()
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
