//! Forward-mode dual numbers `a + b·ε` (ε² = 0) that implement [`Real`], so the model's own
//! backpropagation run on them differentiates itself once more.
//!
//! Feeding `θ + ε·v` to [`Mlp::loss_grad`](crate::model::Mlp::loss_grad) returns, in every
//! gradient entry, `∇L(θ)` in `re` and the directional derivative of the gradient along `v`,
//! i.e. the Hessian-vector product `H v`, in `du` — exactly (forward-over-reverse automatic
//! differentiation, no finite differences), for every layer, activation and loss the model
//! supports, because each arithmetic step carries its own derivative. ReLU's kink has second
//! derivative 0 almost everywhere, which is what the comparison `re > 0` gives.
//!
//! This is the reference implementation of Hessian-vector products; the fast one used by the
//! analysis is the hand-written R-operator in [`crate::curvature`], tested against this one.

use crate::real::Real;
use num_traits::{One, Zero};
use std::cmp::Ordering;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// `re + du·ε` with ε² = 0.
#[derive(Clone, Copy, Debug, Default)]
pub struct Dual {
    pub re: f64,
    pub du: f64,
}

impl Dual {
    pub fn new(re: f64, du: f64) -> Self {
        Self { re, du }
    }

    /// `f(self)` given `f(re)` and `f'(re)`: the chain rule in one line.
    fn chain(self, f: f64, df: f64) -> Self {
        Self { re: f, du: df * self.du }
    }
}

impl PartialEq for Dual {
    /// Comparisons look at the value only (branches in the model, e.g. ReLU, follow `re`).
    fn eq(&self, other: &Self) -> bool {
        self.re == other.re
    }
}

impl PartialOrd for Dual {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.re.partial_cmp(&other.re)
    }
}

impl Add for Dual {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self { re: self.re + o.re, du: self.du + o.du }
    }
}

impl Sub for Dual {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Self { re: self.re - o.re, du: self.du - o.du }
    }
}

impl Mul for Dual {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        Self { re: self.re * o.re, du: self.du * o.re + self.re * o.du }
    }
}

impl Div for Dual {
    type Output = Self;
    /// (a + a'ε)/(b + b'ε) = a/b + (a'b − ab')/b² ε.
    fn div(self, o: Self) -> Self {
        let q = self.re / o.re;
        Self { re: q, du: (self.du - q * o.du) / o.re }
    }
}

impl Neg for Dual {
    type Output = Self;
    fn neg(self) -> Self {
        Self { re: -self.re, du: -self.du }
    }
}

impl Zero for Dual {
    fn zero() -> Self {
        Self { re: 0.0, du: 0.0 }
    }
    fn is_zero(&self) -> bool {
        self.re == 0.0 && self.du == 0.0
    }
}

impl One for Dual {
    fn one() -> Self {
        Self { re: 1.0, du: 0.0 }
    }
}

impl Real for Dual {
    fn from_f64(x: f64) -> Self {
        Self { re: x, du: 0.0 }
    }
    fn to_f64(self) -> f64 {
        self.re
    }
    /// d tanh = 1 − tanh².
    fn tanh(self) -> Self {
        let t = libm::tanh(self.re);
        self.chain(t, 1.0 - t * t)
    }
    fn exp(self) -> Self {
        let e = libm::exp(self.re);
        self.chain(e, e)
    }
    /// d ln(1 + x) = 1/(1 + x).
    fn ln_1p(self) -> Self {
        self.chain(libm::log1p(self.re), 1.0 / (1.0 + self.re))
    }
    /// d|x| = sign(x) (0 at 0, the subgradient the model's `max` also picks).
    fn abs(self) -> Self {
        let s = if self.re > 0.0 {
            1.0
        } else if self.re < 0.0 {
            -1.0
        } else {
            0.0
        };
        self.chain(libm::fabs(self.re), s)
    }
    /// d√x = 1/(2√x).
    fn sqrt(self) -> Self {
        let r = libm::sqrt(self.re);
        self.chain(r, 0.5 / r)
    }
    fn is_finite(self) -> bool {
        self.re.is_finite() && self.du.is_finite()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f(x) = tanh(x)·e^x / √(1 + x²) + ln(1 + |x|) at x = 0.7, derivative checked against a
    /// central difference (h = 1e-6, error ~1e-10).
    #[test]
    fn dual_derivative_of_a_composite_matches_a_central_difference() {
        fn f<T: Real>(x: T) -> T {
            x.tanh() * x.exp() / (T::one() + x * x).sqrt() + x.abs().ln_1p() - (-x)
        }
        let x = 0.7;
        let d = f(Dual::new(x, 1.0));
        assert!((d.re - f(x)).abs() < 1e-15);
        let h = 1e-6;
        let fd = (f(x + h) - f(x - h)) / (2.0 * h);
        assert!((d.du - fd).abs() < 1e-8, "{} vs {fd}", d.du);
    }
}
