//! Toy data sets: generated from the data stream, train and test from one draw.
//!
//! Shapes: `x` is row-major `n × dim`, `y` has `n` targets (0.0 / 1.0 for classification, a
//! real number for regression). Values are computed in f64 and stored as f32, as W1 specifies.
//!
//! Every generator draws `n_train + n_test` examples in one pass over the data stream; the
//! first `n_train` are the training set, the rest the test set. Classification sets give
//! example `i` the label `i mod 2`, so both sets are balanced to within one example. `noise`
//! is the standard deviation of Gaussian noise added to each **input** coordinate of a
//! classification set, and to the **target** of a regression set (its input is exact).
//! **Label noise** then flips exactly `round(fraction · n_train)` training labels, chosen by a
//! partial Fisher–Yates shuffle that continues the same data stream; the test set stays clean.

use crate::rng::Mulberry32;
use std::f64::consts::PI;

crate::settings::named_enum! {
    /// The toy data sets (`dataset=` values).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum DatasetKind {
        /// Two interleaving half circles (W1's moons), 2-D, two classes.
        Moons = "moons",
        /// An outer circle of radius 1 (label 0) around an inner one of radius 0.5 (label 1).
        Circles = "circles",
        /// Two interleaved spiral arms, 2-D, two classes.
        Spiral = "spiral",
        /// Four quadrants: label 1 where x₀·x₁ > 0.
        Xor = "xor",
        /// Two Gaussian blobs centred at (−1, 0) (label 0) and (1, 0) (label 1), each of
        /// standard deviation 0.5 before the input noise.
        Blobs = "blobs",
        /// 1-D regression: x ~ U[−π, π], y = sin x + noise.
        Sine = "sine",
        /// 1-D regression: x ~ U[−1, 1], y = 1.5·x − 0.5 + noise.
        Linear = "linear",
        /// Three interleaved spiral arms, 2-D, three classes (softmax cross-entropy).
        Spiral3 = "spiral3",
        /// The UCI 8×8 handwritten digits (1 797 real images, see [`crate::digits`]): 64 inputs
        /// in [0, 1], ten classes (softmax cross-entropy).
        Digits = "digits",
        /// The learner's own points (the `points` setting, see [`crate::custom`]), two
        /// classes (labels 0 and 1).
        Custom = "custom",
        /// The learner's own points, three classes (labels 0, 1 and 2; softmax cross-entropy).
        Custom3 = "custom3",
        /// The learner's own regression points `x:y` (1-D input, mean squared error).
        CustomReg = "custom_reg",
    }
}

impl DatasetKind {
    /// Regression sets are fitted with mean squared error, classification sets with binary
    /// cross-entropy.
    pub fn is_regression(self) -> bool {
        matches!(self, Self::Sine | Self::Linear | Self::CustomReg)
    }

    /// The default data set (`moons`), where a custom one has too few points.
    pub fn default_kind() -> Self {
        Self::Moons
    }

    /// The learner's own data (`custom`, `custom3`, `custom_reg`): the examples come from the
    /// `points` setting.
    pub fn is_custom(self) -> bool {
        matches!(self, Self::Custom | Self::Custom3 | Self::CustomReg)
    }

    /// Input dimension: 1 for regression, 64 for the digits, 2 for the other sets.
    pub fn input_dim(self) -> usize {
        if self.is_regression() {
            1
        } else if self == Self::Digits {
            crate::digits::PIXELS
        } else {
            2
        }
    }

    /// Number of classes: 0 for regression, 2 for the binary sets, 3 for `spiral3`, 10 for the
    /// digits.
    pub fn classes(self) -> usize {
        match self {
            Self::Sine | Self::Linear | Self::CustomReg => 0,
            Self::Spiral3 | Self::Custom3 => 3,
            Self::Digits => crate::digits::CLASSES,
            _ => 2,
        }
    }

    /// Outputs of the network: one (a logit or a prediction) for regression and binary sets,
    /// one logit per class for the multiclass sets.
    pub fn outputs(self) -> usize {
        if self.classes() > 2 {
            self.classes()
        } else {
            1
        }
    }

    /// The most examples `n_train + n_test` may ask for: the digits are a fixed set of 1 797
    /// images; the generated sets have no limit.
    pub fn max_examples(self) -> Option<usize> {
        // (The custom sets draw any number of examples from their points: see crate::custom.)
        (self == Self::Digits).then_some(crate::digits::ROWS)
    }
}

/// What to generate: the `data` part of the settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DataSpec {
    pub kind: DatasetKind,
    pub n_train: usize,
    pub n_test: usize,
    /// Standard deviation of the input (classification) or target (regression) noise.
    pub noise: f64,
    /// Fraction of training labels flipped (classification only; 0 for regression).
    pub label_noise: f64,
}

impl DataSpec {
    /// The train and test sets, all drawn from one data stream seeded with `data_seed` (a
    /// custom data set without points: see [`DataSpec::generate_from`]).
    pub fn generate(&self, data_seed: u32) -> Split {
        self.generate_from(&crate::custom::Points::default(), data_seed)
    }

    /// [`DataSpec::generate`], with the learner's `points` for the custom data sets (ignored
    /// by the others).
    pub fn generate_from(&self, points: &crate::custom::Points, data_seed: u32) -> Split {
        let mut rng = Mulberry32::new(data_seed);
        let mut split = if self.kind.is_custom() {
            crate::custom::split(points, self.n_train, self.n_test, self.noise, &mut rng)
        } else if self.kind == DatasetKind::Digits {
            crate::digits::split(self.n_train, self.n_test, &mut rng)
        } else {
            generate(self.kind, self.n_train, self.n_test, self.noise, &mut rng)
        };
        if !self.kind.is_regression() {
            flip_labels_k(&mut split.train, self.label_noise, self.kind.classes(), &mut rng);
        }
        split
    }
}

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

/// `n_train + n_test` examples of `kind` from `rng` (see the module docs for the split).
pub fn generate(kind: DatasetKind, n_train: usize, n_test: usize, noise: f64, rng: &mut Mulberry32) -> Split {
    if kind == DatasetKind::Moons {
        return moons(n_train, n_test, noise, rng);
    }
    let n = n_train + n_test;
    let dim = kind.input_dim();
    let mut x = Vec::with_capacity(dim * n);
    let mut y = Vec::with_capacity(n);
    let classes = kind.classes().max(2);
    for i in 0..n {
        let label = (i % classes) as f64;
        match kind {
            DatasetKind::Sine | DatasetKind::Linear => {
                let (x0, target) = if kind == DatasetKind::Sine {
                    let x0 = PI * (2.0 * rng.next_f64() - 1.0);
                    (x0, libm::sin(x0))
                } else {
                    let x0 = 2.0 * rng.next_f64() - 1.0;
                    (x0, 1.5 * x0 - 0.5)
                };
                x.push(x0 as f32);
                y.push((target + noise * rng.gauss()) as f32);
                continue;
            }
            _ => {}
        }
        let (x0, x1) = match kind {
            DatasetKind::Circles => {
                let t = 2.0 * PI * rng.next_f64();
                let r = if label == 0.0 { 1.0 } else { 0.5 };
                (r * libm::cos(t), r * libm::sin(t))
            }
            DatasetKind::Spiral => {
                // Arm c at angle t + cπ and radius r = 2u, t = 3.5π·u (1.75 turns).
                let u = rng.next_f64();
                let (r, t) = (2.0 * u, 3.5 * PI * u + label * PI);
                (r * libm::sin(t), r * libm::cos(t))
            }
            DatasetKind::Spiral3 => {
                // Arm c at angle t + 2πc/3 and radius r = 2u, t = 3π·u (1.5 turns).
                let u = rng.next_f64();
                let (r, t) = (2.0 * u, 3.0 * PI * u + label * 2.0 * PI / 3.0);
                (r * libm::sin(t), r * libm::cos(t))
            }
            DatasetKind::Xor => {
                // |x₀|, |x₁| ∈ [0.1, 1]; the sign of x₀ is random, x₁'s follows from the label.
                let a = 0.1 + 0.9 * rng.next_f64();
                let b = 0.1 + 0.9 * rng.next_f64();
                let s = if rng.next_f64() < 0.5 { -1.0 } else { 1.0 };
                let t = if label == 1.0 { s } else { -s };
                (s * a, t * b)
            }
            DatasetKind::Blobs => {
                let c = if label == 0.0 { -1.0 } else { 1.0 };
                (c + 0.5 * rng.gauss(), 0.5 * rng.gauss())
            }
            DatasetKind::Moons | DatasetKind::Sine | DatasetKind::Linear | DatasetKind::Digits | DatasetKind::Custom | DatasetKind::Custom3 | DatasetKind::CustomReg => {
                unreachable!("handled above or in DataSpec::generate")
            }
        };
        x.push((x0 + noise * rng.gauss()) as f32);
        x.push((x1 + noise * rng.gauss()) as f32);
        y.push(label as f32);
    }
    let x_test = x.split_off(dim * n_train);
    let y_test = y.split_off(n_train);
    Split { train: Dataset { dim, x, y }, test: Dataset { dim, x: x_test, y: y_test } }
}

/// Flips exactly `round(fraction · n)` labels `y ← 1 − y` of `data`, chosen without replacement
/// by a partial Fisher–Yates shuffle drawn from `rng`; returns the flipped indices in the order
/// drawn. `fraction` is clamped to [0, 1].
pub fn flip_labels(data: &mut Dataset, fraction: f64, rng: &mut Mulberry32) -> Vec<u32> {
    flip_labels_k(data, fraction, 2, rng)
}

/// [`flip_labels`] for `classes` classes: the same indices; with two classes `y ← 1 − y` (no
/// further draws), with more each chosen label moves to one of the other `classes − 1`
/// classes, uniformly, drawn from `rng` after all the indices (in the order drawn).
pub fn flip_labels_k(data: &mut Dataset, fraction: f64, classes: usize, rng: &mut Mulberry32) -> Vec<u32> {
    let n = data.len();
    let k = (libm::round(fraction.clamp(0.0, 1.0) * n as f64) as usize).min(n);
    if k == 0 {
        return Vec::new();
    }
    let mut idx: Vec<u32> = (0..n as u32).collect();
    for i in 0..k {
        let j = i + rng.below(n - i);
        idx.swap(i, j);
    }
    idx.truncate(k);
    for &i in &idx {
        let y = &mut data.y[i as usize];
        if classes <= 2 {
            *y = 1.0 - *y;
        } else {
            let shift = 1 + rng.below(classes - 1);
            *y = ((*y as usize + shift) % classes) as f32;
        }
    }
    idx
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
    fn spec(kind: DatasetKind) -> DataSpec {
        DataSpec { kind, n_train: 101, n_test: 64, noise: 0.1, label_noise: 0.0 }
    }

    #[test]
    fn every_generator_has_the_right_shape_balance_and_finite_values() {
        // The custom sets have their own tests (crate::custom).
        for kind in DatasetKind::ALL.into_iter().filter(|k| !k.is_custom()) {
            let split = spec(kind).generate(9);
            let dim = kind.input_dim();
            assert_eq!((split.train.dim, split.test.dim), (dim, dim), "{kind:?}");
            assert_eq!((split.train.len(), split.train.x.len()), (101, 101 * dim), "{kind:?}");
            assert_eq!((split.test.len(), split.test.x.len()), (64, 64 * dim), "{kind:?}");
            let all = split.train.x.iter().chain(&split.test.x).chain(&split.train.y).chain(&split.test.y);
            assert!(all.clone().all(|v| v.is_finite() && v.abs() < 10.0), "{kind:?}");
            if kind.is_regression() || kind.classes() > 2 {
                continue;
            }
            // Labels alternate from example 0, so 101 training examples hold 51 zeros and 50 ones.
            let ones = |d: &Dataset| d.y.iter().filter(|&&v| v == 1.0).count();
            assert!(split.train.y.iter().chain(&split.test.y).all(|&v| v == 0.0 || v == 1.0));
            assert_eq!((ones(&split.train), ones(&split.test)), (50, 32), "{kind:?}");
        }
    }

    #[test]
    fn noise_free_generators_put_points_where_their_formulas_say() {
        let exact = |kind| DataSpec { noise: 0.0, ..spec(kind) }.generate(4).train;
        let circles = exact(DatasetKind::Circles);
        for i in 0..circles.len() {
            let r = circles.row(i).iter().map(|&v| (v as f64).powi(2)).sum::<f64>().sqrt();
            assert!((r - if circles.y[i] == 0.0 { 1.0 } else { 0.5 }).abs() < 1e-6);
        }
        let xor = exact(DatasetKind::Xor);
        for i in 0..xor.len() {
            let p = xor.row(i);
            assert_eq!(xor.y[i] == 1.0, p[0] * p[1] > 0.0);
            assert!(p[0].abs() >= 0.1 && p[1].abs() >= 0.1);
        }
        let sine = exact(DatasetKind::Sine);
        assert!(sine.x.iter().zip(&sine.y).all(|(&x, &y)| ((x as f64).sin() - y as f64).abs() < 1e-6));
        let line = exact(DatasetKind::Linear);
        assert!(line.x.iter().zip(&line.y).all(|(&x, &y)| (1.5 * x as f64 - 0.5 - y as f64).abs() < 1e-6));
        let spiral = exact(DatasetKind::Spiral);
        assert!(spiral.x.iter().all(|v| v.abs() <= 2.0));
    }

    #[test]
    fn label_noise_flips_exactly_round_fraction_times_n_training_labels() {
        for (n, fraction, flipped) in [(101usize, 0.1, 10usize), (64, 0.25, 16), (100, 0.125, 13), (64, 0.0, 0), (77, 0.5, 39)] {
            let clean = DataSpec { n_train: n, ..spec(DatasetKind::Moons) }.generate(3);
            let noisy = DataSpec { n_train: n, label_noise: fraction, ..spec(DatasetKind::Moons) }.generate(3);
            assert_eq!(clean.train.x, noisy.train.x, "inputs are unchanged");
            assert_eq!(clean.test, noisy.test, "the test set stays clean");
            let changed = clean.train.y.iter().zip(&noisy.train.y).filter(|(a, b)| a != b).count();
            assert_eq!(changed, flipped, "n = {n}, fraction = {fraction}");
            assert!(noisy.train.y.iter().all(|&v| v == 0.0 || v == 1.0));
        }
    }

    /// With K > 2 classes each flipped label moves to another class (never itself), and the
    /// same number of labels change as for two classes.
    #[test]
    fn multiclass_label_noise_moves_exactly_the_chosen_labels_to_other_classes() {
        for kind in [DatasetKind::Spiral3, DatasetKind::Digits] {
            let clean = DataSpec { n_train: 200, ..spec(kind) }.generate(3);
            let noisy = DataSpec { n_train: 200, label_noise: 0.25, ..spec(kind) }.generate(3);
            assert_eq!(clean.train.x, noisy.train.x, "{kind:?}: inputs are unchanged");
            assert_eq!(clean.test, noisy.test, "{kind:?}: the test set stays clean");
            let changed = clean.train.y.iter().zip(&noisy.train.y).filter(|(a, b)| a != b).count();
            assert_eq!(changed, 50, "{kind:?}");
            let k = kind.classes() as f32;
            assert!(noisy.train.y.iter().all(|&v| v >= 0.0 && v < k && v.fract() == 0.0), "{kind:?}");
        }
        // Every class is reached from class 0 (not always the next one).
        let noisy = DataSpec { n_train: 300, label_noise: 0.5, ..spec(DatasetKind::Digits) }.generate(1);
        let clean = DataSpec { n_train: 300, ..spec(DatasetKind::Digits) }.generate(1);
        let targets: std::collections::BTreeSet<u32> =
            clean.train.y.iter().zip(&noisy.train.y).filter(|(a, b)| a != b).map(|(&a, &b)| ((b - a + 10.0) % 10.0) as u32).collect();
        assert!(targets.len() >= 8, "shifts seen: {targets:?}");
    }

    #[test]
    fn the_same_seed_gives_the_same_data_and_another_seed_does_not() {
        for kind in DatasetKind::ALL {
            assert_eq!(spec(kind).generate(5), spec(kind).generate(5));
            assert_ne!(spec(kind).generate(5), spec(kind).generate(6));
        }
    }

    #[test]
    fn moons_through_the_generator_are_the_w1_moons() {
        let spec = DataSpec { kind: DatasetKind::Moons, n_train: 512, n_test: 512, noise: 0.2, label_noise: 0.0 };
        let split = spec.generate(Streams::W1.data);
        assert_eq!(split, moons(512, 512, 0.2, &mut Mulberry32::new(Streams::W1.data)));
        assert_eq!(DatasetKind::parse("moons"), Some(DatasetKind::Moons));
        assert!(DatasetKind::ALL.iter().all(|k| DatasetKind::parse(k.name()) == Some(*k)));
    }
}
