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
    /// Whether B = 1 steps go through [`crate::tiny::sgd_step_fused`] (its network shape, plain
    /// SGD without weight decay); the same bits as the general step.
    fused: bool,
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
            fused: mlp.has_fused_step() && spec.optim.method == Method::Sgd && spec.optim.weight_decay == 0.0,
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
            let lr = self.spec.lr_at(self.step + 1) as f32;
            let fused = match *idx {
                [i] if self.fused => {
                    let i = i as usize;
                    crate::tiny::sgd_step_fused(&mut self.theta, self.split.train.row(i), self.split.train.y[i], lr)
                }
                _ => None,
            };
            let (loss, finite) = match fused {
                Some(step) => {
                    self.optimizer.count_step();
                    step
                }
                None => {
                    self.ws.load(&self.split.train, idx);
                    let loss = self.mlp.loss_grad(&self.theta, idx.len(), &mut self.ws, &mut self.grad);
                    (loss, self.optimizer.step(&mut self.theta, &self.grad, lr))
                }
            };
            self.step += 1;
            done += 1;
            if !loss.is_finite() || !finite {
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
mod tests;
