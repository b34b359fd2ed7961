//! How much work a settings set asks for, and the page's limits on it.
//!
//! The page must never start work it cannot finish in reasonable time (issue 17, item 5): every
//! setting is within its range, yet their product is not (4 096 examples × 2 000 epochs ×
//! 12 737 parameters is about 10¹² multiply-adds per run). [`estimate`] counts multiply-adds
//! from the settings alone, before anything runs:
//!
//! - **a run**: per step `params × (3·B + 1)` (forward and backward ≈ three forward passes
//!   per example, plus the update; budget=loss adds one forward pass per example for its
//!   per-epoch check), plus its recorded points, each a forward pass over the training and
//!   the test set. Taken at the worst batch size `B` in `1 ..= n_train` (the batch sliders can
//!   choose any), so a slider cannot move a run past the limit.
//! - **the landscape**: `grid² × n_train × params` (a forward pass over the training set at
//!   every grid point).
//! - **memory**: the θ snapshots every run keeps (the run and analysis workers each hold
//!   them) and the landscape's two grids, in bytes.
//!
//! [`fit`] applies the page's limits ([`RUN_LIMIT`], [`LANDSCAPE_LIMIT`]): a run length
//! (`epochs`, `steps` or `max_steps`, whichever the budget reads) or a `grid` beyond them is
//! refused like an out-of-range value — lowered to the largest value within the limit, with
//! one message quoting the estimate and the limit. The native tool applies no limit.

use crate::model::Mlp;
use crate::scenario::N_RECORDS;
use crate::settings::{Checked, Settings, SettingsError};
use crate::train::Budget;
use serde::Serialize;

/// The most multiply-adds one run may need (at its worst batch size). Chromium's wasm trains
/// about 10⁹ a second on one core of the 2-core test machine (`tests/limits.test.mjs`,
/// n_train 4096, four layers of 64: 0.049 ms a step at B = 1, 147 ms at B = 4096, both
/// 1.0·10⁹ a second while other jobs loaded the machine; 2.6·10⁹ when it was quiet), and on two
/// cores the four runs share one run worker: four runs at the limit end in about 80–200 s.
pub const RUN_LIMIT: f64 = 5e10;
/// The most multiply-adds one landscape's fine pass may need (`grid² × n_train × params`):
/// about 100 s in the analysis worker at that rate.
pub const LANDSCAPE_LIMIT: f64 = 1e11;

/// The work and memory of a settings set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Work {
    pub n_params: usize,
    /// Multiply-adds of the heaviest run (at [`Work::worst_batch`]).
    pub run_madds: f64,
    /// The batch size at which a run needs the most work.
    pub worst_batch: usize,
    /// The steps of that run.
    pub worst_steps: usize,
    /// Multiply-adds of the landscape's fine pass.
    pub landscape_madds: f64,
    /// Bytes of the snapshots of all runs (one copy) plus the landscape's grids.
    pub memory_bytes: f64,
}

/// The recorded points of a run, at most (budget=loss keeps up to 2·`N_RECORDS` + 1, plus its
/// last step; the other budgets `N_RECORDS` + 1, plus the last).
fn records(budget: Budget) -> usize {
    if budget == Budget::Loss { 2 * N_RECORDS + 2 } else { N_RECORDS + 2 }
}

/// Multiply-adds of one run of batch size `b`.
fn run_madds(s: &Settings, params: f64, b: usize) -> f64 {
    let steps = s.budget.steps_for(s.epochs, s.steps, s.max_steps, s.n_train, b) as f64;
    let per_example = if s.budget == Budget::Loss { 4.0 } else { 3.0 };
    let evals = records(s.budget) as f64 * (s.n_train + s.n_test) as f64;
    params * (steps * (per_example * b as f64 + 1.0) + evals)
}

/// The number of parameters of the settings' network.
fn n_params(s: &Settings) -> usize {
    Mlp::with_outputs(s.dataset.input_dim(), &s.hidden, s.dataset.outputs(), s.act, s.loss()).n_params()
}

/// The work of `settings` (see the module documentation for what is counted).
pub fn estimate(settings: &Settings) -> Work {
    let s = settings;
    let n_params = n_params(s);
    let params = n_params as f64;
    let (worst_batch, run) = (1..=s.n_train.max(1))
        .map(|b| (b, run_madds(s, params, b)))
        .fold((1, f64::MIN), |best, x| if x.1 > best.1 { x } else { best });
    let grid = (s.grid * s.grid) as f64;
    let runs = s.batch.len() as f64;
    let snapshots = runs * records(s.budget) as f64 * params * 4.0;
    Work {
        n_params,
        run_madds: run,
        worst_batch,
        worst_steps: s.budget.steps_for(s.epochs, s.steps, s.max_steps, s.n_train, worst_batch),
        landscape_madds: grid * s.n_train as f64 * params,
        memory_bytes: snapshots + 2.0 * grid * 4.0,
    }
}

/// `x` as "2.5 × 10¹¹" (two significant digits).
pub fn sci(x: f64) -> String {
    if !x.is_finite() || x <= 0.0 {
        return format!("{x}");
    }
    let e = x.log10().floor() as i32;
    let m = x / 10f64.powi(e);
    let sup: String = e.to_string().chars().map(|c| match c {
        '-' => '⁻',
        d => ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'][d.to_digit(10).unwrap_or(0) as usize],
    }).collect();
    let m = format!("{m:.1}");
    let m = m.strip_suffix(".0").unwrap_or(&m);
    if e == 0 { m.to_string() } else { format!("{m} × 10{sup}") }
}

/// The key that sets a run's length under `budget`.
pub fn length_key(budget: Budget) -> &'static str {
    match budget {
        Budget::Epochs => "epochs",
        Budget::Steps => "steps",
        Budget::Loss => "max_steps",
    }
}

fn set_length(s: &mut Settings, v: usize) {
    match s.budget {
        Budget::Epochs => s.epochs = v,
        Budget::Steps => s.steps = v,
        Budget::Loss => s.max_steps = v,
    }
}

fn length(s: &Settings) -> usize {
    match s.budget {
        Budget::Epochs => s.epochs,
        Budget::Steps => s.steps,
        Budget::Loss => s.max_steps,
    }
}

/// The largest `v` in `lo ..= hi` with `fits(v)`, for `fits` true up to some point and false
/// after; `lo` if none.
fn largest(lo: usize, hi: usize, fits: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (lo, hi);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if fits(mid) { lo = mid } else { hi = mid - 1 }
    }
    lo
}

/// `settings` within the page's limits: a run length or grid beyond them lowered to the
/// largest value within (at least 1, and the grid's minimum), with one message per lowered key
/// quoting the estimate and the limit. Settings within the limits come back unchanged, with no
/// message.
pub fn fit(settings: Checked) -> (Checked, Vec<SettingsError>) {
    let work = estimate(&settings);
    if work.run_madds <= RUN_LIMIT && work.landscape_madds <= LANDSCAPE_LIMIT {
        return (settings, Vec::new());
    }
    let mut s = settings.settings().clone();
    let mut errors = Vec::new();
    if work.run_madds > RUN_LIMIT {
        let key = length_key(s.budget);
        let old = length(&s);
        let v = largest(1, old, |v| {
            let mut t = s.clone();
            set_length(&mut t, v);
            estimate(&t).run_madds <= RUN_LIMIT
        });
        set_length(&mut s, v);
        errors.push(SettingsError {
            key: key.into(),
            value: old.to_string(),
            allowed: format!(
                "at most {v} with these settings: a run of batch size {} would need about {} multiply-adds ({} steps, {} parameters), over the page's limit of {} per run",
                work.worst_batch, sci(work.run_madds), work.worst_steps, work.n_params, sci(RUN_LIMIT)
            ),
        });
    }
    if work.landscape_madds > LANDSCAPE_LIMIT {
        let old = s.grid;
        let min = crate::settings::KEYS.iter().find_map(|k| match (k.key, k.kind) {
            ("grid", crate::settings::Kind::Int { min, .. }) => Some(min as usize),
            _ => None,
        }).unwrap_or(1);
        let v = largest(min, old, |g| (g * g) as f64 * s.n_train as f64 * work.n_params as f64 <= LANDSCAPE_LIMIT);
        s.grid = v;
        errors.push(SettingsError {
            key: "grid".into(),
            value: old.to_string(),
            allowed: format!(
                "at most {v} with these settings: a {old} × {old} landscape would need about {} multiply-adds ({} points × {} examples × {} parameters), over the page's limit of {}",
                sci(work.landscape_madds), old * old, s.n_train, work.n_params, sci(LANDSCAPE_LIMIT)
            ),
        });
    }
    // Lowering a length or the grid keeps every value in its range and breaks no cross-key
    // rule; were it ever otherwise, the settings stay as they were and the violation is said.
    match s.check() {
        Ok(c) => (c, errors),
        Err(e) => (settings, vec![e]),
    }
}

#[cfg(test)]
mod tests;
