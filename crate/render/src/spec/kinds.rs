//! The chart kinds as data: [`Chart`], tagged by its kind, and each kind's struct, with their
//! (de)serialisation ([`Chart::KINDS`], [`Chart::from_kind`]). Checking and drawing a chart are
//! in the parent module.

use batchscape_core::boundary::DecisionMap;
use serde::{Deserialize, Serialize};

/// One picture, tagged by its kind (`{"kind": "lines", …}` in JSON and JS).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Chart {
    Landscape(LandscapeChart),
    Lines(LinesChart),
    Boundary(BoundaryChart),
    Sweep(SweepChart),
    // BEGIN laws
    LrMap(LrMapChart),
    Tradeoff(TradeoffChart),
    // END laws
    // BEGIN digits: pictures for data without an input plane.
    Confusion(ConfusionChart),
    DigitGrid(DigitGridChart),
    Pca(PcaChart),
    // END digits
    // BEGIN surface: the landscape as a 3-D surface seen from a yaw and a pitch.
    Surface(crate::surface::SurfaceChart),
    // END surface
}

impl Chart {
    /// Every `kind` tag, in the enum's order (the names serde's derive gives the variants).
    pub const KINDS: &'static [&'static str] = &["landscape", "lines", "boundary", "sweep", "lr_map", "tradeoff", "confusion", "digit_grid", "pca", "surface"];

    /// The chart of kind `kind` whose fields `fields` deserializes (the `kind` entry itself, if
    /// there, is ignored as an unknown field): the same value as the derived `Deserialize` of
    /// the tagged object, without its buffering. The draw module (crate/web `draw`) reads the
    /// tag first and calls this: the derive first copies the whole object into serde's
    /// `Content` and deserializes each kind from that, which cost the draw wasm ~60 KB of its
    /// 450 (issue 14, first-load size).
    pub fn from_kind<'de, D: serde::Deserializer<'de>>(kind: &str, fields: D) -> Result<Chart, D::Error> {
        Ok(match kind {
            "landscape" => Chart::Landscape(LandscapeChart::deserialize(fields)?),
            "lines" => Chart::Lines(LinesChart::deserialize(fields)?),
            "boundary" => Chart::Boundary(BoundaryChart::deserialize(fields)?),
            "sweep" => Chart::Sweep(SweepChart::deserialize(fields)?),
            "lr_map" => Chart::LrMap(LrMapChart::deserialize(fields)?),
            "tradeoff" => Chart::Tradeoff(TradeoffChart::deserialize(fields)?),
            "confusion" => Chart::Confusion(ConfusionChart::deserialize(fields)?),
            "digit_grid" => Chart::DigitGrid(DigitGridChart::deserialize(fields)?),
            "pca" => Chart::Pca(PcaChart::deserialize(fields)?),
            "surface" => Chart::Surface(crate::surface::SurfaceChart::deserialize(fields)?),
            other => return Err(serde::de::Error::unknown_variant(other, Self::KINDS)),
        })
    }
}

/// A loss grid with paths on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LandscapeChart {
    /// Grid points per axis.
    pub n: usize,
    /// `(min, max)` of the first and second plane coordinates.
    pub alpha: (f64, f64),
    pub beta: (f64, f64),
    /// `values[j·n + i]`: the loss at (αᵢ, βⱼ).
    pub values: Vec<f32>,
    pub paths: Vec<PathSpec>,
    pub alpha_label: String,
    pub beta_label: String,
}

/// A run's path on a landscape: `points` = `[α₀, β₀, α₁, β₁, …]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathSpec {
    pub run: Option<usize>,
    pub points: Vec<f64>,
}

/// A line chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinesChart {
    pub series: Vec<LineSpec>,
    pub x_label: String,
    pub y_label: String,
    /// Logarithmic y axis (non-positive values are skipped).
    #[serde(default)]
    pub log_y: bool,
}

/// One line: `x` and `y` of equal length, a run colour (`None`: the reference colour), dashed
/// or not, and a legend label (empty: not in the legend).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineSpec {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub run: Option<usize>,
    #[serde(default)]
    pub dashed: bool,
    #[serde(default)]
    pub label: String,
}

/// One run's decision map with the training points on it (`points` `[x₀, y₀, …]`, `labels`
/// 0/1 per point).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoundaryChart {
    pub map: DecisionMap,
    pub points: Vec<f32>,
    pub labels: Vec<f32>,
    pub title: String,
    /// The run whose colour the title takes.
    pub run: usize,
}

/// One run's confusion matrix on the test set (`counts[a·K + p]`: true class `a` predicted
/// as `p`; the core's `images::ImageReport::confusion`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfusionChart {
    pub classes: usize,
    pub counts: Vec<u32>,
    pub title: String,
    pub run: usize,
}

/// Test images (`side × side` values in [0, 1] each) with their true labels and each run's
/// predicted labels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DigitGridChart {
    pub side: usize,
    pub images: Vec<f32>,
    pub labels: Vec<f32>,
    pub predictions: Vec<PredictionSpec>,
    pub columns: usize,
    pub title: String,
}

/// One run's predicted label per image of a [`DigitGridChart`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PredictionSpec {
    pub run: usize,
    pub label: String,
    pub predicted: Vec<u8>,
}

/// One run's predictions on the test images' first two principal components (the core's
/// `input_pca::Projection` and `images::ImageReport::predicted`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PcaChart {
    /// `[pc1₀, pc2₀, pc1₁, …]`, two per test image.
    pub coords: Vec<f32>,
    /// True class per test image.
    pub labels: Vec<u8>,
    /// The run's predicted class per test image (≥ 10: none).
    pub predicted: Vec<u8>,
    /// Variance shares of PC1 and PC2.
    pub explained: (f64, f64),
    pub title: String,
    pub run: usize,
}

/// One sweep metric against the batch size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepChart {
    pub series: Vec<SweepSpec>,
    pub y_label: String,
    /// Legend label of the min–max band (empty: no legend entry).
    #[serde(default)]
    pub band_label: String,
    #[serde(default)]
    pub log_y: bool,
}

/// Per batch size, the mean and the min–max band (NaN: no value at that B).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    pub run: Option<usize>,
    #[serde(default)]
    pub label: String,
    pub batch_sizes: Vec<f64>,
    pub mean: Vec<f64>,
    pub min: Vec<f64>,
    pub max: Vec<f64>,
}

// BEGIN laws
/// The B × η map of a law sweep ([`crate::laws::draw_lr_map`]): per (η, B) cell, row by row
/// (`index = l·n_B + b`), the mean steps to the target and the outcome (`CELL_*`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LrMapChart {
    pub batch_sizes: Vec<f64>,
    pub lrs: Vec<f64>,
    pub steps: Vec<f64>,
    pub state: Vec<u8>,
    /// Per batch size, the best η (NaN: none).
    pub best_lr: Vec<f64>,
}

/// The steps–examples trade-off ([`crate::laws::draw_tradeoff`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TradeoffChart {
    pub batch_sizes: Vec<f64>,
    pub steps: Vec<f64>,
    pub examples: Vec<f64>,
    /// `[S_min, E_min]` of the fit (absent: no fit).
    #[serde(default)]
    pub fit: Option<(f64, f64)>,
    pub regime_factor: f64,
}
// END laws
