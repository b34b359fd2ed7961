//! Training steps of tiny minibatches (B ≤ [`TINY`], i.e. B = 1) in f32: each example goes forward and
//! back on its own, and its share of the gradient is added straight into θ's gradient, instead of
//! the batched passes of [`Mlp::loss_grad`] (row-major batch buffers, then one matrix product
//! per layer and direction). At B = 1 a step is nothing but per-example work, so the batched
//! machinery's loops over rows, blocks and tails were most of its instructions.
//!
//! **Same bits as the general path.** Every value is computed by the same operations in the
//! same order as [`crate::kernels`] documents for the batched kernels:
//! - forward `z = b + a·W` and the back-propagated errors through [`kernels::dense`] and
//!   [`kernels::back`] on one row (the batched kernels treat every row alike);
//! - the activations and binary cross-entropy are element-wise ([`kernels::tanh_into`],
//!   [`kernels::bce`]), the other losses through [`Loss::example`], the mean as
//!   `(ℓ₀ + ℓ₁ + …)·(1/B)` with each output error scaled by `1/B`;
//! - weight and bias gradients sum the examples in order starting from 0:
//!   `g = ((0 + a₀d₀) + a₁d₁) + …`, exactly [`kernels::weight_grad`]'s and
//!   [`kernels::bias_grad`]'s order; the first example writes `0 + a₀d₀` (not `a₀d₀`, which
//!   differs for −0), the later ones add to what is there.
//!
//! The test below compares θ and every loss bit for bit with the general path over many steps.

use crate::kernels;
use crate::model::{Activation, Loss, Mlp, Workspace};

/// The largest minibatch that [`Mlp::loss_grad`] trains by [`Mlp::loss_grad_tiny`]: only B = 1.
/// callgrind on W1, instructions per example: B = 1 fell from 6 052 to 4 896 (this path and
/// optim.rs's folded finiteness test together), while the fused path at B = 2 and 4 measured
/// 4 617 and 4 320 against the batched path's 4 394 and 3 470: there
/// [`kernels::weight_grad`] keeps each gradient block in registers across the rows and the
/// forward kernel computes four rows at once, while the fused path stores and reloads the
/// gradient once per example. [`Mlp::loss_grad_tiny`] itself is exact for any B (tested to 4).
pub const TINY: usize = 1;

impl Mlp {
    /// [`Mlp::loss_grad`] for f32 and `rows ≤ TINY`, example by example (see the module).
    pub(crate) fn loss_grad_tiny(&self, theta: &[f32], rows: usize, ws: &mut Workspace<f32>, grad: &mut [f32]) -> f32 {
        let scale = 1.0 / rows as f32;
        let mut total = 0.0f32;
        for r in 0..rows {
            self.forward_row(theta, r, ws);
            total += self.output_error_row(r, ws, scale);
            self.backward_row(theta, r, ws, grad);
        }
        total * scale
    }

    /// The forward pass of row `r`: every layer's `z` and `a` for that row.
    fn forward_row(&self, theta: &[f32], r: usize, ws: &mut Workspace<f32>) {
        let last = self.layers.len() - 1;
        for (l, layer) in self.layers.iter().enumerate() {
            let (fan_in, fan_out) = (layer.fan_in, layer.fan_out);
            let w = &theta[layer.w_off..layer.b_off];
            let b = &theta[layer.b_off..layer.b_off + fan_out];
            let (a_lo, a_hi) = ws.a.split_at_mut(l);
            let input = if l == 0 { &ws.x[r * fan_in..(r + 1) * fan_in] } else { &a_lo[l - 1][r * fan_in..(r + 1) * fan_in] };
            let z = &mut ws.z[l][r * fan_out..(r + 1) * fan_out];
            kernels::dense(input, 1, fan_in, w, fan_out, Some(b), z);
            if l < last {
                let a = &mut a_hi[0][r * fan_out..(r + 1) * fan_out];
                match self.activation {
                    Activation::Tanh => kernels::tanh_into(z, a),
                    act => a.iter_mut().zip(z.iter()).for_each(|(a, &z)| *a = act.apply(z)),
                }
            }
        }
    }

    /// Row `r`'s loss, and its output error dℓ/dz·(1/B) into the last layer's `delta`.
    fn output_error_row(&self, r: usize, ws: &mut Workspace<f32>, scale: f32) -> f32 {
        let last = self.layers.len() - 1;
        let k = self.outputs();
        let z = &ws.z[last][r * k..(r + 1) * k];
        let d = &mut ws.delta[last][r * k..(r + 1) * k];
        let ell = if self.loss == Loss::Bce {
            kernels::bce(z, &ws.y[r..r + 1], &mut ws.ell[r..r + 1], d);
            ws.ell[r]
        } else {
            self.loss.example(z, ws.y[r], d)
        };
        d.iter_mut().for_each(|d| *d *= scale);
        ell
    }

    /// Back-propagation of row `r` from its output error, adding its terms to `grad` (written
    /// from 0 by row 0).
    fn backward_row(&self, theta: &[f32], r: usize, ws: &mut Workspace<f32>, grad: &mut [f32]) {
        for l in (0..self.layers.len()).rev() {
            let layer = self.layers[l];
            let (fan_in, fan_out) = (layer.fan_in, layer.fan_out);
            let (d_lo, d_hi) = ws.delta.split_at_mut(l);
            let delta = &d_hi[0][r * fan_out..(r + 1) * fan_out];
            let input = if l == 0 { &ws.x[r * fan_in..(r + 1) * fan_in] } else { &ws.a[l - 1][r * fan_in..(r + 1) * fan_in] };
            let (gw, gb) = grad[layer.w_off..layer.b_off + fan_out].split_at_mut(layer.b_off - layer.w_off);
            outer_add(input, delta, gw, r == 0);
            add_row(delta, gb, r == 0);
            if l > 0 {
                let prev = &mut d_lo[l - 1][r * fan_in..(r + 1) * fan_in];
                back_row(delta, &theta[layer.w_off..layer.b_off], prev);
                let a = &ws.a[l - 1][r * fan_in..(r + 1) * fan_in];
                match self.activation {
                    Activation::Tanh => prev.iter_mut().zip(a).for_each(|(d, &a)| *d *= 1.0 - a * a),
                    act => {
                        let z = &ws.z[l - 1][r * fan_in..(r + 1) * fan_in];
                        prev.iter_mut().zip(a).zip(z).for_each(|((d, &a), &z)| *d *= act.derivative(a, z));
                    }
                }
            }
        }
    }
}

/// `gw[i][j] ← s + a[i]·d[j]` with `s` = 0 for the first row, else `gw[i][j]`: one row's term of
/// [`kernels::weight_grad`]. The lanes run along `j` (contiguous in `gw` and `d`); W1's shapes
/// get copies with their sizes known at compile time (unrolled, no bounds checks), the same
/// operations.
fn outer_add(a: &[f32], d: &[f32], gw: &mut [f32], first: bool) {
    match (a.len(), d.len(), first) {
        (2, 16, true) => outer_add_sized::<2, 16, true>(a, d, gw),
        (2, 16, false) => outer_add_sized::<2, 16, false>(a, d, gw),
        (16, 16, true) => outer_add_sized::<16, 16, true>(a, d, gw),
        (16, 16, false) => outer_add_sized::<16, 16, false>(a, d, gw),
        (16, 1, true) => outer_add_sized::<16, 1, true>(a, d, gw),
        (16, 1, false) => outer_add_sized::<16, 1, false>(a, d, gw),
        (_, _, true) => outer_add_sized::<0, 0, true>(a, d, gw),
        (_, _, false) => outer_add_sized::<0, 0, false>(a, d, gw),
    }
}

#[inline(always)]
fn outer_add_sized<const IN: usize, const OUT: usize, const FIRST: bool>(a: &[f32], d: &[f32], gw: &mut [f32]) {
    let fan_in = if IN > 0 { IN } else { a.len() };
    let fan_out = if OUT > 0 { OUT } else { d.len() };
    let (a, d, gw) = (&a[..fan_in], &d[..fan_out], &mut gw[..fan_in * fan_out]);
    for (gi, &ai) in gw.chunks_exact_mut(fan_out).zip(a) {
        for (g, &dj) in gi.iter_mut().zip(d) {
            let s = if FIRST { 0.0 } else { *g };
            *g = s + ai * dj;
        }
    }
}

/// One row of [`kernels::back`]: `prev[i] = Σ_j d[j]·w[i][j]`. A single output (`d` one long)
/// gives `prev[i] = 0 + d[0]·w[i][0]`, `kernels::back`'s tail sum of one term, here in lanes
/// along `i` (the kernel's column is contiguous then) instead of 16 one-term dot products.
fn back_row(d: &[f32], w: &[f32], prev: &mut [f32]) {
    if let [d0] = *d {
        let n = prev.len();
        for (p, &wi) in prev.iter_mut().zip(&w[..n]) {
            *p = 0.0 + d0 * wi;
        }
    } else {
        kernels::back(d, 1, d.len(), w, prev.len(), prev);
    }
}

/// `g[j] ← s + d[j]` (`s` as in [`outer_add`]): one row's term of [`kernels::bias_grad`].
fn add_row(d: &[f32], g: &mut [f32], first: bool) {
    for (g, &dj) in g.iter_mut().zip(d) {
        let s = if first { 0.0 } else { *g };
        *g = s + dj;
    }
}

mod fused;
pub(crate) use fused::sgd_step_fused;

#[cfg(test)]
mod tests;
