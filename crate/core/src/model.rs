//! Multilayer perceptrons over one flat parameter vector θ: layout, forward, backward.
//!
//! **Layout of θ** (the analysis code perturbs it, so it is part of the API): for each layer
//! in order, its kernel `W` (`fan_in × fan_out`, row-major: element `(i, j)` at
//! `w_off + i·fan_out + j`), then its bias `b` (`fan_out`). For 2 → 16 → 16 → 1 this is
//! W1 @ 0, b1 @ 32, W2 @ 48, b2 @ 304, W3 @ 320, b3 @ 336 — 337 parameters, the W1 benchmark's
//! layout (and TF.js's Dense kernel layout). Neuron `j`'s incoming weights ("filter") are
//! column `j` of its layer's kernel.
//!
//! Hidden layers apply the activation; the single output is a logit (binary cross-entropy)
//! or a prediction (mean squared error). The loss of a batch is the **mean** over its rows.
//! A minibatch runs as matrix products into buffers allocated once per [`Workspace`], so a
//! training step allocates nothing. For `f32` (the product) the products are the SIMD kernels
//! of [`crate::kernels`], reached through [`Real::f32_slice`]/[`f32_workspace`]; any other
//! scalar type (f64 in tests, dual numbers) takes the generic `ndarray::linalg::general_mat_mul`
//! path with the same math.

use crate::data::Dataset;
use crate::real::Real;
use crate::rng::Mulberry32;
use crate::kernels;
use crate::matmul::{mm, mm_nt, mm_tn};
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2};
use serde::{Deserialize, Serialize};

mod workspace;
use workspace::f32_workspace;
pub use workspace::Workspace;

crate::settings::named_enum! {
    /// Hidden-layer nonlinearity (`act=` values).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Activation {
        Tanh = "tanh",
        Relu = "relu",
        Sigmoid = "sigmoid",
    }
}

impl Activation {
    pub(crate) fn apply<T: Real>(self, z: T) -> T {
        match self {
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(T::zero()),
            Activation::Sigmoid => sigmoid(z),
        }
    }

    /// dσ/dz, from the activation's output `a` (and its input `z`, for ReLU).
    pub(crate) fn derivative<T: Real>(self, a: T, z: T) -> T {
        match self {
            Activation::Tanh => T::one() - a * a,
            Activation::Relu => {
                if z > T::zero() {
                    T::one()
                } else {
                    T::zero()
                }
            }
            Activation::Sigmoid => a * (T::one() - a),
        }
    }
}

/// Per-example loss on the single output `z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Loss {
    /// Binary cross-entropy from the logit: ℓ = max(z, 0) − y·z + ln(1 + e^−|z|)
    /// (the stable form of −y ln σ(z) − (1−y) ln(1−σ(z))); dℓ/dz = σ(z) − y.
    Bce,
    /// Squared error ℓ = (z − y)²; dℓ/dz = 2(z − y).
    Mse,
    /// Softmax cross-entropy over K logits, the label `y` being the class index c:
    /// ℓ = log Σ_k e^{z_k} − z_c (computed as m + log Σ e^{z_k − m}, m = max z);
    /// dℓ/dz_k = p_k − [k = c] with p = softmax(z); ∂²ℓ/∂z² = diag(p) − p pᵀ.
    Softmax,
}

impl Loss {
    /// ℓ of a one-output loss (binary cross-entropy, squared error); softmax, which needs all
    /// K outputs, goes through [`Loss::example`].
    pub(crate) fn value<T: Real>(self, z: T, y: T) -> T {
        match self {
            Loss::Bce => z.max(T::zero()) - y * z + (-z.abs()).exp().ln_1p(),
            Loss::Mse => (z - y) * (z - y),
            Loss::Softmax => T::zero(),
        }
    }

    /// dℓ/dz of a one-output loss (binary cross-entropy, squared error).
    pub(crate) fn dz<T: Real>(self, z: T, y: T) -> T {
        match self {
            Loss::Bce => sigmoid(z) - y,
            Loss::Mse => T::from_f64(2.0) * (z - y),
            Loss::Softmax => T::zero(),
        }
    }

    /// ℓ of one example from its outputs `z` (one, or K logits), writing dℓ/dz into `dz`.
    /// For one output this is [`Loss::value`] and [`Loss::dz`], the same operations.
    pub(crate) fn example<T: Real>(self, z: &[T], y: T, dz: &mut [T]) -> T {
        if self != Loss::Softmax {
            dz[0] = self.dz(z[0], y);
            return self.value(z[0], y);
        }
        let c = class_of(y, z.len());
        let m = z.iter().copied().fold(z[0], |a, b| a.max(b));
        let mut sum = T::zero();
        for (d, &zk) in dz.iter_mut().zip(z) {
            *d = (zk - m).exp();
            sum = sum + *d;
        }
        dz.iter_mut().for_each(|d| *d = *d / sum);
        dz[c] = dz[c] - T::one();
        // log(sum) with sum ≥ 1 (the max term is e⁰): ln_1p(sum − 1).
        m + (sum - T::one()).ln_1p() - z[c]
    }

    /// `out ← (∂²ℓ/∂z²)·rz` for one example (the R-operator's output step): ℓ″·rz for one
    /// output; `p ⊙ (rz − (p·rz))` for softmax.
    pub(crate) fn example_r<T: Real>(self, z: &[T], rz: &[T], out: &mut [T]) {
        match self {
            Loss::Bce => {
                let s = sigmoid(z[0]);
                out[0] = s * (T::one() - s) * rz[0];
            }
            Loss::Mse => out[0] = T::from_f64(2.0) * rz[0],
            Loss::Softmax => {
                let m = z.iter().copied().fold(z[0], |a, b| a.max(b));
                let mut sum = T::zero();
                for (o, &zk) in out.iter_mut().zip(z) {
                    *o = (zk - m).exp();
                    sum = sum + *o;
                }
                let mut prz = T::zero();
                for (o, &r) in out.iter_mut().zip(rz) {
                    *o = *o / sum;
                    prz = prz + *o * r;
                }
                out.iter_mut().zip(rz).for_each(|(o, &r)| *o = *o * (r - prz));
            }
        }
    }
}

/// The class index a label `y` names among `classes` (clamped, so a bad label cannot index out
/// of range).
pub(crate) fn class_of<T: Real>(y: T, classes: usize) -> usize {
    let v = y.to_f64();
    if v.is_finite() && v > 0.0 {
        (v as usize).min(classes.saturating_sub(1))
    } else {
        0
    }
}

/// Index of the largest of `z` (the first on ties; NaN never wins).
pub fn argmax<T: Real>(z: &[T]) -> usize {
    let mut best = 0;
    for (k, &v) in z.iter().enumerate() {
        if v > z[best] {
            best = k;
        }
    }
    best
}

/// Logistic function without overflow for large |z|.
pub fn sigmoid<T: Real>(z: T) -> T {
    if z >= T::zero() {
        T::one() / (T::one() + (-z).exp())
    } else {
        let e = z.exp();
        e / (T::one() + e)
    }
}

/// Where one dense layer lives in θ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layer {
    pub fan_in: usize,
    pub fan_out: usize,
    pub w_off: usize,
    pub b_off: usize,
}

/// A fully connected network `input → hidden… → outputs` (one output, or K for softmax).
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    pub layers: Vec<Layer>,
    pub activation: Activation,
    pub loss: Loss,
    n_params: usize,
}

impl Mlp {
    /// `hidden` lists the hidden widths (empty: a linear / logistic model); one output.
    pub fn new(input: usize, hidden: &[usize], activation: Activation, loss: Loss) -> Self {
        Self::with_outputs(input, hidden, 1, activation, loss)
    }

    /// [`Mlp::new`] with `outputs` outputs (K logits for softmax cross-entropy).
    pub fn with_outputs(input: usize, hidden: &[usize], outputs: usize, activation: Activation, loss: Loss) -> Self {
        let mut layers = Vec::with_capacity(hidden.len() + 1);
        let mut off = 0;
        let mut fan_in = input;
        let outputs = outputs.max(1);
        for &fan_out in hidden.iter().chain(std::iter::once(&outputs)) {
            let w_off = off;
            let b_off = w_off + fan_in * fan_out;
            layers.push(Layer { fan_in, fan_out, w_off, b_off });
            off = b_off + fan_out;
            fan_in = fan_out;
        }
        Self { layers, activation, loss, n_params: off }
    }

    pub fn n_params(&self) -> usize {
        self.n_params
    }

    pub fn input_dim(&self) -> usize {
        self.layers[0].fan_in
    }

    /// Outputs per example (the last layer's width).
    pub fn outputs(&self) -> usize {
        self.layers[self.layers.len() - 1].fan_out
    }

    /// Glorot/Xavier uniform kernels, `w = (2u − 1)·√(6/(fan_in + fan_out))`, drawn layer by
    /// layer in flat order from `rng`; biases zero (W1's initialisation).
    pub fn init_glorot(&self, rng: &mut Mulberry32) -> Vec<f32> {
        let mut theta = vec![0.0f32; self.n_params];
        for layer in &self.layers {
            let limit = libm::sqrt(6.0 / (layer.fan_in + layer.fan_out) as f64);
            for w in &mut theta[layer.w_off..layer.b_off] {
                *w = ((2.0 * rng.next_f64() - 1.0) * limit) as f32;
            }
        }
        theta
    }

    fn kernel<'a, T>(&self, theta: &'a [T], l: &Layer) -> ArrayView2<'a, T> {
        ArrayView2::from_shape((l.fan_in, l.fan_out), &theta[l.w_off..l.b_off])
            .expect("layer layout matches θ")
    }

    /// Forward pass over the first `rows` rows loaded in `ws`; leaves the output column in
    /// the last layer's `z`.
    fn forward<T: Real>(&self, theta: &[T], rows: usize, ws: &mut Workspace<T>) {
        if let (Some(theta), Some(ws)) = (T::f32_slice(theta), f32_workspace(ws)) {
            self.forward_f32(theta, rows, ws);
            return;
        }
        let last = self.layers.len() - 1;
        for (l, layer) in self.layers.iter().enumerate() {
            let w = self.kernel(theta, layer);
            let b = ArrayView1::from(&theta[layer.b_off..layer.b_off + layer.fan_out]);
            let mut z = view_mut(&mut ws.z[l], rows, layer.fan_out);
            for mut row in z.rows_mut() {
                row.assign(&b);
            }
            let input = if l == 0 { view(&ws.x, rows, layer.fan_in) } else { view(&ws.a[l - 1], rows, layer.fan_in) };
            mm(&input, &w, true, &mut z);
            if l < last {
                // Plain slice loops in the generic passes, not `ndarray::Zip` (its contiguous and
                // strided copies made the f64 `loss_grad` V8's slowest function to optimize; see
                // curvature.rs `flat`). The same operations.
                let act = self.activation;
                let n = rows * layer.fan_out;
                for (a, &z) in ws.a[l][..n].iter_mut().zip(&ws.z[l][..n]) {
                    *a = act.apply(z);
                }
            }
        }
    }

    /// For f32 and binary cross-entropy: each row's loss into `ws.ell` and dℓ/dz into the
    /// output layer's `delta`, by the SIMD kernel [`kernels::bce`]; returns whether it did.
    fn output_losses_f32<T: Real>(&self, rows: usize, ws: &mut Workspace<T>) -> bool {
        let last = self.layers.len() - 1;
        match (self.loss, f32_workspace(ws)) {
            (Loss::Bce, Some(ws)) => {
                kernels::bce(&ws.z[last][..rows], &ws.y[..rows], &mut ws.ell[..rows], &mut ws.delta[last][..rows]);
                true
            }
            _ => false,
        }
    }

    /// [`Mlp::forward`] for f32 by the SIMD kernels (`z = b + a·W` with inputs summed in order).
    fn forward_f32(&self, theta: &[f32], rows: usize, ws: &mut Workspace<f32>) {
        let last = self.layers.len() - 1;
        for (l, layer) in self.layers.iter().enumerate() {
            let w = &theta[layer.w_off..layer.b_off];
            let b = &theta[layer.b_off..layer.b_off + layer.fan_out];
            let n = rows * layer.fan_out;
            let (a_lo, a_hi) = ws.a.split_at_mut(l);
            let input = if l == 0 { &ws.x[..rows * layer.fan_in] } else { &a_lo[l - 1][..rows * layer.fan_in] };
            let z = &mut ws.z[l][..n];
            kernels::dense(input, rows, layer.fan_in, w, layer.fan_out, Some(b), z);
            if l < last {
                let a = &mut a_hi[0][..n];
                match self.activation {
                    Activation::Tanh => kernels::tanh_into(z, a),
                    act => a.iter_mut().zip(z.iter()).for_each(|(a, &z)| *a = act.apply(z)),
                }
            }
        }
    }

    /// Mean loss over the rows loaded in `ws` and, into `grad` (length `n_params`), its
    /// gradient with respect to θ (backpropagation). f32 batches of at most
    /// [`crate::tiny::TINY`] rows go example by example ([`crate::tiny`], the same bits).
    pub fn loss_grad<T: Real>(&self, theta: &[T], rows: usize, ws: &mut Workspace<T>, grad: &mut [T]) -> T {
        if rows <= crate::tiny::TINY {
            if let (Some(theta), Some(grad), Some(ws)) = (T::f32_slice(theta), T::f32_slice_mut(grad), f32_workspace(ws)) {
                return T::from_f64(self.loss_grad_tiny(theta, rows, ws, grad) as f64);
            }
        }
        self.loss_grad_batched(theta, rows, ws, grad)
    }

    /// [`Mlp::loss_grad`] by the batched passes whatever the batch size.
    pub(crate) fn loss_grad_batched<T: Real>(&self, theta: &[T], rows: usize, ws: &mut Workspace<T>, grad: &mut [T]) -> T {
        self.forward(theta, rows, ws);
        let last = self.layers.len() - 1;
        let scale = T::one() / T::from_f64(rows as f64);
        let mut total = T::zero();
        let fast = self.output_losses_f32(rows, ws);
        {
            let k = self.outputs();
            let z = &ws.z[last];
            let delta = &mut ws.delta[last];
            for r in 0..rows {
                if fast {
                    total = total + ws.ell[r];
                    delta[r] = delta[r] * scale;
                } else {
                    let d = &mut delta[r * k..(r + 1) * k];
                    total = total + self.loss.example(&z[r * k..(r + 1) * k], ws.y[r], d);
                    d.iter_mut().for_each(|d| *d = *d * scale);
                }
            }
        }
        if let (Some(theta), Some(grad), Some(ws)) = (T::f32_slice(theta), T::f32_slice_mut(grad), f32_workspace(ws)) {
            self.backward_f32(theta, rows, ws, grad);
            return total * scale;
        }
        for l in (0..self.layers.len()).rev() {
            let layer = self.layers[l];
            let (d_lo, d_hi) = ws.delta.split_at_mut(l);
            let delta = view(&d_hi[0], rows, layer.fan_out);
            {
                let mut gw = ArrayViewMut2::from_shape(
                    (layer.fan_in, layer.fan_out),
                    &mut grad[layer.w_off..layer.b_off],
                )
                .expect("layer layout matches θ");
                let input = if l == 0 { view(&ws.x, rows, layer.fan_in) } else { view(&ws.a[l - 1], rows, layer.fan_in) };
                mm_tn(&input, &delta, false, &mut gw);
            }
            let gb = &mut grad[layer.b_off..layer.b_off + layer.fan_out];
            gb.iter_mut().for_each(|g| *g = T::zero());
            for row in delta.rows() {
                for (g, &d) in gb.iter_mut().zip(row.iter()) {
                    *g = *g + d;
                }
            }
            if l > 0 {
                let w = self.kernel(theta, &layer);
                mm_nt(&delta, &w, false, &mut view_mut(&mut d_lo[l - 1], rows, layer.fan_in));
                let act = self.activation;
                let n = rows * layer.fan_in;
                for ((d, &a), &z) in d_lo[l - 1][..n].iter_mut().zip(&ws.a[l - 1][..n]).zip(&ws.z[l - 1][..n]) {
                    *d = *d * act.derivative(a, z);
                }
            }
        }
        total * scale
    }

    /// Back-propagation for f32 by the SIMD kernels, from the output errors in `ws.delta`.
    fn backward_f32(&self, theta: &[f32], rows: usize, ws: &mut Workspace<f32>, grad: &mut [f32]) {
        for l in (0..self.layers.len()).rev() {
            let layer = self.layers[l];
            let (fan_in, fan_out) = (layer.fan_in, layer.fan_out);
            let (d_lo, d_hi) = ws.delta.split_at_mut(l);
            let delta = &d_hi[0][..rows * fan_out];
            let input = if l == 0 { &ws.x[..rows * fan_in] } else { &ws.a[l - 1][..rows * fan_in] };
            kernels::weight_grad(input, rows, fan_in, delta, fan_out, &mut grad[layer.w_off..layer.b_off]);
            kernels::bias_grad(delta, rows, &mut grad[layer.b_off..layer.b_off + fan_out]);
            if l > 0 {
                let prev = &mut d_lo[l - 1][..rows * fan_in];
                kernels::back(delta, rows, fan_out, &theta[layer.w_off..layer.b_off], fan_in, prev);
                let a = &ws.a[l - 1][..rows * fan_in];
                match self.activation {
                    Activation::Tanh => prev.iter_mut().zip(a).for_each(|(d, &a)| *d *= 1.0 - a * a),
                    act => {
                        let z = &ws.z[l - 1][..rows * fan_in];
                        prev.iter_mut().zip(a).zip(z).for_each(|((d, &a), &z)| *d *= act.derivative(a, z));
                    }
                }
            }
        }
    }

    /// Mean loss and accuracy (`z > 0` predicts 1, or the largest of K logits; `None` for
    /// regression) over a whole data set, in chunks of the workspace's capacity.
    pub fn evaluate<T: Real>(&self, theta: &[T], data: &Dataset, ws: &mut Workspace<T>) -> Eval {
        let mut loss_sum = 0.0f64;
        let mut correct = 0usize;
        let last = self.layers.len() - 1;
        let n = data.len();
        let mut start = 0;
        while start < n {
            let rows = ws.capacity().min(n - start);
            ws.load_range(data, start, rows);
            self.forward(theta, rows, ws);
            let fast = self.output_losses_f32(rows, ws);
            let k = self.outputs();
            if k > 1 {
                let (z, scratch) = (&ws.z[last], &mut ws.delta[last]);
                for r in 0..rows {
                    let zr = &z[r * k..(r + 1) * k];
                    loss_sum += self.loss.example(zr, ws.y[r], &mut scratch[..k]).to_f64();
                    if argmax(zr) == class_of(ws.y[r], k) {
                        correct += 1;
                    }
                }
                start += rows;
                continue;
            }
            let z = &ws.z[last];
            for (r, &zr) in z.iter().enumerate().take(rows) {
                let y = ws.y[r];
                loss_sum += if fast { ws.ell[r] } else { self.loss.value(zr, y) }.to_f64();
                let predicted = if zr > T::zero() { T::one() } else { T::zero() };
                if predicted == y {
                    correct += 1;
                }
            }
            start += rows;
        }
        let n_f = n.max(1) as f64;
        Eval {
            loss: loss_sum / n_f,
            accuracy: match self.loss {
                Loss::Bce | Loss::Softmax => Some(correct as f64 / n_f),
                Loss::Mse => None,
            },
        }
    }

    /// Outputs (logit or prediction; K logits per point for softmax, row-major) at arbitrary
    /// input points, `xs` row-major `n × input`.
    pub fn predict<T: Real>(&self, theta: &[T], xs: &[f32], ws: &mut Workspace<T>) -> Vec<f32> {
        let dim = self.input_dim();
        let n = xs.len() / dim;
        let last = self.layers.len() - 1;
        let mut out = Vec::with_capacity(n);
        let mut start = 0;
        while start < n {
            let rows = ws.capacity().min(n - start);
            for (x, &v) in ws.x.iter_mut().zip(&xs[start * dim..(start + rows) * dim]) {
                *x = T::from_f64(v as f64);
            }
            self.forward(theta, rows, ws);
            let k = self.outputs();
            out.extend(ws.z[last][..rows * k].iter().map(|v| v.to_f64() as f32));
            start += rows;
        }
        out
    }
}

/// Loss and accuracy of θ on a data set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Eval {
    pub loss: f64,
    pub accuracy: Option<f64>,
}

/// Row-major `rows × width` view of the first rows of a buffer.
fn view<T>(buf: &[T], rows: usize, width: usize) -> ArrayView2<'_, T> {
    ArrayView2::from_shape((rows, width), &buf[..rows * width]).expect("workspace buffer holds rows × width")
}

fn view_mut<T>(buf: &mut [T], rows: usize, width: usize) -> ArrayViewMut2<'_, T> {
    ArrayViewMut2::from_shape((rows, width), &mut buf[..rows * width]).expect("workspace buffer holds rows × width")
}

#[cfg(test)]
pub(crate) mod tests;
