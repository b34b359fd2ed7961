//! Minibatch training: the batch sampler, learning-rate rules, budgets, the training loop,
//! its history and divergence rule. The update rules themselves are in [`crate::optim`].
//!
//! **Batching** (W1's sampler): a permutation of the training indices is Fisher–Yates
//! shuffled with the shuffle stream before the first step and again whenever fewer than B
//! unused examples remain in the current pass; the step's batch is the next B positions.
//! The **last partial batch of a pass is dropped** (N mod B examples sit out that pass; the
//! reshuffle means different ones each time), so every update averages exactly B examples
//! and one epoch is ⌊N/B⌋ steps. The shuffle continues from the previous order, and each run
//! starts its own shuffle stream from the same seed, so a run depends only on the settings.
//!
//! **Learning rate** of a run with batch size B ([`LrRule`]): fixed η = η₀; linear η = η₀·B/B₀
//! (Goyal et al. 2017); square-root η = η₀·√(B/B₀) (Krizhevsky 2014; Hoffer et al. 2017).
//! With a **warm-up** of W steps, step k = 1, 2, … uses η·min(1, k/W) (linear ramp, Goyal et
//! al.'s gradual warm-up); W = 0 means none.
//!
//! **Budget** ([`Budget`]): equal *epochs* gives every run `epochs·⌊N/B⌋` steps (the same
//! number of examples seen, up to the dropped partial batches); equal *steps* gives every run
//! the same number of updates, so a larger B sees more examples; equal *training loss* trains
//! every run until its full-batch training loss is at most `target_loss`, capped at
//! `max_steps` updates.
//!
//! **The target check** (`budget=loss`, [`RunSpec::target_loss`]): the full training loss is
//! evaluated at step 0 and at the end of every epoch (every ⌊N/B⌋ steps; every step for
//! full-batch descent). The run stops at the first check where it is ≤ the target, and that
//! step is recorded in the history, so the history's last training loss is the loss that met
//! the target. A run that reaches `max_steps` first ends "finished" with
//! [`Trainer::reached_target`] = `Some(false)`. The check only reads θ (no random draw), so
//! a run's θ at step k is the same under every budget.
//!
//! **Records under budget=loss**: the stop is not known in advance, so the history cannot be
//! spaced by the planned steps. It starts by recording every check (every epoch); whenever
//! 2·`n_records` + 1 points have accumulated, every second one is dropped (step 0 and the
//! newest stay) and the spacing doubles. A run thus keeps between `n_records` and
//! 2·`n_records` + 1 evenly spaced points (plus its last step) however early it stops, and every
//! recorded point is a check. The other budgets record every ⌊steps/`n_records`⌋ steps as before.

use crate::data::Split;
use crate::model::{Eval, Mlp, Workspace};
use crate::optim::{Method, OptimConfig, Optimizer};
use crate::rng::Mulberry32;
use serde::Serialize;
use std::sync::Arc;

/// Batches without replacement, reshuffled every pass.
pub struct Sampler {
    perm: Vec<u32>,
    pos: usize,
    batch_size: usize,
    rng: Mulberry32,
}

impl Sampler {
    /// `batch_size` is clamped to 1 ..= n.
    pub fn new(n: usize, batch_size: usize, shuffle_seed: u32) -> Self {
        let batch_size = batch_size.clamp(1, n.max(1));
        Self { perm: (0..n as u32).collect(), pos: n, batch_size, rng: Mulberry32::new(shuffle_seed) }
    }

    /// Indices of the next batch.
    pub fn next_batch(&mut self) -> &[u32] {
        let n = self.perm.len();
        if self.pos + self.batch_size > n {
            for i in (1..n).rev() {
                let j = self.rng.below(i + 1);
                self.perm.swap(i, j);
            }
            self.pos = 0;
        }
        let start = self.pos;
        self.pos += self.batch_size;
        &self.perm[start..self.pos]
    }

    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Steps in one pass over the data (the partial batch is dropped).
    pub fn steps_per_epoch(&self) -> usize {
        (self.perm.len() / self.batch_size).max(1)
    }
}

crate::settings::named_enum! {
    /// How a run's learning rate follows from the base η₀ at base batch size B₀ (`lr_rule=`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum LrRule {
        /// η = η₀ whatever B.
        Fixed = "fixed",
        /// η = η₀·B/B₀.
        Linear = "linear",
        /// η = η₀·√(B/B₀).
        Sqrt = "sqrt",
    }
}

impl LrRule {
    /// The learning rate for batch size `b` given η₀ = `lr0` at B₀ = `base_batch`.
    pub fn lr(self, lr0: f64, b: usize, base_batch: usize) -> f64 {
        let ratio = b as f64 / base_batch.max(1) as f64;
        match self {
            LrRule::Fixed => lr0,
            LrRule::Linear => lr0 * ratio,
            LrRule::Sqrt => lr0 * libm::sqrt(ratio),
        }
    }
}

crate::settings::named_enum! {
    /// What is held equal across the runs of a scenario (`budget=`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Budget {
        /// Every run makes `epochs` passes: `epochs·⌊N/B⌋` steps.
        Epochs = "epochs",
        /// Every run makes the same number of steps.
        Steps = "steps",
        /// Every run trains until its full training loss is ≤ `target_loss` (checked every
        /// epoch), at most `max_steps` steps.
        Loss = "loss",
    }
}

impl Budget {
    /// Planned steps of a run with batch size `b` on `n` examples: `epochs·max(1, ⌊n/b⌋)`,
    /// `steps`, or the cap `max_steps` (budget=loss, which may stop earlier).
    pub fn steps_for(self, epochs: usize, steps: usize, max_steps: usize, n: usize, b: usize) -> usize {
        match self {
            Budget::Epochs => epochs * (n / b.max(1)).max(1),
            Budget::Steps => steps,
            Budget::Loss => max_steps,
        }
    }
}

/// What one run is asked to do.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunSpec {
    pub batch_size: usize,
    /// The learning rate of this run after its rule (before warm-up): the *effective* η.
    pub lr: f64,
    /// The steps planned: all of them, or the cap when `target_loss` is set.
    pub steps: usize,
    /// budget=loss: stop at the first check (step 0, then every epoch) where the full training
    /// loss is ≤ this; `None` under the other budgets.
    pub target_loss: Option<f64>,
    /// History points (losses and a θ snapshot) are recorded about this many times per run.
    pub n_records: usize,
    /// Warm-up steps W (0: none).
    pub warmup: usize,
    pub optim: OptimConfig,
    /// Where `lr` came from: the rule, η₀ and B₀ (for the divergence hint and the report).
    pub lr_rule: LrRule,
    pub base_lr: f64,
    pub base_batch: usize,
}

impl RunSpec {
    /// Plain SGD at a fixed learning rate, no warm-up (W1's run).
    pub fn sgd(batch_size: usize, lr: f64, steps: usize, n_records: usize) -> Self {
        Self {
            batch_size,
            lr,
            steps,
            target_loss: None,
            n_records,
            warmup: 0,
            optim: OptimConfig::SGD,
            lr_rule: LrRule::Fixed,
            base_lr: lr,
            base_batch: batch_size,
        }
    }

    /// The learning rate of step `k` (1-based): `lr·min(1, k/W)`.
    pub fn lr_at(&self, k: usize) -> f64 {
        if self.warmup == 0 || k >= self.warmup {
            self.lr
        } else {
            self.lr * k as f64 / self.warmup as f64
        }
    }
}

/// Losses and accuracies at recorded steps; `theta` snapshots are the path through
/// parameter space (one per record, same indices).
#[derive(Clone, Debug, Default, Serialize)]
pub struct History {
    pub step: Vec<u32>,
    pub epoch: Vec<f64>,
    pub train_loss: Vec<f64>,
    pub test_loss: Vec<f64>,
    pub train_acc: Vec<f64>,
    pub test_acc: Vec<f64>,
    #[serde(skip)]
    pub theta: Vec<Vec<f32>>,
}

impl History {
    /// Keeps the points at even indices (step 0, every second one, and the newest when the
    /// count is odd): budget=loss halves its records this way.
    fn keep_even(&mut self) {
        fn halve<T>(v: &mut Vec<T>) {
            let mut i = 0;
            v.retain(|_| {
                i += 1;
                (i - 1) % 2 == 0
            });
        }
        halve(&mut self.step);
        halve(&mut self.epoch);
        halve(&mut self.train_loss);
        halve(&mut self.test_loss);
        halve(&mut self.train_acc);
        halve(&mut self.test_acc);
        halve(&mut self.theta);
    }
}

/// Where a run stands.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    Running,
    Finished,
    Diverged { step: usize, reason: String, hint: String },
}

/// A run in progress: advance it in chunks so the caller (a Web Worker) can stream results
/// and stay responsive to new requests.
pub struct Trainer {
    mlp: Mlp,
    split: Arc<Split>,
    spec: RunSpec,
    theta: Vec<f32>,
    grad: Vec<f32>,
    optimizer: Optimizer<f32>,
    ws: Workspace<f32>,
    eval_ws: Workspace<f32>,
    sampler: Sampler,
    step: usize,
    record_every: usize,
    initial_loss: f64,
    history: History,
    status: Status,
    reached_target: Option<bool>,
}

/// A recorded full-batch training loss above this multiple of the initial one (and above
/// [`EXPLODE_FLOOR`]) counts as divergence even while it is still finite: a classifier whose
/// cross-entropy grew from ln 2 ≈ 0.69 to above 10 is confidently wrong on most examples, and
/// its logits keep growing without ever overflowing to ∞ (cross-entropy grows linearly in them).
const EXPLODE_FACTOR: f64 = 10.0;
const EXPLODE_FLOOR: f64 = 10.0;

impl Trainer {
    /// A run from `theta0`; owns a copy of the (small) network description and shares the data.
    pub fn new(mlp: &Mlp, split: Arc<Split>, theta0: &[f32], spec: RunSpec, shuffle_seed: u32) -> Self {
        let sampler = Sampler::new(split.train.len(), spec.batch_size, shuffle_seed);
        let record_every = match spec.target_loss {
            Some(_) => sampler.steps_per_epoch(),
            None => (spec.steps / spec.n_records.max(1)).max(1),
        };
        let mut t = Self {
            mlp: mlp.clone(),
            split,
            theta: theta0.to_vec(),
            grad: vec![0.0; mlp.n_params()],
            optimizer: Optimizer::new(spec.optim, mlp.n_params()),
            ws: Workspace::new(mlp, sampler.batch_size()),
            eval_ws: Workspace::new(mlp, 256),
            sampler,
            step: 0,
            record_every,
            initial_loss: 0.0,
            history: History::default(),
            status: Status::Running,
            reached_target: spec.target_loss.map(|_| false),
            spec,
        };
        t.record();
        t.initial_loss = t.history.train_loss[0];
        if t.spec.target_loss.is_some_and(|target| t.initial_loss <= target) {
            t.reached_target = Some(true);
            t.status = Status::Finished;
        }
        if t.spec.steps == 0 {
            t.status = Status::Finished;
        }
        t
    }

    fn record(&mut self) {
        let train = self.evaluate_train();
        let test = self.mlp.evaluate(&self.theta, &self.split.test, &mut self.eval_ws);
        let h = &mut self.history;
        h.step.push(self.step as u32);
        h.epoch.push(self.step as f64 / self.sampler.steps_per_epoch() as f64);
        h.train_loss.push(train.loss);
        h.test_loss.push(test.loss);
        h.train_acc.push(train.accuracy.unwrap_or(f64::NAN));
        h.test_acc.push(test.accuracy.unwrap_or(f64::NAN));
        h.theta.push(self.theta.clone());
    }

    fn evaluate_train(&mut self) -> Eval {
        self.mlp.evaluate(&self.theta, &self.split.train, &mut self.eval_ws)
    }

    fn diverge(&mut self, reason: String) {
        let lr = self.spec.lr_at(self.step);
        self.status = Status::Diverged { step: self.step, reason: format!("{reason} at learning rate η = {}", lr as f32), hint: divergence_hint(&self.spec) };
    }

    /// Runs up to `max_steps` more steps; returns the status afterwards.
    pub fn advance(&mut self, max_steps: usize) -> &Status {
        let mut done = 0;
        while self.status == Status::Running && done < max_steps {
            let idx = self.sampler.next_batch();
            self.ws.load(&self.split.train, idx);
            let rows = idx.len();
            let loss = self.mlp.loss_grad(&self.theta, rows, &mut self.ws, &mut self.grad);
            let lr = self.spec.lr_at(self.step + 1) as f32;
            self.optimizer.step(&mut self.theta, &self.grad, lr);
            self.step += 1;
            done += 1;
            if !loss.is_finite() || !crate::kernels::all_finite(&self.theta) {
                self.diverge(format!("the minibatch loss became {loss}"));
                break;
            }
            let recorded = self.step.is_multiple_of(self.record_every) || self.step == self.spec.steps;
            if recorded {
                self.record();
                let last = *self.history.train_loss.last().unwrap_or(&0.0);
                if !last.is_finite() || (last > EXPLODE_FLOOR && last > EXPLODE_FACTOR * self.initial_loss) {
                    self.diverge(format!("the training loss exploded to {last:.3e}"));
                    break;
                }
                if self.spec.target_loss.is_some() && self.history.step.len() > 2 * self.spec.n_records.max(1) {
                    self.history.keep_even();
                    self.record_every *= 2;
                }
            }
            if let Some(target) = self.spec.target_loss {
                if self.step.is_multiple_of(self.sampler.steps_per_epoch()) {
                    // A recorded step's loss is this same evaluation; do not repeat it.
                    let loss = if recorded { *self.history.train_loss.last().unwrap_or(&f64::NAN) } else { self.evaluate_train().loss };
                    if loss <= target {
                        if !recorded {
                            self.record();
                        }
                        self.reached_target = Some(true);
                        self.status = Status::Finished;
                        break;
                    }
                }
            }
            if self.step >= self.spec.steps {
                self.status = Status::Finished;
            }
        }
        &self.status
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// budget=loss: whether the full training loss reached the target (`Some(false)` while
    /// running, after `max_steps` without reaching it, or after a divergence); `None` under the
    /// other budgets.
    pub fn reached_target(&self) -> Option<bool> {
        self.reached_target
    }

    /// [`Status::message`], and under budget=loss what became of the target: "finished: reached
    /// the target loss X at step k" or "finished: did not reach the target loss X in S steps".
    pub fn message(&self) -> String {
        match (&self.status, self.spec.target_loss, self.reached_target) {
            (Status::Finished, Some(target), Some(true)) => format!("finished: reached the target loss {target} at step {}", self.step),
            (Status::Finished, Some(target), _) => format!("finished: did not reach the target loss {target} in {} steps", self.step),
            (status, _, _) => status.message(),
        }
    }

    pub fn step(&self) -> usize {
        self.step
    }

    pub fn spec(&self) -> &RunSpec {
        &self.spec
    }

    pub fn theta(&self) -> &[f32] {
        &self.theta
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    /// Steps per epoch of this run: `max(1, ⌊N/B⌋)`.
    pub fn steps_per_epoch(&self) -> usize {
        self.sampler.steps_per_epoch()
    }
}

impl Status {
    /// One line for people: "diverged at step k: reason; hint", "finished", "running".
    pub fn message(&self) -> String {
        match self {
            Status::Running => "running".into(),
            Status::Finished => "finished".into(),
            Status::Diverged { step, reason, hint } => format!("diverged at step {step}: {reason}; {hint}"),
        }
    }
}

/// What to try when a run diverges, from what set its learning rate.
fn divergence_hint(spec: &RunSpec) -> String {
    let mut hint = format!("η = {} is too large for batch size {}", spec.lr, spec.batch_size);
    if spec.lr_rule != LrRule::Fixed && spec.lr > spec.base_lr {
        hint += &format!(
            " (the {} rule raised η₀ = {} at B₀ = {} to {})",
            spec.lr_rule.name(),
            spec.base_lr,
            spec.base_batch,
            spec.lr
        );
    }
    hint += ": try a smaller learning rate";
    if spec.warmup == 0 {
        hint += " or a warm-up of a few hundred steps";
    }
    if spec.lr_rule == LrRule::Linear && spec.lr > spec.base_lr {
        hint += ", or the square-root rule";
    }
    if spec.optim.method == Method::Momentum && spec.optim.momentum > 0.0 {
        hint += &format!(" (momentum μ = {} makes the effective step about η/(1−μ))", spec.optim.momentum);
    }
    hint
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::moons;
    use crate::model::{Activation, Loss};
    use crate::rng::{fnv1a_f32, Streams};

    fn w1() -> (Mlp, Arc<Split>, Vec<f32>) {
        let split = moons(512, 512, 0.2, &mut Mulberry32::new(Streams::W1.data));
        let mlp = Mlp::new(2, &[16, 16], Activation::Tanh, Loss::Bce);
        let theta0 = mlp.init_glorot(&mut Mulberry32::new(Streams::W1.init));
        (mlp, Arc::new(split), theta0)
    }

    #[test]
    fn first_epoch_permutation_matches_w1() {
        let mut s = Sampler::new(512, 512, Streams::W1.shuffle);
        let perm: Vec<f32> = s.next_batch().iter().map(|&i| f32::from_bits(i)).collect();
        // W1 hashes the Int32Array's bytes; reinterpreting the u32 bits as f32 keeps the bytes.
        assert_eq!(format!("{:08x}", fnv1a_f32(&perm)), "8f2c2b29");
    }

    #[test]
    fn the_last_partial_batch_is_dropped_and_every_pass_is_a_permutation() {
        let mut s = Sampler::new(10, 3, 1);
        assert_eq!(s.steps_per_epoch(), 3);
        for _ in 0..4 {
            let mut seen: Vec<u32> = (0..3).flat_map(|_| s.next_batch().to_vec()).collect();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), 9, "nine distinct examples per pass, one sits out");
        }
    }

    /// W1 reference (f64 JS): loss after 2000 steps at B = 32 is 0.071763; f32 matches to ~1e-4.
    #[test]
    fn training_reproduces_the_w1_reference_loss() {
        let (mlp, split, theta0) = w1();
        let spec = RunSpec::sgd(32, 0.1, 2000, 1);
        let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec, Streams::W1.shuffle);
        assert_eq!(t.advance(usize::MAX), &Status::Finished);
        let loss = *t.history().train_loss.last().unwrap();
        assert!((loss - 0.071763).abs() < 2e-4, "{loss}");
        assert!((t.history().test_acc.last().unwrap() - 0.96875).abs() < 0.005);
    }

    #[test]
    fn the_same_seed_gives_bit_identical_runs_and_chunking_does_not_matter() {
        let (mlp, split, theta0) = w1();
        let spec = RunSpec::sgd(8, 0.1, 300, 30);
        let mut a = Trainer::new(&mlp, split.clone(), &theta0, spec.clone(), 5);
        a.advance(usize::MAX);
        let mut b = Trainer::new(&mlp, split.clone(), &theta0, spec, 5);
        while b.advance(7) == &Status::Running {}
        assert_eq!(fnv1a_f32(a.theta()), fnv1a_f32(b.theta()));
        assert_eq!(a.history().train_loss, b.history().train_loss);
    }

    #[test]
    fn loss_decreases_on_moons() {
        let (mlp, split, theta0) = w1();
        let spec = RunSpec::sgd(16, 0.3, 600, 10);
        let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec, 7);
        t.advance(usize::MAX);
        let h = t.history();
        assert!(h.train_loss.last().unwrap() < &(0.5 * h.train_loss[0]), "{:?}", h.train_loss);
        assert!(h.test_acc.last().unwrap() > &0.9);
    }

    #[test]
    fn a_huge_learning_rate_is_marked_diverged_with_its_step() {
        let (mlp, split, theta0) = w1();
        let spec = RunSpec::sgd(32, 1e6, 500, 50);
        let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec, 7);
        match t.advance(usize::MAX) {
            Status::Diverged { step, hint, .. } => {
                assert!(*step >= 1 && *step < 500);
                assert!(hint.contains("learning rate"));
            }
            other => panic!("expected divergence, got {other:?}"),
        }
    }
    #[test]
    fn learning_rate_rules_scale_eta0_by_the_batch_ratio() {
        // η₀ = 0.1 at B₀ = 16: B = 64 is four times B₀.
        assert_eq!(LrRule::Fixed.lr(0.1, 64, 16), 0.1);
        assert!((LrRule::Linear.lr(0.1, 64, 16) - 0.4).abs() < 1e-15);
        assert!((LrRule::Sqrt.lr(0.1, 64, 16) - 0.2).abs() < 1e-15);
        assert!((LrRule::Linear.lr(0.1, 4, 16) - 0.025).abs() < 1e-15);
        assert!(LrRule::ALL.iter().all(|r| LrRule::parse(r.name()) == Some(*r)));
    }

    #[test]
    fn warm_up_ramps_linearly_over_w_steps_then_holds() {
        let spec = RunSpec { warmup: 4, ..RunSpec::sgd(8, 0.2, 100, 10) };
        let lrs: Vec<f64> = (1..=6).map(|k| spec.lr_at(k)).collect();
        assert_eq!(lrs, vec![0.05, 0.1, 0.15000000000000002, 0.2, 0.2, 0.2]);
        assert_eq!(RunSpec::sgd(8, 0.2, 100, 10).lr_at(1), 0.2);
    }

    #[test]
    fn budgets_give_equal_epochs_or_equal_steps() {
        assert_eq!(Budget::Epochs.steps_for(10, 999, 777, 256, 16), 160);
        assert_eq!(Budget::Epochs.steps_for(10, 999, 777, 100, 30), 30, "partial batches dropped");
        assert_eq!(Budget::Epochs.steps_for(3, 999, 777, 64, 64), 3, "full batch: one step per epoch");
        assert_eq!(Budget::Steps.steps_for(10, 500, 777, 256, 1), 500);
        assert_eq!(Budget::Steps.steps_for(10, 500, 777, 256, 256), 500);
        assert_eq!(Budget::Loss.steps_for(10, 500, 777, 256, 8), 777, "the cap is planned");
    }

    /// budget=loss: the run stops at the first check (every epoch, ⌊512/16⌋ = 32 steps) whose
    /// full training loss is ≤ the target, records that point last, and the check before was
    /// above it. A replay without a target, evaluated at every check, shows both, and its θ at
    /// that step is bit-identical (the check draws nothing).
    #[test]
    fn a_loss_budget_stops_at_the_first_check_that_meets_the_target() {
        let (mlp, split, theta0) = w1();
        let target = 0.2;
        let spec = RunSpec { target_loss: Some(target), ..RunSpec::sgd(16, 0.3, 20_000, 120) };
        let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec.clone(), 7);
        while t.advance(50) == &Status::Running {}
        assert_eq!((t.status(), t.reached_target()), (&Status::Finished, Some(true)));
        let stop = t.step();
        let h = t.history();
        assert!(*h.train_loss.last().unwrap() <= target, "{:?}", h.train_loss);
        assert_eq!(*h.step.last().unwrap() as usize, stop, "the stop is recorded");
        assert!(stop > 0 && stop < 20_000 && stop.is_multiple_of(32), "{stop}");
        assert_eq!(t.message(), format!("finished: reached the target loss 0.2 at step {stop}"));
        let mut replay = Trainer::new(&mlp, split.clone(), &theta0, RunSpec { target_loss: None, ..spec }, 7);
        let mut losses = vec![];
        while replay.step() < stop {
            replay.advance(32);
            losses.push(replay.evaluate_train().loss);
        }
        let (before, at) = (losses[losses.len() - 2], losses[losses.len() - 1]);
        assert!(before > target && at <= target, "check before {before}, at the stop {at}");
        assert!(losses[..losses.len() - 1].iter().all(|&l| l > target), "no earlier check met it: {losses:?}");
        assert_eq!(at, *h.train_loss.last().unwrap());
        assert_eq!(replay.theta(), t.theta());
        // Evenly spaced records, each a check, at most 2·120 + 1 of them before the stop.
        assert!(h.step.len() <= 2 * 120 + 2 && h.step.len() >= 120.min(stop / 32), "{}", h.step.len());
        let gap = h.step[1] - h.step[0];
        assert!(gap.is_multiple_of(32) && h.step.windows(2).take(h.step.len() - 2).all(|w| w[1] - w[0] == gap), "{:?}", h.step);
        assert_eq!((h.theta.len(), h.train_loss.len(), h.epoch.len()), (h.step.len(), h.step.len(), h.step.len()));
    }

    /// An unreachable target stops at `max_steps`, marked as not reached; full-batch descent
    /// checks every step; a target the initial loss already meets stops at step 0.
    #[test]
    fn an_unreachable_target_stops_at_max_steps_and_says_so() {
        let (mlp, split, theta0) = w1();
        let spec = RunSpec { target_loss: Some(1e-4), ..RunSpec::sgd(512, 0.3, 300, 10) };
        let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec, 7);
        assert_eq!(t.advance(usize::MAX), &Status::Finished);
        assert_eq!((t.step(), t.reached_target()), (300, Some(false)));
        assert!(*t.history().train_loss.last().unwrap() > 1e-4);
        assert_eq!(t.message(), "finished: did not reach the target loss 0.0001 in 300 steps");
        let full = RunSpec { target_loss: Some(0.5), ..RunSpec::sgd(512, 0.3, 300, 10) };
        let mut f = Trainer::new(&mlp, split.clone(), &theta0, full, 7);
        f.advance(usize::MAX);
        assert_eq!(f.reached_target(), Some(true));
        assert_eq!(*f.history().step.last().unwrap() as usize, f.step());
        assert!(*f.history().train_loss.last().unwrap() <= 0.5);
        assert!(f.history().train_loss[f.history().train_loss.len() - 2] > 0.5, "full batch: every step is a check");
        let easy = RunSpec { target_loss: Some(10.0), ..RunSpec::sgd(16, 0.3, 300, 10) };
        let e = Trainer::new(&mlp, split.clone(), &theta0, easy, 7);
        assert_eq!((e.status(), e.step(), e.reached_target()), (&Status::Finished, 0, Some(true)));
        assert_eq!(Trainer::new(&mlp, split, &theta0, RunSpec::sgd(16, 0.3, 300, 10), 7).reached_target(), None);
    }

    #[test]
    fn momentum_and_adam_train_moons_and_are_deterministic() {
        let (mlp, split, theta0) = w1();
        for (method, lr) in [(Method::Momentum, 0.05), (Method::Adam, 0.01)] {
            let spec = RunSpec { optim: OptimConfig { method, momentum: 0.9, weight_decay: 1e-4 }, warmup: 20, ..RunSpec::sgd(16, lr, 200, 2) };
            let mut a = Trainer::new(&mlp, split.clone(), &theta0, spec.clone(), 3);
            assert_eq!(a.advance(usize::MAX), &Status::Finished);
            let h = a.history();
            assert!(h.train_loss.last().unwrap() < &(0.5 * h.train_loss[0]), "{method:?}: {:?}", h.train_loss);
            let mut b = Trainer::new(&mlp, split.clone(), &theta0, spec, 3);
            while b.advance(13) == &Status::Running {}
            assert_eq!(a.theta(), b.theta(), "{method:?}");
        }
    }

    #[test]
    fn a_divergence_message_names_the_step_the_learning_rate_and_the_rule() {
        let (mlp, split, theta0) = w1();
        let spec = RunSpec { lr_rule: LrRule::Linear, base_lr: 10.0, base_batch: 4, ..RunSpec::sgd(512, 1280.0, 50, 50) };
        let mut t = Trainer::new(&mlp, split, &theta0, spec, 7);
        t.advance(usize::MAX);
        let message = t.status().message();
        assert!(message.starts_with("diverged at step "), "{message}");
        assert!(message.contains("η = 1280"), "{message}");
        assert!(message.contains("the linear rule raised η₀ = 10 at B₀ = 4 to 1280"), "{message}");
        assert!(message.contains("warm-up") && message.contains("square-root"), "{message}");
    }
    /// B = N is full-batch descent (every step sees every example once) and B = 1 visits every
    /// example once per epoch in a fresh order each epoch.
    #[test]
    fn batch_sizes_from_one_to_n_cover_every_example_each_epoch() {
        let mut full = Sampler::new(64, 64, 2);
        assert_eq!(full.steps_per_epoch(), 1);
        for _ in 0..3 {
            let mut b = full.next_batch().to_vec();
            b.sort();
            assert_eq!(b, (0..64).collect::<Vec<u32>>());
        }
        let mut single = Sampler::new(64, 1, 2);
        assert_eq!(single.steps_per_epoch(), 64);
        let epochs: Vec<Vec<u32>> = (0..2).map(|_| (0..64).map(|_| single.next_batch()[0]).collect()).collect();
        for e in &epochs {
            let mut sorted = e.clone();
            sorted.sort();
            assert_eq!(sorted, (0..64).collect::<Vec<u32>>());
        }
        assert_ne!(epochs[0], epochs[1], "reshuffled every epoch");
        assert_eq!(Sampler::new(64, 1000, 2).batch_size(), 64, "B is clamped to N");
    }
}
