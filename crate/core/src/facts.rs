//! The numbers and choices the page and the native tool both show, each from one function:
//! memory per step, the cost table (steps and examples to a common loss), the batch-size
//! stops of a slider, the loss axis label, the analysis ranges (slices, interpolation), the
//! interpolation pair, and the limits every request is clamped to. The page receives them from
//! its workers; the tool calls them directly. Nothing here is recomputed in JavaScript.

use crate::model::{Loss, Mlp};
use crate::optim::Method;
use crate::rng::fnv1a_f32;
use crate::scenario::Scenario;
use crate::train::{Status, Trainer};
use serde::Serialize;

/// Bytes per number: training runs in f32.
pub const BYTES_PER_NUMBER: usize = 4;

/// Runs per page (run slots 0 ..= 3).
pub const MAX_RUNS: usize = 4;

/// Vectors of `n_params` numbers an optimizer keeps besides θ and its gradient: none for SGD,
/// the velocity for heavy-ball momentum, the first and second moments for Adam.
pub fn optimizer_state_vectors(method: Method) -> usize {
    match method {
        Method::Sgd => 0,
        Method::Momentum => 1,
        Method::Adam => 2,
    }
}

/// The widths of the network's layers, input first: `[input, hidden…, output]`.
pub fn layer_widths(mlp: &Mlp) -> Vec<usize> {
    std::iter::once(mlp.input_dim()).chain(mlp.layers.iter().map(|l| l.fan_out)).collect()
}

/// Memory one training step needs, in bytes: the activations kept for the backward pass
/// (B × Σ layer widths, inputs included) plus θ, its gradient and the optimizer's state.
pub fn memory_per_step(mlp: &Mlp, batch: usize, method: Method) -> usize {
    let activations = batch * layer_widths(mlp).iter().sum::<usize>();
    (activations + mlp.n_params() * (2 + optimizer_state_vectors(method))) * BYTES_PER_NUMBER
}

/// The label of a loss axis.
pub fn loss_label(loss: Loss) -> &'static str {
    match loss {
        Loss::Bce => "loss (binary cross-entropy)",
        Loss::Mse => "loss (mean squared error)",
        Loss::Softmax => "loss (softmax cross-entropy)",
    }
}

/// The batch sizes a slider offers for `n_train` examples: the powers of two below it, the
/// full batch, and any `extra` sizes in range (a size given in a URL), in increasing order.
pub fn batch_stops(n_train: usize, extra: &[usize]) -> Vec<usize> {
    let n = n_train.max(1);
    let mut stops: Vec<usize> = std::iter::successors(Some(1usize), |b| b.checked_mul(2)).take_while(|&b| b < n).collect();
    stops.push(n);
    stops.extend(extra.iter().copied().filter(|&b| (1..=n).contains(&b)));
    stops.sort_unstable();
    stops.dedup();
    stops
}

/// A range of a profile's coordinate α, sampled at `n` points.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ProfileRange {
    pub lo: f64,
    pub hi: f64,
    pub n: usize,
}

/// The 1-D slice through each run's end point: α ∈ [−1, 1] along a filter-normalized direction.
pub const SLICE: ProfileRange = ProfileRange { lo: -1.0, hi: 1.0, n: 41 };

/// The interpolation between two runs' end points: α ∈ [−1, 2] (α = 0 the first, 1 the second),
/// as in Keskar et al. 2017.
pub const INTERPOLATION: ProfileRange = ProfileRange { lo: -1.0, hi: 2.0, n: 61 };

/// The two runs an interpolation joins, given the finished (not diverged) runs in slot order:
/// the first two, first → second. `None` with fewer than two.
pub fn interpolation_pair(finished: &[usize]) -> Option<(usize, usize)> {
    match finished {
        [a, b, ..] => Some((*a, *b)),
        _ => None,
    }
}

/// What a caller may ask for, and what it gets instead when it asks for more.
pub mod limits {
    /// Decision-map grid points per axis.
    pub const BOUNDARY_N: (usize, usize) = (2, 201);
    /// Points of a slice or an interpolation.
    pub const PROFILE_N: (usize, usize) = (2, 401);
    /// Landscape grid points per axis.
    pub const GRID_N: (usize, usize) = (2, 101);

    /// `n` clamped to `(lo, hi)`.
    pub fn clamp(n: usize, (lo, hi): (usize, usize)) -> usize {
        n.clamp(lo, hi)
    }
}

/// What the page needs to know of a scenario once, beside its settings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioFacts {
    /// The batch sizes the sliders offer ([`batch_stops`], the settings' own sizes included).
    pub batch_stops: Vec<usize>,
    pub loss_label: &'static str,
    pub input_dim: usize,
    pub n_train: usize,
    pub n_params: usize,
    pub max_runs: usize,
    pub slice: ProfileRange,
    pub interpolation: ProfileRange,
    /// The comparison the budget makes ([`comparison`]).
    pub comparison: Comparison,
    /// Most `points` the page writes into its URL ([`crate::custom::URL_MAX_POINTS`]; more
    /// travel only in the settings JSON): the one limit www/url.js is given.
    pub url_max_points: usize,
}

/// The comparison a budget makes, as every sentence comparing runs names it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// `epochs`, `steps` or `loss` (the `budget` setting).
    pub budget: String,
    /// "equal epochs", "equal steps" or "equal training loss".
    pub name: &'static str,
    /// The name with the budget's numbers: "equal epochs (60 epochs each)", "equal steps (1000
    /// steps each)", "equal training loss (each run until its training loss ≤ 0.1, at most
    /// 20000 steps)".
    pub detail: String,
}

/// The [`Comparison`] of `settings`' budget: one phrase for the page's sentences and the tool.
pub fn comparison(settings: &crate::settings::Settings) -> Comparison {
    use crate::train::Budget;
    let (name, detail) = match settings.budget {
        Budget::Epochs => ("equal epochs", format!("{} epochs each", settings.epochs)),
        Budget::Steps => ("equal steps", format!("{} steps each", settings.steps)),
        Budget::Loss => ("equal training loss", format!("each run until its training loss ≤ {}, at most {} steps", settings.target_loss, settings.max_steps)),
    };
    Comparison { budget: settings.budget.to_string(), name, detail: format!("{name} ({detail})") }
}

/// The [`ScenarioFacts`] of `scenario`.
pub fn scenario_facts(scenario: &Scenario) -> ScenarioFacts {
    let s = &scenario.settings;
    ScenarioFacts {
        batch_stops: batch_stops(s.n_train, &s.batch),
        loss_label: loss_label(scenario.mlp.loss),
        input_dim: scenario.mlp.input_dim(),
        n_train: s.n_train,
        n_params: scenario.mlp.n_params(),
        max_runs: MAX_RUNS,
        slice: SLICE,
        interpolation: INTERPOLATION,
        comparison: comparison(s),
        url_max_points: crate::custom::URL_MAX_POINTS,
    }
}

/// Where a run stands, for a progress frame.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunProgress {
    pub step: usize,
    /// The steps it will train in all (budget=loss: the cap `max_steps` while it trains); once
    /// it finished, the steps it took (a budget=loss run may stop before the cap).
    pub steps: usize,
    /// budget=loss: whether its training loss reached `target_loss` (false until it does, and
    /// after `max_steps` without it); null under the other budgets.
    pub reached_target: Option<bool>,
    /// budget=loss: the trainer's message ("finished: reached the target loss X at step k",
    /// "finished: did not reach the target loss X in S steps", …); empty otherwise.
    pub target_message: String,
    pub batch: usize,
    pub lr: f64,
    pub n_params: usize,
    /// [`memory_per_step`] of this run.
    pub memory_per_step: usize,
    /// Empty unless it diverged: "diverged at step k: why; a hint".
    pub divergence: String,
    /// FNV-1a 32 of its current θ (the native tool's `theta_fingerprint`).
    pub fingerprint: String,
}

/// The [`RunProgress`] of `run`, a run of `scenario`.
pub fn run_progress(scenario: &Scenario, run: &Trainer) -> RunProgress {
    let spec = run.spec();
    RunProgress {
        step: run.step(),
        steps: if run.status() == &Status::Finished { run.step() } else { spec.steps },
        reached_target: run.reached_target(),
        target_message: if spec.target_loss.is_some() && run.status() != &crate::train::Status::Running { run.message() } else { String::new() },
        batch: spec.batch_size,
        lr: spec.lr,
        n_params: scenario.mlp.n_params(),
        memory_per_step: memory_per_step(&scenario.mlp, spec.batch_size, scenario.settings.optimizer),
        divergence: match run.status() {
            Status::Diverged { step, reason, hint } => format!("diverged at step {step}: {reason}; {hint}"),
            _ => String::new(),
        },
        fingerprint: format!("{:08x}", fnv1a_f32(run.theta())),
    }
}

/// One run as the cost table sees it: its slot, batch size, whether it finished (a run still
/// training or diverged has no cost to a target), and its training-loss history.
#[derive(Clone, Debug)]
pub struct CostInput<'a> {
    pub slot: usize,
    pub batch: usize,
    pub finished: bool,
    /// The trainer's step at each history record.
    pub steps: &'a [f64],
    pub train_loss: &'a [f64],
}

/// One run's row: steps and examples until its training loss first reached the target
/// (`None`: not finished, or never reached it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostRow {
    pub slot: usize,
    pub batch: usize,
    pub steps: Option<f64>,
    pub examples: Option<f64>,
}

/// The cost table: a common target loss and every run's cost to reach it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostTable {
    /// 1.01 × the highest of the finished runs' best training losses, so that every finished run
    /// reaches it; `None` before any run finished.
    pub target: Option<f64>,
    pub rows: Vec<CostRow>,
}

/// Steps and examples to a common training loss (see [`CostTable::target`]).
pub fn cost_table(runs: &[CostInput]) -> CostTable {
    let best = |r: &CostInput| r.train_loss.iter().copied().filter(|l| l.is_finite()).fold(f64::INFINITY, f64::min);
    let target = runs.iter().filter(|r| r.finished).map(best).filter(|b| b.is_finite()).reduce(f64::max).map(|m| 1.01 * m);
    let rows = runs
        .iter()
        .map(|r| {
            let steps = target
                .filter(|_| r.finished)
                .and_then(|t| r.train_loss.iter().position(|&l| l <= t))
                .and_then(|k| r.steps.get(k).copied());
            CostRow { slot: r.slot, batch: r.batch, steps, examples: steps.map(|s| s * r.batch as f64) }
        })
        .collect();
    CostTable { target, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_budget_names_its_comparison_with_its_numbers() {
        let mut s = crate::settings::Settings::default();
        assert_eq!(comparison(&s).detail, "equal epochs (60 epochs each)");
        s.set("budget", "steps").unwrap();
        s.set("steps", "3000").unwrap();
        assert_eq!((comparison(&s).name, comparison(&s).budget.as_str()), ("equal steps", "steps"));
        assert_eq!(comparison(&s).detail, "equal steps (3000 steps each)");
        s.set("budget", "loss").unwrap();
        s.set("target_loss", "0.3").unwrap();
        assert_eq!(comparison(&s).detail, "equal training loss (each run until its training loss ≤ 0.3, at most 20000 steps)");
    }
    use crate::model::Activation;

    #[test]
    fn memory_per_step_of_sine_with_adam_by_hand() {
        // dataset=sine: one input, hidden 16,16 (the default), one output, MSE.
        let mlp = Mlp::new(1, &[16, 16], Activation::Tanh, Loss::Mse);
        // Parameters: (1·16 + 16) + (16·16 + 16) + (16·1 + 1) = 32 + 272 + 17 = 321.
        assert_eq!(mlp.n_params(), 321);
        assert_eq!(layer_widths(&mlp), vec![1, 16, 16, 1]);
        // B = 32: activations 32 · (1 + 16 + 16 + 1) = 32 · 34 = 1088 numbers; Adam keeps two
        // state vectors, so θ, gradient, m, v: 4 · 321 = 1284 numbers. (1088 + 1284) · 4 bytes
        // = 2372 · 4 = 9488 bytes.
        assert_eq!(memory_per_step(&mlp, 32, Method::Adam), 9488);
        // SGD keeps none: (1088 + 2 · 321) · 4 = 1730 · 4 = 6920; momentum one: (1088 + 963) · 4 = 8204.
        assert_eq!(memory_per_step(&mlp, 32, Method::Sgd), 6920);
        assert_eq!(memory_per_step(&mlp, 32, Method::Momentum), 8204);
    }

    /// A progress frame says whether a budget=loss run reached its target, and nothing under
    /// the other budgets.
    #[test]
    fn progress_reports_the_target_only_under_the_loss_budget() {
        let pairs = [("n_train", "64"), ("hidden", "4"), ("batch", "64"), ("budget", "loss"), ("target_loss", "0.0001"), ("max_steps", "20")];
        let scenario = Scenario::new(&crate::settings::Settings::from_pairs(pairs).unwrap());
        let mut run = scenario.trainer(64);
        let p = run_progress(&scenario, &run);
        assert_eq!((p.steps, p.reached_target, p.target_message.as_str()), (20, Some(false), ""));
        run.advance(usize::MAX);
        let p = run_progress(&scenario, &run);
        assert_eq!((p.step, p.reached_target), (20, Some(false)));
        assert_eq!(p.target_message, "finished: did not reach the target loss 0.0001 in 20 steps");
        // A reachable target: the run stops early, and its steps are the steps it took.
        let easy = [("n_train", "64"), ("hidden", "4"), ("batch", "64"), ("budget", "loss"), ("target_loss", "10"), ("max_steps", "20")];
        let scenario = Scenario::new(&crate::settings::Settings::from_pairs(easy).unwrap());
        let mut run = scenario.trainer(64);
        run.advance(usize::MAX);
        let p = run_progress(&scenario, &run);
        assert_eq!((p.step, p.steps, p.reached_target), (0, 0, Some(true)), "{}", p.target_message);
        let plain = Scenario::new(&crate::settings::Settings::default().check().unwrap());
        let p = run_progress(&plain, &plain.trainer(16));
        assert_eq!((p.reached_target, p.target_message.as_str()), (None, ""));
    }

    #[test]
    fn a_sine_scenario_with_adam_reports_the_hand_computed_memory() {
        // The page's two old bugs: input width taken as 2, and the optimizer read from a key
        // that does not exist (so Adam's state was never counted).
        let mut s = crate::settings::Settings::default();
        s.set("dataset", "sine").unwrap();
        s.set("optimizer", "adam").unwrap();
        s.set("batch", "32").unwrap();
        let scenario = Scenario::new(&s.check().unwrap());
        let run = scenario.trainer(32);
        // Same network as above (1 input, 16, 16, 1 output): 9488 bytes at B = 32 with Adam.
        assert_eq!(run_progress(&scenario, &run).memory_per_step, 9488);
        assert_eq!(scenario_facts(&scenario).input_dim, 1);
        assert_eq!(scenario_facts(&scenario).loss_label, "loss (mean squared error)");
    }

    #[test]
    fn memory_per_step_uses_the_real_input_width() {
        // Two inputs (moons), hidden 8, one output: widths 2 + 8 + 1 = 11; params (2·8+8)+(8+1) = 33.
        let mlp = Mlp::new(2, &[8], Activation::Tanh, Loss::Bce);
        assert_eq!(mlp.n_params(), 33);
        // B = 4: (4 · 11 + 2 · 33) · 4 = (44 + 66) · 4 = 440.
        assert_eq!(memory_per_step(&mlp, 4, Method::Sgd), 440);
    }

    #[test]
    fn batch_stops_are_powers_of_two_the_full_batch_and_extras() {
        assert_eq!(batch_stops(256, &[]), vec![1, 2, 4, 8, 16, 32, 64, 128, 256]);
        assert_eq!(batch_stops(100, &[48, 500, 0]), vec![1, 2, 4, 8, 16, 32, 48, 64, 100]);
        assert_eq!(batch_stops(1, &[]), vec![1]);
    }

    #[test]
    fn the_interpolation_joins_the_first_two_finished_runs_in_slot_order() {
        assert_eq!(interpolation_pair(&[0, 2, 3]), Some((0, 2)));
        assert_eq!(interpolation_pair(&[1]), None);
    }

    #[test]
    fn cost_table_by_hand() {
        // Run A (B = 8) reaches 0.30 at its best, run B (B = 64) 0.40: target 1.01 · 0.40 = 0.404.
        let a = CostInput { slot: 0, batch: 8, finished: true, steps: &[0.0, 10.0, 20.0, 30.0], train_loss: &[0.7, 0.5, 0.4, 0.3] };
        let b = CostInput { slot: 1, batch: 64, finished: true, steps: &[0.0, 2.0, 4.0], train_loss: &[0.7, 0.45, 0.40] };
        let running = CostInput { slot: 2, batch: 1, finished: false, steps: &[0.0, 5.0], train_loss: &[0.7, 0.1] };
        let t = cost_table(&[a, b, running]);
        assert!((t.target.unwrap() - 0.404).abs() < 1e-12);
        // A first ≤ 0.404 at its third record (0.4, step 20): 20 steps, 160 examples;
        // B at its third (0.40, step 4): 4 steps, 256 examples; the running run has no cost.
        assert_eq!(t.rows[0], CostRow { slot: 0, batch: 8, steps: Some(20.0), examples: Some(160.0) });
        assert_eq!(t.rows[1], CostRow { slot: 1, batch: 64, steps: Some(4.0), examples: Some(256.0) });
        assert_eq!(t.rows[2].steps, None);
        assert_eq!(cost_table(&[]).target, None);
    }

    #[test]
    fn limits_clamp_requests() {
        assert_eq!(limits::clamp(0, limits::BOUNDARY_N), 2);
        assert_eq!(limits::clamp(10_000, limits::PROFILE_N), 401);
        assert_eq!(limits::clamp(51, limits::GRID_N), 51);
    }
}
