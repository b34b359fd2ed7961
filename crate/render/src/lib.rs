//! Charts drawn with plotters over any `DrawingBackend`: an HTML canvas in the page
//! (`plotters-canvas`), SVG natively (the command-line tool, tests). Views take plain data.
//!
//! **Architecture Invariant:** nothing here knows about training or the browser: a chart is a
//! function from numbers to drawing calls, so the page and the native tool draw the same picture.

mod boundary;
mod contour;
pub mod laws;
pub mod images;
pub mod pca;
pub mod slices;
pub mod spec;
pub mod surface;
mod sweep;

use batchscape_core::landscape::Extent;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::colors::colormaps::ViridisRGB;

pub use boundary::{boundary_rgba, draw_boundary, draw_boundary_with, BoundaryView, CLASS_COLORS};
pub use pca::DIGIT_COLORS;
pub use contour::contour_segments;
pub use spec::Chart;
pub use sweep::{draw_sweep, SweepSeries, SweepView};

/// The run palette: Okabe & Ito's colour-blind-safe colours (vermillion, blue, bluish green,
/// reddish purple), one per run everywhere.
pub const RUN_COLORS: [RGBColor; 4] =
    [RGBColor(213, 94, 0), RGBColor(0, 114, 178), RGBColor(0, 158, 115), RGBColor(204, 121, 167)];

/// Guides and references that are not a run (e.g. the 2/η line): dark grey.
pub const REFERENCE_COLOR: RGBColor = RGBColor(80, 80, 80);

/// Where a chart's plotting area landed, so the page can map the pointer to data coordinates
/// (hover) without redrawing: pixel box `[x0, y0, x1, y1]` and data ranges.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct PlotFrame {
    pub pixels: [i32; 4],
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub log_y: bool,
}

impl PlotFrame {
    /// `[x0, y0, x1, y1, x_min, x_max, y_min, y_max, log_y]` for the page.
    pub fn to_vec(&self) -> Vec<f64> {
        let p = self.pixels;
        vec![p[0] as f64, p[1] as f64, p[2] as f64, p[3] as f64, self.x.0, self.x.1, self.y.0, self.y.1, self.log_y as u8 as f64]
    }
}

/// A run's path on a landscape.
pub struct PathView<'a> {
    pub points: &'a [(f64, f64)],
    pub color: RGBColor,
}

/// A loss grid (`values[j·n + i]` at (αᵢ, βⱼ)) with paths on it.
pub struct LandscapeView<'a> {
    pub n: usize,
    pub extent: Extent,
    pub values: &'a [f32],
    pub paths: Vec<PathView<'a>>,
    pub alpha_label: &'a str,
    pub beta_label: &'a str,
}

/// One line of a line chart.
pub struct Series<'a> {
    pub label: &'a str,
    pub xs: &'a [f64],
    pub ys: &'a [f64],
    pub color: RGBColor,
    pub dashed: bool,
}

/// A line chart.
pub struct CurvesView<'a> {
    pub series: Vec<Series<'a>>,
    pub x_label: &'a str,
    pub y_label: &'a str,
    /// Logarithmic y axis (non-positive values are skipped).
    pub log_y: bool,
}

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("drawing failed: {e:?}")
}

/// Log-scale colour normalisation of a loss grid: `(ln v − ln lo) / (ln hi − ln lo)`.
/// Non-finite cells (a diverged region) are drawn at the top of the scale.
pub struct LogScale {
    pub lo: f64,
    pub hi: f64,
}

impl LogScale {
    pub fn of(values: &[f32]) -> Self {
        let finite = values.iter().filter(|v| v.is_finite() && **v > 0.0).map(|&v| v as f64);
        let lo = finite.clone().fold(f64::INFINITY, f64::min);
        let hi = finite.fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() {
            return Self { lo: 1e-3, hi: 1.0 };
        }
        let lo = lo.max(1e-6);
        Self { lo, hi: hi.max(lo * 1.0001) }
    }

    pub fn unit(&self, v: f64) -> f64 {
        if !v.is_finite() || v <= 0.0 {
            return if v <= 0.0 { 0.0 } else { 1.0 };
        }
        ((v.ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln())).clamp(0.0, 1.0)
    }
}

pub(crate) fn viridis(u: f64) -> RGBColor {
    ViridisRGB::get_color(u as f32)
}

/// Heatmap of the loss (log colour scale, viridis) with contour lines, each path drawn with a
/// dark halo, its start as a hollow circle and its end as a filled one, and a colour bar.
pub fn draw_landscape<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, v: &LandscapeView) -> Result<PlotFrame, String> {
    draw_landscape_with(root, v, Cells::Rectangles)
}

/// How a heatmap's cells are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cells {
    /// One filled rectangle per cell, on a white background (SVG, PNG).
    Rectangles,
    /// Nothing: no background and no cells, so the caller can paint the cells as one raster
    /// image *beneath* what was drawn ([`landscape_rgba`], [`PlotFrame`] gives where). An
    /// HTML canvas fills thousands of rectangles far slower than it scales one small image.
    Raster,
}

/// The landscape's cells as an `n × n` RGBA image, top row first (β decreasing downwards),
/// in the colours [`draw_landscape`] uses.
pub fn landscape_rgba(v: &LandscapeView) -> Vec<u8> {
    let scale = LogScale::of(v.values);
    raster(v.n, |k| viridis(scale.unit(v.values.get(k).copied().unwrap_or(f32::NAN) as f64)))
}

/// `n × n` RGBA pixels, top row first, of the cell colours `color(j·n + i)` (row j = 0 at the bottom).
pub(crate) fn raster(n: usize, color: impl Fn(usize) -> RGBColor) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * n * 4);
    for row in (0..n).rev() {
        for i in 0..n {
            let c = color(row * n + i);
            out.extend_from_slice(&[c.0, c.1, c.2, 255]);
        }
    }
    out
}

/// [`draw_landscape`] with a choice of how the cells are drawn.
pub fn draw_landscape_with<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, v: &LandscapeView, cells: Cells) -> Result<PlotFrame, String> {
    if cells == Cells::Rectangles {
        root.fill(&WHITE).map_err(err)?;
    }
    let (w, _) = root.dim_in_pixel();
    let (main, bar) = root.split_horizontally(w.saturating_sub(86));
    let scale = LogScale::of(v.values);
    let (a0, a1) = v.extent.alpha;
    let (b0, b1) = v.extent.beta;
    let mut chart = ChartBuilder::on(&main)
        .margin(8)
        .x_label_area_size(38)
        .y_label_area_size(48)
        .build_cartesian_2d(a0..a1, b0..b1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(v.alpha_label)
        .y_desc(v.beta_label)
        .x_labels(6)
        .y_labels(6)
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    let n = v.n.max(1);
    let (da, db) = ((a1 - a0) / n.saturating_sub(1).max(1) as f64, (b1 - b0) / n.saturating_sub(1).max(1) as f64);
    if cells == Cells::Rectangles {
        chart
            .draw_series((0..n * n).map(|k| {
                let (i, j) = (k % n, k / n);
                let (a, b) = (Extent::coord(v.extent.alpha, i, n), Extent::coord(v.extent.beta, j, n));
                let c = viridis(scale.unit(v.values.get(k).copied().unwrap_or(f32::NAN) as f64));
                Rectangle::new([(a - da / 2.0, b - db / 2.0), (a + da / 2.0, b + db / 2.0)], c.filled())
            }))
            .map_err(err)?;
    }
    // Contours at evenly spaced levels of log(loss), so they match the colour bar's ticks.
    let log_values: Vec<f64> = v.values.iter().map(|&x| scale.unit(x as f64)).collect();
    for level in 1..10 {
        let segs = contour_segments(&log_values, n, level as f64 / 10.0);
        chart
            .draw_series(segs.into_iter().map(|((i0, j0), (i1, j1))| {
                let p = |i: f64, j: f64| (a0 + i * da, b0 + j * db);
                PathElement::new(vec![p(i0, j0), p(i1, j1)], WHITE.mix(0.45).stroke_width(1))
            }))
            .map_err(err)?;
    }
    for path in &v.paths {
        let pts: Vec<(f64, f64)> = path.points.to_vec();
        chart.draw_series(LineSeries::new(pts.clone(), BLACK.mix(0.7).stroke_width(5))).map_err(err)?;
        chart.draw_series(LineSeries::new(pts.clone(), path.color.stroke_width(3))).map_err(err)?;
        if let (Some(&s), Some(&e)) = (pts.first(), pts.last()) {
            chart.draw_series([Circle::new(s, 7, BLACK.stroke_width(4))]).map_err(err)?;
            chart.draw_series([Circle::new(s, 7, WHITE.stroke_width(2))]).map_err(err)?;
            chart.draw_series([Circle::new(e, 7, BLACK.filled())]).map_err(err)?;
            chart.draw_series([Circle::new(e, 5, path.color.filled())]).map_err(err)?;
        }
    }
    draw_colorbar(&bar, &scale)?;
    Ok(frame_of(chart.plotting_area(), (a0, a1), (b0, b1), false))
}

fn frame_of<DB: DrawingBackend, X: plotters::coord::ranged1d::Ranged, Y: plotters::coord::ranged1d::Ranged>(
    area: &DrawingArea<DB, plotters::coord::cartesian::Cartesian2d<X, Y>>,
    x: (f64, f64),
    y: (f64, f64),
    log_y: bool,
) -> PlotFrame {
    let (xr, yr) = area.get_pixel_range();
    PlotFrame { pixels: [xr.start, yr.start, xr.end, yr.end], x, y, log_y }
}

fn draw_colorbar<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, scale: &LogScale) -> Result<(), String> {
    let (lo, hi) = (scale.lo.ln(), scale.hi.ln());
    let mut chart = ChartBuilder::on(area)
        .margin_top(8)
        .margin_bottom(46)
        .margin_right(44)
        .build_cartesian_2d(0.0..1.0, lo..hi)
        .map_err(err)?;
    let steps = 64;
    chart
        .draw_series((0..steps).map(|k| {
            let y0 = lo + (hi - lo) * k as f64 / steps as f64;
            let y1 = lo + (hi - lo) * (k + 1) as f64 / steps as f64;
            Rectangle::new([(0.0, y0), (1.0, y1)], viridis((k as f64 + 0.5) / steps as f64).filled())
        }))
        .map_err(err)?;
    // plotters' log axis labels only powers of ten, often none on a narrow loss range, so the
    // ticks are placed by hand at 1-2-5 values (denser 1-1.5-2-3-5-7 when the range is narrow).
    let style = ("sans-serif", 12).into_text_style(area);
    for t in log_ticks(scale.lo, scale.hi) {
        let (x, y) = chart.backend_coord(&(1.0, t.ln()));
        let (ox, oy) = area.get_base_pixel();
        let (x, y) = (x - ox, y - oy);
        area.draw(&PathElement::new(vec![(x, y), (x + 4, y)], BLACK.stroke_width(1))).map_err(err)?;
        area.draw_text(&format_loss(t), &style, (x + 6, y - 6)).map_err(err)?;
    }
    area.draw_text("loss (log)", &style, (4, area.dim_in_pixel().1 as i32 - 30)).map_err(err)?;
    Ok(())
}

/// "Nice" tick values in [lo, hi] for a log axis: 1-2-5 per decade, or 1-1.5-2-3-5-7 when
/// that gives fewer than three.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let pick = |mantissas: &[f64]| {
        let mut out = Vec::new();
        let (d0, d1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
        for d in d0..=d1 {
            for m in mantissas {
                // Divide for negative decades: 3/10 is exactly 0.3's nearest double, 3·0.1 is not.
                let t = if d < 0 { m / 10f64.powi(-d) } else { m * 10f64.powi(d) };
                if t >= lo * 0.999 && t <= hi * 1.001 {
                    out.push(t);
                }
            }
        }
        out
    };
    let coarse = pick(&[1.0, 2.0, 5.0]);
    if coarse.len() >= 3 {
        coarse
    } else {
        pick(&[1.0, 1.5, 2.0, 3.0, 5.0, 7.0])
    }
}

/// Three significant digits, no exponent for the usual range of losses.
pub fn format_loss(v: f64) -> String {
    if v == 0.0 {
        "0".to_string()
    } else if v.abs() >= 1e7 || v.abs() < 0.001 {
        format!("{v:.1e}")
    } else if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{:.3}", v).trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Line chart with a legend; dashed series are drawn dashed. A linear y axis starts at 0.
pub fn draw_curves<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, v: &CurvesView) -> Result<PlotFrame, String> {
    root.fill(&WHITE).map_err(err)?;
    let ok = |x: f64, y: f64| x.is_finite() && y.is_finite() && (!v.log_y || y > 0.0);
    let pts_of = |s: &Series| -> Vec<(f64, f64)> {
        s.xs.iter().zip(s.ys).filter(|(&x, &y)| ok(x, y)).map(|(&x, &y)| (x, y)).collect()
    };
    let all: Vec<(f64, f64)> = v.series.iter().flat_map(pts_of).collect();
    let x0 = all.iter().map(|p| p.0).fold(f64::INFINITY, f64::min).min(0.0);
    let x1 = all.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max).max(x0 + 1e-9).max(1.0);
    let y_hi = all.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let y_lo = all.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let (y0, y1) = if v.log_y {
        let lo = if y_lo.is_finite() { y_lo } else { 0.01 };
        let hi = if y_hi.is_finite() { y_hi } else { 1.0 };
        (lo / 1.3, (hi * 1.3).max(lo * 2.0))
    } else {
        (0.0, if y_hi.is_finite() { (y_hi * 1.05).max(1e-9) } else { 1.0 })
    };
    // On a log axis plotters puts a key point at every 1…9 × 10ᵏ: only the "nice" ones of
    // `log_ticks` get a label, and the minor grid lines are left out.
    let nice = if v.log_y { log_ticks(y0, y1) } else { Vec::new() };
    // Room for the widest tick label beside the rotated axis title, so they never overlap
    // (B_simple reaches thousands; a loss stays below 10).
    let tick_font: TextStyle = ("sans-serif", 13).into();
    let widest = nice.iter().chain([y0, y1].iter()).map(|&t| root.estimate_text_size(&format_loss(t), &tick_font).map(|(w, _)| w).unwrap_or(0)).max().unwrap_or(0);
    let mut builder = ChartBuilder::on(root);
    builder.margin(10).x_label_area_size(38).y_label_area_size((widest as i32 + 30).max(52));
    let style = |s: &Series| s.color.stroke_width(2);
    macro_rules! body {
        ($chart:expr) => {{
            let mut chart = $chart;
            let y_label = |y: &f64| {
                if !v.log_y || nice.iter().any(|t| ((y - t) / t).abs() < 1e-6) {
                    format_loss(*y)
                } else {
                    String::new()
                }
            };
            chart
                .configure_mesh()
                .light_line_style(if v.log_y { TRANSPARENT } else { BLACK.mix(0.05) })
                .bold_line_style(BLACK.mix(0.12))
                .x_desc(v.x_label)
                .y_desc(v.y_label)
                .x_label_formatter(&|x| if x1 - x0 >= 5.0 { format!("{x:.0}") } else { format!("{x:.2}") })
                .y_label_formatter(&y_label)
                .label_style(("sans-serif", 13))
                .axis_desc_style(("sans-serif", 13))
                .draw()
                .map_err(err)?;
            for s in &v.series {
                let pts = pts_of(s);
                if s.dashed {
                    chart.draw_series(DashedLineSeries::new(pts, 6, 4, style(s))).map_err(err)?;
                } else {
                    chart.draw_series(LineSeries::new(pts, style(s))).map_err(err)?;
                }
            }
            let (xr, yr) = chart.plotting_area().get_pixel_range();
            let entries: Vec<(&str, Sample)> = v.series.iter().map(|s| (s.label, Sample::Line { color: s.color, dashed: s.dashed })).collect();
            draw_legend(root, &entries, (xr.start, yr.start, xr.end, yr.end), (true, true))?;
            Ok(frame_of(chart.plotting_area(), (x0, x1), (y0, y1), v.log_y))
        }};
    }
    if v.log_y {
        body!(builder.build_cartesian_2d(x0..x1, (y0..y1).log_scale()).map_err(err)?)
    } else {
        body!(builder.build_cartesian_2d(x0..x1, y0..y1).map_err(err)?)
    }
}

/// What a legend entry shows before its label.
#[derive(Clone, Copy)]
pub(crate) enum Sample {
    /// A line (dashed or solid) in a series colour.
    Line { color: RGBColor, dashed: bool },
    /// A line with a dot on it (a series drawn as a line through points).
    LineDot(RGBColor),
    /// A filled swatch (a band).
    Band(RGBAColor),
}

/// A legend box in one corner of the plot area `area` (pixels, `(x0, y0, x1, y1)`): a sample and
/// the label of each entry, 8 px in from the corner. Drawn by hand rather than by plotters'
/// series labels, which measure text through plotters' font code (on the web: a `<span>` added
/// to the page, impossible in a worker) instead of through the drawing backend.
pub(crate) fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[(&str, Sample)],
    area: (i32, i32, i32, i32),
    (right, upper): (bool, bool),
) -> Result<(), String> {
    let entries: Vec<&(&str, Sample)> = entries.iter().filter(|(label, _)| !label.is_empty()).collect();
    if entries.is_empty() {
        return Ok(());
    }
    let style = ("sans-serif", 12).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
    let width = entries.iter().map(|(label, _)| root.estimate_text_size(label, &style).map(|(w, _)| w).unwrap_or(0)).max().unwrap_or(0) as i32;
    let (row, pad, sample) = (16, 6, 20);
    let (w, h) = (width + sample + 3 * pad, entries.len() as i32 * row + pad);
    let x0 = if right { area.2 - w - 8 } else { area.0 + 8 };
    let y0 = if upper { area.1 + 8 } else { area.3 - h - 8 };
    root.draw(&Rectangle::new([(x0, y0), (x0 + w, y0 + h)], WHITE.mix(0.85).filled())).map_err(err)?;
    root.draw(&Rectangle::new([(x0, y0), (x0 + w, y0 + h)], BLACK.mix(0.3))).map_err(err)?;
    for (k, (label, kind)) in entries.iter().enumerate() {
        let y = y0 + pad / 2 + row * k as i32 + row / 2;
        let x = x0 + pad;
        match *kind {
            Sample::Line { color, dashed: true } => {
                root.draw(&PathElement::new(vec![(x, y), (x + 7, y)], color.stroke_width(2))).map_err(err)?;
                root.draw(&PathElement::new(vec![(x + 12, y), (x + sample, y)], color.stroke_width(2))).map_err(err)?;
            }
            Sample::Line { color, dashed: false } => {
                root.draw(&PathElement::new(vec![(x, y), (x + sample, y)], color.stroke_width(2))).map_err(err)?;
            }
            Sample::LineDot(color) => {
                root.draw(&PathElement::new(vec![(x, y), (x + sample, y)], color.stroke_width(2))).map_err(err)?;
                root.draw(&Circle::new((x + sample / 2, y), 3, color.filled())).map_err(err)?;
            }
            Sample::Band(fill) => {
                root.draw(&Rectangle::new([(x, y - 5), (x + sample, y + 5)], fill.filled())).map_err(err)?;
            }
        }
        root.draw_text(label, &style, (x + sample + pad, y)).map_err(err)?;
    }
    Ok(())
}

/// Renders a chart to an SVG string (the native tool's figures; tests).
pub fn to_svg<R>(width: u32, height: u32, draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<R, String>) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_are_nice_values_inside_the_range() {
        assert_eq!(log_ticks(0.04, 3.0), vec![0.05, 0.1, 0.2, 0.5, 1.0, 2.0]);
        assert_eq!(log_ticks(0.25, 1.3), vec![0.3, 0.5, 0.7, 1.0]);
    }

    #[test]
    fn the_log_scale_maps_the_range_to_the_unit_interval() {
        let s = LogScale::of(&[0.1, 1.0, 10.0, f32::NAN]);
        // The f32 inputs are rounded, hence 1e-6 rather than exact equality.
        assert!((s.unit(0.1) - 0.0).abs() < 1e-6);
        assert!((s.unit(1.0) - 0.5).abs() < 1e-6);
        assert!((s.unit(10.0) - 1.0).abs() < 1e-6);
        assert_eq!(s.unit(f64::NAN), 1.0);
    }

    #[test]
    fn a_landscape_svg_holds_the_heatmap_the_path_and_the_labels() {
        let values: Vec<f32> = (0..25).map(|k| 0.1 + k as f32 * 0.05).collect();
        let path = [(1.0, 0.0), (0.5, 0.2), (0.0, 0.0)];
        let view = LandscapeView {
            n: 5,
            extent: Extent { alpha: (-0.5, 1.5), beta: (-1.0, 1.0) },
            values: &values,
            paths: vec![PathView { points: &path, color: RUN_COLORS[0] }],
            alpha_label: "alpha axis",
            beta_label: "beta axis",
        };
        let svg = to_svg(500, 420, |root| draw_landscape(root, &view)).unwrap();
        assert!(svg.contains("alpha axis") && svg.contains("beta axis") && svg.contains("loss (log)"));
        assert!(svg.matches("<rect").count() >= 25 + 64, "heatmap cells and colour bar");
        assert!(svg.contains("#D55E00") || svg.to_lowercase().contains("#d55e00"), "the run's colour is used");
    }
}
