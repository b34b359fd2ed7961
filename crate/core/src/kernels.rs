//! f32 kernels of the MLP's forward and backward passes, written so that the compiler turns
//! them into SIMD code on every target: simd128 (4 lanes) in wasm32, SSE2 natively.
//!
//! **Why hand-written:** the layers are tiny (2 → 16 → 16 → 1), so general matrix-product
//! libraries spend their time packing panels and dispatching, and their summation order is
//! theirs to change. Here every output element is summed in one fixed, documented order, with
//! no fused multiply-add and no reassociation (Rust never contracts or reorders float
//! operations), so the native and the wasm32 builds give the same bits: the vector width only
//! decides how many independent elements are computed at once, never the order of the
//! additions inside one of them.
//!
//! **Layout:** batches are row-major (`rows × width`, one example per row) and kernels are
//! θ's row-major `fan_in × fan_out`, so the lanes run along a layer's outputs `j`, contiguous
//! in both. Columns go in blocks of [`LANES`] = 8 (two 4-lane vectors, kept in registers as a
//! `[f32; 8]` accumulator); widths that are not multiples of 8 finish with a scalar tail in
//! the same order, so a single row runs the same code; B = 1 training goes example by example
//! through [`crate::tiny`], which calls these kernels on one row.
//!
//! **Orders:** `z[r][j] = ((b[j] + a[r][0]·w[0][j]) + a[r][1]·w[1][j]) + …` (inputs in order);
//! weight and bias gradients sum the rows in order `r = 0, 1, …` starting from 0; back-propagated
//! errors sum the outputs in order `j = 0, 1, …` starting from 0.
// `acc = acc + a·b` spells out each addition's operands in the order the comments document;
// the polynomial coefficients are quoted as Cephes publishes them.
#![allow(clippy::assign_op_pattern, clippy::excessive_precision)]

/// Columns per register block.
pub const LANES: usize = 8;

/// Rows per register block: four independent accumulators hide the latency of the additions.
const ROWS: usize = 4;

/// `z = b + a·w` for `rows` rows: `a` is `rows × fan_in`, `w` is `fan_in × fan_out`, `b`
/// (`fan_out` long; `None` for zero) and `z` is `rows × fan_out`.
pub fn dense(a: &[f32], rows: usize, fan_in: usize, w: &[f32], fan_out: usize, b: Option<&[f32]>, z: &mut [f32]) {
    if fan_in > 16 && dense_digits(a, rows, fan_in, w, fan_out, b, z).is_some() {
        return;
    }
    let full = rows / ROWS * ROWS;
    for r0 in (0..full).step_by(ROWS) {
        match (fan_in, fan_out) {
            (16, 16) => dense_rows::<ROWS, 16, 16>(a, r0, fan_in, w, fan_out, b, z),
            (2, 16) => dense_rows::<ROWS, 2, 16>(a, r0, fan_in, w, fan_out, b, z),
            #[cfg(target_arch = "wasm32")]
            (16, 1) => simd::dense_16x1_rows4(a, r0, w, b.map_or(0.0, |b| b[0]), z),
            #[cfg(not(target_arch = "wasm32"))]
            (16, 1) => dense_rows::<ROWS, 16, 1>(a, r0, fan_in, w, fan_out, b, z),
            _ => dense_rows::<ROWS, 0, 0>(a, r0, fan_in, w, fan_out, b, z),
        }
    }
    for r0 in full..rows {
        match (fan_in, fan_out) {
            (16, 16) => dense_rows::<1, 16, 16>(a, r0, fan_in, w, fan_out, b, z),
            (2, 16) => dense_rows::<1, 2, 16>(a, r0, fan_in, w, fan_out, b, z),
            (16, 1) => dense_rows::<1, 16, 1>(a, r0, fan_in, w, fan_out, b, z),
            _ => dense_rows::<1, 0, 0>(a, r0, fan_in, w, fan_out, b, z),
        }
    }
}

/// [`dense`] for the digits' 64 → 32 → 10 network (`None` for any other shape). Kept out of
/// [`dense`] and never inlined into it: more arms there cost W1's 2 → 16 → 16 → 1 layers
/// 4 % more instructions per step at B = 1 (callgrind), by changing how the compiler lays
/// out the small shapes' code. The operations and their order are those of [`dense_rows`].
#[inline(never)]
fn dense_digits(a: &[f32], rows: usize, fan_in: usize, w: &[f32], fan_out: usize, b: Option<&[f32]>, z: &mut [f32]) -> Option<()> {
    let full = rows / ROWS * ROWS;
    match (fan_in, fan_out) {
        (64, 32) => {
            (0..full).step_by(ROWS).for_each(|r0| dense_rows::<ROWS, 64, 32>(a, r0, fan_in, w, fan_out, b, z));
            (full..rows).for_each(|r0| dense_rows::<1, 64, 32>(a, r0, fan_in, w, fan_out, b, z));
        }
        (32, 10) => {
            (0..full).step_by(ROWS).for_each(|r0| dense_rows::<ROWS, 32, 10>(a, r0, fan_in, w, fan_out, b, z));
            (full..rows).for_each(|r0| dense_rows::<1, 32, 10>(a, r0, fan_in, w, fan_out, b, z));
        }
        _ => return None,
    }
    Some(())
}

/// [`dense`] for rows `r0 .. r0 + R` at once. `IN`/`OUT` non-zero are the layer's sizes known
/// at compile time (so the loops unroll and lose their bounds checks; common small shapes are
/// dispatched to such copies); zero means "use `fan_in`/`fan_out`". The operations and their
/// order are the same in every copy.
#[inline(always)]
fn dense_rows<const R: usize, const IN: usize, const OUT: usize>(
    a: &[f32],
    r0: usize,
    fan_in: usize,
    w: &[f32],
    fan_out: usize,
    b: Option<&[f32]>,
    z: &mut [f32],
) {
    let fan_in = if IN > 0 { IN } else { fan_in };
    let fan_out = if OUT > 0 { OUT } else { fan_out };
    let blocks = fan_out / LANES * LANES;
    let a = &a[r0 * fan_in..(r0 + R) * fan_in];
    let z = &mut z[r0 * fan_out..(r0 + R) * fan_out];
    for j0 in (0..blocks).step_by(LANES) {
        let mut acc = [[0.0f32; LANES]; R];
        if let Some(b) = b {
            for accq in acc.iter_mut() {
                accq.copy_from_slice(&b[j0..j0 + LANES]);
            }
        }
        for i in 0..fan_in {
            let wi = &w[i * fan_out + j0..i * fan_out + j0 + LANES];
            for (q, accq) in acc.iter_mut().enumerate() {
                let ai = a[q * fan_in + i];
                for k in 0..LANES {
                    accq[k] = accq[k] + ai * wi[k];
                }
            }
        }
        for (q, accq) in acc.iter().enumerate() {
            z[q * fan_out + j0..q * fan_out + j0 + LANES].copy_from_slice(accq);
        }
    }
    for j in blocks..fan_out {
        let mut acc = [b.map_or(0.0, |b| b[j]); R];
        for i in 0..fan_in {
            let wij = w[i * fan_out + j];
            for (q, s) in acc.iter_mut().enumerate() {
                *s = *s + a[q * fan_in + i] * wij;
            }
        }
        for (q, s) in acc.iter().enumerate() {
            z[q * fan_out + j] = *s;
        }
    }
}

/// `gw[i][j] = Σ_r a[r][i]·delta[r][j]` (rows in order, from 0): the kernel's gradient.
pub fn weight_grad(a: &[f32], rows: usize, fan_in: usize, delta: &[f32], fan_out: usize, gw: &mut [f32]) {
    match (fan_in, fan_out) {
        (16, 16) => return weight_grad_sized::<16, 16>(a, rows, delta, gw),
        (2, 16) => return weight_grad_sized::<2, 16>(a, rows, delta, gw),
        _ => {}
    }
    let blocks = fan_out / LANES * LANES;
    for j0 in (0..blocks).step_by(LANES) {
        let full = fan_in / ROWS * ROWS;
        for i0 in (0..full).step_by(ROWS) {
            weight_grad_block::<ROWS>(Rows { data: a, width: fan_in }, Rows { data: delta, width: fan_out }, rows, (i0, j0), gw);
        }
        for i0 in full..fan_in {
            weight_grad_block::<1>(Rows { data: a, width: fan_in }, Rows { data: delta, width: fan_out }, rows, (i0, j0), gw);
        }
    }
    // Narrow layers (the single output): lanes run along the inputs instead.
    for j in blocks..fan_out {
        let iblocks = fan_in / LANES * LANES;
        for i0 in (0..iblocks).step_by(LANES) {
            let mut acc = [0.0f32; LANES];
            for r in 0..rows {
                let d = delta[r * fan_out + j];
                let ar = &a[r * fan_in + i0..r * fan_in + i0 + LANES];
                for k in 0..LANES {
                    acc[k] = acc[k] + ar[k] * d;
                }
            }
            for k in 0..LANES {
                gw[(i0 + k) * fan_out + j] = acc[k];
            }
        }
        for i in iblocks..fan_in {
            let mut s = 0.0f32;
            for r in 0..rows {
                s = s + a[r * fan_in + i] * delta[r * fan_out + j];
            }
            gw[i * fan_out + j] = s;
        }
    }
}

/// [`weight_grad`] for W1's hidden layers (`IN × OUT` known at compile time, `OUT` a multiple
/// of [`LANES`]): the rows are walked as fixed-size arrays, so the loop over the examples has
/// no bounds checks (they were a quarter of its instructions). Same blocks, same order.
fn weight_grad_sized<const IN: usize, const OUT: usize>(a: &[f32], rows: usize, delta: &[f32], gw: &mut [f32]) {
    let (a, _) = a[..rows * IN].as_chunks::<IN>();
    let (delta, _) = delta[..rows * OUT].as_chunks::<OUT>();
    let gw = &mut gw[..IN * OUT];
    for j0 in (0..OUT / LANES * LANES).step_by(LANES) {
        let full = IN / ROWS * ROWS;
        for i0 in (0..full).step_by(ROWS) {
            weight_grad_rows::<ROWS, IN, OUT>(a, delta, (i0, j0), gw);
        }
        for i0 in full..IN {
            weight_grad_rows::<1, IN, OUT>(a, delta, (i0, j0), gw);
        }
    }
}

#[inline(always)]
fn weight_grad_rows<const R: usize, const IN: usize, const OUT: usize>(a: &[[f32; IN]], delta: &[[f32; OUT]], (i0, j0): (usize, usize), gw: &mut [f32]) {
    assert!(i0 + R <= IN && j0 + LANES <= OUT);
    let mut acc = [[0.0f32; LANES]; R];
    for (ar, dr) in a.iter().zip(delta) {
        for (q, accq) in acc.iter_mut().enumerate() {
            let aq = ar[i0 + q];
            for k in 0..LANES {
                accq[k] = accq[k] + aq * dr[j0 + k];
            }
        }
    }
    for (q, accq) in acc.iter().enumerate() {
        gw[(i0 + q) * OUT + j0..(i0 + q) * OUT + j0 + LANES].copy_from_slice(accq);
    }
}

/// A row-major matrix: `data[r · width + c]`.
#[derive(Clone, Copy)]
struct Rows<'a> {
    data: &'a [f32],
    width: usize,
}

/// [`weight_grad`] for kernel rows `i0 .. i0 + R` and columns `j0 .. j0 + LANES`: each block
/// of `delta` is loaded once per example for `R` kernel rows.
#[inline(always)]
fn weight_grad_block<const R: usize>(a: Rows, delta: Rows, rows: usize, (i0, j0): (usize, usize), gw: &mut [f32]) {
    let (Rows { data: a, width: fan_in }, Rows { data: delta, width: fan_out }) = (a, delta);
    let mut acc = [[0.0f32; LANES]; R];
    for r in 0..rows {
        let d = &delta[r * fan_out + j0..r * fan_out + j0 + LANES];
        let ar = &a[r * fan_in + i0..r * fan_in + i0 + R];
        for (accq, &aq) in acc.iter_mut().zip(ar) {
            for k in 0..LANES {
                accq[k] = accq[k] + aq * d[k];
            }
        }
    }
    for (q, accq) in acc.iter().enumerate() {
        gw[(i0 + q) * fan_out + j0..(i0 + q) * fan_out + j0 + LANES].copy_from_slice(accq);
    }
}

/// `gb[j] = Σ_r delta[r][j]` (rows in order, from 0): the bias gradient.
pub fn bias_grad(delta: &[f32], rows: usize, gb: &mut [f32]) {
    let fan_out = gb.len();
    gb.iter_mut().for_each(|g| *g = 0.0);
    for r in 0..rows {
        for (g, &d) in gb.iter_mut().zip(&delta[r * fan_out..(r + 1) * fan_out]) {
            *g = *g + d;
        }
    }
}

/// `prev[r][i] = Σ_j delta[r][j]·w[i][j]`: the error reaching the layer's inputs, before the
/// activation's derivative. Row `i` of the kernel and row `r` of `delta` are both contiguous
/// along `j`, so each sum is a dot product in [`LANES`] lanes (no transposed kernel to build,
/// which matters at batch size 1). Order: lane `k` sums `j = k, k + 8, …` in order (full
/// blocks), the lanes are reduced pairwise (`k` with `k + 4`, then `k + 2`, then `k + 1`), and
/// the leftover `j` (width mod 8) are added last, in order.
pub fn back(delta: &[f32], rows: usize, fan_out: usize, w: &[f32], fan_in: usize, prev: &mut [f32]) {
    match (fan_out, fan_in) {
        (16, 16) if rows >= 8 => back_16x16(delta, rows, w, prev),
        (16, 16) => back_sized::<16, 16>(delta, rows, fan_out, w, fan_in, prev),
        // One output: `prev[i] = 0 + d·w[i]` (the tail sum of one term), in lanes along `i`
        // (the kernel's column is contiguous) rather than one-term dot products.
        (1, _) => {
            for (pr, &d) in prev[..rows * fan_in].chunks_exact_mut(fan_in).zip(&delta[..rows]) {
                pr.iter_mut().zip(&w[..fan_in]).for_each(|(p, &wi)| *p = 0.0 + d * wi);
            }
        }
        (10, 32) => back_digits(delta, rows, w, prev),
        _ => back_sized::<0, 0>(delta, rows, fan_out, w, fan_in, prev),
    }
}

/// [`back`] for W1's 16 → 16 layer over 8 rows or more, with the lanes along the inputs `i`:
/// the kernel is transposed once per call (on the stack), so `w[i][j]` for eight consecutive
/// `i` is contiguous, and each row's error `d[j]` is broadcast. Why: the dot-product form ends
/// every `(row, input)` with a horizontal reduction across lanes. The order is
/// [`back_sized`]'s for 16 outputs, element by element (only which elements share a vector
/// changes): its lane `k` is `L_k = (0 + d_k·w_k) + d_{k+8}·w_{k+8}`, then
/// `u_k = L_k + L_{k+4}` and `s = (u_0 + u_2) + (u_1 + u_3)`. A test checks the bits.
#[inline(never)]
fn back_16x16(delta: &[f32], rows: usize, w: &[f32], prev: &mut [f32]) {
    let (w, _) = w[..256].as_chunks::<16>();
    let mut wt = [[0.0f32; 16]; 16];
    for (i, wi) in w.iter().enumerate() {
        for (j, &v) in wi.iter().enumerate() {
            wt[j][i] = v;
        }
    }
    let (delta, _) = delta[..rows * 16].as_chunks::<16>();
    let (prev, _) = prev[..rows * 16].as_chunks_mut::<16>();
    #[cfg(target_arch = "wasm32")]
    for (dr, pr) in delta.iter().zip(prev.iter_mut()) {
        simd::back_16x16_row(dr, &wt, pr);
    }
    #[cfg(not(target_arch = "wasm32"))]
    for (dr, pr) in delta.iter().zip(prev.iter_mut()) {
        back_16x16_half::<0>(dr, &wt, pr);
        back_16x16_half::<8>(dr, &wt, pr);
    }
}

/// [`back_16x16_half`] for both halves of a row in simd128 intrinsics: the same operations
/// per element in the same order (`L_k = (0 + d_k·w_k) + d_{k+8}·w_{k+8}`, `u_k = L_k + L_{k+4}`,
/// `(u_0 + u_2) + (u_1 + u_3)`), so the same bits. Why by hand: from the lane closures LLVM's
/// wasm output kept them out of line (lane arrays through memory), and from plain loops over
/// the same arrays its loop vectorizer went across rows with one-lane gathers; both were most
/// of `back`'s time in V8.
#[cfg(target_arch = "wasm32")]
mod simd {
    use core::arch::wasm32::*;

    /// [`super::dense`]'s single output (16 → 1) for rows `r0 .. r0 + 4`, the rows in the
    /// lanes: `z[r] = ((b + a[r][0]·w[0]) + a[r][1]·w[1]) + … + a[r][15]·w[15]`, the order of
    /// [`super::dense_rows`]'s scalar tail, so the same bits. The four rows' inputs are
    /// transposed in 4 × 4 blocks by shuffles. Why by hand: the scalar form was W1's output
    /// layer in the wasm (no vector lanes along a single output).
    #[inline(always)]
    pub(super) fn dense_16x1_rows4(a: &[f32], r0: usize, w: &[f32], b: f32, z: &mut [f32]) {
        let a = &a[r0 * 16..(r0 + 4) * 16];
        let w = &w[..16];
        let z = &mut z[r0..r0 + 4];
        let mut acc = f32x4_splat(b);
        for v in 0..4 {
            // SAFETY: `a` holds 4 rows of 16 (sliced above); each load is 4 floats at 16q + 4v.
            let row = |q: usize| unsafe { v128_load(a.as_ptr().add(16 * q + 4 * v) as *const v128) };
            let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3));
            let t0 = i32x4_shuffle::<0, 4, 1, 5>(r0, r1);
            let t1 = i32x4_shuffle::<0, 4, 1, 5>(r2, r3);
            let t2 = i32x4_shuffle::<2, 6, 3, 7>(r0, r1);
            let t3 = i32x4_shuffle::<2, 6, 3, 7>(r2, r3);
            let cols = [
                i32x4_shuffle::<0, 1, 4, 5>(t0, t1),
                i32x4_shuffle::<2, 3, 6, 7>(t0, t1),
                i32x4_shuffle::<0, 1, 4, 5>(t2, t3),
                i32x4_shuffle::<2, 3, 6, 7>(t2, t3),
            ];
            for (k, &col) in cols.iter().enumerate() {
                acc = f32x4_add(acc, f32x4_mul(col, f32x4_splat(w[4 * v + k])));
            }
        }
        // SAFETY: `z` holds 4 floats (sliced above).
        unsafe { v128_store(z.as_mut_ptr() as *mut v128, acc) };
    }

    #[inline(always)]
    pub(super) fn back_16x16_row(d: &[f32; 16], wt: &[[f32; 16]; 16], p: &mut [f32; 16]) {
        // SAFETY: every pointer is into a fixed-size array at an offset of 4 floats or more
        // from its end; unaligned loads and stores.
        unsafe {
            let w = |j: usize, v: usize| v128_load(wt[j].as_ptr().add(4 * v) as *const v128);
            for v in 0..4 {
                let mut lane = [f32x4_splat(0.0); 8];
                for (k, lk) in lane.iter_mut().enumerate() {
                    let a = f32x4_mul(f32x4_splat(d[k]), w(k, v));
                    let b = f32x4_mul(f32x4_splat(d[k + 8]), w(k + 8, v));
                    *lk = f32x4_add(f32x4_add(f32x4_splat(0.0), a), b);
                }
                let u = |k: usize| f32x4_add(lane[k], lane[k + 4]);
                let s = f32x4_add(f32x4_add(u(0), u(2)), f32x4_add(u(1), u(3)));
                v128_store(p.as_mut_ptr().add(4 * v) as *mut v128, s);
            }
        }
    }
}

/// Inputs `I0 .. I0 + 8` of one row of [`back_16x16`] (constant indices: no bounds checks).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
#[inline(always)]
fn back_16x16_half<const I0: usize>(d: &[f32; 16], wt: &[[f32; 16]; 16], p: &mut [f32; 16]) {
    let term = |j: usize| -> V<LANES> { map(|q| d[j] * wt[j][I0 + q]) };
    let lane = |k: usize| -> V<LANES> {
        let (a, b) = (term(k), term(k + 8));
        map(|q| (0.0 + a[q]) + b[q])
    };
    let u = |k: usize| -> V<LANES> {
        let (l, h) = (lane(k), lane(k + 4));
        map(|q| l[q] + h[q])
    };
    let (u0, u2) = (u(0), u(2));
    let s02: V<LANES> = map(|q| u0[q] + u2[q]);
    let (u1, u3) = (u(1), u(3));
    let s13: V<LANES> = map(|q| u1[q] + u3[q]);
    for q in 0..LANES {
        p[I0 + q] = s02[q] + s13[q];
    }
}

/// [`back`] for the digits' 10 → 32 layer, out of line (see [`dense_digits`]).
#[inline(never)]
fn back_digits(delta: &[f32], rows: usize, w: &[f32], prev: &mut [f32]) {
    back_sized::<10, 32>(delta, rows, 10, w, 32, prev)
}

/// [`back`] with compile-time sizes when `OUT`/`IN` are non-zero (as in [`dense_rows`]).
#[inline(always)]
fn back_sized<const OUT: usize, const IN: usize>(delta: &[f32], rows: usize, fan_out: usize, w: &[f32], fan_in: usize, prev: &mut [f32]) {
    let fan_out = if OUT > 0 { OUT } else { fan_out };
    let fan_in = if IN > 0 { IN } else { fan_in };
    let blocks = fan_out / LANES * LANES;
    for r in 0..rows {
        let dr = &delta[r * fan_out..(r + 1) * fan_out];
        let pr = &mut prev[r * fan_in..(r + 1) * fan_in];
        for (i, p) in pr.iter_mut().enumerate() {
            let wi = &w[i * fan_out..(i + 1) * fan_out];
            let mut s = 0.0f32;
            if blocks > 0 {
                // Lanes 0–3 and 4–7 as two 4-lane halves (one simd128 vector each).
                let (mut lo, mut hi) = ([0.0f32; 4], [0.0f32; 4]);
                for j0 in (0..blocks).step_by(LANES) {
                    let (mut dl, mut dh, mut wl, mut wh) = ([0.0f32; 4], [0.0f32; 4], [0.0f32; 4], [0.0f32; 4]);
                    dl.copy_from_slice(&dr[j0..j0 + 4]);
                    dh.copy_from_slice(&dr[j0 + 4..j0 + 8]);
                    wl.copy_from_slice(&wi[j0..j0 + 4]);
                    wh.copy_from_slice(&wi[j0 + 4..j0 + 8]);
                    for k in 0..4 {
                        lo[k] = lo[k] + dl[k] * wl[k];
                        hi[k] = hi[k] + dh[k] * wh[k];
                    }
                }
                let mut u = [0.0f32; 4];
                for k in 0..4 {
                    u[k] = lo[k] + hi[k];
                }
                s = (u[0] + u[2]) + (u[1] + u[3]);
            }
            for (&d, &wj) in dr[blocks..].iter().zip(&wi[blocks..]) {
                s = s + d * wj;
            }
            *p = s;
        }
    }
}

/// `N` lanes of f32: every lane function (here and in `elementwise`) is a sequence of element-wise loops over one,
/// which the compiler vectorizes; the lane count never changes a lane's result.
pub(crate) type V<const N: usize> = [f32; N];

#[inline(always)]
pub(crate) fn map<const N: usize>(f: impl Fn(usize) -> f32) -> V<N> {
    let mut v = [0.0f32; N];
    for (k, v) in v.iter_mut().enumerate() {
        *v = f(k);
    }
    v
}

mod elementwise;
pub use elementwise::{all_finite, bce, tanh, tanh_into, tanh_lanes};
pub(crate) use elementwise::bce_lanes;

#[cfg(test)]
mod tests;
