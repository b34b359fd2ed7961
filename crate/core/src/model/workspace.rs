//! The [`Workspace`]: the per-row buffers a forward/backward pass works in, allocated once per
//! batch capacity and reused every step, and the examples loaded into them.

use super::{Layer, Mlp};
use crate::data::Dataset;
use crate::real::Real;

/// The f32 fast path's door for a whole [`Workspace`] (as [`Real::f32_slice`] for slices):
/// `Some` (the same buffers) when `T` is `f32`. Here rather than a `Real` method so that
/// `real` does not depend on `model` (no import cycle).
pub(super) fn f32_workspace<T: Real>(ws: &mut Workspace<T>) -> Option<&mut Workspace<f32>> {
    (ws as &mut dyn std::any::Any).downcast_mut::<Workspace<f32>>()
}

/// Buffers for up to `capacity` rows: inputs, targets, and per layer the pre-activations
/// `z`, activations `a` and back-propagated errors `delta` (each row-major `capacity × width`).
/// Allocated once, reused every step.
pub struct Workspace<T> {
    cap: usize,
    pub(crate) x: Vec<T>,
    pub(crate) y: Vec<T>,
    pub(crate) z: Vec<Vec<T>>,
    pub(crate) a: Vec<Vec<T>>,
    pub(crate) delta: Vec<Vec<T>>,
    /// Per-row losses (f32 path).
    pub(crate) ell: Vec<T>,
}

impl<T: Real> Workspace<T> {
    pub fn new(mlp: &Mlp, capacity: usize) -> Self {
        let cap = capacity.max(1);
        let per_layer = |l: &Layer| vec![T::zero(); cap * l.fan_out];
        Self {
            cap,
            x: vec![T::zero(); cap * mlp.input_dim()],
            y: vec![T::zero(); cap],
            z: mlp.layers.iter().map(per_layer).collect(),
            a: mlp.layers.iter().map(per_layer).collect(),
            delta: mlp.layers.iter().map(per_layer).collect(),
            ell: vec![T::zero(); cap],
        }
    }

    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Copies the examples `idx` of `data` into the first `idx.len()` rows.
    pub fn load(&mut self, data: &Dataset, idx: &[u32]) {
        let dim = data.dim;
        if let Some(x) = T::f32_slice_mut(&mut self.x) {
            // f32 (training): a plain copy, the same values as the conversion below. Two inputs
            // (W1, the page's 2-D data sets) element by element: `copy_from_slice` of a
            // run-time length is a `memcpy` call per row in wasm (V8, B = 512: 4–5 % of a step).
            if dim == 2 {
                for (xr, &i) in x.chunks_exact_mut(2).zip(idx) {
                    let row = data.row(i as usize);
                    xr[0] = row[0];
                    xr[1] = row[1];
                }
            } else {
                for (xr, &i) in x.chunks_exact_mut(dim).zip(idx) {
                    xr.copy_from_slice(data.row(i as usize));
                }
            }
        } else {
            for (r, &i) in idx.iter().enumerate() {
                for (x, &v) in self.x[r * dim..(r + 1) * dim].iter_mut().zip(data.row(i as usize)) {
                    *x = T::from_f64(v as f64);
                }
            }
        }
        for (y, &i) in self.y.iter_mut().zip(idx) {
            *y = T::from_f64(data.y[i as usize] as f64);
        }
    }

    /// Copies examples `start .. start + rows` of `data` into the first rows.
    pub fn load_range(&mut self, data: &Dataset, start: usize, rows: usize) {
        let dim = data.dim;
        for (x, &v) in self.x[..rows * dim].iter_mut().zip(&data.x[start * dim..(start + rows) * dim]) {
            *x = T::from_f64(v as f64);
        }
        for (y, &v) in self.y[..rows].iter_mut().zip(&data.y[start..start + rows]) {
            *y = T::from_f64(v as f64);
        }
    }
}
