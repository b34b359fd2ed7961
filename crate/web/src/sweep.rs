//! The sweep worker's boundary: [`SweepSession`], trained in slices. Every method forwards
//! to [`batchscape_core::sweep`]; nothing here panics on input. Its charts are ordinary
//! `sweep` charts ([`crate::draw::draw`]).

use crate::to_js;
use batchscape_core::sweep::{aggregate, diverged_counts, BandColumns, Metric, Sweep, SweepPlan};
use batchscape_core::laws::{analyze, LawAnalysis, LawCell, LawPlan, LawSweep, REGIME_FACTOR};
use batchscape_render::spec::{LrMapChart, TradeoffChart};
use batchscape_render::Chart;
use wasm_bindgen::prelude::*;

/// A sweep of the settings given (batch size over powers of two × seeds).
#[wasm_bindgen]
pub struct SweepSession {
    sweep: Sweep,
    errors: Vec<String>,
}


#[wasm_bindgen]
impl SweepSession {
    /// Settings from parallel lists of keys and values (parsed leniently and within the page's
    /// work limits, as the page's [`crate::run::Session`]: the sweep trains the runs the page
    /// shows), `seeds` seeds per batch size (clamped to 1 ..= 10).
    #[wasm_bindgen(constructor)]
    pub fn new(keys: Vec<String>, values: Vec<String>, seeds: u32) -> SweepSession {
        let (settings, errors) = crate::lenient_settings(&keys, &values);
        let plan = SweepPlan::new(&settings, seeds as usize);
        SweepSession { sweep: Sweep::new(&settings, plan), errors }
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

// BEGIN laws
/// One worker's share of a B × η law sweep ([`batchscape_core::laws`]): the cells
/// k ≡ `worker` (mod `n_workers`) of the plan of the settings given, trained in slices; and
/// the analysis and charts of any set of finished cells of that plan.
#[wasm_bindgen]
pub struct LawSession {
    sweep: Option<LawSweep>,
    plan: LawPlan,
    reported: usize,
    errors: Vec<String>,
}

#[wasm_bindgen]
impl LawSession {
    /// Settings from parallel lists of keys and values (parsed leniently); `lrs` the learning
    /// rates (empty: the default grid of the settings' η), `seeds` per cell (1 ..= 10).
    #[wasm_bindgen(constructor)]
    pub fn new(keys: Vec<String>, values: Vec<String>, lrs: Vec<f64>, seeds: u32, worker: u32, n_workers: u32) -> LawSession {
        let (settings, mut errors) = settings_without_batch(&keys, &values);
        let plan = LawPlan::new(settings.settings(), (!lrs.is_empty()).then_some(&lrs[..]), seeds as usize);
        let n = n_workers.max(1) as usize;
        let sweep = match plan.settings(settings.settings()) {
            Ok(shared) => Some(LawSweep::new(&shared, plan.clone(), (worker as usize % n..plan.n_cells()).step_by(n).collect())),
            Err(e) => {
                errors.push(e.to_string());
                None
            }
        };
        LawSession { sweep, plan, reported: 0, errors }
    }

    pub fn errors(&self) -> Vec<String> {
        self.errors.clone()
    }

    /// The [`LawPlan`]: `{batch_sizes, lrs, seeds, target_loss, max_steps}`.
    pub fn plan(&self) -> Result<JsValue, JsError> {
        to_js(&self.plan)
    }

    /// Trains up to `max_steps` steps (stopping early when a cell ends); returns the
    /// [`batchscape_core::laws::LawProgress`] of this worker's share.
    pub fn advance(&mut self, max_steps: u32) -> Result<JsValue, JsError> {
        match self.sweep.as_mut() {
            Some(s) => to_js(&s.advance(max_steps as usize)),
            None => to_js(&batchscape_core::laws::LawProgress { cells_done: 0, n_cells: 0, cell_step: 0, cell_steps: 0 }),
        }
    }

    /// The cells finished since the last call, as `[{index, cell}]` ([`LawCell`]).
    pub fn take_finished(&mut self) -> Result<JsValue, JsError> {
        let done = self.sweep.as_ref().map_or(&[][..], |s| s.done());
        let new: Vec<FinishedCell> = done[self.reported.min(done.len())..].iter().map(|(index, cell)| FinishedCell { index: *index, cell }).collect();
        self.reported = done.len();
        to_js(&new)
    }

    /// The analysis of `cells` (an array of [`LawCell`] objects of this plan) with its two
    /// charts: `{analysis, map, tradeoff}` ([`LawAnalysis`], `lr_map` and `tradeoff` charts).
    pub fn analyze(&self, cells: JsValue) -> Result<JsValue, JsError> {
        let cells: Vec<LawCell> = serde_wasm_bindgen::from_value(cells).map_err(|e| JsError::new(&format!("law cells: {e}")))?;
        let analysis = analyze(&self.plan, &cells);
        let map = Chart::LrMap(LrMapChart::of_sweep(&self.plan, &cells, &analysis));
        let tradeoff = Chart::Tradeoff(TradeoffChart::of_analysis(&analysis));
        to_js(&LawReport { analysis, map, tradeoff, regime_factor: REGIME_FACTOR })
    }
}

/// The page's settings with `batch` = 1: a law sweep picks its own batch sizes (and the
/// data-parallel check its own K·b), so the page's runs' batch sizes play no part.
fn settings_without_batch(keys: &[String], values: &[String]) -> (batchscape_core::settings::Checked, Vec<String>) {
    let (mut k, mut v): (Vec<String>, Vec<String>) = keys.iter().zip(values).filter(|(k, _)| k.as_str() != "batch").map(|(k, v)| (k.clone(), v.clone())).unzip();
    // The default batch sizes (16, 256) may exceed a small n_train: set one that never does.
    k.push("batch".into());
    v.push("1".into());
    crate::lenient_settings(&k, &v)
}

#[derive(serde::Serialize)]
struct FinishedCell<'a> {
    index: usize,
    cell: &'a LawCell,
}

#[derive(serde::Serialize)]
struct LawReport {
    analysis: LawAnalysis,
    map: Chart,
    tradeoff: Chart,
    regime_factor: f64,
}
/// K = `devices` simulated devices with `per_device` examples each against one device with
/// B = K·b, one step from θ0 of the settings given ([`batchscape_core::parallel::compare`]):
/// the difference, the effective batch, η of the rule and the time model.
#[wasm_bindgen]
pub fn data_parallel(keys: Vec<String>, values: Vec<String>, devices: u32, per_device: u32) -> Result<JsValue, JsError> {
    let (settings, _) = settings_without_batch(&keys, &values);
    let scenario = batchscape_core::scenario::Scenario::new(&settings);
    to_js(&batchscape_core::parallel::compare(&scenario, devices as usize, per_device as usize))
}
// END laws
