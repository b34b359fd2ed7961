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

use serde::Serialize;

mod plan;

pub use plan::{cell_result, cell_trainer, lr_grid, run_cell, LawCell, LawPlan, LawProgress, LawSweep, LRS_PER_DECADE, LR_DECADES, MAX_LRS, MAX_SWEEP_STEPS};

/// The regimes of the trade-off: B < B_crit/REGIME_FACTOR is *perfect scaling* (examples
/// within 1 + 1/REGIME_FACTOR of E_min), B > REGIME_FACTOR·B_crit the *plateau* (steps within
/// 1 + 1/REGIME_FACTOR of S_min), between them *diminishing returns*.
pub const REGIME_FACTOR: f64 = 4.0;

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
