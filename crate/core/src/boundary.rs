//! Decision maps: what a run's network predicts over the input plane, for the decision-boundary
//! view (classification: the probability of class 1; regression: the fitted curve).

use crate::data::Dataset;
use crate::model::{argmax, sigmoid, Loss, Mlp, Workspace};
use serde::{Deserialize, Serialize};

/// Predictions of one parameter vector over a square grid of the (2-D) input plane, or along
/// the axis of a 1-D input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionMap {
    /// The input's dimension: 2, a map over the input plane (`n × n` values); 1, a fitted
    /// curve along the input's axis (`n` values).
    pub dim: usize,
    /// Grid points per axis.
    pub n: usize,
    /// `(min, max)` of the first input.
    pub x: (f64, f64),
    /// `(min, max)` of the second input (2-D) or of the outputs (1-D).
    pub y: (f64, f64),
    /// 2-D: `values[j·n + i]` = P(class 1) at (xᵢ, yⱼ); 1-D: the prediction at xᵢ (`n` values).
    /// With more than two classes, `c + q`: the predicted class `c` plus its confidence
    /// `q = (p_c − 1/K)/(1 − 1/K)` in [0, 1) (0: a tie with all classes, near 1: certain).
    pub values: Vec<f32>,
    /// Classes of a classifier's map (2 for P(class 1) values; K > 2 for `c + q` values); 0 for
    /// a regression curve.
    #[serde(default)]
    pub classes: usize,
}

impl DecisionMap {
    /// Checks that the values fill the grid its dimension says.
    pub fn check(&self) -> Result<(), String> {
        let want = match self.dim {
            1 => self.n,
            2 => self.n.saturating_mul(self.n),
            d => return Err(format!("decision map: dimension {d} (1 or 2 expected)")),
        };
        if self.values.len() == want {
            Ok(())
        } else {
            Err(format!("decision map: {} values where {want} were expected", self.values.len()))
        }
    }
}

/// The box the map covers: the data's bounds with a margin of 10 % on each side, so points on
/// the edge are not cut. For a 1-D input the second range is the targets'.
pub fn frame_of(data: &Dataset) -> Vec<(f64, f64)> {
    let pad = |(lo, hi): (f32, f32)| {
        let (lo, hi) = (lo as f64, hi as f64);
        let pad = 0.1 * (hi - lo).max(1e-3);
        (lo - pad, hi + pad)
    };
    let mut frame: Vec<(f64, f64)> = data.bounds().into_iter().map(pad).collect();
    if data.dim == 1 {
        let lo = data.y.iter().copied().fold(f32::INFINITY, f32::min);
        let hi = data.y.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        frame.push(if lo.is_finite() { pad((lo, hi)) } else { (-1.0, 1.0) });
    }
    frame
}

/// The points a decision map shows, row-major `n × 2`: the inputs (2-D), or (input, target)
/// pairs (1-D regression).
pub fn points_of(data: &Dataset) -> Vec<f32> {
    if data.dim == 1 {
        data.x.iter().zip(&data.y).flat_map(|(&x, &y)| [x, y]).collect()
    } else {
        data.x.chunks_exact(data.dim.max(1)).flat_map(|r| [r[0], r.get(1).copied().unwrap_or(0.0)]).collect()
    }
}

/// Predictions of `theta` on an `n`-point grid over `frame` (see [`frame_of`]). For a
/// classifier (binary cross-entropy) the value is σ(logit); for a regressor the raw output.
/// Non-finite parameters give non-finite values, which the view draws as "no prediction".
pub fn decision_map(mlp: &Mlp, theta: &[f32], frame: &[(f64, f64)], n: usize) -> DecisionMap {
    let n = n.max(2);
    let dim = mlp.input_dim();
    if dim > 2 {
        // No input plane (the digits' 64 pixels): an empty map; see crate::images instead.
        return DecisionMap { dim, n, x: (0.0, 1.0), y: (0.0, 1.0), values: Vec::new(), classes: mlp.outputs() };
    }
    let mut ws = Workspace::new(mlp, 256);
    let at = |range: (f64, f64), i: usize| range.0 + (range.1 - range.0) * i as f64 / (n - 1) as f64;
    let xs: Vec<f32> = if dim == 1 {
        (0..n).map(|i| at(frame[0], i) as f32).collect()
    } else {
        (0..n * n).flat_map(|k| [at(frame[0], k % n) as f32, at(frame[1], k / n) as f32]).collect()
    };
    let out = mlp.predict(theta, &xs, &mut ws);
    let k = mlp.outputs();
    let (values, classes): (Vec<f32>, usize) = match mlp.loss {
        Loss::Bce => (out.iter().map(|&z| sigmoid(z)).collect(), 2),
        Loss::Mse => (out, 0),
        Loss::Softmax => (out.chunks_exact(k).map(class_and_confidence).collect(), k),
    };
    let y = if dim == 1 { frame.get(1).copied().unwrap_or((-1.0, 1.0)) } else { frame[1] };
    DecisionMap { dim: if dim == 1 { 1 } else { 2 }, n, x: frame[0], y, values, classes }
}

/// `c + q` of K logits `z` (see [`DecisionMap::values`]); NaN when a logit is not finite.
pub fn class_and_confidence(z: &[f32]) -> f32 {
    if z.iter().any(|v| !v.is_finite()) {
        return f32::NAN;
    }
    let k = z.len().max(2) as f64;
    let c = argmax(z);
    let m = z[c] as f64;
    let sum: f64 = z.iter().map(|&v| libm::exp(v as f64 - m)).sum();
    let q = ((1.0 / sum - 1.0 / k) / (1.0 - 1.0 / k)).clamp(0.0, 0.999);
    (c as f64 + q) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Activation;

    /// A logistic model z = 2·x₀ − 1 (weights [2, 0], bias −1) predicts σ(2x₀ − 1): one half at
    /// x₀ = 0.5, whatever x₁ is.
    #[test]
    fn a_logistic_model_predicts_one_half_on_its_boundary() {
        let mlp = Mlp::new(2, &[], Activation::Tanh, Loss::Bce);
        let theta = [2.0f32, 0.0, -1.0];
        let map = decision_map(&mlp, &theta, &[(0.0, 1.0), (-3.0, 3.0)], 3);
        assert_eq!(map.values.len(), 9);
        for j in 0..3 {
            assert!((map.values[j * 3 + 1] - 0.5).abs() < 1e-6);
            assert!((map.values[j * 3] - sigmoid(-1.0f32)).abs() < 1e-6);
            assert!((map.values[j * 3 + 2] - sigmoid(1.0f32)).abs() < 1e-6);
        }
    }

    #[test]
    fn a_one_dimensional_map_is_the_fitted_curve_over_the_input_range() {
        let mlp = Mlp::new(1, &[], Activation::Tanh, Loss::Mse);
        let theta = [3.0f32, 1.0];
        let data = Dataset { dim: 1, x: vec![0.0, 1.0], y: vec![1.0, 4.0] };
        let frame = frame_of(&data);
        assert_eq!(frame.len(), 2, "input range and target range");
        let map = decision_map(&mlp, &theta, &frame, 5);
        assert_eq!(map.values.len(), 5);
        for (k, v) in map.values.iter().enumerate() {
            let x = frame[0].0 + (frame[0].1 - frame[0].0) * k as f64 / 4.0;
            assert!((*v as f64 - (3.0 * x + 1.0)).abs() < 1e-5);
        }
        assert_eq!(points_of(&data), vec![0.0, 1.0, 1.0, 4.0]);
    }

    #[test]
    fn the_frame_pads_the_data_bounds_by_a_tenth() {
        let data = Dataset { dim: 2, x: vec![0.0, 10.0, 1.0, 20.0], y: vec![0.0, 1.0] };
        let f = frame_of(&data);
        assert!((f[0].0 + 0.1).abs() < 1e-9 && (f[0].1 - 1.1).abs() < 1e-9);
        assert!((f[1].0 - 9.0).abs() < 1e-9 && (f[1].1 - 21.0).abs() < 1e-9);
    }
}
