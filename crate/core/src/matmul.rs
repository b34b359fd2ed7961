//! The generic (any [`ndarray::LinalgScalar`]: f64, f32, dual numbers) matrix products of the
//! model's reference path (`model.rs`) and the curvature tape (`curvature.rs`): `c ← a·b`,
//! `c ← aᵀ·b` and `c ← a·bᵀ`, each optionally added to `c`. The f32 training path has its own
//! SIMD kernels (`kernels.rs`).
//!
//! **Why hand-written:** these were `ndarray::linalg::general_mat_mul`, i.e. the
//! `matrixmultiply` crate. Its kernels are built for large matrices (packing, 4×4 or 8×4 register
//! tiles); the network's layers are 1 to 64 wide, so most tiles were partial and went through
//! its masked kernel: in V8, a diagnosis of the default page's run (λ_max, trace, ε-sharpness,
//! B_simple, all f64) spent 58 % of its time in `matrixmultiply` (node --cpu-prof on a build with
//! names, 2026-12-06). Three plain loops in row-major order, the innermost over contiguous
//! memory, are shorter and faster at these sizes; no other crate fits (nalgebra and faer bring
//! their own large-matrix kernels).
//!
//! **Order:** every element is `c = ((c₀ + a₀b₀) + a₁b₁) + …` over the inner index in ascending
//! order, with `c₀` the old value (`add`) or 0, so the result is one fixed sequence of IEEE
//! operations on every target (no FMA: Rust never contracts).

use ndarray::{ArrayView2, ArrayViewMut2, LinalgScalar};

/// `c ← a·b` (`add`: `c ← c + a·b`); `a` is `n × k`, `b` is `k × m`, `c` is `n × m`.
pub fn mm<T: LinalgScalar>(a: &ArrayView2<T>, b: &ArrayView2<T>, add: bool, c: &mut ArrayViewMut2<T>) {
    let (n, k, m) = (a.nrows(), a.ncols(), b.ncols());
    assert!(b.nrows() == k && c.dim() == (n, m), "mm: shapes {:?} · {:?} → {:?}", a.dim(), b.dim(), c.dim());
    let (a, b) = (a.as_standard_layout(), b.as_standard_layout());
    let (a, b) = (slice(&a), slice(&b));
    with_slice(c, add, |cs| rows_times(a, k, b, m, cs));
}

/// `c ← aᵀ·b` (`add`: `c ← c + aᵀ·b`); `a` is `r × n`, `b` is `r × m`, `c` is `n × m`: the sum
/// over the rows `r` of `a` and `b` (the examples, for a weight gradient), in order.
pub fn mm_tn<T: LinalgScalar>(a: &ArrayView2<T>, b: &ArrayView2<T>, add: bool, c: &mut ArrayViewMut2<T>) {
    let (r, n, m) = (a.nrows(), a.ncols(), b.ncols());
    assert!(b.nrows() == r && c.dim() == (n, m), "mm_tn: shapes {:?}ᵀ · {:?} → {:?}", a.dim(), b.dim(), c.dim());
    let b = b.as_standard_layout();
    let b = slice(&b);
    if m >= 8 {
        // aᵀ copied row-major (n × r), then the row form: each row of c stays in an
        // accumulator across all r terms.
        let at = a.t().as_standard_layout().into_owned();
        with_slice(c, add, |cs| rows_times(slice_owned(&at), r, b, m, cs));
        return;
    }
    // A narrow c (the single output's kernel): rows of a and b in order, c updated in place
    // along its n rows (lanes along n instead of one long chain per element).
    let a = a.as_standard_layout();
    let a = slice(&a);
    with_slice(c, add, |cs| {
        if n == 0 || m == 0 {
            return;
        }
        for (ar, br) in a.chunks_exact(n).zip(b.chunks_exact(m)).take(r) {
            for (&ari, ci) in ar.iter().zip(cs.chunks_exact_mut(m)) {
                for (c, &b) in ci.iter_mut().zip(br) {
                    *c = *c + ari * b;
                }
            }
        }
    });
}

/// `c ← a·bᵀ` (`add`: `c ← c + a·bᵀ`); `a` is `n × k`, `b` is `m × k`, `c` is `n × m`
/// (back-propagating errors through a kernel): `bᵀ` copied row-major (it is a small kernel),
/// then [`mm`]'s row form, so each element sums over `k` in order as a dot product would.
pub fn mm_nt<T: LinalgScalar>(a: &ArrayView2<T>, b: &ArrayView2<T>, add: bool, c: &mut ArrayViewMut2<T>) {
    let (n, k, m) = (a.nrows(), a.ncols(), b.nrows());
    assert!(b.ncols() == k && c.dim() == (n, m), "mm_nt: shapes {:?} · {:?}ᵀ → {:?}", a.dim(), b.dim(), c.dim());
    let a = a.as_standard_layout();
    let bt = b.t().as_standard_layout().into_owned();
    with_slice(c, add, |cs| rows_times(slice(&a), k, slice_owned(&bt), m, cs));
}

/// `c[i] ← c[i] + Σ_k a[i][k]·b[k]` for every row `i` (`a` is `· × k`, `b` is `k × m`, `c` is
/// `· × m`, all row-major), `k` in order. Widths 1, 16 and 32 get copies with the width known at
/// compile time, so a row of `c` is an accumulator in registers (the same operations).
fn rows_times<T: LinalgScalar>(a: &[T], k: usize, b: &[T], m: usize, cs: &mut [T]) {
    if k == 0 || m == 0 {
        return;
    }
    match m {
        1 => rows_times_sized::<T, 1>(a, k, b, cs),
        16 => rows_times_sized::<T, 16>(a, k, b, cs),
        32 => rows_times_sized::<T, 32>(a, k, b, cs),
        _ => {
            for (ai, ci) in a.chunks_exact(k).zip(cs.chunks_exact_mut(m)) {
                for (&aik, bk) in ai.iter().zip(b.chunks_exact(m)) {
                    for (c, &b) in ci.iter_mut().zip(bk) {
                        *c = *c + aik * b;
                    }
                }
            }
        }
    }
}

#[inline(always)]
fn rows_times_sized<T: LinalgScalar, const M: usize>(a: &[T], k: usize, b: &[T], cs: &mut [T]) {
    let (b, _) = b[..k * M].as_chunks::<M>();
    let (cs, _) = cs.as_chunks_mut::<M>();
    for (ai, ci) in a.chunks_exact(k).zip(cs) {
        let mut acc = *ci;
        for (&aik, bk) in ai.iter().zip(b) {
            for j in 0..M {
                acc[j] = acc[j] + aik * bk[j];
            }
        }
        *ci = acc;
    }
}

fn slice_owned<T>(a: &ndarray::Array2<T>) -> &[T] {
    a.as_slice().expect("an owned standard-layout array is contiguous")
}

fn slice<'a, T>(a: &'a ndarray::CowArray<'_, T, ndarray::Ix2>) -> &'a [T] {
    a.as_slice().expect("a standard-layout array is contiguous")
}

/// Runs `f` on `c`'s elements in row-major order, zeroed first unless `add`. `c` is contiguous
/// in every caller (row-major buffers and θ's kernels); any other view is worked on as a copy.
fn with_slice<T: LinalgScalar>(c: &mut ArrayViewMut2<T>, add: bool, mut f: impl FnMut(&mut [T])) {
    let mut work = |cs: &mut [T]| {
        if !add {
            cs.iter_mut().for_each(|c| *c = T::zero());
        }
        f(cs);
    };
    if let Some(cs) = c.as_slice_mut() {
        work(cs);
    } else {
        let mut out = c.as_standard_layout().into_owned();
        work(out.as_slice_mut().expect("an owned standard-layout array is contiguous"));
        c.assign(&out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::linalg::general_mat_mul;
    use ndarray::Array2;

    fn filled(n: usize, m: usize, seed: u32) -> Array2<f64> {
        let mut rng = crate::rng::Mulberry32::new(seed);
        Array2::from_shape_fn((n, m), |_| rng.next_f64() * 2.0 - 1.0)
    }

    /// Each product against ndarray's `general_mat_mul` (matrixmultiply) for shapes from empty
    /// and 1 wide to the digits' 64, with and without adding to `c`: equal to rounding, and
    /// exactly equal on small integers (where every order gives the same sum).
    #[test]
    fn the_products_match_ndarray_for_every_shape() {
        for &(n, k, m) in &[(0, 3, 2), (1, 1, 1), (5, 2, 16), (7, 16, 16), (256, 16, 1), (3, 64, 32), (9, 0, 4), (20, 16, 32), (6, 3, 10), (256, 2, 16)] {
            for add in [false, true] {
                let (a, b, c0) = (filled(n, k, 1), filled(k, m, 2), filled(n, m, 3));
                let beta = if add { 1.0 } else { 0.0 };
                let mut want = c0.clone();
                general_mat_mul(1.0, &a, &b, beta, &mut want);
                let mut got = c0.clone();
                mm(&a.view(), &b.view(), add, &mut got.view_mut());
                assert!(got.iter().zip(&want).all(|(g, w)| (g - w).abs() <= 1e-12), "mm {n}×{k}·{k}×{m}");
                // aᵀ·b with a stored k × n.
                let at = a.t().to_owned();
                let mut got = c0.clone();
                mm_tn(&at.view(), &b.view(), add, &mut got.view_mut());
                assert!(got.iter().zip(&want).all(|(g, w)| (g - w).abs() <= 1e-12), "mm_tn {n}×{k}·{k}×{m}");
                // a·bᵀ with b stored m × k.
                let bt = b.t().to_owned();
                let mut got = c0.clone();
                mm_nt(&a.view(), &bt.view(), add, &mut got.view_mut());
                assert!(got.iter().zip(&want).all(|(g, w)| (g - w).abs() <= 1e-12), "mm_nt {n}×{k}·{k}×{m}");
            }
        }
        let ints = |n, m, s| filled(n, m, s).mapv(|v| (v * 8.0).round());
        let (a, b) = (ints(4, 5, 7), ints(5, 3, 8));
        let mut want = Array2::zeros((4, 3));
        general_mat_mul(1.0, &a, &b, 0.0, &mut want);
        let mut got = Array2::zeros((4, 3));
        mm(&a.view(), &b.view(), false, &mut got.view_mut());
        assert_eq!(got, want);
    }

    /// A transposed (non-contiguous) output view is written through correctly.
    #[test]
    fn a_strided_output_is_written_through() {
        let (a, b) = (filled(3, 4, 5), filled(4, 2, 6));
        let mut want = Array2::zeros((3, 2));
        general_mat_mul(1.0, &a, &b, 0.0, &mut want);
        let mut store = Array2::<f64>::zeros((2, 3));
        let mut ct = store.view_mut().reversed_axes();
        mm(&a.view(), &b.view(), false, &mut ct);
        assert!(store.t().iter().zip(&want).all(|(g, w)| (g - w).abs() <= 1e-12));
    }
}
