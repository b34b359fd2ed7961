//! The gradient noise scale (McCandlish et al. 2018, "An Empirical Model of Large-Batch
//! Training"): `B_simple = tr(Σ)/‖G‖²`, the batch size at which the minibatch gradient's noise
//! is as large as the gradient itself.
//!
//! **Σ uses 1/N**: it is the covariance of the per-example gradient `∇ℓ_i` when `i` is drawn
//! uniformly from the N training examples, `Σ = (1/N) Σ_i (g_i − G)(g_i − G)ᵀ`, so
//! `tr Σ = (1/N) Σ_i ‖g_i‖² − ‖G‖²`. On our small data sets it is computed **exactly** from the
//! per-example gradient norms of one full pass ([`Tape::per_example_sq_norms`]).
//!
//! The **two-batch estimator** measures the same thing from two minibatch gradients only
//! (what one can afford on a real network). A batch of B drawn *without replacement* (as the
//! trainer draws them) has `E‖G_B‖² = ‖G‖² + c_B tr Σ` with `c_B = (N − B)/(B(N − 1))`
//! (the finite-population factor (N − B)/(N − 1) times 1/B); solving the pair of equations
//! for a small and a big batch gives
//! `tr Σ ≈ (‖G_small‖² − ‖G_big‖²)/(c_small − c_big)` and `‖G‖² ≈ ‖G_big‖² − c_big tr Σ`,
//! which for N ≫ B is McCandlish's `(‖G_s‖² − ‖G_b‖²)/(1/B_s − 1/B_b)` and
//! `(B_b‖G_b‖² − B_s‖G_s‖²)/(B_b − B_s)`. Without the correction the estimate would be biased
//! by a factor of about `1/(1 − B_simple/N)` (25 % at B_simple = N/5). As they recommend, the
//! squared norms are averaged over several pairs before taking the ratio.

use crate::curvature::Tape;
use crate::data::Dataset;
use crate::model::{Mlp, Workspace};
use crate::real::Real;
use crate::rng::Mulberry32;
use serde::Serialize;

/// A gradient noise scale with the two quantities it is the ratio of.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct NoiseScale {
    pub b_simple: f64,
    /// tr Σ (Σ with 1/N).
    pub trace_sigma: f64,
    /// ‖G‖².
    pub grad_sq_norm: f64,
}

impl NoiseScale {
    fn new(trace_sigma: f64, grad_sq_norm: f64) -> Self {
        Self { b_simple: trace_sigma / grad_sq_norm, trace_sigma, grad_sq_norm }
    }
}

/// The exact `B_simple` at the tape's current point, over the tape's whole data set.
pub fn b_simple_exact<T: Real>(tape: &Tape<T>) -> NoiseScale {
    let n = tape.n_examples() as f64;
    let mean_sq = tape.per_example_sq_norms().iter().sum::<f64>() / n;
    let g2: f64 = tape.grad().iter().map(|g| g.to_f64() * g.to_f64()).sum();
    NoiseScale::new((mean_sq - g2).max(0.0), g2)
}

/// How the two-batch estimate is taken.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TwoBatchConfig {
    pub b_small: usize,
    pub b_big: usize,
    /// Pairs of batches whose squared norms are averaged.
    pub n_pairs: usize,
}

/// The two-batch estimate of `B_simple` at `theta` (module docs for the formulas). Each pair
/// is drawn from a fresh Fisher–Yates permutation of the data from `rng`: the small batch is
/// its first `b_small` examples and the big batch its first `b_big` (nested, as one worker's
/// batch within the data-parallel batch in McCandlish et al.). Batch sizes are clamped to
/// `1 ≤ b_small < b_big ≤ N`; `None` if the data has fewer than 2 examples.
pub fn b_simple_two_batch(mlp: &Mlp, data: &Dataset, theta: &[f64], cfg: TwoBatchConfig, rng: &mut Mulberry32) -> Option<NoiseScale> {
    let n = data.len();
    if n < 2 {
        return None;
    }
    let b_big = cfg.b_big.clamp(2, n);
    let b_small = cfg.b_small.clamp(1, b_big - 1);
    let mut perm: Vec<u32> = (0..n as u32).collect();
    let mut ws = Workspace::<f64>::new(mlp, b_big);
    let mut g = vec![0.0f64; mlp.n_params()];
    let (mut s_small, mut s_big) = (0.0, 0.0);
    let pairs = cfg.n_pairs.max(1);
    for _ in 0..pairs {
        for i in (1..n).rev() {
            let j = rng.below(i + 1);
            perm.swap(i, j);
        }
        ws.load(data, &perm[..b_small]);
        mlp.loss_grad(theta, b_small, &mut ws, &mut g);
        s_small += g.iter().map(|x| x * x).sum::<f64>();
        ws.load(data, &perm[..b_big]);
        mlp.loss_grad(theta, b_big, &mut ws, &mut g);
        s_big += g.iter().map(|x| x * x).sum::<f64>();
    }
    let (s_small, s_big) = (s_small / pairs as f64, s_big / pairs as f64);
    let c = |b: usize| (n - b) as f64 / (b as f64 * (n - 1) as f64);
    let trace = (s_small - s_big) / (c(b_small) - c(b_big));
    Some(NoiseScale::new(trace, s_big - c(b_big) * trace))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::moons;
    use crate::model::{Activation, Loss};

    /// The definition on N = 4 examples by hand: per-example gradients g_i one example at a
    /// time with the model's backprop, G = (1/4)Σ g_i, tr Σ = (1/4)Σ‖g_i − G‖²,
    /// B_simple = tr Σ/‖G‖².
    #[test]
    fn exact_b_simple_equals_the_definition_on_four_examples() {
        let data = moons(4, 0, 0.3, &mut Mulberry32::new(8)).train;
        let mlp = Mlp::new(2, &[3], Activation::Tanh, Loss::Bce);
        let theta: Vec<f64> = {
            let mut r = Mulberry32::new(4);
            (0..mlp.n_params()).map(|_| r.gauss()).collect()
        };
        let mut ws = Workspace::<f64>::new(&mlp, 1);
        let gs: Vec<Vec<f64>> = (0..4u32)
            .map(|i| {
                let mut g = vec![0.0; mlp.n_params()];
                ws.load(&data, &[i]);
                mlp.loss_grad(&theta, 1, &mut ws, &mut g);
                g
            })
            .collect();
        let big_g: Vec<f64> = (0..mlp.n_params()).map(|k| gs.iter().map(|g| g[k]).sum::<f64>() / 4.0).collect();
        let trace: f64 = gs.iter().map(|g| g.iter().zip(&big_g).map(|(a, b)| (a - b).powi(2)).sum::<f64>()).sum::<f64>() / 4.0;
        let g2: f64 = big_g.iter().map(|x| x * x).sum();
        let mut tape = Tape::<f64>::new(&mlp, &data);
        tape.set_point(&theta);
        let got = b_simple_exact(&tape);
        assert!((got.trace_sigma - trace).abs() < 1e-12 * trace);
        assert!((got.grad_sq_norm - g2).abs() < 1e-12 * g2);
        assert!((got.b_simple - trace / g2).abs() < 1e-10 * (trace / g2), "{} vs {}", got.b_simple, trace / g2);
    }

    /// Averaged over pairs, the two-batch estimate approaches the exact value, and more
    /// closely with bigger batches (less noise in the difference of squared norms).
    #[test]
    fn the_two_batch_estimate_approaches_the_exact_value_as_batches_grow() {
        let data = moons(256, 0, 0.25, &mut Mulberry32::new(2)).train;
        let mlp = Mlp::new(2, &[8], Activation::Tanh, Loss::Bce);
        let theta: Vec<f64> = mlp.init_glorot(&mut Mulberry32::new(5)).iter().map(|&x| x as f64).collect();
        let mut tape = Tape::<f64>::new(&mlp, &data);
        tape.set_point(&theta);
        let exact = b_simple_exact(&tape).b_simple;
        let err = |b_small, b_big| {
            let cfg = TwoBatchConfig { b_small, b_big, n_pairs: 20 };
            let est = b_simple_two_batch(&mlp, &data, &theta, cfg, &mut Mulberry32::new(11)).unwrap().b_simple;
            (est - exact).abs() / exact
        };
        let (small, big) = (err(4, 16), err(64, 192));
        assert!(big < 0.05, "exact {exact}: relative error {big} with batches 64/192");
        assert!(big < small, "errors {small} (4/16) and {big} (64/192)");
    }
}
