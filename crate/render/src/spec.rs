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
use batchscape_core::lab::Atlas;
use batchscape_core::landscape::Extent;
use plotters::coord::Shift;
use plotters::prelude::*;

mod kinds;

pub use kinds::{
    BoundaryChart, Chart, ConfusionChart, DigitGridChart, LandscapeChart, LineSpec, LinesChart, LrMapChart, PathSpec, PcaChart,
    PredictionSpec, SweepChart, SweepSpec, TradeoffChart,
};

/// Run colour `k` (0–3, [`RUN_COLORS`]); `None` or any other index is the neutral reference
/// colour (guides such as 2/η).
pub fn run_color(run: Option<usize>) -> RGBColor {
    run.and_then(|k| RUN_COLORS.get(k)).copied().unwrap_or(REFERENCE_COLOR)
}

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
    use batchscape_core::boundary::DecisionMap;

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
