//! The sweep workers' boundary: [`SweepSession`], one worker's part of a batch-size × seed
//! sweep, trained a cell at a time in slices, and the bands of any set of finished cells. Every
//! method forwards to [`batchscape_core::sweep`]; nothing here panics on input. Its charts are
//! ordinary `sweep` charts ([`crate::draw::draw`]).
//!
//! **Cells over a pool.** A cell (B, seed) is a function of the settings, its batch size and its
//! seed (the core's [`Sweep`] builds each seed's scenario from the settings alone), so the page
//! hands the cells to a pool of workers in any order and each trains them as one-cell sweeps of
//! the same settings: the same numbers bit for bit whatever the number of workers. The bands
//! sum the cells in plan order (sorted by index here), so they do not depend on which worker
//! finished first either.

use crate::to_js;
use batchscape_core::settings::Checked;
use batchscape_core::sweep::{aggregate, diverged_counts, BandColumns, CellResult, Metric, Sweep, SweepPlan};
use batchscape_core::laws::{analyze, LawAnalysis, LawCell, LawPlan, LawSweep, REGIME_FACTOR};
use batchscape_render::spec::{LrMapChart, TradeoffChart};
use batchscape_render::Chart;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// One worker's part of a sweep of the settings given (batch size over powers of two × seeds):
/// the cells it is handed ([`SweepSession::start`]), one at a time.
#[wasm_bindgen]
pub struct SweepSession {
    settings: Checked,
    plan: SweepPlan,
    /// The cell in progress: its index in the plan and its one-cell sweep.
    cell: Option<(usize, Sweep)>,
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
        SweepSession { settings, plan, cell: None, errors }
    }

    /// One message per rejected setting.
    pub fn errors(&self) -> Vec<String> {
        self.errors.clone()
    }

    /// Cells in the plan (batch sizes × seeds; cell k is batch size k mod n_B of seed k div n_B).
    pub fn n_cells(&self) -> u32 {
        self.plan.n_cells() as u32
    }

    /// Starts cell `index` (replacing any cell in progress); false for an index beyond the plan.
    pub fn start(&mut self, index: u32) -> bool {
        let k = index as usize;
        if k >= self.plan.n_cells() {
            return false;
        }
        let (b, s) = self.plan.cell(k);
        let one = SweepPlan { batch_sizes: vec![self.plan.batch_sizes[b]], seeds: vec![self.plan.seeds[s]], target_fraction: self.plan.target_fraction };
        self.cell = Some((k, Sweep::new(&self.settings, one)));
        true
    }

    /// Trains the cell in progress up to `max_steps` steps (stopping early when it ends);
    /// returns its [`batchscape_core::sweep::SweepProgress`] (`cells_done` 1 once it ended;
    /// `{0, 0, 0, 0}` without a cell).
    pub fn advance(&mut self, max_steps: u32) -> Result<JsValue, JsError> {
        match self.cell.as_mut() {
            Some((_, sweep)) => to_js(&sweep.advance(max_steps as usize)),
            None => to_js(&batchscape_core::sweep::SweepProgress { cells_done: 0, n_cells: 0, cell_step: 0, cell_steps: 0 }),
        }
    }

    /// The cell in progress once it has ended, as `{index, cell}` ([`CellResult`]), and the
    /// session is free for the next; `undefined` while it trains or without a cell.
    pub fn take(&mut self) -> Result<JsValue, JsError> {
        let Some((index, sweep)) = self.cell.as_ref() else { return Ok(JsValue::UNDEFINED) };
        let Some(cell) = sweep.cells().first() else { return Ok(JsValue::UNDEFINED) };
        let out = to_js(&FinishedSweepCell { index: *index, cell })?;
        self.cell = None;
        Ok(out)
    }

    pub fn batch_sizes(&self) -> Vec<f64> {
        self.plan.batch_sizes.iter().map(|&b| b as f64).collect()
    }

    pub fn seeds(&self) -> Vec<f64> {
        self.plan.seeds.iter().map(|&s| s as f64).collect()
    }

    /// Each run's target training loss as a fraction of its initial one.
    pub fn target_fraction(&self) -> f64 {
        self.plan.target_fraction
    }

    /// The bands of the finished cells given (an array of `{index, cell}` as [`SweepSession::take`]
    /// returns them, in any order; a repeated index counts once): `{bands, diverged, finished}`:
    /// per metric (`test_acc`, `train_acc`, `test_loss`, `train_loss`, `gap`, `lambda_max`,
    /// `steps_to_target`) its [`BandColumns`] per batch size, and per batch size the diverged and
    /// the finished cells.
    pub fn bands(&self, cells: JsValue) -> Result<JsValue, JsError> {
        let given: Vec<FinishedIn> = serde_wasm_bindgen::from_value(cells).map_err(|e| JsError::new(&format!("sweep cells: {e}")))?;
        let by_index: BTreeMap<usize, CellResult> = given.into_iter().filter(|c| c.index < self.plan.n_cells()).map(|c| (c.index, c.cell)).collect();
        let cells: Vec<CellResult> = by_index.into_values().collect();
        to_js(&sweep_bands(&self.plan, &cells))
    }
}

/// The bands of `cells` (finished cells of `plan`, in plan order).
fn sweep_bands(plan: &SweepPlan, cells: &[CellResult]) -> SweepBands {
    let bands = Metric::ALL.iter().map(|&m| (m.name(), BandColumns::of(&aggregate(plan, cells, m)))).collect();
    let finished = plan.batch_sizes.iter().map(|&b| cells.iter().filter(|c| c.batch_size == b).count()).collect();
    SweepBands { bands, diverged: diverged_counts(plan, cells), finished }
}

#[derive(serde::Serialize)]
struct SweepBands {
    bands: BTreeMap<&'static str, BandColumns>,
    diverged: Vec<usize>,
    finished: Vec<usize>,
}

#[derive(serde::Serialize)]
struct FinishedSweepCell<'a> {
    index: usize,
    cell: &'a CellResult,
}

/// A finished cell coming back from the page. The core's [`CellResult`] is only `Serialize`;
/// serde's remote derive reads it field by field, and the compiler checks that this list is
/// the core's (a missing or renamed field does not build).
#[derive(serde::Deserialize)]
struct FinishedIn {
    index: usize,
    #[serde(with = "CellResultDef")]
    cell: CellResult,
}

#[derive(serde::Deserialize)]
#[serde(remote = "CellResult")]
struct CellResultDef {
    batch_size: usize,
    seed: u32,
    steps: usize,
    final_train_loss: f64,
    final_test_loss: f64,
    final_train_acc: f64,
    final_test_acc: f64,
    target_loss: f64,
    steps_to_target: f64,
    lambda_max: f64,
    diverged: bool,
    fingerprint: u32,
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
        let (settings, mut errors) = crate::settings_without_batch(&keys, &values);
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
// END laws
