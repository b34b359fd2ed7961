//! The laws' two charts: the B × η map (a heatmap of steps to the target over log₂ B and log η,
//! with the diverged and unreached cells marked and the best η per B joined as a ridge) and the
//! steps–examples trade-off (the best-η points on log–log axes, the fitted hyperbola coloured by
//! regime, and its asymptotes S = S_min and E = E_min).

use super::sweep::TickedAxis;
use super::{draw_legend, err, format_loss, frame_of, log_ticks, viridis, PlotFrame, Sample};
use batchscape_core::laws::{LawAnalysis, LawCell, LawPlan, REGIME_FACTOR};
use plotters::coord::Shift;
use plotters::prelude::*;

/// A cell's outcome in the map.
pub const CELL_PENDING: u8 = 0;
pub const CELL_REACHED: u8 = 1;
pub const CELL_UNREACHED: u8 = 2;
pub const CELL_DIVERGED: u8 = 3;

/// Diverged cells.
pub const DIVERGED_COLOR: RGBColor = RGBColor(178, 34, 34);
/// Cells that finished without reaching the target.
pub const UNREACHED_COLOR: RGBColor = RGBColor(205, 205, 205);
/// The three regimes of the trade-off: perfect scaling, diminishing returns, plateau.
pub const REGIME_COLORS: [RGBColor; 3] = [RGBColor(0, 114, 178), RGBColor(230, 159, 0), RGBColor(204, 121, 167)];

/// The map's data, borrowed.
pub struct LrMapView<'a> {
    pub batch_sizes: &'a [f64],
    /// Ascending.
    pub lrs: &'a [f64],
    /// `steps[l·n_B + b]`: mean steps to the target of (B_b, η_l) (NaN: none).
    pub steps: &'a [f64],
    /// `state[l·n_B + b]`: one of the `CELL_*` values.
    pub state: &'a [u8],
    /// Per batch size, the best η (NaN: none yet).
    pub best_lr: &'a [f64],
}

fn log_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values.filter(|v| v.is_finite() && *v > 0.0).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (lo <= hi).then_some((lo, hi))
}

/// Three significant digits, no exponent in the usual range of η (0.0356, 1.12, 11.2).
fn sig3(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v > 1e-4 {
        let digits = (2 - v.log10().floor() as i32).max(0) as usize;
        let t = format!("{v:.digits$}");
        if t.contains('.') { t.trim_end_matches('0').trim_end_matches('.').to_string() } else { t }
    } else {
        format!("{v:.1e}")
    }
}

/// Draws the B × η map; returns the plot frame (x in log₂ B, y in log₁₀ η).
pub fn draw_lr_map<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, v: &LrMapView) -> Result<PlotFrame, String> {
    root.fill(&WHITE).map_err(err)?;
    let (n_b, n_l) = (v.batch_sizes.len(), v.lrs.len());
    let xs: Vec<f64> = v.batch_sizes.iter().map(|b| b.max(1.0).log2()).collect();
    let ys: Vec<f64> = v.lrs.iter().map(|l| l.max(1e-12).log10()).collect();
    // Each cell spans half-way to its neighbours (one unit of log₂ B; one grid step of log η).
    let half = |c: &[f64], k: usize| -> (f64, f64) {
        let d = |a: usize, b: usize| (c[b] - c[a]).abs() / 2.0;
        let lo = if k > 0 { d(k - 1, k) } else if c.len() > 1 { d(0, 1) } else { 0.5 };
        let hi = if k + 1 < c.len() { d(k, k + 1) } else { lo };
        (c[k] - lo, c[k] + hi)
    };
    let (x0, x1) = if n_b > 0 { (half(&xs, 0).0, half(&xs, n_b - 1).1) } else { (0.0, 1.0) };
    let (y0, y1) = if n_l > 0 { (half(&ys, 0).0, half(&ys, n_l - 1).1) } else { (-1.0, 1.0) };
    // Label every k-th learning rate so labels do not crowd.
    let every = (n_l / 8).max(1);
    let y_ticks: Vec<f64> = ys.iter().copied().step_by(every).collect();
    let (main, bar) = root.split_horizontally(root.dim_in_pixel().0.saturating_sub(70));
    let mut chart = ChartBuilder::on(&main)
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(58)
        .build_cartesian_2d(TickedAxis { range: x0..x1, ticks: xs.clone(), log: false }, TickedAxis { range: y0..y1, ticks: y_ticks, log: false })
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("batch size B (log scale)")
        .y_desc("learning rate η (log scale)")
        .x_label_formatter(&|x| format!("{}", 2f64.powf(*x).round()))
        .y_label_formatter(&|y| sig3(10f64.powf(*y)))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    let scale = log_range(v.steps.iter().copied());
    let unit = |s: f64| match scale {
        Some((lo, hi)) if hi > lo => (hi.ln() - s.ln()) / (hi.ln() - lo.ln()),
        _ => 1.0,
    };
    let mut rects = Vec::new();
    for l in 0..n_l {
        for b in 0..n_b {
            let k = l * n_b + b;
            let (Some(&state), Some(&steps)) = (v.state.get(k), v.steps.get(k)) else { continue };
            let color = match state {
                CELL_REACHED if steps.is_finite() && steps > 0.0 => viridis(unit(steps)),
                CELL_UNREACHED => UNREACHED_COLOR,
                CELL_DIVERGED => DIVERGED_COLOR,
                _ => continue,
            };
            let ((ax, bx), (ay, by)) = (half(&xs, b), half(&ys, l));
            rects.push(Rectangle::new([(ax, by), (bx, ay)], color.filled()));
        }
    }
    chart.draw_series(rects).map_err(err)?;
    // Diverged cells also carry a cross, so the region reads without colour.
    let cross: Vec<PathElement<(f64, f64)>> = (0..n_l * n_b)
        .filter(|&k| v.state.get(k) == Some(&CELL_DIVERGED))
        .flat_map(|k| {
            let (x, y) = (xs[k % n_b], ys[k / n_b]);
            let (dx, dy) = (0.18, (half(&ys, k / n_b).1 - y) * 0.45);
            [vec![(x - dx, y - dy), (x + dx, y + dy)], vec![(x - dx, y + dy), (x + dx, y - dy)]]
        })
        .map(|p| PathElement::new(p, WHITE.mix(0.8).stroke_width(1)))
        .collect();
    chart.draw_series(cross).map_err(err)?;
    let ridge: Vec<(f64, f64)> = xs.iter().zip(v.best_lr).filter(|(_, l)| l.is_finite() && **l > 0.0).map(|(&x, l)| (x, l.log10())).collect();
    chart.draw_series(LineSeries::new(ridge.clone(), WHITE.stroke_width(4))).map_err(err)?;
    chart.draw_series(LineSeries::new(ridge.clone(), BLACK.stroke_width(2))).map_err(err)?;
    chart.draw_series(ridge.iter().map(|&p| Circle::new(p, 5, WHITE.filled()))).map_err(err)?;
    chart.draw_series(ridge.iter().map(|&p| Circle::new(p, 3, BLACK.filled()))).map_err(err)?;
    let legend = [
        ("best η per B", Sample::LineDot(BLACK)),
        ("diverged", Sample::Band(DIVERGED_COLOR.to_rgba())),
        ("target not reached", Sample::Band(UNREACHED_COLOR.to_rgba())),
    ];
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    draw_legend(root, &legend, (xr.start, yr.start, xr.end, yr.end), (false, true))?;
    draw_steps_bar(&bar, scale)?;
    Ok(frame_of(chart.plotting_area(), (x0, x1), (y0, y1), false))
}

/// The colour bar of steps to the target (fewest at the top, yellow).
fn draw_steps_bar<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, scale: Option<(f64, f64)>) -> Result<(), String> {
    let (lo, hi) = match scale {
        Some((lo, hi)) if hi > lo => (lo, hi),
        Some((lo, _)) => (lo / 2.0, lo * 2.0),
        None => (1.0, 10.0),
    };
    let mut chart = ChartBuilder::on(area)
        .margin_top(28)
        .margin_bottom(50)
        .margin_right(10)
        .y_label_area_size(40)
        .build_cartesian_2d(0.0..1.0, TickedAxis { range: lo..hi, ticks: log_ticks(lo, hi), log: true })
        .map_err(err)?;
    let n = 48;
    chart
        .draw_series((0..n).map(|k| {
            let (a, b) = (lo * (hi / lo).powf(k as f64 / n as f64), lo * (hi / lo).powf((k + 1) as f64 / n as f64));
            Rectangle::new([(0.0, a), (1.0, b)], viridis(1.0 - (k as f64 + 0.5) / n as f64).filled())
        }))
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_label_formatter(&|y| format_loss(*y))
        .label_style(("sans-serif", 11))
        .set_all_tick_mark_size(3)
        .draw()
        .map_err(err)?;
    let style = ("sans-serif", 12).into_font().color(&BLACK);
    area.draw_text("steps", &style, (2, 8)).map_err(err)?;
    Ok(())
}

/// The trade-off's data, borrowed: the best-η points and the fit.
pub struct TradeoffView<'a> {
    pub batch_sizes: &'a [f64],
    pub steps: &'a [f64],
    /// `B·S` per point.
    pub examples: &'a [f64],
    /// `(S_min, E_min)` of the fit, if any.
    pub fit: Option<(f64, f64)>,
    /// The regime boundaries are B_crit / factor and factor · B_crit.
    pub regime_factor: f64,
}

/// The fitted curve as `(S, E)` points for B from `lo` to `hi` (log-spaced), split into the
/// three regimes.
fn hyperbola(s_min: f64, e_min: f64, lo: f64, hi: f64, factor: f64) -> [Vec<(f64, f64)>; 3] {
    let b_crit = e_min / s_min;
    let mut out: [Vec<(f64, f64)>; 3] = Default::default();
    let n = 240;
    for k in 0..=n {
        let b = lo * (hi / lo).powf(k as f64 / n as f64);
        let p = (s_min + e_min / b, s_min * b + e_min);
        let r = if b < b_crit / factor {
            0
        } else if b <= b_crit * factor {
            1
        } else {
            2
        };
        // Each piece starts where the last one ended, so the curve has no gaps.
        if r > 0 && out[r].is_empty() {
            if let Some(&q) = out[r - 1].last() {
                out[r].push(q);
            }
        }
        out[r].push(p);
    }
    out
}

/// Draws the steps–examples chart; returns the plot frame (x = steps, y = examples, both log).
pub fn draw_tradeoff<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, v: &TradeoffView) -> Result<PlotFrame, String> {
    root.fill(&WHITE).map_err(err)?;
    let pts: Vec<(f64, f64, f64)> = v
        .batch_sizes
        .iter()
        .zip(v.steps.iter().zip(v.examples))
        .map(|(&b, (&s, &e))| (b, s, e))
        .filter(|&(_, s, e)| s.is_finite() && e.is_finite() && s > 0.0 && e > 0.0)
        .collect();
    let fit = v.fit.filter(|&(s, e)| s > 0.0 && e > 0.0 && s.is_finite() && e.is_finite());
    let (b_lo, b_hi) = log_range(pts.iter().map(|p| p.0)).unwrap_or((1.0, 64.0));
    // The curve spans the measured batch sizes and, within a factor of 64 of them, enough on
    // either side of B_crit to show all three regimes.
    let curve = fit.map(|(s, e)| {
        let b_crit = e / s;
        let lo = (b_lo / 2.0).min(b_crit / 16.0).max(b_lo / 64.0);
        let hi = (b_hi * 2.0).max(b_crit * 16.0).min(b_hi * 64.0);
        hyperbola(s, e, lo, hi, v.regime_factor.max(1.0))
    });
    let curve_pts = curve.iter().flat_map(|c| c.iter().flatten().copied());
    let all: Vec<(f64, f64)> = pts.iter().map(|p| (p.1, p.2)).chain(curve_pts).collect();
    let (sx0, sx1) = log_range(all.iter().map(|p| p.0)).unwrap_or((1.0, 1000.0));
    let (ey0, ey1) = log_range(all.iter().map(|p| p.1)).unwrap_or((100.0, 10000.0));
    let widen = |lo: f64, hi: f64| if hi > lo * 1.5 { (lo / 1.25, hi * 1.25) } else { (lo / 2.0, hi * 2.0) };
    let ((x0, x1), (y0, y1)) = (widen(sx0, sx1), widen(ey0, ey1));
    let mut chart = ChartBuilder::on(root)
        .margin(10)
        .margin_right(16)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(TickedAxis { range: x0..x1, ticks: log_ticks(x0, x1), log: true }, TickedAxis { range: y0..y1, ticks: log_ticks(y0, y1), log: true })
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.1))
        .x_desc("steps to the target S (log scale)")
        .y_desc("examples to the target E = B·S (log scale)")
        .x_label_formatter(&|x| format_loss(*x))
        .y_label_formatter(&|y| format_loss(*y))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    let mut legend: Vec<(&str, Sample)> = vec![("measured (best η per B)", Sample::LineDot(BLACK))];
    if let (Some((s_min, e_min)), Some(curve)) = (fit, &curve) {
        let guide = BLACK.mix(0.45).stroke_width(1);
        for (a, b) in [((s_min, y0), (s_min, y1)), ((x0, e_min), (x1, e_min))] {
            chart.draw_series(DashedLineSeries::new(vec![a, b], 5, 4, guide)).map_err(err)?;
        }
        let names = ["fit: perfect scaling", "fit: diminishing returns", "fit: plateau"];
        for ((piece, &color), name) in curve.iter().zip(&REGIME_COLORS).zip(names) {
            if piece.len() >= 2 {
                chart.draw_series(LineSeries::new(piece.clone(), color.stroke_width(3))).map_err(err)?;
                legend.push((name, Sample::Line { color, dashed: false }));
            }
        }
        legend.push(("S_min and E_min", Sample::Line { color: RGBColor(140, 140, 140), dashed: true }));
    }
    chart.draw_series(pts.iter().map(|&(_, s, e)| Circle::new((s, e), 4, BLACK.filled()))).map_err(err)?;
    let style = ("sans-serif", 11).into_font().color(&BLACK);
    // Each point's B, 6 px to the right of it and 3 px up.
    chart.draw_series(pts.iter().map(|&(b, s, e)| EmptyElement::at((s, e)) + Text::new(format!("B={b}"), (6, -14), style.clone()))).map_err(err)?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    draw_legend(root, &legend, (xr.start, yr.start, xr.end, yr.end), (true, true))?;
    Ok(frame_of(chart.plotting_area(), (x0, x1), (y0, y1), true))
}

impl crate::spec::LrMapChart {
    /// The map of a law sweep's finished `cells`: per (η, B) the mean steps to the target over
    /// the seeds that reached it; a cell is *diverged* if any seed diverged, *reached* if every
    /// finished seed reached the target, else *not reached*; and the best η per B.
    pub fn of_sweep(plan: &LawPlan, cells: &[LawCell], analysis: &LawAnalysis) -> Self {
        let (n_b, n_l) = (plan.batch_sizes.len(), plan.lrs.len());
        let mut steps = vec![f64::NAN; n_b * n_l];
        let mut state = vec![CELL_PENDING; n_b * n_l];
        for (l, &lr) in plan.lrs.iter().enumerate() {
            for (b, &batch) in plan.batch_sizes.iter().enumerate() {
                let group: Vec<&LawCell> = cells.iter().filter(|c| c.batch == batch && c.lr == lr).collect();
                let k = l * n_b + b;
                if group.is_empty() {
                    continue;
                }
                let reached: Vec<f64> = group.iter().filter(|c| c.reached()).map(|c| c.steps_to_target).collect();
                if !reached.is_empty() {
                    steps[k] = reached.iter().sum::<f64>() / reached.len() as f64;
                }
                state[k] = if group.iter().any(|c| c.diverged) {
                    CELL_DIVERGED
                } else if reached.len() == group.len() {
                    CELL_REACHED
                } else {
                    CELL_UNREACHED
                };
            }
        }
        let best_lr = plan.batch_sizes.iter().map(|&b| analysis.best_lr.iter().find(|x| x.batch == b).map_or(f64::NAN, |x| x.lr)).collect();
        Self { batch_sizes: plan.batch_sizes.iter().map(|&b| b as f64).collect(), lrs: plan.lrs.clone(), steps, state, best_lr }
    }
}

impl crate::spec::TradeoffChart {
    /// The best-η points of `analysis` and its fit (left out when it has no plateau or no
    /// scaling: S_min or E_min is 0).
    pub fn of_analysis(analysis: &LawAnalysis) -> Self {
        let best = &analysis.best_lr;
        Self {
            batch_sizes: best.iter().map(|b| b.batch as f64).collect(),
            steps: best.iter().map(|b| b.steps).collect(),
            examples: best.iter().map(|b| b.examples).collect(),
            fit: analysis.fit.as_ref().filter(|f| f.s_min > 0.0 && f.e_min > 0.0).map(|f| (f.s_min, f.e_min)),
            regime_factor: REGIME_FACTOR,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::to_svg;

    #[test]
    fn the_map_colours_cells_by_outcome_and_draws_the_ridge() {
        let bs = [1.0, 2.0, 4.0];
        let lrs = [0.1, 1.0, 10.0];
        let steps = [40.0, 20.0, 10.0, 8.0, 4.0, 2.0, f64::NAN, f64::NAN, f64::NAN];
        let state = [1, 1, 1, 1, 1, 1, 3, 3, 2];
        let best = [1.0, 1.0, 1.0];
        let svg = to_svg(640, 400, |r| draw_lr_map(r, &LrMapView { batch_sizes: &bs, lrs: &lrs, steps: &steps, state: &state, best_lr: &best })).unwrap();
        let hex = |RGBColor(r, g, b): RGBColor| format!("#{r:02X}{g:02X}{b:02X}");
        assert!(svg.matches(&hex(DIVERGED_COLOR)).count() >= 2, "two diverged cells");
        assert!(svg.contains(&hex(UNREACHED_COLOR)), "one unreached cell");
        for text in ["best η per B", "diverged", "learning rate η (log scale)", "steps"] {
            assert!(svg.contains(text), "{text}");
        }
        // A map with no cells yet still has its axes.
        let empty = to_svg(400, 300, |r| draw_lr_map(r, &LrMapView { batch_sizes: &bs, lrs: &lrs, steps: &[], state: &[], best_lr: &[] })).unwrap();
        assert!(empty.contains("batch size B (log scale)"));
    }

    #[test]
    fn the_tradeoff_draws_points_the_three_regimes_and_the_asymptotes() {
        let bs = [1.0, 4.0, 16.0, 64.0, 256.0];
        let steps: Vec<f64> = bs.iter().map(|b| 10.0 + 320.0 / b).collect();
        let examples: Vec<f64> = bs.iter().zip(&steps).map(|(b, s)| b * s).collect();
        let view = TradeoffView { batch_sizes: &bs, steps: &steps, examples: &examples, fit: Some((10.0, 320.0)), regime_factor: 4.0 };
        let svg = to_svg(640, 420, |r| draw_tradeoff(r, &view)).unwrap();
        let hex = |RGBColor(r, g, b): RGBColor| format!("#{r:02X}{g:02X}{b:02X}");
        for c in REGIME_COLORS {
            assert!(svg.contains(&hex(c)), "regime colour {c:?}");
        }
        assert!(svg.contains("B=16") && svg.contains("fit: plateau") && svg.contains("examples to the target"));
        assert_eq!(sig3(11.24683), "11.2");
        assert_eq!(sig3(0.035566), "0.0356");
        assert_eq!(sig3(2.0), "2");
        // B_crit = 32: B = 1 is perfect scaling, B = 256 the plateau.
        let [perfect, _, plateau] = hyperbola(10.0, 320.0, 1.0, 256.0, 4.0);
        assert!(perfect.iter().all(|&(s, _)| s > 10.0 + 320.0 / 8.0 - 1e-9));
        assert!(plateau.iter().skip(1).all(|&(s, _)| s < 10.0 + 320.0 / 128.0 + 1e-9));
        let none = TradeoffView { fit: None, ..view };
        assert!(!to_svg(400, 300, |r| draw_tradeoff(r, &none)).unwrap().contains("fit: plateau"));
    }
}
