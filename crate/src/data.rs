//! Toy data sets: generated from the data stream, train and test from one draw.
//!
//! Shapes: `x` is row-major `n × dim`, `y` has `n` targets (0.0 / 1.0 for classification).
//! Values are computed in f64 and stored as f32, as W1 specifies.

use crate::rng::Mulberry32;

/// One set of examples.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub dim: usize,
    pub x: Vec<f32>,
    pub y: Vec<f32>,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.y.len()
    }

    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Row `i` of `x`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.x[i * self.dim..(i + 1) * self.dim]
    }

    /// Axis-aligned bounds of the inputs: `(min, max)` per input dimension.
    pub fn bounds(&self) -> Vec<(f32, f32)> {
        (0..self.dim)
            .map(|d| {
                let col = self.x.iter().skip(d).step_by(self.dim);
                let lo = col.clone().fold(f32::INFINITY, |a, &b| a.min(b));
                let hi = col.fold(f32::NEG_INFINITY, |a, &b| a.max(b));
                (lo, hi)
            })
            .collect()
    }
}

/// Train and test sets of one scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub train: Dataset,
    pub test: Dataset,
}

/// Two interleaving half circles (scikit-learn's `make_moons` shape), as W1 defines them:
/// point `i` has label `i mod 2`, `t = π·u`; label 0 sits at `(cos t, sin t)`, label 1 at
/// `(1 − cos t, 0.5 − sin t)`; then Gaussian noise of standard deviation `noise` is added to
/// each coordinate (x₀'s draw first). The first `n_train` points are the training set.
pub fn moons(n_train: usize, n_test: usize, noise: f64, rng: &mut Mulberry32) -> Split {
    let n = n_train + n_test;
    let mut x = Vec::with_capacity(2 * n);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let label = i % 2;
        let t = std::f64::consts::PI * rng.next_f64();
        let (mut x0, mut x1) = if label == 0 {
            (libm::cos(t), libm::sin(t))
        } else {
            (1.0 - libm::cos(t), 0.5 - libm::sin(t))
        };
        x0 += noise * rng.gauss();
        x1 += noise * rng.gauss();
        x.push(x0 as f32);
        x.push(x1 as f32);
        y.push(label as f32);
    }
    let x_test = x.split_off(2 * n_train);
    let y_test = y.split_off(n_train);
    Split { train: Dataset { dim: 2, x, y }, test: Dataset { dim: 2, x: x_test, y: y_test } }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{fnv1a_f32, Streams};

    /// Hashes from W1's reference table (`gen-reference.mjs`, FNV-1a over f32 LE bytes).
    #[test]
    fn moons_reproduce_the_w1_reference_bit_for_bit() {
        let split = moons(512, 512, 0.2, &mut Mulberry32::new(Streams::W1.data));
        assert_eq!(format!("{:08x}", fnv1a_f32(&split.train.x)), "95f92a15");
        assert_eq!(format!("{:08x}", fnv1a_f32(&split.train.y)), "42aaedc5");
        assert_eq!(format!("{:08x}", fnv1a_f32(&split.test.x)), "b045cb77");
        assert_eq!(format!("{:08x}", fnv1a_f32(&split.test.y)), "42aaedc5");
    }

    #[test]
    fn moons_are_balanced_and_sized() {
        let split = moons(101, 50, 0.1, &mut Mulberry32::new(5));
        assert_eq!(split.train.len(), 101);
        assert_eq!(split.train.x.len(), 202);
        assert_eq!(split.test.len(), 50);
        let ones = split.train.y.iter().filter(|&&v| v == 1.0).count();
        assert_eq!(ones, 50);
    }
}
