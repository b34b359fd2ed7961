//! The PCA plane of one or several trajectories (Li et al. 2018, §7): the top two principal
//! components of the snapshots' offsets `θₜ − θ_ref`, with their explained variance ratios.
//!
//! **The eigen-solve is hand-written** because the core builds for wasm32 (no LAPACK) and the
//! problem is small: with `T` snapshots of `P` parameters (T ≤ a few hundred, P ≥ T), the
//! principal components come from the `T × T` Gram matrix `K = M Mᵀ` of the centred offsets
//! `M` (the "snapshot method": if `K u = λ u` then `d = Mᵀu/√λ` is a unit principal direction
//! with variance `λ`). Only the top two pairs are needed, so power iteration with deflation
//! costs `O(T²)` per iteration, against `O(T³)` per sweep for a full Jacobi solve; training
//! trajectories have quickly decaying spectra, so it converges in tens of iterations. Centring
//! follows Li et al.'s released code (scikit-learn's PCA subtracts the mean); the plane's
//! origin is still `θ_ref`, so the reference point sits exactly at (0, 0).

use super::{dot, filter_normalized_direction, norm, Plane};
use crate::model::Mlp;
use crate::rng::Mulberry32;

/// A PCA plane and the fraction of the trajectories' variance along each axis.
#[derive(Clone, Debug, PartialEq)]
pub struct PcaPlane {
    pub plane: Plane,
    pub explained: [f64; 2],
}

/// Top eigenpair of the symmetric `t × t` matrix `k` minus the deflated pairs, by power
/// iteration from a fixed seeded start; stops when λ changes by < 1e-12 relative.
fn top_eigenpair(k: &[f64], t: usize, deflate: &[(f64, Vec<f64>)]) -> (f64, Vec<f64>) {
    let mut rng = Mulberry32::new(0x5CA1_AB1E);
    let mut u: Vec<f64> = (0..t).map(|_| rng.gauss()).collect();
    let mut ku = vec![0.0; t];
    let mut lambda = 0.0;
    for _ in 0..5000 {
        let n = u.iter().map(|x| x * x).sum::<f64>().sqrt();
        if n == 0.0 {
            return (0.0, u);
        }
        u.iter_mut().for_each(|x| *x /= n);
        for r in 0..t {
            ku[r] = (0..t).map(|c| k[r * t + c] * u[c]).sum();
        }
        for (l, w) in deflate {
            let c: f64 = w.iter().zip(&u).map(|(a, b)| a * b).sum::<f64>() * l;
            ku.iter_mut().zip(w).for_each(|(x, wi)| *x -= c * wi);
        }
        let prev = lambda;
        lambda = u.iter().zip(&ku).map(|(a, b)| a * b).sum();
        std::mem::swap(&mut u, &mut ku);
        if (lambda - prev).abs() <= 1e-12 * lambda.abs() {
            break;
        }
    }
    let n = u.iter().map(|x| x * x).sum::<f64>().sqrt().max(f64::MIN_POSITIVE);
    u.iter_mut().for_each(|x| *x /= n);
    (lambda.max(0.0), u)
}

/// The PCA plane of the finite snapshots of `trajectories`, through `reference` (usually the
/// final point of the first run). Axes are unit vectors, so coordinates are distances in
/// parameter space. When the snapshots span a single line (the second variance is below 1e-12
/// of the first), the second axis is a filter-normalized random direction from `dirs_seed`,
/// made orthogonal to the first and of unit length, and its explained ratio is 0. `None` if
/// there are fewer than two snapshots or they do not move.
pub fn pca_plane<T: AsRef<[Vec<f32>]>>(mlp: &Mlp, trajectories: &[T], reference: &[f32], dirs_seed: u32) -> Option<PcaPlane> {
    let rows: Vec<Vec<f64>> = trajectories
        .iter()
        .flat_map(|t| t.as_ref())
        .filter(|th| th.iter().all(|v| v.is_finite() && v.abs() < 1e15))
        .map(|th| th.iter().zip(reference).map(|(&a, &b)| a as f64 - b as f64).collect())
        .collect();
    let t = rows.len();
    if t < 2 {
        return None;
    }
    let p = reference.len();
    let mean: Vec<f64> = (0..p).map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / t as f64).collect();
    let m: Vec<Vec<f64>> = rows.iter().map(|r| r.iter().zip(&mean).map(|(a, b)| a - b).collect()).collect();
    let mut k = vec![0.0; t * t];
    for i in 0..t {
        for j in i..t {
            let v: f64 = m[i].iter().zip(&m[j]).map(|(a, b)| a * b).sum();
            k[i * t + j] = v;
            k[j * t + i] = v;
        }
    }
    let total: f64 = (0..t).map(|i| k[i * t + i]).sum();
    if total <= 0.0 || !total.is_finite() {
        return None;
    }
    let (l1, u1) = top_eigenpair(&k, t, &[]);
    let (l2, u2) = top_eigenpair(&k, t, &[(l1, u1.clone())]);
    let direction = |l: f64, u: &[f64]| -> Vec<f64> {
        let s = 1.0 / l.sqrt();
        let mut d: Vec<f64> = (0..p).map(|j| (0..t).map(|i| u[i] * m[i][j]).sum::<f64>() * s).collect();
        // Sign: the first snapshot lies on the negative side (paths run towards +α / +β).
        if d.iter().zip(&m[0]).map(|(a, b)| a * b).sum::<f64>() > 0.0 {
            d.iter_mut().for_each(|x| *x = -*x);
        }
        d
    };
    let d1f = direction(l1, &u1);
    let d1: Vec<f32> = d1f.iter().map(|&x| x as f32).collect();
    let (d2, l2) = if l2 > 1e-12 * l1 {
        (direction(l2, &u2).iter().map(|&x| x as f32).collect::<Vec<f32>>(), l2)
    } else {
        let mut r = filter_normalized_direction(mlp, reference, &mut Mulberry32::new(dirs_seed));
        let c = dot(&r, &d1) / dot(&d1, &d1);
        r.iter_mut().zip(&d1).for_each(|(r, d)| *r -= (c * *d as f64) as f32);
        let n = norm(&r).max(f64::MIN_POSITIVE);
        r.iter_mut().for_each(|x| *x = (*x as f64 / n) as f32);
        (r, 0.0)
    };
    let explained = [l1 / total, l2 / total];
    Some(PcaPlane {
        plane: Plane {
            origin: reference.to_vec(),
            d1,
            d2,
            alpha_label: format!("α: 1st principal component ({:.1} % of variance)", 100.0 * explained[0]),
            beta_label: format!("β: 2nd principal component ({:.1} % of variance)", 100.0 * explained[1]),
        },
        explained,
    })
}

/// All eigenvalues of a small symmetric `n × n` matrix (row-major) by cyclic Jacobi rotations
/// ([`crate::input_pca::symmetric_eigen`]): an independent solver for tests of λ_max and of
/// the power iteration above.
#[cfg(test)]
pub(crate) fn jacobi_eigenvalues(m: &[f64], n: usize) -> Vec<f64> {
    crate::input_pca::symmetric_eigen(m.to_vec(), n).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, Loss};

    fn mlp() -> Mlp {
        Mlp::new(2, &[4, 3], Activation::Tanh, Loss::Bce)
    }

    #[test]
    fn jacobi_finds_the_eigenvalues_of_a_matrix_built_from_them() {
        // A = Q diag(3, −1, 0.5) Qᵀ with Q a rotation about z by 0.3 then about x by 0.7.
        let (c1, s1, c2, s2) = (0.3f64.cos(), 0.3f64.sin(), 0.7f64.cos(), 0.7f64.sin());
        let rz = [c1, -s1, 0.0, s1, c1, 0.0, 0.0, 0.0, 1.0];
        let rx = [1.0, 0.0, 0.0, 0.0, c2, -s2, 0.0, s2, c2];
        let mul = |a: &[f64], b: &[f64]| -> Vec<f64> { (0..9).map(|k| (0..3).map(|i| a[k / 3 * 3 + i] * b[i * 3 + k % 3]).sum()).collect() };
        let q = mul(&rx, &rz);
        let qt: Vec<f64> = (0..9).map(|k| q[k % 3 * 3 + k / 3]).collect();
        let d = [3.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 0.5];
        let a = mul(&mul(&q, &d), &qt);
        let mut e = jacobi_eigenvalues(&a, 3);
        e.sort_by(|a, b| a.partial_cmp(b).unwrap());
        for (got, want) in e.iter().zip([-1.0, 0.5, 3.0]) {
            assert!((got - want).abs() < 1e-12, "{e:?}");
        }
    }

    #[test]
    fn the_pca_plane_of_a_straight_line_explains_all_variance_with_its_first_axis() {
        let m = mlp();
        let a: Vec<f32> = (0..m.n_params()).map(|k| (k as f32 * 0.3).sin()).collect();
        let b: Vec<f32> = (0..m.n_params()).map(|k| (k as f32 * 0.7).cos()).collect();
        let line: Vec<Vec<f32>> = (0..=20).map(|s| a.iter().zip(&b).map(|(x, y)| x + (y - x) * s as f32 / 20.0).collect()).collect();
        let pca = pca_plane(&m, std::slice::from_ref(&line), &b, 3).unwrap();
        assert!((pca.explained[0] - 1.0).abs() < 1e-6 && pca.explained[1].abs() < 1e-6, "{:?}", pca.explained);
        // Every point projects onto the α axis at its distance from the end, start on the −α side.
        let len = norm(&a.iter().zip(&b).map(|(x, y)| x - y).collect::<Vec<f32>>());
        let (a0, b0) = pca.plane.project(&line[0]);
        assert!((a0 + len).abs() < 1e-4 * len && b0.abs() < 1e-4 * len, "({a0}, {b0}) vs −{len}");
        assert!(dot(&pca.plane.d1, &pca.plane.d2).abs() < 1e-5);
    }

    /// Snapshots built from two known orthogonal directions with variances 9:1 give those
    /// directions back with explained ratios 0.9 and 0.1 (the Jacobi solve of the parameter-space
    /// covariance agrees).
    #[test]
    fn the_pca_plane_recovers_two_known_components_and_their_variance_ratios() {
        let m = mlp();
        let p = m.n_params();
        let mut u: Vec<f32> = vec![0.0; p];
        let mut v: Vec<f32> = vec![0.0; p];
        u[0] = 0.6;
        u[5] = 0.8;
        v[1] = 1.0;
        let reference = vec![0.25f32; p];
        // Coordinates (3cos tₖ, sin tₖ) over a full period: mean 0, variances 4.5 and 0.5.
        let traj: Vec<Vec<f32>> = (0..40)
            .map(|k| {
                let t = 2.0 * std::f32::consts::PI * k as f32 / 40.0;
                (0..p).map(|j| reference[j] + 3.0 * t.cos() * u[j] + t.sin() * v[j]).collect()
            })
            .collect();
        let pca = pca_plane(&m, &[traj], &reference, 1).unwrap();
        assert!((pca.explained[0] - 0.9).abs() < 1e-5 && (pca.explained[1] - 0.1).abs() < 1e-5, "{:?}", pca.explained);
        assert!((dot(&pca.plane.d1, &u).abs() - 1.0).abs() < 1e-5);
        assert!((dot(&pca.plane.d2, &v).abs() - 1.0).abs() < 1e-5);
    }
}
