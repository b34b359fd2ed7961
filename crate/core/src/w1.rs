//! W1, the peer benchmark's workload, built from the core's own parts: the two-moons data
//! (`data::moons`), θ0 (`Mlp::init_glorot`), the batch order (`train::Sampler`, through the
//! real [`Trainer`]) and the landscape (`landscape::Grid` over a [`Plane`] through θ0).
//!
//! The benchmark page (`bench.html`, `wasm/bench.rs`) and `cargo bench` (`benches/w1.rs`) time
//! the product's own code paths on it, so a speed-up measured here is a speed-up of the page.
//! The reference values in the tests come from the benchmark's `gen-reference.mjs` (f64
//! JavaScript in Node); the repository keeps its own copy of them here.
//!
//! Only the landscape directions are W1-specific: W1 rescales each whole Gaussian direction to
//! ‖θ0‖₂, where the page's planes are filter-normalized (Li et al. 2018).

use crate::data::{moons, Split};
use crate::landscape::{Extent, Grid, Plane};
use crate::model::{Activation, Loss, Mlp, Workspace};
use crate::rng::{fnv1a_f32, Mulberry32, Streams};
use crate::train::{RunSpec, Trainer};
use std::sync::Arc;

pub const N_TRAIN: usize = 512;
pub const N_TEST: usize = 512;
pub const NOISE: f64 = 0.2;
pub const LR: f64 = 0.1;
pub const HIDDEN: [usize; 2] = [16, 16];
/// Grid points per axis of the landscape (coordinates −1 + 2i/50).
pub const GRID: usize = 51;

/// Two Gaussian directions (337 normal draws each, flat order, from `rng`), each rescaled to
/// the Euclidean norm of `theta0` in f64 and stored as f32: `d = g·‖θ0‖₂/‖g‖₂`.
pub fn directions(theta0: &[f32], rng: &mut Mulberry32) -> (Vec<f32>, Vec<f32>) {
    let n0 = theta0.iter().map(|&t| t as f64 * t as f64).sum::<f64>().sqrt();
    let mut one = || {
        let g: Vec<f64> = theta0.iter().map(|_| rng.gauss()).collect();
        let ng = g.iter().map(|v| v * v).sum::<f64>().sqrt();
        let s = n0 / ng;
        g.iter().map(|v| (v * s) as f32).collect::<Vec<f32>>()
    };
    let d1 = one();
    let d2 = one();
    (d1, d2)
}

/// The W1 workload: data, network, θ0 and the landscape plane.
pub struct W1 {
    pub mlp: Mlp,
    pub split: Arc<Split>,
    pub theta0: Vec<f32>,
    pub plane: Plane,
}

impl Default for W1 {
    fn default() -> Self {
        Self::new()
    }
}

impl W1 {
    pub fn new() -> Self {
        let s = Streams::W1;
        let split = moons(N_TRAIN, N_TEST, NOISE, &mut Mulberry32::new(s.data));
        let mlp = Mlp::new(2, &HIDDEN, Activation::Tanh, Loss::Bce);
        let theta0 = mlp.init_glorot(&mut Mulberry32::new(s.init));
        let (d1, d2) = directions(&theta0, &mut Mulberry32::new(s.dirs));
        let plane = Plane {
            origin: theta0.clone(),
            d1,
            d2,
            alpha_label: "α: W1 direction 1".into(),
            beta_label: "β: W1 direction 2".into(),
        };
        Self { mlp, split: Arc::new(split), theta0, plane }
    }

    /// A fresh SGD run (θ0, a fresh shuffle stream) of `steps` steps at batch size
    /// `batch_size`, learning rate 0.1. It records only its start and its last step, so the
    /// step loop does no evaluation in between.
    pub fn trainer(&self, batch_size: usize, steps: usize) -> Trainer {
        let spec = RunSpec::sgd(batch_size, LR, steps, 1);
        Trainer::new(&self.mlp, self.split.clone(), &self.theta0, spec, Streams::W1.shuffle)
    }

    /// FNV-1a over the f32 bits of every recorded loss and the final θ of a short run at each
    /// W1 batch size. The browser computes the same fingerprint (`W1Bench::fingerprint`); a test
    /// pins the arithmetic of the kernels: a change of summation order or of the
    /// activation's implementation changes it (natively and in wasm alike) and must be made
    /// on purpose.
    pub fn training_fingerprint(&self) -> String {
        let mut bits = vec![];
        for (b, steps) in [(1, 200), (32, 50), (512, 5)] {
            let mut t = self.trainer(b, steps);
            t.advance(usize::MAX);
            bits.extend(t.history().train_loss.iter().map(|&l| l as f32));
            bits.extend_from_slice(t.theta());
        }
        format!("{:08x}", fnv1a_f32(&bits))
    }

    /// An empty `n × n` grid over α, β ∈ [−1, 1] (W1's coordinates for n = 51).
    pub fn grid(&self, n: usize) -> Grid {
        let extent = Extent { alpha: (-1.0, 1.0), beta: (-1.0, 1.0) };
        Grid::new(n, extent, self.mlp.n_params())
    }

    /// The whole `n × n` landscape: `values[j·n + i]` is the mean training loss at
    /// θ0 + αᵢ·d1 + βⱼ·d2.
    pub fn landscape(&self, n: usize, ws: &mut Workspace<f32>) -> Vec<f32> {
        let mut grid = self.grid(n);
        grid.fill_rows(&self.mlp, &self.plane, &self.split.train, ws, n);
        grid.values
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::Status;

    // Data, θ0 and batch-order hashes are checked in data.rs, model.rs and train.rs.

    /// W1 reference: FNV-1a 32 of d1 and d2, and ‖θ0‖₂ = 4.750030835.
    #[test]
    fn directions_reproduce_the_w1_reference_bit_for_bit() {
        let w = W1::new();
        assert_eq!(format!("{:08x}", fnv1a_f32(&w.plane.d1)), "809e768d");
        assert_eq!(format!("{:08x}", fnv1a_f32(&w.plane.d2)), "91d777dc");
        let n0 = w.theta0.iter().map(|&t| t as f64 * t as f64).sum::<f64>().sqrt();
        assert!((n0 - 4.750030835).abs() < 1e-8, "{n0}");
    }

    /// W1 reference (f64): landscape centre 0.718232220 (= loss at θ0), (i=0, j=0) 0.516333050,
    /// (i=50, j=50) 0.778147419. f32 evaluation matches to ~1e-6; the bound is 1e-5.
    #[test]
    fn landscape_corners_and_centre_match_the_w1_reference() {
        let w = W1::new();
        let mut ws = Workspace::new(&w.mlp, 256);
        let mut theta = vec![0.0f32; w.mlp.n_params()];
        for (i, j, want) in [(25, 25, 0.718232220), (0, 0, 0.516333050), (50, 50, 0.778147419)] {
            let (a, b) = (Extent::coord((-1.0, 1.0), i, GRID), Extent::coord((-1.0, 1.0), j, GRID));
            w.plane.point_into(a, b, &mut theta);
            let got = w.mlp.evaluate(&theta, &w.split.train, &mut ws).loss;
            assert!((got - want).abs() < 1e-5, "({i}, {j}): {got} vs {want}");
        }
    }

    /// A small grid through the same code as the benchmark's: its centre is the loss at θ0.
    #[test]
    fn a_small_w1_grid_has_the_reference_centre() {
        let w = W1::new();
        let mut ws = Workspace::new(&w.mlp, 256);
        let values = w.landscape(3, &mut ws);
        assert!((values[4] as f64 - 0.718232220).abs() < 1e-5, "{}", values[4]);
        assert!(values.iter().all(|v| v.is_finite()));
    }

    /// W1 reference (f64 JS): after 2000 steps at B = 32 the training loss is 0.071763, train
    /// accuracy 0.9766, test accuracy 0.9688; our f32 run matches the loss to 1e-4.
    #[test]
    fn two_thousand_steps_at_batch_32_reach_the_w1_reference_loss() {
        let w = W1::new();
        let mut t = w.trainer(32, 2000);
        assert_eq!(t.advance(usize::MAX), &Status::Finished);
        let h = t.history();
        let loss = *h.train_loss.last().unwrap();
        assert!((loss - 0.071763).abs() < 1e-4, "{loss}");
        assert!((h.train_acc.last().unwrap() - 0.9766).abs() < 0.003);
        assert!((h.test_acc.last().unwrap() - 0.9688).abs() < 0.003);
    }

    #[test]
    fn the_w1_training_fingerprint_is_pinned() {
        assert_eq!(W1::new().training_fingerprint(), "0660648e");
    }
}
