//! Charts as data: a [`Chart`] is everything one picture needs, owned and (de)serialisable, so
//! the page's draw worker receives it as one typed object (through `serde-wasm-bindgen`) and the
//! native tool builds the same value. Drawing a chart on any backend, SVG or canvas, is one
//! call ([`Chart::draw`]); the page's canvas paints heatmap cells as one raster beneath the
//! axes ([`Chart::raster`], [`Cells::Raster`]).
//!
//! **Architecture Invariant:** a `Chart` is validated before anything is drawn
//! ([`Chart::check`]): mismatched lengths are an error value naming the field, never a panic.

use crate::images::{draw_confusion, draw_digit_grid, ConfusionView, DigitGridView, PredictionView};
use crate::sweep::{SweepSeries, SweepView};
use crate::{
    boundary_rgba, draw_boundary_with, draw_curves, draw_landscape_with, draw_sweep, landscape_rgba, BoundaryView, Cells,
    CurvesView, LandscapeView, PathView, PlotFrame, Series, REFERENCE_COLOR, RUN_COLORS,
};
use batchscape_core::boundary::DecisionMap;
use batchscape_core::lab::Atlas;
use batchscape_core::landscape::Extent;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

/// Run colour `k` (0–3, [`RUN_COLORS`]); `None` or any other index is the neutral reference
/// colour (guides such as 2/η).
pub fn run_color(run: Option<usize>) -> RGBColor {
    run.and_then(|k| RUN_COLORS.get(k)).copied().unwrap_or(REFERENCE_COLOR)
}

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

fn same_len(what: &str, a: usize, b: usize) -> Result<(), String> {
    if a == b {
        Ok(())
    } else {
        Err(format!("{what}: {a} values where {b} were expected"))
    }
}

impl Chart {
    /// Checks every length the drawing relies on.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Chart::Surface(c) => Chart::Landscape(c.landscape.clone()).check(),
            Chart::Landscape(c) => {
                same_len("landscape values", c.values.len(), c.n.saturating_mul(c.n))?;
                if c.n < 2 {
                    return Err("landscape: at least 2 grid points per axis".into());
                }
                for (k, p) in c.paths.iter().enumerate() {
                    if p.points.len() % 2 != 0 {
                        return Err(format!("landscape path {k}: an odd number of coordinates"));
                    }
                }
                Ok(())
            }
            Chart::Lines(c) => c.series.iter().enumerate().try_for_each(|(k, s)| same_len(&format!("line {k} y"), s.y.len(), s.x.len())),
            Chart::Boundary(c) => {
                c.map.check()?;
                same_len("boundary points", c.points.len(), 2 * c.labels.len())
            }
            Chart::Sweep(c) => c.series.iter().enumerate().try_for_each(|(k, s)| {
                let n = s.batch_sizes.len();
                same_len(&format!("sweep series {k} mean"), s.mean.len(), n)?;
                same_len(&format!("sweep series {k} min"), s.min.len(), n)?;
                same_len(&format!("sweep series {k} max"), s.max.len(), n)
            }),
            Chart::LrMap(c) => {
                let cells = c.batch_sizes.len().saturating_mul(c.lrs.len());
                same_len("lr map steps", c.steps.len(), cells)?;
                same_len("lr map state", c.state.len(), cells)?;
                same_len("lr map best_lr", c.best_lr.len(), c.batch_sizes.len())
            }
            Chart::Tradeoff(c) => {
                same_len("tradeoff steps", c.steps.len(), c.batch_sizes.len())?;
                same_len("tradeoff examples", c.examples.len(), c.batch_sizes.len())
            }
            Chart::Confusion(c) => {
                if !(2..=32).contains(&c.classes) {
                    return Err(format!("confusion: {} classes (2 to 32 expected)", c.classes));
                }
                same_len("confusion counts", c.counts.len(), c.classes * c.classes)
            }
            Chart::DigitGrid(c) => {
                if !(1..=32).contains(&c.side) || !(1..=40).contains(&c.columns) {
                    return Err(format!("digit grid: side {} and columns {} (1–32, 1–40 expected)", c.side, c.columns));
                }
                if c.labels.len() > 400 || c.predictions.len() > 4 {
                    return Err("digit grid: at most 400 images and 4 runs".into());
                }
                same_len("digit grid images", c.images.len(), c.labels.len() * c.side * c.side)?;
                c.predictions.iter().enumerate().try_for_each(|(k, p)| same_len(&format!("digit grid run {k} predictions"), p.predicted.len(), c.labels.len()))
            }
            Chart::Pca(c) => {
                if c.labels.len() > 20_000 {
                    return Err(format!("pca: {} points (at most 20 000)", c.labels.len()));
                }
                same_len("pca coords", c.coords.len(), 2 * c.labels.len())?;
                same_len("pca predicted", c.predicted.len(), c.labels.len())
            }
        }
    }

    /// Draws the chart on `root` and returns where its plot landed. With [`Cells::Raster`] the
    /// heatmap cells (landscape, 2-D decision map) are left out, for [`Chart::raster`] beneath.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, cells: Cells) -> Result<PlotFrame, String> {
        self.check()?;
        match self {
            Chart::Surface(c) => crate::surface::draw_surface(root, c),
            Chart::Landscape(c) => {
                let points: Vec<Vec<(f64, f64)>> = c.paths.iter().map(|p| p.points.chunks_exact(2).map(|q| (q[0], q[1])).collect()).collect();
                draw_landscape_with(root, &c.view(&points), cells)
            }
            Chart::Lines(c) => {
                let series = c
                    .series
                    .iter()
                    .map(|s| Series { label: &s.label, xs: &s.x, ys: &s.y, color: run_color(s.run), dashed: s.dashed })
                    .collect();
                draw_curves(root, &CurvesView { series, x_label: &c.x_label, y_label: &c.y_label, log_y: c.log_y })
            }
            Chart::Boundary(c) => draw_boundary_with(root, &c.view(), cells),
            Chart::Sweep(c) => {
                let series = c
                    .series
                    .iter()
                    .map(|s| SweepSeries {
                        label: &s.label,
                        color: run_color(s.run),
                        batch_sizes: &s.batch_sizes,
                        mean: &s.mean,
                        min: &s.min,
                        max: &s.max,
                    })
                    .collect();
                draw_sweep(root, &SweepView { y_label: &c.y_label, band_label: &c.band_label, series, log_y: c.log_y })
            }
            Chart::LrMap(c) => crate::laws::draw_lr_map(
                root,
                &crate::laws::LrMapView { batch_sizes: &c.batch_sizes, lrs: &c.lrs, steps: &c.steps, state: &c.state, best_lr: &c.best_lr },
            ),
            Chart::Tradeoff(c) => crate::laws::draw_tradeoff(
                root,
                &crate::laws::TradeoffView { batch_sizes: &c.batch_sizes, steps: &c.steps, examples: &c.examples, fit: c.fit, regime_factor: c.regime_factor },
            ),
            Chart::Confusion(c) => {
                draw_confusion(root, &ConfusionView { classes: c.classes, counts: &c.counts, title: &c.title, run: c.run })
            }
            Chart::DigitGrid(c) => {
                let predictions =
                    c.predictions.iter().map(|p| PredictionView { run: p.run, label: &p.label, predicted: &p.predicted }).collect();
                draw_digit_grid(
                    root,
                    &DigitGridView { side: c.side, images: &c.images, labels: &c.labels, predictions, columns: c.columns, title: &c.title },
                )
            }
            Chart::Pca(c) => crate::pca::draw_pca(
                root,
                &crate::pca::PcaView {
                    coords: &c.coords,
                    labels: &c.labels,
                    predicted: &c.predicted,
                    explained: c.explained,
                    title: &c.title,
                    run: c.run,
                },
            ),
        }
    }

    /// The heatmap cells as an `n × n` RGBA image, top row first, and `n`; `None` for charts
    /// without cells (lines, sweeps, a 1-D fitted curve).
    pub fn raster(&self) -> Option<(Vec<u8>, usize)> {
        match self {
            Chart::Landscape(c) => Some((landscape_rgba(&c.view(&[])), c.n)),
            Chart::Boundary(c) if c.map.dim == 2 => Some((boundary_rgba(&c.map), c.map.n)),
            _ => None,
        }
    }

    /// The chart as an SVG document of `width × height` (cells as rectangles).
    pub fn to_svg(&self, width: u32, height: u32) -> Result<String, String> {
        crate::to_svg(width, height, |root| self.draw(root, Cells::Rectangles).map(|_| ()))
    }
}

impl LandscapeChart {
    /// The shared landscape of all runs (the page's and the tool's picture): the atlas's grid
    /// and every run's projected path, coloured by its slot.
    pub fn of_atlas(atlas: &Atlas) -> Self {
        let e = atlas.grid.extent;
        LandscapeChart {
            n: atlas.grid.n,
            alpha: e.alpha,
            beta: e.beta,
            values: atlas.grid.values.clone(),
            paths: atlas
                .paths
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.is_empty())
                .map(|(k, p)| PathSpec { run: Some(k), points: p.iter().flat_map(|&(a, b)| [a, b]).collect() })
                .collect(),
            alpha_label: atlas.plane.alpha_label.clone(),
            beta_label: atlas.plane.beta_label.clone(),
        }
    }

    fn view<'a>(&'a self, points: &'a [Vec<(f64, f64)>]) -> LandscapeView<'a> {
        LandscapeView {
            n: self.n,
            extent: Extent { alpha: self.alpha, beta: self.beta },
            values: &self.values,
            paths: points.iter().zip(&self.paths).map(|(p, s)| PathView { points: p, color: run_color(s.run) }).collect(),
            alpha_label: &self.alpha_label,
            beta_label: &self.beta_label,
        }
    }
}

impl BoundaryChart {
    fn view(&self) -> BoundaryView<'_> {
        BoundaryView { map: &self.map, points: &self.points, labels: &self.labels, title: &self.title, run: self.run }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines() -> Chart {
        Chart::Lines(LinesChart {
            series: vec![LineSpec { x: vec![0.0, 1.0, 2.0], y: vec![1.0, 0.5, 0.25], run: Some(1), dashed: false, label: "train B=8".into() }],
            x_label: "epoch".into(),
            y_label: "loss".into(),
            log_y: true,
        })
    }

    #[test]
    fn a_chart_round_trips_through_json_with_its_kind_tag() {
        let json = serde_json::to_value(lines()).unwrap();
        assert_eq!(json["kind"], "lines");
        assert_eq!(serde_json::from_value::<Chart>(json.clone()).unwrap(), lines());
        // Tag read first, then the fields (the draw module's way): the same chart.
        assert_eq!(Chart::from_kind("lines", json).unwrap(), lines());
    }

    #[test]
    fn from_kind_reads_each_kind_as_the_derived_deserialize_does() {
        // Each kind's struct: an object with only its tag fails on the struct's first missing
        // field, the same one whichever way it is read, so each tag leads to the same struct.
        for &kind in Chart::KINDS {
            let derived = serde_json::from_value::<Chart>(serde_json::json!({ "kind": kind })).unwrap_err().to_string();
            let by_kind = Chart::from_kind(kind, serde_json::json!({ "kind": kind })).unwrap_err().to_string();
            assert!(derived.starts_with("missing field"), "{kind}: {derived}");
            assert_eq!(by_kind, derived, "{kind}");
        }
        // No other kind: the derive's message, the same list of kinds.
        let derived = serde_json::from_value::<Chart>(serde_json::json!({ "kind": "pie" })).unwrap_err().to_string();
        assert_eq!(Chart::from_kind("pie", serde_json::json!({})).unwrap_err().to_string(), derived);
    }

    #[test]
    fn mismatched_lengths_are_errors_naming_the_field_not_panics() {
        let Chart::Lines(mut c) = lines() else { unreachable!() };
        c.series[0].y.pop();
        let e = Chart::Lines(c).to_svg(200, 100).unwrap_err();
        assert_eq!(e, "line 0 y: 2 values where 3 were expected");
        let bad = Chart::Landscape(LandscapeChart {
            n: 3,
            alpha: (-1.0, 1.0),
            beta: (-1.0, 1.0),
            values: vec![1.0; 8],
            paths: vec![],
            alpha_label: String::new(),
            beta_label: String::new(),
        });
        assert_eq!(bad.to_svg(200, 100).unwrap_err(), "landscape values: 8 values where 9 were expected");
    }

    #[test]
    fn the_svg_draws_the_series_in_its_run_colour() {
        let svg = lines().to_svg(320, 200).unwrap();
        let RGBColor(r, g, b) = RUN_COLORS[1];
        assert!(svg.contains(&format!("#{r:02X}{g:02X}{b:02X}")), "run 1's colour in the SVG");
        assert!(svg.contains("train B=8"));
    }

    #[test]
    fn confusion_and_digit_grid_charts_check_their_lengths_and_draw() {
        let confusion = ConfusionChart { classes: 3, counts: vec![5, 1, 0, 0, 4, 2, 0, 0, 6], title: "run A".into(), run: 0 };
        let svg = Chart::Confusion(confusion.clone()).to_svg(240, 260).unwrap();
        assert!(svg.contains("predicted") && svg.contains(">\n6\n<"), "the counts are written in the cells");
        let short = ConfusionChart { counts: vec![1; 8], ..confusion };
        assert_eq!(Chart::Confusion(short).check().unwrap_err(), "confusion counts: 8 values where 9 were expected");
        let grid = DigitGridChart {
            side: 2,
            images: vec![0.0, 1.0, 1.0, 0.0, 0.5, 0.5, 0.5, 0.5],
            labels: vec![3.0, 7.0],
            predictions: vec![PredictionSpec { run: 1, label: "B".into(), predicted: vec![3, 1] }],
            columns: 2,
            title: "test digits".into(),
        };
        let svg = Chart::DigitGrid(grid.clone()).to_svg(200, 120).unwrap();
        let RGBColor(r, g, b) = RUN_COLORS[1];
        assert!(svg.contains(&format!("#{r:02X}{g:02X}{b:02X}")), "the run's colour marks its labels");
        let bad = DigitGridChart { predictions: vec![PredictionSpec { run: 1, label: "B".into(), predicted: vec![3] }], ..grid };
        assert_eq!(Chart::DigitGrid(bad).check().unwrap_err(), "digit grid run 0 predictions: 1 values where 2 were expected");
    }

    /// Three points: two right (squares) and one wrong (a ringed dot in the predicted digit's
    /// colour, 3 → DIGIT_COLORS[3]); the axes name the variance shares.
    #[test]
    fn a_pca_chart_checks_its_lengths_and_draws_its_axes_and_errors() {
        let c = PcaChart {
            coords: vec![0.0, 1.0, 2.0, -1.0, 1.0, 0.5],
            labels: vec![0, 1, 2],
            predicted: vec![0, 1, 3],
            explained: (0.143, 0.095),
            title: "Run 1: B = 4".into(),
            run: 0,
        };
        let svg = Chart::Pca(c.clone()).to_svg(280, 320).unwrap();
        assert!(svg.contains("PC1 (14.3 % of variance)") && svg.contains("PC2 (9.5 %)"), "axis titles");
        assert!(svg.contains("ringed: predicted wrong (1 of 3)"));
        // Circles: the wrong point's dot and ring, and the legend's sample dot and ring.
        assert_eq!(svg.matches("<circle").count(), 4, "one ringed point");
        let right = PcaChart { predicted: vec![0, 1, 2], ..c.clone() };
        assert_eq!(Chart::Pca(right).to_svg(280, 320).unwrap().matches("<circle").count(), 2, "no point ringed");
        let bad = PcaChart { predicted: vec![0, 1], ..c };
        assert_eq!(Chart::Pca(bad).check().unwrap_err(), "pca predicted: 2 values where 3 were expected");
    }

    #[test]
    fn a_decision_map_carries_its_dimension_and_only_a_plane_has_a_raster() {
        let curve = DecisionMap { dim: 1, n: 4, x: (0.0, 1.0), y: (0.0, 1.0), values: vec![0.0, 0.1, 0.2, 0.3], classes: 0 };
        let chart = |map: DecisionMap| Chart::Boundary(BoundaryChart { map, points: vec![], labels: vec![], title: "t".into(), run: 0 });
        assert!(chart(curve.clone()).raster().is_none());
        // Four values are a 2 × 2 plane only when the map says so (no guessing from squares).
        let plane = DecisionMap { dim: 2, n: 2, ..curve.clone() };
        assert_eq!(chart(plane).raster().map(|(rgba, n)| (rgba.len(), n)), Some((16, 2)));
        let wrong = DecisionMap { dim: 2, ..curve };
        assert!(chart(wrong).check().is_err());
    }
}
