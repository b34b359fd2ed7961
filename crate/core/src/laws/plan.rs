//! The plan and the sweep of the B × η study: which (B, η, seed) cells ([`LawPlan`]), one
//! cell run to its end ([`run_cell`]), a worker's share in slices ([`LawSweep`]). What is read
//! from the finished cells is in the parent module.

use crate::curvature::Tape;
use crate::noise::b_simple_exact;
use crate::rng::fnv1a_f32;
use crate::scenario::Scenario;
use crate::settings::{Checked, Settings, SettingsError};
use crate::sweep::{batch_sizes, MAX_SEEDS};
use crate::train::{Budget, LrRule, Status, Trainer};
use serde::{Deserialize, Serialize};

/// Learning rates per decade of the default grid.
pub const LRS_PER_DECADE: usize = 4;
/// The default grid spans η₀ · 10^LR_DECADES.0 ..= η₀ · 10^LR_DECADES.1.
pub const LR_DECADES: (i32, i32) = (-1, 2);
/// Most steps of one cell: the sweep's `max_steps` is the settings' value capped at this.
pub const MAX_SWEEP_STEPS: usize = 4000;
/// Most learning rates in a plan.
pub const MAX_LRS: usize = 40;

/// Which (B, η, seed) cells a law sweep runs, under which settings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LawPlan {
    pub batch_sizes: Vec<usize>,
    /// Ascending.
    pub lrs: Vec<f64>,
    pub seeds: Vec<u32>,
    pub target_loss: f64,
    pub max_steps: usize,
}

/// The default learning-rate grid of η₀: `η₀·10^(k/LRS_PER_DECADE)` over [`LR_DECADES`],
/// clamped to the settings' range of η.
pub fn lr_grid(lr0: f64) -> Vec<f64> {
    let per = LRS_PER_DECADE as i32;
    (LR_DECADES.0 * per..=LR_DECADES.1 * per)
        .map(|k| lr0 * 10f64.powf(k as f64 / per as f64))
        .map(|lr| (lr * 1e6).round() / 1e6)
        .filter(|&lr| (1e-5..=1e3).contains(&lr))
        .collect()
}

impl LawPlan {
    /// The plan of `settings`: its batch sizes, `lrs` (the default grid of `settings.lr` when
    /// `None`; sorted, duplicates dropped, at most [`MAX_LRS`]), `n_seeds` seeds (1 ..=
    /// [`MAX_SEEDS`]), its `target_loss`, and its `max_steps` capped at [`MAX_SWEEP_STEPS`].
    pub fn new(settings: &Settings, lrs: Option<&[f64]>, n_seeds: usize) -> Self {
        let mut lrs: Vec<f64> = lrs.map_or_else(|| lr_grid(settings.lr), |l| l.iter().copied().filter(|v| v.is_finite() && *v > 0.0).collect());
        lrs.sort_by(f64::total_cmp);
        lrs.dedup();
        lrs.truncate(MAX_LRS);
        let seeds = (0..n_seeds.clamp(1, MAX_SEEDS) as u32).map(|k| settings.seed.wrapping_add(k)).collect();
        Self {
            batch_sizes: batch_sizes(settings.n_train),
            lrs,
            seeds,
            target_loss: settings.target_loss,
            max_steps: settings.max_steps.min(MAX_SWEEP_STEPS),
        }
    }

    pub fn n_cells(&self) -> usize {
        self.batch_sizes.len() * self.lrs.len() * self.seeds.len()
    }

    /// Cell `k`'s `(batch size index, learning rate index, seed index)`: seeds outer, then
    /// batch sizes, then learning rates.
    pub fn cell(&self, k: usize) -> (usize, usize, usize) {
        let n_l = self.lrs.len().max(1);
        let n_b = self.batch_sizes.len().max(1);
        (k / n_l % n_b, k % n_l, k / (n_l * n_b))
    }

    /// The settings every cell shares: `budget=loss` with the plan's target and cap, the
    /// fixed rule (each cell's η is the grid's).
    pub fn settings(&self, base: &Settings) -> Result<Checked, SettingsError> {
        Settings { budget: Budget::Loss, target_loss: self.target_loss, max_steps: self.max_steps, lr_rule: LrRule::Fixed, batch: vec![1], ..base.clone() }.check()
    }
}

/// What one (B, η, seed) run ended with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LawCell {
    pub batch: usize,
    pub lr: f64,
    pub seed: u32,
    /// Steps taken.
    pub steps: usize,
    /// The step at whose check the training loss was first ≤ the target; NaN if never.
    pub steps_to_target: f64,
    /// `batch · steps_to_target`; NaN if never.
    pub examples_to_target: f64,
    pub final_train_loss: f64,
    pub final_test_loss: f64,
    /// NaN for regression.
    pub final_test_acc: f64,
    pub diverged: bool,
    /// The exact gradient noise scale at the end point when the target was reached, else NaN.
    pub b_simple: f64,
    /// FNV-1a 32 of the final θ.
    pub fingerprint: u32,
}

impl LawCell {
    pub fn reached(&self) -> bool {
        !self.diverged && self.steps_to_target.is_finite()
    }
}

/// The trainer of cell `k` in the scenario of its seed (`scenario` must be
/// `Scenario::new(&shared.with_seed(seed))`, `shared` from [`LawPlan::settings`]).
pub fn cell_trainer(plan: &LawPlan, scenario: &Scenario, k: usize) -> Trainer {
    let (b, l, _) = plan.cell(k);
    let mut spec = scenario.spec(plan.batch_sizes[b]);
    spec.lr = plan.lrs[l];
    spec.base_lr = plan.lrs[l];
    Trainer::new(&scenario.mlp, scenario.split.clone(), &scenario.theta0, spec, scenario.streams.shuffle)
}

/// The result of a finished trainer of cell `k`.
pub fn cell_result(plan: &LawPlan, scenario: &Scenario, k: usize, t: &Trainer) -> LawCell {
    let (b, l, s) = plan.cell(k);
    let h = t.history();
    let last = |v: &[f64]| v.last().copied().unwrap_or(f64::NAN);
    let diverged = matches!(t.status(), Status::Diverged { .. });
    let reached = !diverged && t.reached_target() == Some(true);
    let steps_to_target = if reached { t.step() as f64 } else { f64::NAN };
    let b_simple = if reached {
        let mut tape = Tape::<f32>::new(&scenario.mlp, &scenario.split.train);
        tape.set_point(t.theta());
        b_simple_exact(&tape).b_simple
    } else {
        f64::NAN
    };
    LawCell {
        batch: plan.batch_sizes[b],
        lr: plan.lrs[l],
        seed: plan.seeds[s],
        steps: t.step(),
        steps_to_target,
        examples_to_target: steps_to_target * plan.batch_sizes[b] as f64,
        final_train_loss: last(&h.train_loss),
        final_test_loss: last(&h.test_loss),
        final_test_acc: last(&h.test_acc),
        diverged,
        b_simple,
        fingerprint: fnv1a_f32(t.theta()),
    }
}

/// Cell `k` run to its end (`shared` from [`LawPlan::settings`]).
pub fn run_cell(plan: &LawPlan, shared: &Checked, k: usize) -> LawCell {
    let (_, _, s) = plan.cell(k);
    let sc = Scenario::new(&shared.with_seed(plan.seeds[s]));
    let mut t = cell_trainer(plan, &sc, k);
    t.advance(usize::MAX);
    cell_result(plan, &sc, k, &t)
}

/// A law sweep in progress over a subset of the plan's cells (a worker's share), one cell at
/// a time, in slices.
pub struct LawSweep {
    shared: Checked,
    plan: LawPlan,
    todo: Vec<usize>,
    next: usize,
    done: Vec<(usize, LawCell)>,
    scenario: Option<(u32, Scenario)>,
    trainer: Option<(usize, Trainer)>,
}

/// Where a [`LawSweep`] stands.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LawProgress {
    pub cells_done: usize,
    pub n_cells: usize,
    pub cell_step: usize,
    pub cell_steps: usize,
}

impl LawSweep {
    /// The cells `todo` (indices into `plan`; out-of-range ones are dropped) of `plan`.
    pub fn new(shared: &Checked, plan: LawPlan, todo: Vec<usize>) -> Self {
        let n = plan.n_cells();
        let todo = todo.into_iter().filter(|&k| k < n).collect();
        Self { shared: shared.clone(), plan, todo, next: 0, done: Vec::new(), scenario: None, trainer: None }
    }

    /// Every cell of `plan`, in order.
    pub fn all(shared: &Checked, plan: LawPlan) -> Self {
        let n = plan.n_cells();
        Self::new(shared, plan, (0..n).collect())
    }

    pub fn plan(&self) -> &LawPlan {
        &self.plan
    }

    /// Finished cells with their indices, in the order they finished.
    pub fn done(&self) -> &[(usize, LawCell)] {
        &self.done
    }

    pub fn progress(&self) -> LawProgress {
        let (cell_step, cell_steps) = self.trainer.as_ref().map_or((0, 0), |(_, t)| (t.step(), t.spec().steps));
        LawProgress { cells_done: self.done.len(), n_cells: self.todo.len(), cell_step, cell_steps }
    }

    /// Trains up to `max_steps` more steps; returns early when a cell finishes.
    pub fn advance(&mut self, max_steps: usize) -> LawProgress {
        let mut budget = max_steps;
        while budget > 0 && self.done.len() < self.todo.len() {
            if self.trainer.is_none() {
                let k = self.todo[self.next];
                self.next += 1;
                let seed = self.plan.seeds[self.plan.cell(k).2];
                if self.scenario.as_ref().map(|(s, _)| *s) != Some(seed) {
                    self.scenario = Some((seed, Scenario::new(&self.shared.with_seed(seed))));
                }
                let Some((_, sc)) = &self.scenario else { break };
                self.trainer = Some((k, cell_trainer(&self.plan, sc, k)));
            }
            let Some((k, t)) = self.trainer.as_mut() else { break };
            let before = t.step();
            let running = t.advance(budget) == &Status::Running;
            budget = budget.saturating_sub(t.step() - before).min(budget - 1);
            if !running {
                let k = *k;
                if let (Some((_, t)), Some((_, sc))) = (self.trainer.take(), self.scenario.as_ref()) {
                    self.done.push((k, cell_result(&self.plan, sc, k, &t)));
                }
                break;
            }
        }
        self.progress()
    }

    /// Runs every cell.
    pub fn run(&mut self) -> &[(usize, LawCell)] {
        while self.advance(usize::MAX).cells_done < self.todo.len() {}
        &self.done
    }
}
