//! The test inputs on their first two principal components, for data without an input plane
//! (the 8×8 digits): where each test image lies in the two directions along which the test
//! images differ most. The page colours these points by each run's prediction
//! ([`crate::images::ImageReport::predicted`]) so one sees where the errors are.
//!
//! **Which inputs:** the principal directions are those of the *test* inputs, and the test
//! inputs are projected on them. The picture shows the test images, so the directions and the
//! variance shares printed on its axes describe exactly the points drawn. No run learns from
//! this (the projection is computed after the split, from inputs alone, never labels, and
//! only for the picture), so nothing of the test set leaks into training.
//!
//! **Why hand-written:** the covariance is at most 64 × 64 and symmetric; the cyclic Jacobi
//! method below diagonalises it with additions, multiplications, divisions and square roots
//! only, in a fixed order, in f64 — operations IEEE 754 rounds the same way on every machine,
//! so the native tool and the page's wasm get the same bits (Rust never fuses `a·b + c` into
//! an FMA unless asked). A linear-algebra crate (nalgebra's `SymmetricEigen`, ndarray-linalg's
//! LAPACK) would add a dependency whose summation order or FMA use we do not control, or that
//! does not build for wasm32 at all; Jacobi also converges when the top eigenvalues are
//! close, where power iteration with deflation slows down.

use crate::data::Dataset;
use crate::rng::fnv1a_f32;
use serde::{Deserialize, Serialize};

/// Sweeps of the Jacobi method at most (a 64 × 64 covariance needs about 8).
const MAX_SWEEPS: usize = 60;

/// The mean and the first two principal directions of a set of inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Components {
    /// The mean input (`dim` values).
    pub mean: Vec<f64>,
    /// The first and second principal directions: unit vectors, orthogonal, each with its
    /// largest-magnitude entry positive (the first such entry on a tie), so the picture does
    /// not flip between machines or versions.
    pub directions: [Vec<f64>; 2],
    /// The variance along each direction (the covariance's two largest eigenvalues).
    pub variance: [f64; 2],
    /// The total variance (the covariance's trace).
    pub total_variance: f64,
}

impl Components {
    /// The share of the total variance each direction explains (0 when the inputs do not vary).
    pub fn explained(&self) -> [f64; 2] {
        let t = self.total_variance;
        self.variance.map(|v| if t > 0.0 { v / t } else { 0.0 })
    }

    /// The coordinates of `x` (`dim` values) on the two directions, from the mean.
    pub fn project(&self, x: &[f32]) -> [f64; 2] {
        self.directions.clone().map(|d| x.iter().zip(&self.mean).zip(&d).map(|((&v, &m), &e)| (v as f64 - m) * e).sum())
    }
}

/// The test images on their first two principal components: what the page's `pca` view draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// `[pc1₀, pc2₀, pc1₁, pc2₁, …]`: each test image's coordinates, test-set order.
    pub coords: Vec<f32>,
    /// Each test image's true class (the data's label, 0–255).
    pub labels: Vec<u8>,
    /// The share of the test inputs' variance PC1 and PC2 explain.
    pub explained: [f64; 2],
    /// FNV-1a 32 of `coords` (native ≡ wasm check).
    pub fingerprint: String,
}

/// The mean and first two principal directions of `n` inputs of `dim` values (`x` row-major),
/// with the covariance `(1/n) Σ (x − μ)(x − μ)ᵀ`. Fewer than two dimensions get a zero second
/// direction; no inputs give zero directions.
pub fn principal_components(x: &[f32], dim: usize) -> Components {
    let n = x.len().checked_div(dim).unwrap_or(0);
    let mut mean = vec![0.0f64; dim];
    for row in x.chunks_exact(dim.max(1)).take(n) {
        for (m, &v) in mean.iter_mut().zip(row) {
            *m += v as f64;
        }
    }
    for m in &mut mean {
        *m /= n.max(1) as f64;
    }
    // The covariance, upper triangle summed and mirrored (a[i·d + j]).
    let mut a = vec![0.0f64; dim * dim];
    let mut centred = vec![0.0f64; dim];
    for row in x.chunks_exact(dim.max(1)).take(n) {
        for ((c, &v), &m) in centred.iter_mut().zip(row).zip(&mean) {
            *c = v as f64 - m;
        }
        for i in 0..dim {
            for j in i..dim {
                a[i * dim + j] += centred[i] * centred[j];
            }
        }
    }
    for i in 0..dim {
        for j in i..dim {
            let v = a[i * dim + j] / n.max(1) as f64;
            a[i * dim + j] = v;
            a[j * dim + i] = v;
        }
    }
    let total_variance = (0..dim).map(|i| a[i * dim + i]).sum();
    let (values, vectors) = symmetric_eigen(a, dim);
    // The two largest eigenvalues (ties: the smaller index first).
    let mut order: Vec<usize> = (0..dim).collect();
    order.sort_by(|&p, &q| values[q].total_cmp(&values[p]).then(p.cmp(&q)));
    let pick = |r: usize| -> (Vec<f64>, f64) {
        match order.get(r) {
            Some(&k) => (signed((0..dim).map(|i| vectors[i * dim + k]).collect()), values[k].max(0.0)),
            None => (vec![0.0; dim], 0.0),
        }
    };
    let ((d1, v1), (d2, v2)) = (pick(0), pick(1));
    Components { mean, directions: [d1, d2], variance: [v1, v2], total_variance }
}

/// `v` with its largest-magnitude entry positive (the first on a tie).
fn signed(mut v: Vec<f64>) -> Vec<f64> {
    let mut big = 0;
    for (i, e) in v.iter().enumerate() {
        if e.abs() > v[big].abs() {
            big = i;
        }
    }
    if v.get(big).is_some_and(|&e| e < 0.0) {
        for e in &mut v {
            *e = -*e;
        }
    }
    v
}

/// The eigenvalues and eigenvectors (columns of the returned `d × d` matrix, row-major) of the
/// symmetric `d × d` matrix `a` (row-major) by the cyclic Jacobi method: sweep over every pair (p, q) in a fixed
/// order, zero `a[p][q]` with a plane rotation (Golub & Van Loan, *Matrix Computations*,
/// algorithm 8.5.2, the rotation of the smaller angle), until the off-diagonal part is
/// negligible next to the diagonal.
pub(crate) fn symmetric_eigen(mut a: Vec<f64>, d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0.0f64; d * d];
    for i in 0..d {
        v[i * d + i] = 1.0;
    }
    let scale: f64 = a.iter().map(|x| x * x).sum();
    for _ in 0..MAX_SWEEPS {
        let off: f64 = (0..d).flat_map(|i| (0..d).filter(move |&j| j != i).map(move |j| (i, j))).map(|(i, j)| a[i * d + j] * a[i * d + j]).sum();
        if off <= 1e-30 * scale || off == 0.0 {
            break;
        }
        for p in 0..d {
            for q in p + 1..d {
                let apq = a[p * d + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * d + q] - a[p * d + p]) / (2.0 * apq);
                let t = if theta >= 0.0 { 1.0 / (theta + (theta * theta + 1.0).sqrt()) } else { -1.0 / (-theta + (theta * theta + 1.0).sqrt()) };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                // A ← Jᵀ A J with J the rotation in the (p, q) plane: columns, then rows.
                for k in 0..d {
                    let (akp, akq) = (a[k * d + p], a[k * d + q]);
                    a[k * d + p] = c * akp - s * akq;
                    a[k * d + q] = s * akp + c * akq;
                }
                for k in 0..d {
                    let (apk, aqk) = (a[p * d + k], a[q * d + k]);
                    a[p * d + k] = c * apk - s * aqk;
                    a[q * d + k] = s * apk + c * aqk;
                }
                a[p * d + q] = 0.0;
                a[q * d + p] = 0.0;
                for k in 0..d {
                    let (vkp, vkq) = (v[k * d + p], v[k * d + q]);
                    v[k * d + p] = c * vkp - s * vkq;
                    v[k * d + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..d).map(|i| a[i * d + i]).collect(), v)
}

/// The test images of `test` on the first two principal components of the test inputs.
pub fn test_projection(test: &Dataset) -> Projection {
    let pcs = principal_components(&test.x, test.dim);
    let coords: Vec<f32> = test.x.chunks_exact(test.dim.max(1)).flat_map(|row| pcs.project(row).map(|c| c as f32)).collect();
    let labels = test.y.iter().map(|&y| y.clamp(0.0, 255.0) as u8).collect();
    let fingerprint = format!("{:08x}", fnv1a_f32(&coords));
    Projection { coords, labels, explained: pcs.explained(), fingerprint }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Mulberry32;

    fn dot(a: &[f64], b: &[f64]) -> f64 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    /// Six points ±a·u, ±b·w, ±c·e₅ around a mean m, with u = (1, 2, 0, 0, 0)/√5 and
    /// w = (2, −1, 0, 0, 0)/√5 orthogonal to it. Their covariance is (2a² uuᵀ + 2b² wwᵀ +
    /// 2c² e₅e₅ᵀ)/6, so its eigenvalues are a²/3, b²/3, c²/3 with eigenvectors u, w, e₅, and
    /// PC1 explains a²/(a² + b² + c²) of the variance, PC2 b²/(a² + b² + c²).
    #[test]
    fn recovers_a_known_dominant_direction_and_the_closed_form_shares() {
        let (a, b, c) = (3.0f64, 1.5, 0.5);
        let r5 = 5f64.sqrt();
        let u = [1.0 / r5, 2.0 / r5, 0.0, 0.0, 0.0];
        let w = [2.0 / r5, -1.0 / r5, 0.0, 0.0, 0.0];
        let e5 = [0.0, 0.0, 0.0, 0.0, 1.0];
        let m = [0.5, -1.0, 2.0, 0.25, 0.0];
        let mut x = Vec::new();
        for (dir, len) in [(u, a), (w, b), (e5, c)] {
            for sign in [1.0, -1.0] {
                x.extend((0..5).map(|i| (m[i] + sign * len * dir[i]) as f32));
            }
        }
        let pcs = principal_components(&x, 5);
        let d1 = &pcs.directions[0];
        // u's largest entry (2/√5) is positive, so the sign convention keeps u, not −u.
        for i in 0..5 {
            assert!((d1[i] - u[i]).abs() < 1e-6, "PC1 {d1:?} vs u {u:?}");
        }
        let d2 = &pcs.directions[1];
        assert!((dot(d2, &w).abs() - 1.0).abs() < 1e-6, "PC2 {d2:?} is ±w");
        let total = a * a + b * b + c * c;
        let [s1, s2] = pcs.explained();
        // The inputs are f32, so the shares are exact to f32 rounding of the points.
        assert!((s1 - a * a / total).abs() < 1e-6, "{s1} vs {}", a * a / total);
        assert!((s2 - b * b / total).abs() < 1e-6, "{s2} vs {}", b * b / total);
        // The point m + a·u lies at (a, 0) on the components.
        let p = pcs.project(&x[..5]);
        assert!((p[0] - a).abs() < 1e-6 && p[1].abs() < 1e-6, "{p:?}");
    }

    /// On 200 random points in 12 dimensions with unequal spreads: the directions are unit,
    /// orthogonal, eigenvectors of the covariance (C·v = λ·v), ordered by variance, with the
    /// sign convention held; and no other direction tried has more variance than PC1.
    #[test]
    fn the_components_are_orthonormal_eigenvectors_in_order() {
        let (n, d) = (200, 12);
        let mut rng = Mulberry32::new(7);
        let x: Vec<f32> = (0..n * d).map(|k| (rng.gauss() * (1.0 + (k % d) as f64 * 0.3) + (k / d) as f64 * 0.01) as f32).collect();
        let pcs = principal_components(&x, d);
        let [d1, d2] = &pcs.directions;
        assert!((dot(d1, d1) - 1.0).abs() < 1e-12 && (dot(d2, d2) - 1.0).abs() < 1e-12);
        assert!(dot(d1, d2).abs() < 1e-12);
        let variance_along = |e: &[f64]| x.chunks_exact(d).map(|r| (r.iter().zip(&pcs.mean).zip(e).map(|((&v, m), e)| (v as f64 - m) * e).sum::<f64>()).powi(2)).sum::<f64>() / n as f64;
        assert!((variance_along(d1) - pcs.variance[0]).abs() < 1e-9 * pcs.variance[0]);
        assert!((variance_along(d2) - pcs.variance[1]).abs() < 1e-9 * pcs.variance[0]);
        assert!(pcs.variance[0] >= pcs.variance[1] && pcs.variance[1] > 0.0);
        for v in [d1, d2] {
            let big = v.iter().cloned().fold(0.0f64, |m, e| if e.abs() > m.abs() { e } else { m });
            assert!(big > 0.0, "largest entry positive: {v:?}");
        }
        for k in 0..d {
            let mut e = vec![0.0; d];
            e[k] = 1.0;
            assert!(variance_along(&e) <= pcs.variance[0] + 1e-9, "axis {k} beats PC1");
        }
    }

    #[test]
    fn constant_or_empty_inputs_give_zero_shares_not_nan() {
        let pcs = principal_components(&[1.0; 12], 4);
        assert_eq!(pcs.explained(), [0.0, 0.0]);
        assert!(pcs.directions.iter().flatten().all(|e| e.is_finite()));
        let p = test_projection(&Dataset { dim: 4, x: vec![], y: vec![] });
        assert!(p.coords.is_empty() && p.explained == [0.0, 0.0]);
    }

    /// The digits' test set: 64 inputs, the coordinates centred (they sum to ≈ 0) and two
    /// per image, PC1 explaining more than PC2 and both less than all.
    #[test]
    fn the_digits_test_images_project_to_two_centred_coordinates_each() {
        let s = crate::scenario::Scenario::new(&crate::settings::Settings::from_pairs([("dataset", "digits")]).unwrap());
        let test = &s.split.test;
        let p = test_projection(test);
        assert_eq!((p.coords.len(), p.labels.len()), (2 * test.len(), test.len()));
        let [s1, s2] = p.explained;
        assert!(s1 >= s2 && s2 > 0.0 && s1 + s2 < 1.0, "{s1} {s2}");
        let mean1 = p.coords.iter().step_by(2).map(|&c| c as f64).sum::<f64>() / test.len() as f64;
        assert!(mean1.abs() < 1e-4, "PC1 centred: {mean1}");
        assert!(p.labels.iter().all(|&l| l < 10));
    }
}
