//! Curvature of the training loss: exact Hessian-vector products, the top eigenvalue λ_max,
//! the trace, and ε-sharpness.
//!
//! **Hessian-vector products** are exact: a [`Tape`] keeps one forward and backward pass over
//! the whole data set at θ and applies Pearlmutter's R-operator (1994) to it, i.e.
//! forward-mode differentiation of backpropagation along `v` written out by hand:
//!
//! ```text
//! forward   z_l = a_{l−1} W_l + b_l,          a_l = σ(z_l)            (a_0 = x)
//! R-forward Rz_l = Ra_{l−1} W_l + a_{l−1} V_l + v_b,   Ra_l = σ′(z_l) ⊙ Rz_l   (Ra_0 = 0)
//! backward  δ_L = ℓ′(z_L)/N,  e_{l−1} = δ_l W_lᵀ,  δ_{l−1} = e_{l−1} ⊙ σ′(z_{l−1})
//! R-backward Rδ_L = ℓ″(z_L) Rz_L / N,  Re_{l−1} = Rδ_l W_lᵀ + δ_l V_lᵀ,
//!           Rδ_{l−1} = Re_{l−1} ⊙ σ′ + e_{l−1} ⊙ σ″ ⊙ Rz_{l−1}
//! Hv        (Hv)_{W_l} = Ra_{l−1}ᵀ δ_l + a_{l−1}ᵀ Rδ_l,   (Hv)_{b_l} = Σ_rows Rδ_l
//! ```
//! It is hand-written rather than obtained by running the model's generic code on
//! [`Dual`] numbers because the duals fall off ndarray's fast matrix-product path and redo the
//! forward and backward pass for every product: on W1's network and data one dual product took
//! 2.1 ms against 0.68 ms (f64) and 0.33 ms (f32) for the R-operator at a fixed point
//! (`cargo bench --bench analysis`, native). [`hvp_dual`] is kept as the reference; the tests
//! check the two agree and match central differences of gradients for every activation and loss.
//!
//! **λ_max** by power iteration (as PyHessian): `v ← Hv/‖Hv‖` until the Rayleigh quotient
//! changes by less than a relative tolerance (1e-4 by default) or an iteration cap. Power
//! iteration finds the eigenvalue of largest magnitude; if that is negative, a second run on
//! `H − λ₁I` finds the largest (algebraic) eigenvalue. **Trace** by Hutchinson's estimator
//! `E[vᵀHv]` over Rademacher `v`, or exactly by `n_params` products for small networks.
//! **ε-sharpness** (Keskar et al. 2017) by projected gradient ascent in the box
//! `|z_i| ≤ ε(|θ_i| + 1)`.

use crate::data::Dataset;
use crate::dual::Dual;
use crate::model::{Activation, Mlp, Workspace};
use crate::real::Real;
use crate::rng::Mulberry32;
use crate::matmul::{mm, mm_nt, mm_tn};
use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut2};
use serde::Serialize;

/// σ″ of the hidden activations from the output `a` (ReLU's is 0 almost everywhere); σ and σ′
/// are the model's own ([`Activation::apply`], [`Activation::derivative`]).
/// tanh″ = −2a(1 − a²); sigmoid″ = a(1 − a)(1 − 2a).
fn act_d2<T: Real>(f: Activation, a: T) -> T {
    let two = T::from_f64(2.0);
    match f {
        Activation::Tanh => -(two * a * (T::one() - a * a)),
        Activation::Relu => T::zero(),
        Activation::Sigmoid => a * (T::one() - a) * (T::one() - two * a),
    }
}

/// A row of a standard-layout array as a slice (the tape's arrays are built row-major).
fn row<T>(m: &Array2<T>, r: usize) -> &[T] {
    m.row(r).to_slice().expect("tape arrays are row-major")
}

fn row_mut<T>(m: &mut Array2<T>, r: usize) -> &mut [T] {
    m.row_mut(r).into_slice().expect("tape arrays are row-major")
}

/// A whole tape array as one slice, for the element-wise passes. Plain slice loops, not
/// `ndarray::Zip`: Zip compiles a contiguous and a strided loop for every call, and those copies
/// made `set_point` and `hvp` V8's slowest functions to optimize (TurboFan), compiled on the
/// page's two cores while its picture is completed. The operations per element are the same.
fn flat<T>(m: &Array2<T>) -> &[T] {
    m.as_slice().expect("tape arrays are row-major")
}

fn flat_mut<T>(m: &mut Array2<T>) -> &mut [T] {
    m.as_slice_mut().expect("tape arrays are row-major")
}

/// One forward and backward pass over a whole data set at a point θ, kept so that repeated
/// Hessian-vector products at that point only run the R-pass. Buffers are allocated once.
pub struct Tape<T> {
    mlp: Mlp,
    x: Array2<T>,
    y: Vec<T>,
    theta: Vec<T>,
    loss: T,
    grad: Vec<T>,
    z: Vec<Array2<T>>,
    a: Vec<Array2<T>>,
    /// Back-propagated errors before (`e`) and after (`delta`) the activation derivative.
    e: Vec<Array2<T>>,
    delta: Vec<Array2<T>>,
    rz: Vec<Array2<T>>,
    ra: Vec<Array2<T>>,
    re: Vec<Array2<T>>,
    rdelta: Vec<Array2<T>>,
}

impl<T: Real> Tape<T> {
    /// A tape over every example of `data`; call [`Tape::set_point`] before using it.
    pub fn new(mlp: &Mlp, data: &Dataset) -> Self {
        let n = data.len().max(1);
        let x = Array2::from_shape_fn((n, mlp.input_dim()), |(r, d)| {
            if r < data.len() {
                T::from_f64(data.row(r)[d] as f64)
            } else {
                T::zero()
            }
        });
        let y = data.y.iter().map(|&v| T::from_f64(v as f64)).collect();
        let per_layer = || mlp.layers.iter().map(|l| Array2::zeros((n, l.fan_out))).collect::<Vec<_>>();
        Self {
            mlp: mlp.clone(),
            x,
            y,
            theta: vec![T::zero(); mlp.n_params()],
            loss: T::zero(),
            grad: vec![T::zero(); mlp.n_params()],
            z: per_layer(),
            a: per_layer(),
            e: per_layer(),
            delta: per_layer(),
            rz: per_layer(),
            ra: per_layer(),
            re: per_layer(),
            rdelta: per_layer(),
        }
    }

    pub fn n_params(&self) -> usize {
        self.mlp.n_params()
    }

    pub fn n_examples(&self) -> usize {
        self.y.len()
    }

    /// Mean loss at the current point.
    pub fn loss(&self) -> T {
        self.loss
    }

    /// ∇L at the current point.
    pub fn grad(&self) -> &[T] {
        &self.grad
    }

    pub fn theta(&self) -> &[T] {
        &self.theta
    }

    fn kernel<'a>(mlp: &Mlp, theta: &'a [T], l: usize) -> ArrayView2<'a, T> {
        let layer = mlp.layers[l];
        ArrayView2::from_shape((layer.fan_in, layer.fan_out), &theta[layer.w_off..layer.b_off])
            .expect("layer layout matches θ")
    }

    /// Moves the tape to `theta`: forward and backward pass; returns the mean loss.
    pub fn set_point(&mut self, theta: &[T]) -> T {
        self.theta.copy_from_slice(theta);
        let mlp = &self.mlp;
        let n_layers = mlp.layers.len();
        let rows = self.y.len();
        for l in 0..n_layers {
            let layer = mlp.layers[l];
            let w = Self::kernel(mlp, &self.theta, l);
            let b = ArrayView1::from(&self.theta[layer.b_off..layer.b_off + layer.fan_out]);
            let (a_lo, a_hi) = self.a.split_at_mut(l);
            let z = &mut self.z[l];
            for mut row in z.rows_mut() {
                row.assign(&b);
            }
            let input = if l == 0 { self.x.view() } else { a_lo[l - 1].view() };
            mm(&input, &w, true, &mut z.view_mut());
            if l + 1 < n_layers {
                let f = mlp.activation;
                for (a, &z) in flat_mut(&mut a_hi[0]).iter_mut().zip(flat(z)) {
                    *a = f.apply(z);
                }
            }
        }
        let last = n_layers - 1;
        let scale = T::one() / T::from_f64(rows as f64);
        let mut total = T::zero();
        for r in 0..rows {
            // ℓ and ℓ′ are the model's own (Loss::example), one output or K.
            let d = row_mut(&mut self.delta[last], r);
            total = total + mlp.loss.example(row(&self.z[last], r), self.y[r], d);
            d.iter_mut().for_each(|d| *d = *d * scale);
        }
        self.loss = total * scale;
        for l in (0..n_layers).rev() {
            let layer = mlp.layers[l];
            let input = if l == 0 { self.x.view() } else { self.a[l - 1].view() };
            let mut gw = ArrayViewMut2::from_shape((layer.fan_in, layer.fan_out), &mut self.grad[layer.w_off..layer.b_off])
                .expect("layer layout matches θ");
            mm_tn(&input, &self.delta[l].view(), false, &mut gw);
            column_sums(&self.delta[l], &mut self.grad[layer.b_off..layer.b_off + layer.fan_out]);
            if l > 0 {
                let w = Self::kernel(mlp, &self.theta, l);
                mm_nt(&self.delta[l].view(), &w, false, &mut self.e[l - 1].view_mut());
                let f = mlp.activation;
                let (d_lo, _) = self.delta.split_at_mut(l);
                let (e, a, z) = (flat(&self.e[l - 1]), flat(&self.a[l - 1]), flat(&self.z[l - 1]));
                for (((d, &e), &a), &z) in flat_mut(&mut d_lo[l - 1]).iter_mut().zip(e).zip(a).zip(z) {
                    *d = e * f.derivative(a, z);
                }
            }
        }
        self.loss
    }

    /// `out ← H v` at the current point (exact; the R-operator described in the module docs).
    pub fn hvp(&mut self, v: &[T], out: &mut [T]) {
        let mlp = &self.mlp;
        let n_layers = mlp.layers.len();
        let rows = self.y.len();
        let f = mlp.activation;
        for l in 0..n_layers {
            let layer = mlp.layers[l];
            let w = Self::kernel(mlp, &self.theta, l);
            let vw = Self::kernel(mlp, v, l);
            let vb = ArrayView1::from(&v[layer.b_off..layer.b_off + layer.fan_out]);
            let (ra_lo, ra_hi) = self.ra.split_at_mut(l);
            let rz = &mut self.rz[l];
            for mut row in rz.rows_mut() {
                row.assign(&vb);
            }
            if l == 0 {
                mm(&self.x.view(), &vw, true, &mut rz.view_mut());
            } else {
                mm(&ra_lo[l - 1].view(), &w, true, &mut rz.view_mut());
                mm(&self.a[l - 1].view(), &vw, true, &mut rz.view_mut());
            }
            if l + 1 < n_layers {
                let (a, z) = (flat(&self.a[l]), flat(&self.z[l]));
                for (((ra, &rz), &a), &z) in flat_mut(&mut ra_hi[0]).iter_mut().zip(flat(rz)).zip(a).zip(z) {
                    *ra = f.derivative(a, z) * rz;
                }
            }
        }
        let last = n_layers - 1;
        let scale = T::one() / T::from_f64(rows as f64);
        for r in 0..rows {
            // Rδ_L = ℓ″(z_L)·Rz_L / N (softmax: (diag p − p pᵀ)·Rz_L / N).
            let rd = row_mut(&mut self.rdelta[last], r);
            mlp.loss.example_r(row(&self.z[last], r), row(&self.rz[last], r), rd);
            rd.iter_mut().for_each(|d| *d = *d * scale);
        }
        for l in (0..n_layers).rev() {
            let layer = mlp.layers[l];
            {
                let mut hw = ArrayViewMut2::from_shape((layer.fan_in, layer.fan_out), &mut out[layer.w_off..layer.b_off])
                    .expect("layer layout matches θ");
                if l == 0 {
                    mm_tn(&self.x.view(), &self.rdelta[l].view(), false, &mut hw);
                } else {
                    mm_tn(&self.a[l - 1].view(), &self.rdelta[l].view(), false, &mut hw);
                    mm_tn(&self.ra[l - 1].view(), &self.delta[l].view(), true, &mut hw);
                }
            }
            column_sums(&self.rdelta[l], &mut out[layer.b_off..layer.b_off + layer.fan_out]);
            if l > 0 {
                let w = Self::kernel(mlp, &self.theta, l);
                let vw = Self::kernel(mlp, v, l);
                let re = &mut self.re[l - 1];
                mm_nt(&self.rdelta[l].view(), &w, false, &mut re.view_mut());
                mm_nt(&self.delta[l].view(), &vw, true, &mut re.view_mut());
                let (rd_lo, _) = self.rdelta.split_at_mut(l);
                let (e, a, z, rz) = (flat(&self.e[l - 1]), flat(&self.a[l - 1]), flat(&self.z[l - 1]), flat(&self.rz[l - 1]));
                let terms = flat(re).iter().zip(e).zip(a).zip(z).zip(rz);
                for (rd, ((((&re, &e), &a), &z), &rz)) in flat_mut(&mut rd_lo[l - 1]).iter_mut().zip(terms) {
                    *rd = re * f.derivative(a, z) + e * act_d2(f, a) * rz;
                }
            }
        }
    }

    /// `‖∇ℓ_i‖²` for every example `i` at the current point, without forming the per-example
    /// gradients: a dense layer's per-example kernel gradient is the outer product
    /// `a_{l−1,i} ⊗ δ_{l,i}`, whose squared norm is `‖a_{l−1,i}‖²‖δ_{l,i}‖²` (Goodfellow 2015,
    /// "Efficient per-example gradient computations"), and its bias gradient is `δ_{l,i}`.
    pub fn per_example_sq_norms(&self) -> Vec<f64> {
        let rows = self.y.len();
        // δ holds ℓ′/N: undo the mean's 1/N.
        let n2 = (rows as f64) * (rows as f64);
        let mut out = vec![0.0f64; rows];
        for l in 0..self.mlp.layers.len() {
            let input = if l == 0 { self.x.view() } else { self.a[l - 1].view() };
            for (r, o) in out.iter_mut().enumerate() {
                let a2: f64 = input.row(r).iter().map(|v| v.to_f64() * v.to_f64()).sum();
                let d2: f64 = self.delta[l].row(r).iter().map(|v| v.to_f64() * v.to_f64()).sum();
                *o += (a2 + 1.0) * d2 * n2;
            }
        }
        out
    }
}

fn column_sums<T: Real>(m: &Array2<T>, out: &mut [T]) {
    out.iter_mut().for_each(|o| *o = T::zero());
    for row in m.rows() {
        for (o, &v) in out.iter_mut().zip(row.iter()) {
            *o = *o + v;
        }
    }
}

/// Reference Hessian-vector product by forward-over-reverse automatic differentiation: the
/// model's own [`Mlp::loss_grad`] run on dual numbers `θ + ε v` over all of `data`.
/// Returns `(∇L, H v)`. Slow (generic matrix products); used by tests and the bench.
pub fn hvp_dual(mlp: &Mlp, data: &Dataset, theta: &[f64], v: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let td: Vec<Dual> = theta.iter().zip(v).map(|(&t, &d)| Dual::new(t, d)).collect();
    let mut ws = Workspace::<Dual>::new(mlp, data.len());
    ws.load_range(data, 0, data.len());
    let mut g = vec![Dual::default(); mlp.n_params()];
    mlp.loss_grad(&td, data.len(), &mut ws, &mut g);
    (g.iter().map(|d| d.re).collect(), g.iter().map(|d| d.du).collect())
}

fn dot<T: Real>(a: &[T], b: &[T]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| x.to_f64() * y.to_f64()).sum()
}

/// A unit Gaussian vector of length `n` from `rng` (Box–Muller, in flat order).
pub fn gaussian_unit<T: Real>(n: usize, rng: &mut Mulberry32) -> Vec<T> {
    let v: Vec<f64> = (0..n).map(|_| rng.gauss()).collect();
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt().max(f64::MIN_POSITIVE);
    v.iter().map(|&x| T::from_f64(x / norm)).collect()
}

/// When power iteration stops.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PowerConfig {
    /// Stop when `|λ_k − λ_{k−1}| < rel_tol·|λ_k|` (PyHessian uses 1e-3; PRODUCT.md 1e-4).
    pub rel_tol: f64,
    pub max_iters: usize,
}

impl Default for PowerConfig {
    fn default() -> Self {
        Self { rel_tol: 1e-4, max_iters: 200 }
    }
}

/// An eigenpair from power iteration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Eigen {
    pub value: f64,
    #[serde(skip)]
    pub vector: Vec<f64>,
    /// Hessian-vector products used.
    pub iterations: usize,
    pub converged: bool,
}

/// Power iteration on `v ↦ H v − shift·v` from `start` (any nonzero vector); returns the
/// Rayleigh quotient of `H` (shift added back) and the unit eigenvector estimate.
fn power<T: Real>(tape: &mut Tape<T>, start: &[T], shift: f64, cfg: PowerConfig) -> Eigen {
    let n = tape.n_params();
    let norm0 = dot(start, start).sqrt().max(f64::MIN_POSITIVE);
    let mut v: Vec<T> = start.iter().map(|&x| T::from_f64(x.to_f64() / norm0)).collect();
    let mut hv = vec![T::zero(); n];
    let mut lambda = f64::NAN;
    let mut iterations = 0;
    let mut converged = false;
    while iterations < cfg.max_iters.max(1) {
        tape.hvp(&v, &mut hv);
        iterations += 1;
        if shift != 0.0 {
            hv.iter_mut().zip(&v).for_each(|(h, &x)| *h = *h - T::from_f64(shift) * x);
        }
        // ‖v‖ = 1, so the Rayleigh quotient is vᵀ(H − shift)v.
        let rq = dot(&v, &hv);
        let norm = dot(&hv, &hv).sqrt();
        if !rq.is_finite() || !norm.is_finite() || norm == 0.0 {
            lambda = rq;
            break;
        }
        let prev = lambda;
        lambda = rq;
        v.iter_mut().zip(&hv).for_each(|(x, &h)| *x = T::from_f64(h.to_f64() / norm));
        if (lambda - prev).abs() < cfg.rel_tol * lambda.abs() {
            converged = true;
            break;
        }
    }
    Eigen { value: lambda + shift, vector: v.iter().map(|x| x.to_f64()).collect(), iterations, converged }
}

/// The largest eigenvalue λ_max of the Hessian at the tape's point, by power iteration from
/// `start` (e.g. [`gaussian_unit`] from the dirs stream, or the previous snapshot's
/// eigenvector as a warm start). If the eigenvalue of largest magnitude is negative, a second
/// power iteration on `H − λ₁I` recovers the largest algebraic one; `iterations` counts both.
pub fn lambda_max<T: Real>(tape: &mut Tape<T>, start: &[T], cfg: PowerConfig) -> Eigen {
    let first = power(tape, start, 0.0, cfg);
    if first.value >= 0.0 || !first.value.is_finite() {
        return first;
    }
    let mut second = power(tape, start, first.value, cfg);
    second.iterations += first.iterations;
    second
}

/// Hutchinson's trace estimate `(1/m) Σ_k v_kᵀ H v_k` with `m = n_samples` Rademacher vectors
/// (entries ±1 from `rng`), and its standard error `sd/√m`.
pub fn hutchinson_trace<T: Real>(tape: &mut Tape<T>, n_samples: usize, rng: &mut Mulberry32) -> (f64, f64) {
    let n = tape.n_params();
    let m = n_samples.max(1);
    let mut v = vec![T::zero(); n];
    let mut hv = vec![T::zero(); n];
    let mut samples = Vec::with_capacity(m);
    for _ in 0..m {
        v.iter_mut().for_each(|x| *x = if rng.next_u32() & 1 == 0 { T::one() } else { -T::one() });
        tape.hvp(&v, &mut hv);
        samples.push(dot(&v, &hv));
    }
    let mean = samples.iter().sum::<f64>() / m as f64;
    let var = if m > 1 { samples.iter().map(|s| (s - mean) * (s - mean)).sum::<f64>() / (m - 1) as f64 } else { f64::NAN };
    (mean, (var / m as f64).sqrt())
}

/// The exact trace `Σ_k e_kᵀ H e_k` by `n_params` Hessian-vector products (small networks,
/// tests).
pub fn exact_trace<T: Real>(tape: &mut Tape<T>) -> f64 {
    let n = tape.n_params();
    let mut e = vec![T::zero(); n];
    let mut he = vec![T::zero(); n];
    let mut trace = 0.0;
    for k in 0..n {
        e[k] = T::one();
        tape.hvp(&e, &mut he);
        trace += he[k].to_f64();
        e[k] = T::zero();
    }
    trace
}

/// Projected-gradient-ascent steps of [`eps_sharpness`] (Keskar et al. used 10 L-BFGS-B
/// iterations; sign-gradient steps in a box are the ℓ∞ analogue, cf. Madry et al. 2018).
pub const SHARPNESS_STEPS: usize = 20;

/// ε-sharpness (Keskar et al. 2017, metric 2.1, the full space):
/// `φ = (max_{z ∈ C_ε} L(θ + z) − L(θ)) / (1 + L(θ)) × 100` over the box
/// `C_ε = {z : |z_i| ≤ ε(|θ_i| + 1)}`. The maximum is sought by projected gradient ascent:
/// from a uniform random point of the box (drawn from `rng`; a start at 0 would stall at a
/// stationary point), `steps` steps `z ← Π_C(z + s_k·w ⊙ sign ∇L(θ + z))` with
/// `w_i = ε(|θ_i| + 1)` and `s_k = 2/(k + 1)` (the first step reaches the vertex that maximizes
/// the linearized loss), keeping the best value seen. The tape is left at an arbitrary point.
pub fn eps_sharpness<T: Real>(tape: &mut Tape<T>, theta: &[T], eps: f64, steps: usize, rng: &mut Mulberry32) -> f64 {
    let l0 = tape.set_point(theta).to_f64();
    let w: Vec<f64> = theta.iter().map(|t| eps * (t.to_f64().abs() + 1.0)).collect();
    let mut z: Vec<f64> = w.iter().map(|&wi| (2.0 * rng.next_f64() - 1.0) * wi).collect();
    let mut point: Vec<T> = vec![T::zero(); theta.len()];
    let mut best = f64::NEG_INFINITY;
    for k in 0..=steps {
        point.iter_mut().zip(theta).zip(&z).for_each(|((p, &t), &zi)| *p = T::from_f64(t.to_f64() + zi));
        let l = tape.set_point(&point).to_f64();
        if !l.is_finite() {
            return f64::INFINITY;
        }
        best = best.max(l);
        if k == steps {
            break;
        }
        let s = 2.0 / (k + 1) as f64;
        for ((zi, &wi), g) in z.iter_mut().zip(&w).zip(tape.grad()) {
            let g = g.to_f64();
            let dir = if g > 0.0 { 1.0 } else if g < 0.0 { -1.0 } else { 0.0 };
            *zi = (*zi + s * wi * dir).clamp(-wi, wi);
        }
    }
    (best - l0) / (1.0 + l0) * 100.0
}

#[cfg(test)]
mod tests;
