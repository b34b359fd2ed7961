//! The laws of batch size, measured: the B × η map and the steps–examples trade-off.
//!
//! **The plan** ([`LawPlan`]): batch sizes B over powers of two below N, then N; learning rates
//! η on a log grid around the scenario's η₀ (`LRS_PER_DECADE` values per decade from η₀/10 to
//! η₀·100, or the list given); seeds `s, s + 1, …`. A *cell* is one (B, η, seed) run under
//! `budget=loss`: plain η (rule `fixed`), trained until its full training loss is at most
//! `target_loss` (checked every epoch, as every `budget=loss` run) or `max_steps` (capped at
//! [`MAX_SWEEP_STEPS`] so a sweep stays affordable) have passed. Cells are numbered seeds
//! outer, then B, then η ([`LawPlan::cell`]); each cell is a pure function of the settings
//! and its index ([`run_cell`]), so a pool of workers may run them in any order.
//!
//! **The analysis** ([`analyze`]) reads the finished cells only, so partial results are
//! analysed the same way:
//! - *best η per B*: among the η whose every finished seed reached the target without
//!   diverging, the fewest mean steps to the target; ties (steps are resolved to one epoch)
//!   broken by the lower mean final test loss;
//! - *the ridge slope* ([`fit_slope`]): least squares of log η* on log B from the smallest B
//!   up to the first B where η* is largest (where the ridge stops rising), read as linear
//!   (≈ 1), square-root (≈ ½) or flat;
//! - *the trade-off* ([`fit_tradeoff`]): McCandlish et al.'s `(S/S_min − 1)(E/E_min − 1) = 1`
//!   with E = B·S, fitted to the best-η steps S(B); `B_crit = E_min/S_min`;
//! - *B_simple at the target*: the exact gradient noise scale ([`crate::noise`]) at the end
//!   point of each best-η cell (where its training loss first reached the target), the median
//!   over batch sizes.

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
/// The regimes of the trade-off: B < B_crit/REGIME_FACTOR is *perfect scaling* (examples
/// within 1 + 1/REGIME_FACTOR of E_min), B > REGIME_FACTOR·B_crit the *plateau* (steps within
/// 1 + 1/REGIME_FACTOR of S_min), between them *diminishing returns*.
pub const REGIME_FACTOR: f64 = 4.0;

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

/// The best learning rate at one batch size, with the means over its seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BestLr {
    pub batch: usize,
    pub lr: f64,
    /// Index into the plan's `lrs`.
    pub lr_index: usize,
    pub steps: f64,
    pub examples: f64,
    pub test_loss: f64,
    /// Exact B_simple at the end points (mean over seeds).
    pub b_simple: f64,
    /// Seeds behind the means.
    pub seeds: usize,
    /// Whether η* is the grid's largest or smallest η (the optimum may lie outside the grid).
    pub at_grid_edge: bool,
    /// Whether the next larger η of the grid diverged at this B (on any seed): η* sits at the
    /// stability limit.
    pub above_diverged: bool,
}

fn mean(v: impl IntoIterator<Item = f64>) -> f64 {
    let (s, n) = v.into_iter().fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 {
        f64::NAN
    } else {
        s / n as f64
    }
}

/// Per batch size (ascending) with at least one η whose every finished seed reached the
/// target, the best η: fewest mean steps, ties broken by the lower mean final test loss.
pub fn best_lrs(plan: &LawPlan, cells: &[LawCell]) -> Vec<BestLr> {
    let mut out = Vec::new();
    for &b in &plan.batch_sizes {
        let mut best: Option<BestLr> = None;
        for (li, &lr) in plan.lrs.iter().enumerate() {
            let group: Vec<&LawCell> = cells.iter().filter(|c| c.batch == b && c.lr == lr).collect();
            if group.is_empty() || !group.iter().all(|c| c.reached()) {
                continue;
            }
            let cand = BestLr {
                batch: b,
                lr,
                lr_index: li,
                steps: mean(group.iter().map(|c| c.steps_to_target)),
                examples: mean(group.iter().map(|c| c.examples_to_target)),
                test_loss: mean(group.iter().map(|c| c.final_test_loss)),
                b_simple: mean(group.iter().map(|c| c.b_simple)),
                seeds: group.len(),
                at_grid_edge: li == 0 || li + 1 == plan.lrs.len(),
                above_diverged: plan.lrs.get(li + 1).is_some_and(|&up| cells.iter().any(|c| c.batch == b && c.lr == up && c.diverged)),
            };
            let better = match &best {
                None => true,
                Some(o) => cand.steps < o.steps || (cand.steps == o.steps && cand.test_loss < o.test_loss),
            };
            if better {
                best = Some(cand);
            }
        }
        out.extend(best);
    }
    out
}

crate::settings::named_enum! {
    /// How the ridge of best η rises with B.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Reading {
        /// Slope ≥ 0.75: η* ∝ B.
        Linear = "linear",
        /// Slope in [0.25, 0.75): η* ∝ √B.
        SquareRoot = "square_root",
        /// Slope < 0.25, or no rising part: the best η does not follow B.
        Flat = "flat",
    }
}

/// The log–log slope of best η against B over the range where it rises.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SlopeFit {
    /// d log η* / d log B (NaN with fewer than two rising points).
    pub slope: f64,
    /// The fit's η* at B = 1: `ln η* = intercept + slope · ln B`.
    pub intercept: f64,
    /// The batch sizes the fit spans.
    pub from_batch: usize,
    pub to_batch: usize,
    pub n_points: usize,
    /// Whether the ridge rises to the largest batch size measured (else it stops at
    /// `to_batch`).
    pub rises_to_end: bool,
    pub reading: Reading,
}

/// Least squares of `ln lr` on `ln B` over the points from the first up to the first one with
/// the largest η (`points` = (B, η*) with B ascending); `None` without points. A two-parameter
/// straight-line fit is a closed form, so it is written out rather than taken from a crate.
pub fn fit_slope(points: &[(f64, f64)]) -> Option<SlopeFit> {
    let first = points.first()?;
    let peak = points.iter().enumerate().fold(0, |best, (k, p)| if p.1 > points[best].1 { k } else { best });
    let rising = &points[..=peak];
    let n = rising.len() as f64;
    let (xs, ys): (Vec<f64>, Vec<f64>) = rising.iter().map(|&(b, lr)| (b.ln(), lr.ln())).unzip();
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let slope = if rising.len() >= 2 && sxx > 0.0 { sxy / sxx } else { f64::NAN };
    let reading = match slope {
        s if s >= 0.75 => Reading::Linear,
        s if s >= 0.25 => Reading::SquareRoot,
        _ => Reading::Flat,
    };
    Some(SlopeFit {
        slope,
        intercept: if slope.is_finite() { my - slope * mx } else { first.1.ln() },
        from_batch: first.0 as usize,
        to_batch: rising[rising.len() - 1].0 as usize,
        n_points: rising.len(),
        rises_to_end: peak + 1 == points.len(),
        reading,
    })
}

/// McCandlish et al.'s trade-off fitted to steps S(B) at the best η.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TradeoffFit {
    pub s_min: f64,
    pub e_min: f64,
    /// `e_min / s_min` (∞ when the fit finds no plateau: S_min = 0).
    pub b_crit: f64,
    /// Root-mean-square of the relative residuals (S_fit − S)/S.
    pub rms_rel: f64,
    pub n_points: usize,
}

impl TradeoffFit {
    /// The fitted steps at batch size `b`: `S_min + E_min/B`.
    pub fn steps(&self, b: f64) -> f64 {
        self.s_min + self.e_min / b
    }
}

/// Fits `(S/S_min − 1)(E/E_min − 1) = 1` with `E = B·S` to `points` = (B, S). With E = B·S
/// the relation is exactly `S = S_min + E_min/B`, linear in (S_min, E_min), so the least
/// squares is a 2 × 2 solve, weighted by 1/S² so every batch size counts by its relative error
/// (S spans orders of magnitude). A negative parameter is clamped to 0 and the other refitted.
/// `None` with fewer than two points or degenerate ones. Hand-written: a weighted two-parameter
/// linear fit needs no linear-algebra crate.
pub fn fit_tradeoff(points: &[(f64, f64)]) -> Option<TradeoffFit> {
    let pts: Vec<(f64, f64)> = points.iter().copied().filter(|&(b, s)| b > 0.0 && s > 0.0 && b.is_finite() && s.is_finite()).collect();
    if pts.len() < 2 {
        return None;
    }
    // Weighted sums with w = 1/S², x = 1/B: minimise Σ w (S − a − c·x)².
    let (mut sw, mut swx, mut swxx, mut sws, mut swxs) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(b, s) in &pts {
        let (w, x) = (1.0 / (s * s), 1.0 / b);
        sw += w;
        swx += w * x;
        swxx += w * x * x;
        sws += w * s;
        swxs += w * x * s;
    }
    let det = sw * swxx - swx * swx;
    if det.abs() <= 1e-300 * sw * swxx {
        return None;
    }
    let (mut a, mut c) = ((swxx * sws - swx * swxs) / det, (sw * swxs - swx * sws) / det);
    if a < 0.0 {
        a = 0.0;
        c = swxs / swxx;
    } else if c < 0.0 {
        c = 0.0;
        a = sws / sw;
    }
    let rms_rel = (pts.iter().map(|&(b, s)| ((a + c / b - s) / s).powi(2)).sum::<f64>() / pts.len() as f64).sqrt();
    let b_crit = if a > 0.0 { c / a } else { f64::INFINITY };
    Some(TradeoffFit { s_min: a, e_min: c, b_crit, rms_rel, n_points: pts.len() })
}

/// The median of the finite values (NaN if none).
pub fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        0.5 * (v[m - 1] + v[m])
    }
}

/// Everything read from a law sweep's cells.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LawAnalysis {
    pub cells_done: usize,
    pub n_cells: usize,
    pub best_lr: Vec<BestLr>,
    pub lr_slope: Option<SlopeFit>,
    pub fit: Option<TradeoffFit>,
    /// Median over the best-η cells of the exact B_simple at their end points.
    pub b_simple: f64,
    /// B_crit / B_simple.
    pub ratio: f64,
    /// Cells that diverged, and finished cells that never reached the target.
    pub n_diverged: usize,
    pub n_unreached: usize,
}

/// The analysis of the finished `cells` of `plan`.
pub fn analyze(plan: &LawPlan, cells: &[LawCell]) -> LawAnalysis {
    let best = best_lrs(plan, cells);
    let ridge: Vec<(f64, f64)> = best.iter().map(|b| (b.batch as f64, b.lr)).collect();
    let steps: Vec<(f64, f64)> = best.iter().map(|b| (b.batch as f64, b.steps)).collect();
    let fit = fit_tradeoff(&steps);
    let b_simple = median(best.iter().map(|b| b.b_simple));
    let ratio = fit.as_ref().map_or(f64::NAN, |f| f.b_crit / b_simple);
    LawAnalysis {
        cells_done: cells.len(),
        n_cells: plan.n_cells(),
        lr_slope: fit_slope(&ridge),
        fit,
        b_simple,
        ratio,
        n_diverged: cells.iter().filter(|c| c.diverged).count(),
        n_unreached: cells.iter().filter(|c| !c.diverged && !c.reached()).count(),
        best_lr: best,
    }
}

#[cfg(test)]
mod tests;
