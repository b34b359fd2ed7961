//! The scalar type the numerics are generic over: `f32` in the product (speed, memory),
//! `f64` in tests (finite differences need the headroom).
//!
//! Transcendental functions go through the `libm` crate on every target: std's `tanh`/`exp`
//! call the platform's libm natively but a different implementation on wasm32, and they
//! differ in the last bit for a few percent of inputs. One implementation on both targets is
//! what makes a run bit-identical natively and in the browser.

use ndarray::LinalgScalar;
use std::fmt::Debug;
use std::ops::Neg;

/// A floating-point scalar with the few functions the models need, all from `libm`.
pub trait Real: LinalgScalar + Neg<Output = Self> + PartialOrd + Debug + Send + Sync + 'static {
    fn from_f64(x: f64) -> Self;
    fn to_f64(self) -> f64;
    fn tanh(self) -> Self;
    fn exp(self) -> Self;
    fn ln_1p(self) -> Self;
    fn abs(self) -> Self;
    fn sqrt(self) -> Self;
    fn is_finite(self) -> bool;
    /// max(self, other), returning `self` when either is NaN is not needed here: callers
    /// check finiteness separately.
    fn max(self, other: Self) -> Self {
        if self > other {
            self
        } else {
            other
        }
    }

    /// The f32 fast path's door: `Some` (the same data) when `Self` is `f32`, so generic code
    /// such as [`crate::model::Mlp::loss_grad`] can hand f32 data to the SIMD kernels of
    /// [`crate::kernels`]. Every other type keeps the generic code: the default is `None`.
    fn f32_slice(_values: &[Self]) -> Option<&[f32]> {
        None
    }

    /// Mutable form of [`Real::f32_slice`].
    fn f32_slice_mut(_values: &mut [Self]) -> Option<&mut [f32]> {
        None
    }
}

impl Real for f32 {
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn tanh(self) -> Self {
        libm::tanhf(self)
    }
    fn exp(self) -> Self {
        libm::expf(self)
    }
    fn ln_1p(self) -> Self {
        libm::log1pf(self)
    }
    fn abs(self) -> Self {
        libm::fabsf(self)
    }
    fn sqrt(self) -> Self {
        libm::sqrtf(self)
    }
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
    fn f32_slice(values: &[Self]) -> Option<&[f32]> {
        Some(values)
    }
    fn f32_slice_mut(values: &mut [Self]) -> Option<&mut [f32]> {
        Some(values)
    }
}

impl Real for f64 {
    fn from_f64(x: f64) -> Self {
        x
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn tanh(self) -> Self {
        libm::tanh(self)
    }
    fn exp(self) -> Self {
        libm::exp(self)
    }
    fn ln_1p(self) -> Self {
        libm::log1p(self)
    }
    fn abs(self) -> Self {
        libm::fabs(self)
    }
    fn sqrt(self) -> Self {
        libm::sqrt(self)
    }
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
}
