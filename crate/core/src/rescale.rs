//! Sharpness is not a property of the function (Dinh et al. 2017, "Sharp minima can generalize
//! for deep nets"). A ReLU is positively homogeneous, relu(α·z) = α·relu(z) for α > 0, so
//! multiplying hidden layer `l`'s kernel and bias by α and layer `l + 1`'s kernel by 1/α leaves
//! every prediction unchanged, while the loss's curvature changes: with θ' = Sθ (S diagonal:
//! α on layer l's weights and biases, 1/α on layer l + 1's kernel, 1 elsewhere), L'(θ') = L(S⁻¹θ')
//! so the Hessian at the rescaled point is H' = S⁻¹ H S⁻¹. Layer l + 1's kernel block is
//! multiplied by α², layer l's by 1/α²: for large α (or small), λ_max grows without bound
//! although the network computes the same function.
//!
//! [`rescaled`] builds θ' and [`compare`] measures both end points (λ_max, Hutchinson's trace,
//! ε-sharpness at 1e-3) and the largest prediction difference over the training inputs.

use crate::analysis::STATIONARY_EPS;
use crate::curvature::{eps_sharpness, gaussian_unit, hutchinson_trace, lambda_max, PowerConfig, Tape, SHARPNESS_STEPS};
use crate::data::Dataset;
use crate::model::{Activation, Mlp, Workspace};
use crate::rng::Mulberry32;
use serde::Serialize;

/// The α range the page's control offers (and the core accepts).
pub const ALPHA_MIN: f64 = 1.0 / 64.0;
pub const ALPHA_MAX: f64 = 64.0;

/// Why a network cannot be rescaled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RescaleError {
    /// Only ReLU is positively homogeneous.
    NotRelu,
    /// The network has no hidden layer `layer` (a hidden layer feeds another layer).
    NoHiddenLayer,
    /// α must be a finite number in [ALPHA_MIN, ALPHA_MAX].
    BadAlpha,
    /// θ has the wrong length.
    BadTheta,
}

impl std::fmt::Display for RescaleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotRelu => "rescaling keeps the predictions only for ReLU networks (relu(αz) = α·relu(z)); choose act = relu",
            Self::NoHiddenLayer => "the network has no hidden layer to rescale",
            Self::BadAlpha => "α must be a number from 1/64 to 64",
            Self::BadTheta => "θ does not fit the network",
        })
    }
}

/// The diagonal S of the rescaling (θ' = Sθ), in θ's layout.
pub fn scales(mlp: &Mlp, layer: usize, alpha: f64) -> Result<Vec<f64>, RescaleError> {
    if mlp.activation != Activation::Relu {
        return Err(RescaleError::NotRelu);
    }
    if layer + 1 >= mlp.layers.len() {
        return Err(RescaleError::NoHiddenLayer);
    }
    if !(alpha.is_finite() && (ALPHA_MIN..=ALPHA_MAX).contains(&alpha)) {
        return Err(RescaleError::BadAlpha);
    }
    let mut s = vec![1.0; mlp.n_params()];
    let (this, next) = (mlp.layers[layer], mlp.layers[layer + 1]);
    s[this.w_off..this.b_off + this.fan_out].iter_mut().for_each(|x| *x = alpha);
    s[next.w_off..next.b_off].iter_mut().for_each(|x| *x = 1.0 / alpha);
    Ok(s)
}

/// θ' = Sθ: hidden layer `layer`'s kernel and bias × α, the next layer's kernel × 1/α.
pub fn rescaled(mlp: &Mlp, theta: &[f32], layer: usize, alpha: f64) -> Result<Vec<f32>, RescaleError> {
    if theta.len() != mlp.n_params() {
        return Err(RescaleError::BadTheta);
    }
    let s = scales(mlp, layer, alpha)?;
    Ok(theta.iter().zip(&s).map(|(&t, &k)| (t as f64 * k) as f32).collect())
}

/// The sharpness measures at one point (training set, full batch, f64).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Measures {
    pub lambda_max: f64,
    pub hessian_trace: f64,
    /// ε-sharpness (percent) at ε = 1e-3.
    pub eps_sharpness: f64,
}

/// An end point against its rescaled twin.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub alpha: f64,
    pub layer: usize,
    /// max |p(θ') − p(θ)| over the training inputs (p the network's output: probability or
    /// prediction, in f32): zero up to f32 rounding.
    pub max_prediction_diff: f64,
    pub before: Measures,
    pub after: Measures,
}

/// λ_max, trace (`trace_samples` Rademacher vectors) and ε-sharpness at θ, with seeds from
/// `seed` (the same for both points, so the comparison differs only by θ).
pub fn measures(mlp: &Mlp, train: &Dataset, theta: &[f32], trace_samples: usize, seed: u32) -> Measures {
    let theta: Vec<f64> = theta.iter().map(|&x| x as f64).collect();
    let mut tape = Tape::<f64>::new(mlp, train);
    tape.set_point(&theta);
    let mut r = Mulberry32::new(seed);
    let start: Vec<f64> = gaussian_unit(mlp.n_params(), &mut r);
    let eig = lambda_max(&mut tape, &start, PowerConfig::default());
    let (trace, _) = hutchinson_trace(&mut tape, trace_samples, &mut r);
    let phi = eps_sharpness(&mut tape, &theta, STATIONARY_EPS, SHARPNESS_STEPS, &mut r);
    Measures { lambda_max: eig.value, hessian_trace: trace, eps_sharpness: phi }
}

/// Rescales `theta` and measures both points.
pub fn compare(mlp: &Mlp, train: &Dataset, theta: &[f32], layer: usize, alpha: f64, seed: u32) -> Result<Comparison, RescaleError> {
    let twin = rescaled(mlp, theta, layer, alpha)?;
    let mut ws = Workspace::<f32>::new(mlp, 256);
    let p0 = mlp.predict(theta, &train.x, &mut ws);
    let p1 = mlp.predict(&twin, &train.x, &mut ws);
    let max_prediction_diff = p0.iter().zip(&p1).map(|(a, b)| (a - b).abs() as f64).fold(0.0, f64::max);
    Ok(Comparison {
        alpha,
        layer,
        max_prediction_diff,
        before: measures(mlp, train, theta, 32, seed),
        after: measures(mlp, train, &twin, 32, seed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::settings::Settings;

    fn trained_relu() -> (Scenario, Vec<f32>) {
        let s = Settings::from_pairs([("n_train", "64"), ("hidden", "8,6"), ("act", "relu"), ("batch", "16"), ("epochs", "30"), ("lr", "0.1")]).unwrap();
        let sc = Scenario::new(&s);
        let mut t = sc.trainer(16);
        t.advance(usize::MAX);
        let theta = t.theta().to_vec();
        (sc, theta)
    }

    /// Predictions of the rescaled network equal the original's to f32 rounding (a few ulps of
    /// the outputs, far below any visible difference), for several α and both hidden layers.
    #[test]
    fn rescaling_a_relu_network_keeps_its_predictions() {
        let (sc, theta) = trained_relu();
        let mut ws = Workspace::<f32>::new(&sc.mlp, 256);
        let xs = &sc.split.test.x;
        let p0 = sc.mlp.predict(&theta, xs, &mut ws);
        for layer in [0, 1] {
            for alpha in [ALPHA_MIN, 0.25, 3.0, 10.0, ALPHA_MAX] {
                let twin = rescaled(&sc.mlp, &theta, layer, alpha).unwrap();
                assert!(twin != theta);
                let p1 = sc.mlp.predict(&twin, xs, &mut ws);
                let worst = p0.iter().zip(&p1).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
                assert!(worst <= 1e-5, "layer {layer}, α = {alpha}: max difference {worst}");
            }
        }
        let c = compare(&sc.mlp, &sc.split.train, &theta, 0, 4.0, 7).unwrap();
        assert!(c.max_prediction_diff <= 1e-5, "{c:?}");
    }

    /// λ_max at the rescaled point is the top eigenvalue of S⁻¹HS⁻¹ at the original point (a
    /// power iteration written here on the operator v ↦ S⁻¹H(S⁻¹v)), and it grows for α far
    /// from 1 (the next layer's block scales by α²); α = 1 changes nothing.
    #[test]
    fn rescaling_changes_lambda_max_as_the_hessian_transform_says() {
        let (sc, theta) = trained_relu();
        let train = &sc.split.train;
        let before = measures(&sc.mlp, train, &theta, 4, 3);
        let same = measures(&sc.mlp, train, &rescaled(&sc.mlp, &theta, 0, 1.0).unwrap(), 4, 3);
        assert_eq!(before, same);
        let mut tape = Tape::<f64>::new(&sc.mlp, train);
        tape.set_point(&theta.iter().map(|&x| x as f64).collect::<Vec<_>>());
        for alpha in [0.1, 8.0] {
            let s = scales(&sc.mlp, 0, alpha).unwrap();
            let mut v: Vec<f64> = gaussian_unit(sc.mlp.n_params(), &mut Mulberry32::new(11));
            let (mut hv, mut lam) = (vec![0.0; v.len()], 0.0);
            for _ in 0..3000 {
                let w: Vec<f64> = v.iter().zip(&s).map(|(x, k)| x / k).collect();
                tape.hvp(&w, &mut hv);
                let out: Vec<f64> = hv.iter().zip(&s).map(|(h, k)| h / k).collect();
                lam = v.iter().zip(&out).map(|(a, b)| a * b).sum::<f64>();
                let n = out.iter().map(|x| x * x).sum::<f64>().sqrt();
                v = out.iter().map(|x| x / n).collect();
            }
            let after = measures(&sc.mlp, train, &rescaled(&sc.mlp, &theta, 0, alpha).unwrap(), 4, 3);
            assert!((after.lambda_max - lam).abs() < 2e-3 * lam, "α = {alpha}: λ_max {} vs S⁻¹HS⁻¹ {lam}", after.lambda_max);
            assert!(after.lambda_max > 1.5 * before.lambda_max, "α = {alpha}: {} vs {}", after.lambda_max, before.lambda_max);
        }
    }

    #[test]
    fn only_relu_hidden_layers_and_sane_alphas_are_rescaled() {
        let (sc, theta) = trained_relu();
        assert_eq!(rescaled(&sc.mlp, &theta, 2, 2.0), Err(RescaleError::NoHiddenLayer));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 100.0] {
            assert_eq!(rescaled(&sc.mlp, &theta, 0, bad), Err(RescaleError::BadAlpha));
        }
        assert_eq!(rescaled(&sc.mlp, &theta[1..], 0, 2.0), Err(RescaleError::BadTheta));
        let tanh = Mlp::new(2, &[4], Activation::Tanh, sc.mlp.loss);
        assert_eq!(rescaled(&tanh, &vec![0.0; tanh.n_params()], 0, 2.0), Err(RescaleError::NotRelu));
        assert!(RescaleError::NotRelu.to_string().contains("ReLU"));
    }
}
