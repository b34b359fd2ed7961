//! The decision-boundary view: a run's predicted probability over the input plane (two class
//! tints through white at ½), the ½ contour, and the training points on top.

use super::{contour_segments, err, raster, Cells, PlotFrame, RUN_COLORS};
use batchscape_core::boundary::DecisionMap;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Class colours: blue for class 0, vermillion for class 1, bluish green for class 2
/// (Okabe–Ito, colour-blind safe).
pub const CLASS_COLORS: [RGBColor; 3] = [RGBColor(0, 114, 178), RGBColor(213, 94, 0), RGBColor(0, 158, 115)];

/// A decision map with the points to show on it (`points` row-major `n × 2`, `labels` 0/1).
pub struct BoundaryView<'a> {
    pub map: &'a DecisionMap,
    pub points: &'a [f32],
    pub labels: &'a [f32],
    pub title: &'a str,
    /// Index into [`RUN_COLORS`] for the panel's title bar.
    pub run: usize,
}

/// P(class 1) as a tint: pale class-0 colour at 0, white at ½, pale class-1 colour at 1.
fn tint(p: f32) -> RGBColor {
    if !p.is_finite() {
        return RGBColor(200, 200, 200);
    }
    let (c, t) = if p < 0.5 { (CLASS_COLORS[0], 1.0 - 2.0 * p as f64) } else { (CLASS_COLORS[1], 2.0 * p as f64 - 1.0) };
    let t = 0.55 * t;
    let mix = |a: u8| (255.0 + (a as f64 - 255.0) * t).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// A multiclass map's `c + q` value (see `DecisionMap::values`) as a tint: class `c`'s colour,
/// paler the less confident (white at a tie).
fn tint_class(v: f32) -> RGBColor {
    if !v.is_finite() || v < 0.0 {
        return RGBColor(200, 200, 200);
    }
    let c = CLASS_COLORS[(v as usize) % CLASS_COLORS.len()];
    let t = 0.6 * v.fract() as f64;
    let mix = |a: u8| (255.0 + (a as f64 - 255.0) * t).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// The tint of one cell of `map`.
fn cell_tint(map: &DecisionMap, v: f32) -> RGBColor {
    if map.classes > 2 {
        tint_class(v)
    } else {
        tint(v)
    }
}

/// Draws the map of one run.
pub fn draw_boundary<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, v: &BoundaryView) -> Result<PlotFrame, String> {
    draw_boundary_with(root, v, Cells::Rectangles)
}

/// The map's cells as an `n × n` RGBA image, top row first (see [`Cells::Raster`]).
pub fn boundary_rgba(map: &DecisionMap) -> Vec<u8> {
    raster(map.n, |k| cell_tint(map, map.values.get(k).copied().unwrap_or(f32::NAN)))
}

/// [`draw_boundary`] with a choice of how the cells are drawn; returns where the plot landed.
pub fn draw_boundary_with<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, v: &BoundaryView, cells: Cells) -> Result<PlotFrame, String> {
    if cells == Cells::Rectangles {
        root.fill(&WHITE).map_err(err)?;
    }
    let color = RUN_COLORS[v.run % RUN_COLORS.len()];
    let (x0, x1) = v.map.x;
    let (y0, y1) = v.map.y;
    let mut chart = ChartBuilder::on(root)
        .margin(6)
        .caption(v.title, ("sans-serif", 14).into_font().color(&color))
        .x_label_area_size(22)
        .y_label_area_size(30)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(4)
        .y_labels(4)
        .label_style(("sans-serif", 11))
        .draw()
        .map_err(err)?;
    let n = v.map.n.max(2);
    if v.map.dim == 2 && v.map.values.len() == n * n {
        let (dx, dy) = ((x1 - x0) / (n - 1) as f64, (y1 - y0) / (n - 1) as f64);
        if cells == Cells::Rectangles {
            chart
                .draw_series((0..n * n).map(|k| {
                    let (x, y) = (x0 + (k % n) as f64 * dx, y0 + (k / n) as f64 * dy);
                    Rectangle::new([(x - dx / 2.0, y - dy / 2.0), (x + dx / 2.0, y + dy / 2.0)], cell_tint(v.map, v.map.values[k]).filled())
                }))
                .map_err(err)?;
        }
        // The ½ contour of a binary map. A multiclass map's boundaries are where the predicted
        // class (the integer part) changes, which is no single level of `c + q`: each
        // c = 1 … K−1 gives the ½ contour of the indicator "class ≥ c" (every class change
        // crosses at least one of them).
        let levels: Vec<Vec<f64>> = if v.map.classes > 2 {
            (1..v.map.classes).map(|c| v.map.values.iter().map(|&p| if p.is_finite() && p >= c as f32 { 1.0 } else { 0.0 }).collect()).collect()
        } else {
            vec![v.map.values.iter().map(|&p| p as f64).collect()]
        };
        let segments: Vec<_> = levels.iter().flat_map(|values| contour_segments(values, n, 0.5)).collect();
        chart
            .draw_series(segments.into_iter().map(|((i0, j0), (i1, j1))| {
                PathElement::new(vec![(x0 + i0 * dx, y0 + j0 * dy), (x0 + i1 * dx, y0 + j1 * dy)], BLACK.stroke_width(2))
            }))
            .map_err(err)?;
    }
    if v.map.dim == 1 {
        // 1-D regression: the fitted curve, and the (input, target) points.
        let line: Vec<(f64, f64)> = v.map.values.iter().enumerate().filter(|(_, y)| y.is_finite())
            .map(|(i, &y)| (x0 + (x1 - x0) * i as f64 / (n - 1) as f64, y as f64)).collect();
        chart
            .draw_series(v.points.chunks_exact(2).map(|p| Circle::new((p[0] as f64, p[1] as f64), 2, CLASS_COLORS[0].mix(0.6).filled())))
            .map_err(err)?;
        chart.draw_series(LineSeries::new(line, color.stroke_width(3))).map_err(err)?;
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        return Ok(PlotFrame { pixels: [xr.start, yr.start, xr.end, yr.end], x: (x0, x1), y: (y0, y1), log_y: false });
    }
    let pts = v.points.chunks_exact(2).zip(v.labels);
    chart
        .draw_series(pts.map(|(p, &y)| {
            let class = if v.map.classes > 2 { (y.max(0.0) as usize).min(CLASS_COLORS.len() - 1) } else { (y > 0.5) as usize };
            let c = CLASS_COLORS[class];
            // A 4-pixel square: on a canvas one fillRect, far cheaper than an arc per point.
            EmptyElement::at((p[0] as f64, p[1] as f64)) + Rectangle::new([(-2, -2), (2, 2)], c.filled())
        }))
        .map_err(err)?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    Ok(PlotFrame { pixels: [xr.start, yr.start, xr.end, yr.end], x: (x0, x1), y: (y0, y1), log_y: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tint_is_white_at_one_half_and_pale_class_colours_at_the_ends() {
        assert_eq!(tint(0.5), RGBColor(255, 255, 255));
        let blue = tint(0.0);
        let orange = tint(1.0);
        assert!(blue.2 > blue.0, "class 0 tint is bluish: {blue:?}");
        assert!(orange.0 > orange.2, "class 1 tint is orangish: {orange:?}");
    }
}
