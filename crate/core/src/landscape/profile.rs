//! 1-D views: a slice through a point along a filter-normalized direction (Li et al. 2018), and
//! the linear interpolation between two parameter vectors (Goodfellow et al. 2015; Keskar et
//! al. 2017), each with training and test loss and accuracy.

use super::filter_normalized_direction;
use crate::data::Split;
use crate::model::{Mlp, Workspace};
use crate::rng::Mulberry32;
use serde::Serialize;

/// Loss and accuracy at `alpha[k]` along a line in parameter space (accuracies NaN for
/// regression).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Profile {
    pub alpha: Vec<f64>,
    pub train_loss: Vec<f64>,
    pub test_loss: Vec<f64>,
    pub train_acc: Vec<f64>,
    pub test_acc: Vec<f64>,
}

/// Evaluates `point(α, out)` at `n` evenly spaced α over `range` (endpoints included).
fn profile(mlp: &Mlp, split: &Split, range: (f64, f64), n: usize, ws: &mut Workspace<f32>, point: impl Fn(f64, &mut [f32])) -> Profile {
    let mut p = Profile::default();
    let mut theta = vec![0.0f32; mlp.n_params()];
    for k in 0..n {
        let alpha = super::Extent::coord(range, k, n);
        point(alpha, &mut theta);
        let train = mlp.evaluate(&theta, &split.train, ws);
        let test = mlp.evaluate(&theta, &split.test, ws);
        p.alpha.push(alpha);
        p.train_loss.push(train.loss);
        p.test_loss.push(test.loss);
        p.train_acc.push(train.accuracy.unwrap_or(f64::NAN));
        p.test_acc.push(test.accuracy.unwrap_or(f64::NAN));
    }
    p
}

/// Loss and accuracy along `θ(α) = point + α·direction`.
pub fn line_profile(mlp: &Mlp, split: &Split, point: &[f32], direction: &[f32], range: (f64, f64), n: usize, ws: &mut Workspace<f32>) -> Profile {
    profile(mlp, split, range, n, ws, |alpha, out| {
        for (k, o) in out.iter_mut().enumerate() {
            *o = (point[k] as f64 + alpha * direction[k] as f64) as f32;
        }
    })
}

/// A 1-D slice through `theta` along a filter-normalized random direction drawn from
/// `dirs_seed` (Li et al. 2018, §4; α = ±1 moves each filter by its own norm). Returns the
/// direction too, so the caller can reuse it.
pub fn slice_along(mlp: &Mlp, split: &Split, theta: &[f32], dirs_seed: u32, range: (f64, f64), n: usize, ws: &mut Workspace<f32>) -> (Vec<f32>, Profile) {
    let d = filter_normalized_direction(mlp, theta, &mut Mulberry32::new(dirs_seed));
    let p = line_profile(mlp, split, theta, &d, range, n, ws);
    (d, p)
}

/// The linear interpolation `θ(α) = (1 − α)·θ_a + α·θ_b` (α = 0 is `theta_a`, α = 1 is
/// `theta_b`, both exactly), usually over α ∈ [−1, 2] (Keskar et al. 2017) or [−0.5, 1.5]
/// (Li et al. 2018), with `theta_a` the small-batch and `theta_b` the large-batch solution.
pub fn interpolation(mlp: &Mlp, split: &Split, theta_a: &[f32], theta_b: &[f32], range: (f64, f64), n: usize, ws: &mut Workspace<f32>) -> Profile {
    profile(mlp, split, range, n, ws, |alpha, out| {
        for (k, o) in out.iter_mut().enumerate() {
            *o = ((1.0 - alpha) * theta_a[k] as f64 + alpha * theta_b[k] as f64) as f32;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::moons;
    use crate::model::{Activation, Loss};

    #[test]
    fn interpolation_hits_both_end_points_exactly_and_a_slice_is_centred_on_its_point() {
        let mlp = Mlp::new(2, &[5], Activation::Tanh, Loss::Bce);
        let split = moons(40, 30, 0.2, &mut Mulberry32::new(1));
        let a = mlp.init_glorot(&mut Mulberry32::new(2));
        let b = mlp.init_glorot(&mut Mulberry32::new(3));
        let mut ws = Workspace::new(&mlp, 64);
        let p = interpolation(&mlp, &split, &a, &b, (-1.0, 2.0), 13, &mut ws);
        assert_eq!(p.alpha.len(), 13);
        // α = −1 + 3k/12: k = 4 is α = 0, k = 8 is α = 1.
        let ea = mlp.evaluate(&a, &split.train, &mut ws);
        let eb = mlp.evaluate(&b, &split.test, &mut ws);
        assert_eq!(p.alpha[4], 0.0);
        assert_eq!(p.train_loss[4], ea.loss);
        assert_eq!(p.train_acc[4], ea.accuracy.unwrap());
        assert_eq!(p.test_loss[8], eb.loss);
        let (d, s) = slice_along(&mlp, &split, &a, 7, (-1.0, 1.0), 5, &mut ws);
        assert_eq!(d.len(), mlp.n_params());
        assert_eq!(s.train_loss[2], ea.loss);
        assert!(s.test_loss.iter().all(|v| v.is_finite()));
    }
}
