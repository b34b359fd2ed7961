//! The element-wise f32 kernels: the finiteness check, tanh and binary cross-entropy in lanes
//! (branch-free: a rational tanh and Cephes' `expf`/`logf` polynomials, only IEEE basic
//! operations, so every target gives the same bits). The matrix products are in the parent module.
// The coefficients are quoted as their sources publish them (Eigen's tanh, Cephes).
#![allow(clippy::excessive_precision)]

use super::{map, V, LANES};

/// Whether every value is finite, without an early exit so that it vectorizes. Training no
/// longer calls it per step (`Optimizer::step` tests each new θ as it writes it); the tests
/// use it as the reference check.
pub fn all_finite(values: &[f32]) -> bool {
    // The exponent field plus one unit carries into the sign bit only when it is all ones
    // (infinity or NaN): additions and ORs only, in LANES independent lanes.
    const EXP: u32 = 0x7f80_0000;
    const ONE: u32 = 0x0080_0000;
    let mut acc = [0u32; LANES];
    let mut chunks = values.chunks_exact(LANES);
    for c in &mut chunks {
        for k in 0..LANES {
            acc[k] |= (c[k].to_bits() & EXP) + ONE;
        }
    }
    let mut bad = acc.iter().fold(0, |m, &a| m | a);
    for v in chunks.remainder() {
        bad |= (v.to_bits() & EXP) + ONE;
    }
    bad & 0x8000_0000 == 0
}

/// tanh of every element of `z` into `a`, by [`tanh`]: the same operations per element
/// whatever the loop's form, so the loop is the one each target vectorizes best. In wasm32,
/// [`LANES`]-wide chunks through [`tanh_lanes`] (a plain loop stays scalar there; chunks of 16
/// measured 11 % slower on the landscape in V8). Natively, a plain element-wise loop: the loop
/// vectorizer gives whole-vector loads and stores, where over 8-wide chunks it interleaved four
/// chunks per vector (stride-8 gathers and scatters by shuffles, ~30 % of the instructions).
pub fn tanh_into(z: &[f32], a: &mut [f32]) {
    if cfg!(target_arch = "wasm32") {
        let mut zc = z.chunks_exact(LANES);
        let mut ac = a.chunks_exact_mut(LANES);
        for (zb, ab) in (&mut zc).zip(&mut ac) {
            let mut x = [0.0f32; LANES];
            x.copy_from_slice(zb);
            ab.copy_from_slice(&tanh_lanes(x));
        }
        for (&zi, ai) in zc.remainder().iter().zip(ac.into_remainder()) {
            *ai = tanh(zi);
        }
    } else {
        for (ai, &zi) in a.iter_mut().zip(z) {
            *ai = tanh(zi);
        }
    }
}

/// [`tanh`] of `N` values, one element-wise loop per operation (see [`V`]): Eigen's 13/6 rational
/// interpolant `x·P(x²)/Q(x²)` (`generic_fast_tanh_float`) evaluated by Horner's rule without
/// fused multiply-adds, on |x| clamped to 9; at most 1 (it can round above), |x| itself below
/// 4·10⁻⁴ (where tanh x rounds to x); the sign copied back.
#[inline(always)]
pub fn tanh_lanes<const N: usize>(x: V<N>) -> V<N> {
    let ax: V<N> = map(|k| f32::from_bits(x[k].to_bits() & 0x7fff_ffff));
    let c: V<N> = map(|k| if ax[k] > 9.0 { 9.0 } else { ax[k] });
    let x2: V<N> = map(|k| c[k] * c[k]);
    let mut p: V<N> = map(|k| x2[k] * -2.760_768_477_423_55e-16 + 2.000_187_904_824_77e-13);
    p = map(|k| p[k] * x2[k] - 8.604_671_522_137_35e-11);
    p = map(|k| p[k] * x2[k] + 5.122_297_090_371_14e-8);
    p = map(|k| p[k] * x2[k] + 1.485_722_357_179_79e-5);
    p = map(|k| p[k] * x2[k] + 6.372_619_288_754_36e-4);
    p = map(|k| p[k] * x2[k] + 4.893_524_558_917_86e-3);
    p = map(|k| p[k] * c[k]);
    let mut q: V<N> = map(|k| x2[k] * 1.198_258_394_667_02e-6 + 1.185_347_056_866_54e-4);
    q = map(|k| q[k] * x2[k] + 2.268_434_632_439_00e-3);
    q = map(|k| q[k] * x2[k] + 4.893_525_185_543_85e-3);
    map(|k| {
        let r = p[k] / q[k];
        let r = if r > 1.0 { 1.0 } else { r };
        let y = if ax[k] < 0.0004 { ax[k] } else { r };
        f32::from_bits(y.to_bits() | (x[k].to_bits() & 0x8000_0000))
    })
}

/// Binary cross-entropy from the logit for every row: `loss[r] = max(z, 0) − y·z + ln(1 + e^{−|z|})`
/// and `dz[r] = σ(z) − y` (dℓ/dz), with [`exp_neg`] and [`ln_1p_unit`], branch-free (vector lanes).
/// Why not `libm`: two branchy scalar calls per example (`expf`, `log1pf`, plus `expf` again in
/// the sigmoid) cost as much as a hidden layer; here one `e^{−|z|}` serves both values.
pub fn bce(z: &[f32], y: &[f32], loss: &mut [f32], dz: &mut [f32]) {
    if cfg!(target_arch = "wasm32") {
        let full = z.len() / LANES * LANES;
        for (((zb, yb), lb), db) in z[..full]
            .chunks_exact(LANES)
            .zip(y.chunks_exact(LANES))
            .zip(loss.chunks_exact_mut(LANES))
            .zip(dz.chunks_exact_mut(LANES))
        {
            let (mut zl, mut yl) = ([0.0f32; LANES], [0.0f32; LANES]);
            zl.copy_from_slice(zb);
            yl.copy_from_slice(yb);
            let (l, d) = bce_lanes(zl, yl);
            lb.copy_from_slice(&l);
            db.copy_from_slice(&d);
        }
        // The last rows (all of them when a batch is smaller than LANES) one lane at a time: the
        // same operations, so the same bits, without computing padding.
        for r in full..z.len() {
            let (l, d) = bce_lanes::<1>([z[r]], [y[r]]);
            loss[r] = l[0];
            dz[r] = d[0];
        }
    } else {
        // Natively a plain element-wise loop, as in `tanh_into` (and for the same reason).
        for (((&zr, &yr), l), d) in z.iter().zip(y).zip(loss.iter_mut()).zip(dz.iter_mut()) {
            let (lr, dr) = bce_lanes::<1>([zr], [yr]);
            *l = lr[0];
            *d = dr[0];
        }
    }
}

/// [`bce`] of `N` rows in lanes (also the fused B = 1 step's loss, `crate::tiny`).
#[inline(always)]
pub(crate) fn bce_lanes<const N: usize>(z: V<N>, y: V<N>) -> (V<N>, V<N>) {
    let a: V<N> = map(|k| f32::from_bits(z[k].to_bits() & 0x7fff_ffff));
    let e = exp_neg(a);
    let u: V<N> = map(|k| 1.0 + e[k]);
    let sp = ln_1p_unit(e, u);
    let loss = map(|k| (if z[k] > 0.0 { z[k] } else { 0.0 }) - y[k] * z[k] + sp[k]);
    let dz = map(|k| (if z[k] >= 0.0 { 1.0 } else { e[k] }) / u[k] - y[k]);
    (loss, dz)
}

/// `e^{−a}` for `a ≥ 0` (NaN stays NaN), Cephes' `expf` in lanes: Cody–Waite reduction by ln 2,
/// degree-6 polynomial, 2ⁿ built in the exponent bits; `a` is clamped to 87 so 2ⁿ stays normal.
#[inline(always)]
fn exp_neg<const N: usize>(a: V<N>) -> V<N> {
    let v: V<N> = map(|k| if a[k] > 87.0 { -87.0 } else { -a[k] });
    let t: V<N> = map(|k| v[k] * LOG2E + ROUND);
    let kf: V<N> = map(|k| t[k] - ROUND);
    let r: V<N> = map(|k| (v[k] - kf[k] * LN2_HI) - kf[k] * LN2_LO);
    let mut p: V<N> = map(|k| 1.987_569_1e-4 * r[k] + 1.398_199_9e-3);
    p = map(|k| p[k] * r[k] + 8.333_452e-3);
    p = map(|k| p[k] * r[k] + 4.166_579_6e-2);
    p = map(|k| p[k] * r[k] + 1.666_666_5e-1);
    p = map(|k| p[k] * r[k] + 5.000_000_1e-1);
    p = map(|k| p[k] * (r[k] * r[k]) + r[k] + 1.0);
    map(|k| {
        let n = (t[k].to_bits() as i32).wrapping_sub(ROUND.to_bits() as i32);
        p[k] * f32::from_bits((n.wrapping_add(127) as u32).wrapping_shl(23))
    })
}

/// `ln(1 + e)` for `e ∈ [0, 1]` given `u = 1 + e` (rounded): Cephes' `logf` polynomial on the
/// reduced `x = u − 1` (or `u/2 − 1` above √2, both exact), times `e/(u − 1)` to restore the
/// bits of `e` lost in rounding `u` (Goldberg's log1p correction); `e` itself when `u = 1`.
#[inline(always)]
fn ln_1p_unit<const N: usize>(e: V<N>, u: V<N>) -> V<N> {
    let hi: V<N> = map(|k| if u[k] < std::f32::consts::SQRT_2 { 0.0 } else { 1.0 });
    let x: V<N> = map(|k| if hi[k] == 0.0 { u[k] - 1.0 } else { u[k] * 0.5 - 1.0 });
    let x2: V<N> = map(|k| x[k] * x[k]);
    let mut p: V<N> = map(|k| 7.037_683_6e-2 * x[k] - 1.151_461e-1);
    p = map(|k| p[k] * x[k] + 1.167_699_9e-1);
    p = map(|k| p[k] * x[k] - 1.242_014_1e-1);
    p = map(|k| p[k] * x[k] + 1.424_932_3e-1);
    p = map(|k| p[k] * x[k] - 1.666_805_8e-1);
    p = map(|k| p[k] * x[k] + 2.000_071_4e-1);
    p = map(|k| p[k] * x[k] - 2.499_999_4e-1);
    p = map(|k| p[k] * x[k] + 3.333_333_1e-1);
    let mut l: V<N> = map(|k| p[k] * x[k] * x2[k]);
    l = map(|k| l[k] + LN2_LO * hi[k]);
    l = map(|k| l[k] - 0.5 * x2[k]);
    l = map(|k| x[k] + l[k]);
    l = map(|k| l[k] + LN2_HI * hi[k]);
    map(|k| {
        let d = u[k] - 1.0;
        if d == 0.0 {
            e[k]
        } else {
            l[k] * (e[k] / d)
        }
    })
}

const LOG2E: f32 = std::f32::consts::LOG2_E;
/// 1.5·2²³: adding it rounds a float of magnitude < 2²² to an integer, held in the low mantissa bits.
const ROUND: f32 = 12_582_912.0;
/// ln 2 split in a part with few mantissa bits and the rest (Cody–Waite), so `k·LN2_HI` is exact.
const LN2_HI: f32 = 0.693_359_375;
const LN2_LO: f32 = -2.121_944_4e-4;

/// tanh in f32 without branches or table look-ups, so eight lanes run at once ([`tanh_lanes`]).
///
/// Why not `libm::tanhf`: it branches per element and calls `expm1f`, which keeps the layer
/// scalar; the activations were most of a training step's time. Why a rational function and not
/// Cephes' `tanhf` (the odd polynomial below 0.625, `1 − 2/(e^{2|x|} + 1)` above), which this
/// replaced (issue 14): branch-free, Cephes needs both halves for every lane, ≈ 45 vector
/// operations per 4 values with its `expf`; the rational needs ≈ 25 and one division. In V8 (CPU
/// time, `node crate/core/benches/w1_wasm_cpu.mjs`) the W1 landscape went 146–152 → 118 ms and
/// B = 512 from 4.11–4.89 to 4.69–5.41 M examples/s; natively (criterion) 159 → 111 ms and
/// 1.73 → 1.31 ms. The price is accuracy: at most 6.9 ulp from the f64 tanh (Cephes: 2), over
/// every f32 in [2⁻¹⁴, 12] (the ignored exhaustive test below; 99.3 % within 3 ulp), far below
/// the rounding of the matrix products around it; W1's reference loss after 2 000 steps and its
/// landscape still match to 1e-4 and 1e-5. Only +, −, ×, ÷, comparisons and bit operations, each
/// correctly rounded by IEEE 754, so every target gives the same bits. NaN stays NaN, ±∞ gives ±1,
/// −0 stays −0.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    tanh_lanes([x])[0]
}
