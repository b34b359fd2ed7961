//! Minibatch SGD: the batch sampler, the training loop, its history and divergence rule.
//!
//! **Batching** (W1's sampler): a permutation of the training indices is Fisher–Yates
//! shuffled with the shuffle stream before the first step and again whenever fewer than B
//! unused examples remain in the current pass; the step's batch is the next B positions.
//! The **last partial batch of a pass is dropped** (N mod B examples sit out that pass; the
//! reshuffle means different ones each time), so every update averages exactly B examples
//! and one epoch is ⌊N/B⌋ steps. The shuffle continues from the previous order, and each run
//! starts its own shuffle stream from the same seed, so a run depends only on the settings.

use crate::data::Split;
use crate::model::{Eval, Mlp, Workspace};
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

/// What one run is asked to do.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunSpec {
    pub batch_size: usize,
    /// The learning rate actually used for this run.
    pub lr: f64,
    pub steps: usize,
    /// History points (losses and a θ snapshot) are recorded about this many times per run.
    pub n_records: usize,
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
    ws: Workspace<f32>,
    eval_ws: Workspace<f32>,
    sampler: Sampler,
    step: usize,
    record_every: usize,
    initial_loss: f64,
    history: History,
    status: Status,
}

/// A recorded full-batch training loss above this multiple of the initial one (and above 10)
/// counts as divergence even while it is still finite.
const EXPLODE_FACTOR: f64 = 1e3;

impl Trainer {
    /// A run from `theta0`; owns a copy of the (small) network description and shares the data.
    pub fn new(mlp: &Mlp, split: Arc<Split>, theta0: &[f32], spec: RunSpec, shuffle_seed: u32) -> Self {
        let sampler = Sampler::new(split.train.len(), spec.batch_size, shuffle_seed);
        let record_every = (spec.steps / spec.n_records.max(1)).max(1);
        let mut t = Self {
            mlp: mlp.clone(),
            split,
            theta: theta0.to_vec(),
            grad: vec![0.0; mlp.n_params()],
            ws: Workspace::new(mlp, sampler.batch_size()),
            eval_ws: Workspace::new(mlp, 256),
            sampler,
            step: 0,
            record_every,
            initial_loss: 0.0,
            history: History::default(),
            status: Status::Running,
            spec,
        };
        t.record();
        t.initial_loss = t.history.train_loss[0];
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
        self.status = Status::Diverged {
            step: self.step,
            reason,
            hint: format!(
                "the learning rate {} is too large for batch size {}: try a smaller one",
                self.spec.lr, self.spec.batch_size
            ),
        };
    }

    /// Runs up to `max_steps` more steps; returns the status afterwards.
    pub fn advance(&mut self, max_steps: usize) -> &Status {
        let lr = self.spec.lr as f32;
        let mut done = 0;
        while self.status == Status::Running && done < max_steps {
            let idx = self.sampler.next_batch();
            self.ws.load(&self.split.train, idx);
            let rows = idx.len();
            let loss = self.mlp.loss_grad(&self.theta, rows, &mut self.ws, &mut self.grad);
            for (t, g) in self.theta.iter_mut().zip(&self.grad) {
                *t -= lr * g;
            }
            self.step += 1;
            done += 1;
            if !loss.is_finite() || !crate::kernels::all_finite(&self.theta) {
                self.diverge(format!("the minibatch loss became {loss}"));
                break;
            }
            if self.step % self.record_every == 0 || self.step == self.spec.steps {
                self.record();
                let last = *self.history.train_loss.last().unwrap_or(&0.0);
                if !last.is_finite() || (last > 10.0 && last > EXPLODE_FACTOR * self.initial_loss) {
                    self.diverge(format!("the training loss exploded to {last:.3e}"));
                    break;
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
        let spec = RunSpec { batch_size: 32, lr: 0.1, steps: 2000, n_records: 1 };
        let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec, Streams::W1.shuffle);
        assert_eq!(t.advance(usize::MAX), &Status::Finished);
        let loss = *t.history().train_loss.last().unwrap();
        assert!((loss - 0.071763).abs() < 2e-4, "{loss}");
        assert!((t.history().test_acc.last().unwrap() - 0.96875).abs() < 0.005);
    }

    #[test]
    fn the_same_seed_gives_bit_identical_runs_and_chunking_does_not_matter() {
        let (mlp, split, theta0) = w1();
        let spec = RunSpec { batch_size: 8, lr: 0.1, steps: 300, n_records: 30 };
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
        let spec = RunSpec { batch_size: 16, lr: 0.3, steps: 600, n_records: 10 };
        let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec, 7);
        t.advance(usize::MAX);
        let h = t.history();
        assert!(h.train_loss.last().unwrap() < &(0.5 * h.train_loss[0]), "{:?}", h.train_loss);
        assert!(h.test_acc.last().unwrap() > &0.9);
    }

    #[test]
    fn a_huge_learning_rate_is_marked_diverged_with_its_step() {
        let (mlp, split, theta0) = w1();
        let spec = RunSpec { batch_size: 32, lr: 1e6, steps: 500, n_records: 50 };
        let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec, 7);
        match t.advance(usize::MAX) {
            Status::Diverged { step, hint, .. } => {
                assert!(*step >= 1 && *step < 500);
                assert!(hint.contains("learning rate"));
            }
            other => panic!("expected divergence, got {other:?}"),
        }
    }
}
