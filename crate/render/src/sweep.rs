//! The sweep chart: one metric against batch size B on a log₂ axis (ticks labelled with the B
//! values), each series as its mean across seeds (line and dots) over a min–max band across
//! seeds (a translucent filled polygon in the same colour).

use super::{draw_legend, err, format_loss, frame_of, log_ticks, PlotFrame, Sample};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::ops::Range;

/// An axis, linear or logarithmic, whose ticks sit exactly at the given values (log₂ B on x;
/// nice values on y). plotters' `with_key_points` cannot take a label formatter on an f64 axis,
/// and its log axis labels only powers of ten, often none on a narrow range.
pub(crate) struct TickedAxis {
    pub(crate) range: Range<f64>,
    pub(crate) ticks: Vec<f64>,
    pub(crate) log: bool,
}

impl Ranged for TickedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let t = if self.log {
            (value.ln() - self.range.start.ln()) / (self.range.end.ln() - self.range.start.ln())
        } else {
            (value - self.range.start) / (self.range.end - self.range.start)
        };
        limit.0 + (t * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// One series: per batch size, the mean and the min–max band (NaN: no value at that B).
pub struct SweepSeries<'a> {
    /// Legend label of the mean line (empty: no legend entry).
    pub label: &'a str,
    pub color: RGBColor,
    pub batch_sizes: &'a [f64],
    pub mean: &'a [f64],
    pub min: &'a [f64],
    pub max: &'a [f64],
}

/// One metric's chart.
pub struct SweepView<'a> {
    pub y_label: &'a str,
    /// Legend label of the band (empty: no legend entry).
    pub band_label: &'a str,
    pub series: Vec<SweepSeries<'a>>,
    /// Logarithmic y axis (non-positive values are skipped).
    pub log_y: bool,
}

/// Minimum horizontal room per x tick label, in pixels.
const TICK_ROOM: f64 = 34.0;

/// Five to eight "nice" values (1, 2 or 5 × 10ᵏ apart) in `[lo, hi]`, and their spacing.
fn linear_ticks(lo: f64, hi: f64) -> (Vec<f64>, f64) {
    let raw = (hi - lo) / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * mag).find(|&st| st >= 0.7 * raw).unwrap_or(10.0 * mag);
    let ticks = ((lo / step).ceil() as i64..=(hi / step).floor() as i64).map(|k| k as f64 * step).collect();
    (ticks, step)
}

/// A y tick label: integers without exponent for large values, else three significant digits
/// (log axis) or as many decimals as the spacing needs (linear axis).
fn y_tick_label(y: f64, log: bool, step: f64) -> String {
    if y.abs() >= 100.0 && y.abs() < 1e7 {
        format!("{y:.0}")
    } else if log {
        format_loss(y)
    } else {
        let digits = (-step.log10().floor()).max(0.0) as usize;
        format!("{y:.digits$}")
    }
}

/// `"B"` of a log₂ position: 2^x rounded (exact for the integers a sweep uses).
fn batch_label(x: f64) -> String {
    format!("{}", 2f64.powf(x).round())
}

/// Index ranges of consecutive entries for which `ok` holds.
fn runs(n: usize, ok: impl Fn(usize) -> bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for k in 0..=n {
        match (k < n && ok(k), start) {
            (true, None) => start = Some(k),
            (false, Some(s)) => {
                out.push(s..k);
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The corner of the plot holding the fewest data points (means and band edges), so the
/// legend hides as little as possible (ties go to upper right, upper left, lower right), whether
/// it is an upper one, and how many points it still holds.
fn legend_corner(v: &SweepView, x: (f64, f64), y: (f64, f64)) -> ((bool, bool), usize) {
    let unit_y = |t: f64| if v.log_y { (t.ln() - y.0.ln()) / (y.1.ln() - y.0.ln()) } else { (t - y.0) / (y.1 - y.0) };
    let points: Vec<(f64, f64)> = v
        .series
        .iter()
        .flat_map(|s| {
            s.batch_sizes.iter().zip(s.mean.iter().zip(s.min.iter().zip(s.max))).flat_map(|(&b, (&m, (&lo, &hi)))| {
                let u = (b.max(1.0).log2() - x.0) / (x.1 - x.0);
                [m, lo, hi].map(|t| (u, unit_y(t)))
            })
        })
        .filter(|(u, w)| u.is_finite() && w.is_finite())
        .collect();
    // (right, upper)
    let corners = [(true, true), (false, true), (true, false), (false, false)];
    let count = |right: bool, upper: bool| {
        points.iter().filter(|(u, w)| (if right { *u > 0.55 } else { *u < 0.45 }) && (if upper { *w > 0.6 } else { *w < 0.4 })).count()
    };
    corners.into_iter().map(|(r, u)| ((r, u), count(r, u))).min_by_key(|c| c.1).unwrap_or(((true, true), 0))
}

/// Draws the sweep chart; returns the plot frame (x in log₂ B).
pub fn draw_sweep<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, v: &SweepView) -> Result<PlotFrame, String> {
    root.fill(&WHITE).map_err(err)?;
    let ok_y = |y: f64| y.is_finite() && (!v.log_y || y > 0.0);
    let mut xs: Vec<f64> = v.series.iter().flat_map(|s| s.batch_sizes.iter().filter(|b| **b >= 1.0).map(|b| b.log2())).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let ys: Vec<f64> = v.series.iter().flat_map(|s| s.mean.iter().chain(s.min).chain(s.max).copied()).filter(|&y| ok_y(y)).collect();
    let (x_lo, x_hi) = (xs.first().copied().unwrap_or(0.0), xs.last().copied().unwrap_or(1.0));
    let pad = ((x_hi - x_lo) * 0.04).max(0.25);
    let (x0, x1) = (x_lo - pad, x_hi + pad);
    let y_lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let y_hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (y0, y1) = if ys.is_empty() {
        if v.log_y {
            (0.1, 10.0)
        } else {
            (0.0, 1.0)
        }
    } else if v.log_y {
        (y_lo / 1.3, (y_hi * 1.3).max(y_lo * 2.0))
    } else {
        let span = (y_hi - y_lo).max(1e-3 * y_hi.abs().max(y_lo.abs())).max(1e-9);
        (y_lo - 0.1 * span, y_hi + 0.1 * span)
    };
    // When even the emptiest corner holds data, make room for the legend on that side.
    let has_legend = !v.band_label.is_empty() || v.series.iter().any(|s| !s.label.is_empty());
    let (corner, clash) = legend_corner(v, (x0, x1), (y0, y1));
    let upper = corner.1;
    let (y0, y1) = match (has_legend && clash > 0, upper, v.log_y) {
        (false, _, _) => (y0, y1),
        (true, true, true) => (y0, y1 * (y1 / y0).powf(0.45)),
        (true, false, true) => (y0 / (y1 / y0).powf(0.45), y1),
        (true, true, false) => (y0, y1 + 0.45 * (y1 - y0)),
        (true, false, false) => (y0 - 0.45 * (y1 - y0), y1),
    };
    // Thin the tick labels when they would crowd (a phone-sized chart, N = 4096): keep every
    // k-th from the smallest B, and always the largest.
    let room = (root.dim_in_pixel().0 as f64 - 80.0).max(1.0) * (x_hi - x_lo) / (x1 - x0);
    let every = ((xs.len() as f64 * TICK_ROOM / room).ceil() as usize).max(1);
    let mut keys: Vec<f64> = xs.iter().copied().step_by(every).collect();
    if let Some(&last) = xs.last() {
        if keys.last() != Some(&last) {
            if keys.len() > 1 && (last - keys[keys.len() - 1]) < (x_hi - x_lo) / xs.len().max(1) as f64 * every as f64 * 0.75 {
                keys.pop();
            }
            keys.push(last);
        }
    }
    let (y_ticks, y_step) = if v.log_y {
        let t = log_ticks(y0, y1);
        if t.len() >= 2 {
            (t, 0.0)
        } else {
            linear_ticks(y0, y1)
        }
    } else {
        linear_ticks(y0, y1)
    };
    let mut chart = ChartBuilder::on(root)
        .margin(10)
        .margin_right(16)
        .x_label_area_size(40)
        .y_label_area_size(58)
        .build_cartesian_2d(TickedAxis { range: x0..x1, ticks: keys, log: false }, TickedAxis { range: y0..y1, ticks: y_ticks, log: v.log_y })
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.1))
        .x_desc("batch size B (log scale)")
        .y_desc(v.y_label)
        .x_label_formatter(&|x| batch_label(*x))
        .y_label_formatter(&|y| y_tick_label(*y, v.log_y, y_step))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    let mut legend: Vec<(&str, Sample)> = Vec::new();
    for (k, s) in v.series.iter().enumerate() {
        let n = s.batch_sizes.len().min(s.mean.len()).min(s.min.len()).min(s.max.len());
        let x = |i: usize| s.batch_sizes[i].max(1.0).log2();
        let fill = s.color.mix(0.22);
        let band_ok = |i: usize| ok_y(s.min[i]) && ok_y(s.max[i]);
        let mut first_band = true;
        for r in runs(n, band_ok) {
            let mut poly: Vec<(f64, f64)> = r.clone().map(|i| (x(i), s.max[i])).collect();
            poly.extend(r.clone().rev().map(|i| (x(i), s.min[i])));
            chart.draw_series([Polygon::new(poly, fill.filled())]).map_err(err)?;
            if k == 0 && first_band {
                legend.push((v.band_label, Sample::Band(fill)));
            }
            first_band = false;
            // A band of one batch size has no width: show it as an error bar.
            if r.len() == 1 {
                let i = r.start;
                chart.draw_series([PathElement::new(vec![(x(i), s.min[i]), (x(i), s.max[i])], s.color.stroke_width(2))]).map_err(err)?;
            }
        }
        let color = s.color;
        let mut first_line = true;
        for r in runs(n, |i| ok_y(s.mean[i])) {
            let pts: Vec<(f64, f64)> = r.map(|i| (x(i), s.mean[i])).collect();
            chart.draw_series(LineSeries::new(pts.clone(), color.stroke_width(2))).map_err(err)?;
            if first_line {
                legend.push((s.label, Sample::LineDot(color)));
            }
            first_line = false;
            chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 3, color.filled()))).map_err(err)?;
        }
    }
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    draw_legend(root, &legend, (xr.start, yr.start, xr.end, yr.end), corner)?;
    Ok(frame_of(chart.plotting_area(), (x0, x1), (y0, y1), v.log_y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{to_svg, RUN_COLORS};

    fn view<'a>(bs: &'a [f64], mean: &'a [f64], min: &'a [f64], max: &'a [f64], log_y: bool) -> SweepView<'a> {
        SweepView {
            y_label: "test accuracy",
            band_label: "min–max over 3 seeds",
            series: vec![SweepSeries { label: "mean of 3 seeds", color: RUN_COLORS[1], batch_sizes: bs, mean, min, max }],
            log_y,
        }
    }

    #[test]
    fn a_sweep_svg_has_the_band_the_mean_and_batch_size_ticks() {
        let bs = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];
        let mean = [0.8, 0.85, 0.9, 0.92, 0.9, 0.85, 0.7];
        let min: Vec<f64> = mean.iter().map(|m| m - 0.05).collect();
        let max: Vec<f64> = mean.iter().map(|m| m + 0.03).collect();
        let mut frame = None;
        let svg = to_svg(640, 320, |r| {
            frame = Some(draw_sweep(r, &view(&bs, &mean, &min, &max, false))?);
            Ok(())
        })
        .unwrap();
        assert!(svg.contains("<polygon"), "the band is a filled polygon");
        assert!(svg.contains("opacity=\"0.22\""), "the band is translucent");
        for text in ["test accuracy", "batch size B (log scale)", "mean of 3 seeds", "min–max over 3 seeds"] {
            assert!(svg.contains(text), "{text}");
        }
        for b in ["1", "2", "4", "8", "16", "32", "64"] {
            assert!(svg.contains(&format!(">\n{b}\n</text>")), "tick B = {b}");
        }
        let f = frame.unwrap();
        assert!(f.x.0 < 0.0 && f.x.1 > 6.0, "x is log₂ B: {:?}", f.x);
    }

    /// Gaps (NaN) split the band into pieces; a lone batch size becomes an error bar; a log
    /// axis skips non-positive values and labels only nice ticks.
    #[test]
    fn missing_values_split_the_band_and_a_log_axis_skips_non_positive_ones() {
        let bs = [1.0, 2.0, 4.0, 8.0, 16.0];
        let mean = [100.0, 50.0, f64::NAN, 20.0, 0.0];
        let min = [80.0, 40.0, f64::NAN, 15.0, 0.0];
        let max = [120.0, 60.0, f64::NAN, 30.0, 5.0];
        let svg = to_svg(480, 300, |r| draw_sweep(r, &view(&bs, &mean, &min, &max, true))).unwrap();
        assert_eq!(svg.matches("<polygon").count(), 2, "one band piece for B = 1, 2 and one for B = 8");
        assert!(svg.contains(">\n100\n</text>") && svg.contains(">\n20\n</text>"), "nice log ticks, no exponent");
    }

    #[test]
    fn linear_ticks_are_one_two_five_steps_inside_the_range() {
        assert_eq!(linear_ticks(78.0, 91.0), (vec![78.0, 80.0, 82.0, 84.0, 86.0, 88.0, 90.0], 2.0));
        let (t, step) = linear_ticks(-0.06, 0.26);
        assert_eq!(step, 0.05);
        assert_eq!(t.len(), 7, "{t:?}");
        assert_eq!(y_tick_label(0.05, false, 0.05), "0.05");
        assert_eq!(y_tick_label(250.0, true, 0.0), "250");
        assert_eq!(y_tick_label(0.7, true, 0.0), "0.7");
    }

    #[test]
    fn an_empty_sweep_still_draws_axes() {
        let svg = to_svg(400, 260, |r| draw_sweep(r, &view(&[], &[], &[], &[], false))).unwrap();
        assert!(svg.contains("batch size B (log scale)"));
        let svg = to_svg(400, 260, |r| draw_sweep(r, &view(&[1.0], &[f64::NAN], &[f64::NAN], &[f64::NAN], true))).unwrap();
        assert!(svg.contains("test accuracy"));
    }
}
