//! One whole SGD step at B = 1 for the default network's shape (`IN → H → H → 1`, tanh, binary
//! cross-entropy, plain SGD without weight decay: the page's default and W1's 2 → 16 → 16 → 1),
//! in one function: forward, loss, backward and the update of θ, with every activation and error
//! in fixed-size arrays on the stack. Each layer's parameters are updated as soon as its error
//! has been passed back through them, so no gradient vector is written and read back, and the
//! divergence test rides in the update (as in `optim::sgd_f32`).
//!
//! **Same bits as [`Mlp::loss_grad_tiny`] followed by [`crate::optim::Optimizer::step`].**
//! Every value is computed by the same IEEE operations in the same order:
//! - `z = ((b + a₀·w₀) + a₁·w₁) + …` ([`crate::kernels::dense`]'s order; the single output too);
//! - tanh and the loss by [`crate::kernels::tanh_lanes`] and the BCE lanes, the error scaled by
//!   `1/B = 1` and the loss returned as `(0 + ℓ)·1`, as the general path does;
//! - the weight gradient `0 + a·d` (the first row's term) and the update `θ − η·(0 + a·d)`;
//! - the back-propagated errors in [`crate::kernels::back`]'s order for 16 outputs
//!   (`L_k = (0 + d_k·w_k) + d_{k+8}·w_{k+8}`, `u_k = L_k + L_{k+4}`, `(u₀ + u₂) + (u₁ + u₃)`;
//!   for the single output `0 + d·w`), then `· (1 − a²)`, all with the parameters before the
//!   update.
//!
//! The test in `tiny/tests.rs` trains with both and compares θ and every loss bit for bit.
//!
//! Why hand-written: at B = 1 a step is a few hundred multiply-adds, so the general path's
//! layer loops, per-layer buffers, gradient vector and separate update pass were a large part
//! of it (V8's profile of W1 at B = 1: the update pass alone 12 %).

// `x = x + y` spells out each operation's operands in the order the module documents.
#![allow(clippy::assign_op_pattern)]

use crate::kernels::{bce_lanes, tanh_lanes, V};
use crate::model::{Activation, Loss, Mlp};

/// The hidden width of the fused step's shape (two hidden layers of it).
const H: usize = 16;
/// Its input dimension.
const IN: usize = 2;
/// Lanes per block: tanh in 8-wide blocks (16 wide measured slower in V8, `kernels::tanh_into`).
const L: usize = 8;

impl Mlp {
    /// Whether [`sgd_step_fused`] trains this network: `2 → 16 → 16 → 1`, tanh, BCE.
    pub(crate) fn has_fused_step(&self) -> bool {
        let shape: Vec<(usize, usize)> = self.layers.iter().map(|l| (l.fan_in, l.fan_out)).collect();
        let contiguous = self.layers.windows(2).all(|p| p[1].w_off == p[0].b_off + p[0].fan_out)
            && self.layers.first().is_some_and(|l| l.w_off == 0)
            && self.layers.iter().all(|l| l.b_off == l.w_off + l.fan_in * l.fan_out);
        shape == [(IN, H), (H, H), (H, 1)] && contiguous && self.activation == Activation::Tanh && self.loss == Loss::Bce
    }
}

/// One SGD step of learning rate `lr` on the single example (`x`, `y`) for a network with
/// [`Mlp::has_fused_step`]: returns the example's loss and whether every new parameter is
/// finite, or `None` (θ untouched) when `theta` or `x` has the wrong length.
pub(crate) fn sgd_step_fused(theta: &mut [f32], x: &[f32], y: f32, lr: f32) -> Option<(f32, bool)> {
    let x: &[f32; IN] = x.try_into().ok()?;
    if theta.len() != IN * H + H + H * H + H + H + 1 {
        return None;
    }
    let (w1, rest) = theta.split_at_mut(IN * H);
    let (b1, rest) = rest.split_at_mut(H);
    let (w2, rest) = rest.split_at_mut(H * H);
    let (b2, rest) = rest.split_at_mut(H);
    let (w3, b3) = rest.split_at_mut(H);
    let w1: &mut [[f32; H]; IN] = w1.as_chunks_mut::<H>().0.try_into().ok()?;
    let w2: &mut [[f32; H]; H] = w2.as_chunks_mut::<H>().0.try_into().ok()?;
    let (b1, b2, w3): (&mut [f32; H], &mut [f32; H], &mut [f32; H]) = (b1.try_into().ok()?, b2.try_into().ok()?, w3.try_into().ok()?);
    let b3 = b3.first_mut()?;

    // Forward.
    let a1 = tanh_h(&dense_h(x, w1, b1));
    let a2 = tanh_h(&dense_h(&a1, w2, b2));
    let mut z3 = *b3;
    for (&a, &w) in a2.iter().zip(w3.iter()) {
        z3 = z3 + a * w;
    }
    let (ell, dz) = bce_lanes::<1>([z3], [y]);
    let (ell, d3) = ((0.0 + ell[0]) * 1.0, dz[0] * 1.0);

    // Backward and update, layer by layer from the output.
    let mut fin = [0.0f32; H];
    let mut d2: V<H> = [0.0; H];
    for i in 0..H {
        d2[i] = (0.0 + d3 * w3[i]) * (1.0 - a2[i] * a2[i]);
        w3[i] = w3[i] - lr * (0.0 + a2[i] * d3);
        fin[i] = fin[i] + w3[i] * 0.0;
    }
    *b3 = *b3 - lr * (0.0 + d3);
    let fin_b3 = *b3 * 0.0;

    let mut d1: V<H> = [0.0; H];
    for (i, wi) in w2.iter_mut().enumerate() {
        d1[i] = back_16(&d2, wi) * (1.0 - a1[i] * a1[i]);
        update_row(wi, a1[i], &d2, lr, &mut fin);
    }
    update_row(b2, 1.0, &d2, lr, &mut fin);
    for (wi, &xi) in w1.iter_mut().zip(x) {
        update_row(wi, xi, &d1, lr, &mut fin);
    }
    update_row(b1, 1.0, &d1, lr, &mut fin);
    let finite = fin.iter().all(|&f| f == 0.0) && fin_b3 == 0.0;
    Some((ell, finite))
}

/// `z = b + a·w` for one row, inputs in order (`kernels::dense`'s order).
#[inline(always)]
fn dense_h<const N: usize>(a: &[f32; N], w: &[[f32; H]; N], b: &[f32; H]) -> V<H> {
    let mut z = *b;
    for (&ai, wi) in a.iter().zip(w) {
        for j in 0..H {
            z[j] = z[j] + ai * wi[j];
        }
    }
    z
}

#[inline(always)]
fn tanh_h(z: &V<H>) -> V<H> {
    let mut a = [0.0f32; H];
    for (ab, zb) in a.as_chunks_mut::<L>().0.iter_mut().zip(z.as_chunks::<L>().0) {
        *ab = tanh_lanes(*zb);
    }
    a
}

/// `Σ_j d[j]·w[j]` over 16 outputs in [`crate::kernels::back`]'s order (see the module).
#[inline(always)]
fn back_16(d: &V<H>, w: &[f32; H]) -> f32 {
    let lane: V<L> = std::array::from_fn(|k| (0.0 + d[k] * w[k]) + d[k + L] * w[k + L]);
    let u: [f32; 4] = std::array::from_fn(|k| lane[k] + lane[k + 4]);
    (u[0] + u[2]) + (u[1] + u[3])
}

/// One row of the update: `w[j] ← w[j] − η·(0 + a·d[j])` (`a` = 1 for a bias: `1·d = d` exactly),
/// each new value's `·0` added to the finiteness lanes.
#[inline(always)]
fn update_row(w: &mut [f32; H], a: f32, d: &V<H>, lr: f32, fin: &mut [f32; H]) {
    for j in 0..H {
        w[j] = w[j] - lr * (0.0 + a * d[j]);
        fin[j] = fin[j] + w[j] * 0.0;
    }
}
