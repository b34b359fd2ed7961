//! The sweep: batch size B over powers of two (1 … N) × k seeds, each run trained with the
//! scenario's settings, and per B the mean, minimum and maximum across seeds of the final test
//! accuracy, the generalization gap, λ_max at the end and the steps to a target training loss.
//!
//! A *cell* is one (B, seed) run. Seed `s + k` (k = 0 … seeds − 1, `s` the scenario's seed)
//! replaces the scenario's seed, so every cell draws its own data, θ0 and batch order, and cell
//! (B, s) is exactly the ordinary run of batch size B (same θ fingerprint). Cells run seed by
//! seed, B ascending within a seed, so the first pass already gives a whole curve and later
//! passes widen it into a band.
//!
//! **Steps to target.** The target is relative to each cell's own start: the first recorded
//! step at which the full training loss is at most `target_fraction` (default ½) of the cell's
//! initial training loss, i.e. "steps to halve the training loss". A fixed fraction (rather
//! than, say, a median over all cells) is known before any cell runs, so partial results never
//! change. Losses are recorded [`crate::scenario::N_RECORDS`] times per run, so the step is
//! resolved to `steps / N_RECORDS`; a cell that never reaches the target gives NaN.
//!
//! **λ_max** is measured once per cell on the full training set at the final θ, in f32 (a
//! [`Tape`] and power iteration from a unit Gaussian start drawn from the cell's dirs stream);
//! NaN for a diverged run.
//!
//! **Aggregation** ignores diverged cells and NaN values (e.g. a target never reached) and
//! reports how many cells each band rests on.

use crate::curvature::{gaussian_unit, lambda_max, PowerConfig, Tape};
use crate::rng::{fnv1a_f32, Mulberry32};
use crate::scenario::Scenario;
use crate::settings::{Checked, Settings};
use crate::train::{Status, Trainer};
use serde::Serialize;

/// Most seeds per batch size.
pub const MAX_SEEDS: usize = 10;

/// Which (B, seed) cells a sweep runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepPlan {
    /// Powers of two below N, then N: `[1, 2, 4, …, N]`.
    pub batch_sizes: Vec<usize>,
    /// `s, s + 1, …` (wrapping at 2³²).
    pub seeds: Vec<u32>,
    /// The target training loss of a cell, as a fraction of its initial training loss.
    pub target_fraction: f64,
}

impl SweepPlan {
    /// The plan of `settings` with `n_seeds` seeds (clamped to 1 ..= [`MAX_SEEDS`]).
    pub fn new(settings: &Settings, n_seeds: usize) -> Self {
        let seeds = (0..n_seeds.clamp(1, MAX_SEEDS) as u32).map(|k| settings.seed.wrapping_add(k)).collect();
        Self { batch_sizes: batch_sizes(settings.n_train), seeds, target_fraction: 0.5 }
    }

    pub fn n_cells(&self) -> usize {
        self.batch_sizes.len() * self.seeds.len()
    }

    /// Cell `k`'s `(batch size index, seed index)`: seeds outer, batch sizes inner.
    pub fn cell(&self, k: usize) -> (usize, usize) {
        let n_b = self.batch_sizes.len().max(1);
        (k % n_b, k / n_b)
    }
}

/// Powers of two below `n`, then `n` itself (the page's batch-size slider stops).
pub fn batch_sizes(n: usize) -> Vec<usize> {
    let mut out: Vec<usize> = std::iter::successors(Some(1usize), |b| b.checked_mul(2)).take_while(|&b| b < n).collect();
    out.push(n.max(1));
    out
}

/// What one (B, seed) run ended with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CellResult {
    pub batch_size: usize,
    pub seed: u32,
    /// Steps taken (fewer than planned if the run diverged).
    pub steps: usize,
    pub final_train_loss: f64,
    pub final_test_loss: f64,
    /// NaN for regression.
    pub final_train_acc: f64,
    pub final_test_acc: f64,
    /// The training loss the cell had to reach: `target_fraction` × its initial training loss.
    pub target_loss: f64,
    /// The first recorded step with training loss ≤ `target_loss`; NaN if never.
    pub steps_to_target: f64,
    pub lambda_max: f64,
    pub diverged: bool,
    /// FNV-1a 32 of the final θ.
    pub fingerprint: u32,
}

impl CellResult {
    /// Test loss − training loss at the end.
    pub fn gap(&self) -> f64 {
        self.final_test_loss - self.final_train_loss
    }
}

crate::settings::named_enum! {
    /// A per-cell number the sweep aggregates.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Metric {
        TestAcc = "test_acc",
        TrainAcc = "train_acc",
        TestLoss = "test_loss",
        TrainLoss = "train_loss",
        Gap = "gap",
        LambdaMax = "lambda_max",
        StepsToTarget = "steps_to_target",
    }
}

impl Metric {
    pub fn of(self, c: &CellResult) -> f64 {
        match self {
            Metric::TestAcc => c.final_test_acc,
            Metric::TrainAcc => c.final_train_acc,
            Metric::TestLoss => c.final_test_loss,
            Metric::TrainLoss => c.final_train_loss,
            Metric::Gap => c.gap(),
            Metric::LambdaMax => c.lambda_max,
            Metric::StepsToTarget => c.steps_to_target,
        }
    }
}

/// Mean, minimum and maximum of one metric at one batch size over the cells that count
/// (`n` of them: finished, finite value); all NaN when `n` = 0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Band {
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    pub n: usize,
}

impl Band {
    /// The band of `values` (NaN and ±∞ are skipped).
    pub fn of(values: impl IntoIterator<Item = f64>) -> Self {
        let (mut sum, mut min, mut max, mut n) = (0.0, f64::INFINITY, f64::NEG_INFINITY, 0usize);
        for v in values.into_iter().filter(|v| v.is_finite()) {
            sum += v;
            min = min.min(v);
            max = max.max(v);
            n += 1;
        }
        if n == 0 {
            return Self { mean: f64::NAN, min: f64::NAN, max: f64::NAN, n };
        }
        Self { mean: sum / n as f64, min, max, n }
    }
}

/// Per batch size of `plan` (same order), the band of `metric` over the non-diverged cells
/// of `cells` with that batch size.
pub fn aggregate(plan: &SweepPlan, cells: &[CellResult], metric: Metric) -> Vec<Band> {
    plan.batch_sizes
        .iter()
        .map(|&b| Band::of(cells.iter().filter(|c| c.batch_size == b && !c.diverged).map(|c| metric.of(c))))
        .collect()
}

/// Per batch size of `plan`, how many cells diverged.
pub fn diverged_counts(plan: &SweepPlan, cells: &[CellResult]) -> Vec<usize> {
    plan.batch_sizes.iter().map(|&b| cells.iter().filter(|c| c.batch_size == b && c.diverged).count()).collect()
}

/// Bands per batch size as columns (what a chart of one metric against B draws).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BandColumns {
    pub mean: Vec<f64>,
    pub min: Vec<f64>,
    pub max: Vec<f64>,
    /// Runs behind each band.
    pub count: Vec<usize>,
}

impl BandColumns {
    pub fn of(bands: &[Band]) -> Self {
        BandColumns {
            mean: bands.iter().map(|b| b.mean).collect(),
            min: bands.iter().map(|b| b.min).collect(),
            max: bands.iter().map(|b| b.max).collect(),
            count: bands.iter().map(|b| b.n).collect(),
        }
    }
}

/// Where a sweep stands after [`Sweep::advance`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SweepProgress {
    pub cells_done: usize,
    pub n_cells: usize,
    /// Steps taken and planned of the cell in progress (0, 0 between cells).
    pub cell_step: usize,
    pub cell_steps: usize,
}

impl SweepProgress {
    pub fn is_done(&self) -> bool {
        self.cells_done >= self.n_cells
    }
}

/// A sweep in progress: trains one cell at a time, in slices.
pub struct Sweep {
    settings: Checked,
    plan: SweepPlan,
    cells: Vec<CellResult>,
    /// The scenario of the seed in progress (rebuilt when the seed changes).
    scenario: Option<(u32, Scenario)>,
    trainer: Option<Trainer>,
}

impl Sweep {
    /// A sweep of `plan` under `settings`.
    pub fn new(settings: &Checked, plan: SweepPlan) -> Self {
        Self { settings: settings.clone(), plan, cells: Vec::new(), scenario: None, trainer: None }
    }

    pub fn plan(&self) -> &SweepPlan {
        &self.plan
    }

    /// Results of the finished cells, in plan order.
    pub fn cells(&self) -> &[CellResult] {
        &self.cells
    }

    pub fn progress(&self) -> SweepProgress {
        let (cell_step, cell_steps) = self.trainer.as_ref().map_or((0, 0), |t| (t.step(), t.spec().steps));
        SweepProgress { cells_done: self.cells.len(), n_cells: self.plan.n_cells(), cell_step, cell_steps }
    }

    /// The scenario of `seed`: the sweep's settings with the seed replaced.
    pub fn scenario_of(settings: &Checked, seed: u32) -> Scenario {
        Scenario::new(&settings.with_seed(seed))
    }

    /// Trains up to `max_steps` more steps, starting cells as needed; returns early when a cell
    /// finishes (so the caller can show it) or when the sweep is done.
    pub fn advance(&mut self, max_steps: usize) -> SweepProgress {
        let mut budget = max_steps;
        while budget > 0 && self.cells.len() < self.plan.n_cells() {
            if self.trainer.is_none() {
                self.start_cell();
            }
            let Some(trainer) = self.trainer.as_mut() else { break };
            let before = trainer.step();
            let running = trainer.advance(budget) == &Status::Running;
            budget = budget.saturating_sub(trainer.step() - before).min(budget - 1);
            if !running {
                self.finish_cell();
                break;
            }
        }
        self.progress()
    }

    fn start_cell(&mut self) {
        let (b_idx, s_idx) = self.plan.cell(self.cells.len());
        let seed = self.plan.seeds[s_idx];
        if self.scenario.as_ref().map(|(s, _)| *s) != Some(seed) {
            self.scenario = Some((seed, Self::scenario_of(&self.settings, seed)));
        }
        if let Some((_, sc)) = &self.scenario {
            self.trainer = Some(sc.trainer(self.plan.batch_sizes[b_idx]));
        }
    }

    fn finish_cell(&mut self) {
        let (Some(t), Some((seed, sc))) = (self.trainer.take(), self.scenario.as_ref()) else { return };
        let h = t.history();
        let last = |v: &[f64]| v.last().copied().unwrap_or(f64::NAN);
        let diverged = matches!(t.status(), Status::Diverged { .. });
        let target_loss = self.plan.target_fraction * h.train_loss.first().copied().unwrap_or(f64::NAN);
        let steps_to_target = h.step.iter().zip(&h.train_loss).find(|(_, &l)| l <= target_loss).map_or(f64::NAN, |(&s, _)| s as f64);
        let lambda_max = if diverged { f64::NAN } else { final_lambda_max(sc, t.theta()) };
        self.cells.push(CellResult {
            batch_size: t.spec().batch_size,
            seed: *seed,
            steps: t.step(),
            final_train_loss: last(&h.train_loss),
            final_test_loss: last(&h.test_loss),
            final_train_acc: last(&h.train_acc),
            final_test_acc: last(&h.test_acc),
            target_loss,
            steps_to_target,
            lambda_max,
            diverged,
            fingerprint: fnv1a_f32(t.theta()),
        });
    }

    /// Runs the whole sweep.
    pub fn run(&mut self) -> &[CellResult] {
        while !self.advance(usize::MAX).is_done() {}
        &self.cells
    }
}

/// λ_max of the training loss at `theta` (full batch, f32, power iteration with the default
/// tolerance); NaN if θ is not finite.
pub fn final_lambda_max(sc: &Scenario, theta: &[f32]) -> f64 {
    if !theta.iter().all(|v| v.is_finite()) || sc.split.train.is_empty() {
        return f64::NAN;
    }
    let mut tape = Tape::<f32>::new(&sc.mlp, &sc.split.train);
    tape.set_point(theta);
    // Its own stream, derived from the dirs seed, so it never shifts another purpose's draws.
    let start: Vec<f32> = gaussian_unit(sc.mlp.n_params(), &mut Mulberry32::new(sc.streams.dirs ^ 0x5EE9_1A4D));
    lambda_max(&mut tape, &start, PowerConfig::default()).value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Checked {
        Settings::from_pairs([("n_train", "64"), ("n_test", "64"), ("epochs", "4"), ("hidden", "8"), ("seed", "7"), ("batch", "8")]).unwrap()
    }

    #[test]
    fn a_plan_holds_powers_of_two_below_n_then_n_and_consecutive_seeds() {
        assert_eq!(batch_sizes(64), vec![1, 2, 4, 8, 16, 32, 64]);
        assert_eq!(batch_sizes(300), vec![1, 2, 4, 8, 16, 32, 64, 128, 256, 300]);
        assert_eq!(batch_sizes(4096).len(), 13);
        let plan = SweepPlan::new(&tiny(), 3);
        assert_eq!(plan.seeds, vec![7, 8, 9]);
        assert_eq!(plan.n_cells(), 21);
        assert_eq!(plan.cell(0), (0, 0));
        assert_eq!(plan.cell(7), (0, 1), "seeds outer, batch sizes inner");
        assert_eq!(plan.cell(20), (6, 2));
        assert_eq!(SweepPlan::new(&tiny(), 0).seeds.len(), 1);
        assert_eq!(SweepPlan::new(&tiny(), 99).seeds.len(), MAX_SEEDS);
        let wrap = tiny().with_seed(u32::MAX);
        assert_eq!(SweepPlan::new(&wrap, 2).seeds, vec![u32::MAX, 0]);
    }

    /// Two sweeps of the same plan give the same numbers, whatever the slice size; and the cell
    /// (B, seed) is the ordinary run of batch size B in the scenario with that seed.
    #[test]
    fn a_tiny_sweep_is_deterministic_and_each_cell_is_the_ordinary_run() {
        let settings = tiny();
        let plan = SweepPlan::new(&settings, 2);
        let mut a = Sweep::new(&settings, plan.clone());
        a.run();
        let mut b = Sweep::new(&settings, plan.clone());
        let mut slices = 0;
        while !b.advance(5).is_done() {
            slices += 1;
        }
        assert!(slices > 20);
        assert_eq!(a.cells().len(), 14);
        // PartialEq on f64 fails on NaN, so compare the debug text (NaN prints as NaN).
        assert_eq!(format!("{:?}", a.cells()), format!("{:?}", b.cells()));
        for (k, cell) in a.cells().iter().enumerate() {
            let (bi, si) = plan.cell(k);
            assert_eq!((cell.batch_size, cell.seed), (plan.batch_sizes[bi], plan.seeds[si]));
        }
        for &(bi, si) in &[(0, 0), (3, 1), (6, 1)] {
            let sc = Sweep::scenario_of(&settings, plan.seeds[si]);
            let mut t = sc.trainer(plan.batch_sizes[bi]);
            t.advance(usize::MAX);
            let cell = &a.cells()[si * plan.batch_sizes.len() + bi];
            assert_eq!(cell.fingerprint, fnv1a_f32(t.theta()), "B = {} seed {}", cell.batch_size, cell.seed);
            assert_eq!(cell.final_test_acc, *t.history().test_acc.last().unwrap());
            assert_eq!(cell.steps, t.step());
        }
        // Different seeds give different runs, and the numbers are plausible.
        assert_ne!(a.cells()[0].fingerprint, a.cells()[7].fingerprint);
        for c in a.cells() {
            assert!((0.0..=1.0).contains(&c.final_test_acc), "{c:?}");
            assert!(c.lambda_max.is_finite() && c.lambda_max > 0.0, "{c:?}");
            assert!(!c.diverged);
        }
        // B = 1 takes 4 × 64 steps and halves its loss well within them.
        assert!(a.cells()[0].steps_to_target > 0.0 && a.cells()[0].steps_to_target <= 256.0, "{:?}", a.cells()[0]);
    }

    /// The cell's λ_max is the analysis module's f64 λ_max at the same point, to f32 accuracy.
    #[test]
    fn the_cell_lambda_max_matches_the_f64_analysis() {
        let settings = tiny();
        let sc = Sweep::scenario_of(&settings, 7);
        let mut t = sc.trainer(8);
        t.advance(usize::MAX);
        let ours = final_lambda_max(&sc, t.theta());
        let (lams, _) = crate::analysis::series(&sc.mlp, &sc.split.train, &[t.theta().to_vec()], PowerConfig::default(), sc.streams.dirs);
        assert!((ours - lams[0]).abs() < 1e-2 * lams[0], "{ours} vs {}", lams[0]);
    }

    /// Hand-made cells at B = 1 and B = 2, two seeds each, plus a diverged one:
    /// B = 1 test accuracy {0.8, 0.9} → mean 0.85, min 0.8, max 0.9; its gaps are
    /// 0.5 − 0.25 = 0.25 and 0.375 − 0.25 = 0.125 → mean 0.1875.
    /// B = 2: one diverged cell (ignored) and one with accuracy 0.5 and steps NaN (target never
    /// reached) → accuracy band 0.5 from one cell, steps band empty (n = 0, NaN).
    #[test]
    fn aggregation_takes_mean_min_and_max_over_finished_cells() {
        let plan = SweepPlan { batch_sizes: vec![1, 2], seeds: vec![1, 2], target_fraction: 0.5 };
        let cell = |b, acc, test_loss, steps, diverged| CellResult {
            batch_size: b,
            seed: 1,
            steps: 10,
            final_train_loss: 0.25,
            final_test_loss: test_loss,
            final_train_acc: 1.0,
            final_test_acc: acc,
            target_loss: 0.3,
            steps_to_target: steps,
            lambda_max: 1.0,
            diverged,
            fingerprint: 0,
        };
        let cells = [cell(1, 0.8, 0.5, 4.0, false), cell(2, 0.1, 9.0, 1.0, true), cell(1, 0.9, 0.375, 8.0, false), cell(2, 0.5, 0.5, f64::NAN, false)];
        let acc = aggregate(&plan, &cells, Metric::TestAcc);
        assert!((acc[0].mean - 0.85).abs() < 1e-15);
        assert_eq!((acc[0].min, acc[0].max, acc[0].n), (0.8, 0.9, 2));
        assert_eq!((acc[1].mean, acc[1].min, acc[1].max, acc[1].n), (0.5, 0.5, 0.5, 1));
        let gap = aggregate(&plan, &cells, Metric::Gap);
        assert_eq!((gap[0].mean, gap[0].min, gap[0].max), (0.1875, 0.125, 0.25));
        let steps = aggregate(&plan, &cells, Metric::StepsToTarget);
        assert_eq!((steps[0].mean, steps[0].n), (6.0, 2));
        assert!(steps[1].mean.is_nan() && steps[1].n == 0);
        assert_eq!(diverged_counts(&plan, &cells), vec![0, 1]);
        assert!(Metric::ALL.iter().all(|m| Metric::parse(m.name()) == Some(*m)));
    }

    /// A sweep on the digits (softmax over ten classes) runs like any other: every cell
    /// finishes with an accuracy, and seeds draw different splits.
    #[test]
    fn a_sweep_on_the_digits_runs_every_cell() {
        let settings = Settings::from_pairs([("dataset", "digits"), ("n_train", "64"), ("n_test", "64"), ("epochs", "2"), ("hidden", "8"), ("batch", "8")]).unwrap();
        let plan = SweepPlan::new(&settings, 2);
        let mut sweep = Sweep::new(&settings, plan);
        let cells = sweep.run();
        assert_eq!(cells.len(), 14);
        assert!(cells.iter().all(|c| (0.0..=1.0).contains(&c.final_test_acc)));
        assert_ne!(cells[0].fingerprint, cells[7].fingerprint);
    }
}
