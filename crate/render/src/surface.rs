//! The 3-D loss surface: the landscape's grid (the same plane and grid as the 2-D map,
//! [`LandscapeChart`]) drawn as a shaded surface of log loss, seen from a yaw and a pitch,
//! with every run's path lying on it (start hollow, end filled, in the run's colour).
//!
//! plotters' 3-D chart (`build_cartesian_3d`, `with_projection`) gives the projection, the
//! axis box and its tick labels. Its `SurfaceSeries` is not used: it emits the cells in grid
//! order with no depth sorting, so from half of the yaw range far cells are painted over
//! near ones. The cells here are the same quads, sorted far-to-near by plotters' own
//! `projected_depth` (the painter's algorithm) before they are drawn.

use crate::spec::{run_color, LandscapeChart};
use crate::{err, viridis, LogScale, PlotFrame};
use batchscape_core::landscape::Extent;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

/// The view angles' ranges in degrees: yaw turns the plane about the vertical axis (any
/// angle, wrapped to −180…180), pitch tilts it (from edge-on to nearly top-down).
pub const YAW_RANGE: (f64, f64) = (-180.0, 180.0);
pub const PITCH_RANGE: (f64, f64) = (5.0, 85.0);
/// The default view.
pub const DEFAULT_YAW: f64 = 35.0;
pub const DEFAULT_PITCH: f64 = 30.0;

/// One grid cell's four corners (α, height, β).
type Quad = [(f64, f64, f64); 4];

/// The landscape as a surface seen from `yaw`, `pitch` (degrees).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurfaceChart {
    pub landscape: LandscapeChart,
    pub yaw: f64,
    pub pitch: f64,
}

/// `yaw` wrapped into −180…180 and `pitch` clamped into [`PITCH_RANGE`]; non-finite values
/// are the defaults.
pub fn clamp_angles(yaw: f64, pitch: f64) -> (f64, f64) {
    let yaw = if yaw.is_finite() { (yaw + 180.0).rem_euclid(360.0) - 180.0 } else { DEFAULT_YAW };
    let pitch = if pitch.is_finite() { pitch.clamp(PITCH_RANGE.0, PITCH_RANGE.1) } else { DEFAULT_PITCH };
    (yaw, pitch)
}

/// The loss at (a, b) by bilinear interpolation of the grid in log units (0–1 of `scale`),
/// clamped to the grid's extent.
fn height(c: &LandscapeChart, unit: &[f64], a: f64, b: f64) -> f64 {
    let n = c.n;
    let t = |x: f64, (lo, hi): (f64, f64)| (((x - lo) / (hi - lo)).clamp(0.0, 1.0) * (n - 1) as f64).clamp(0.0, (n - 1) as f64);
    let (x, y) = (t(a, c.alpha), t(b, c.beta));
    let (i, j) = ((x.floor() as usize).min(n - 2), (y.floor() as usize).min(n - 2));
    let (fx, fy) = (x - i as f64, y - j as f64);
    let v = |i: usize, j: usize| unit[j * n + i];
    v(i, j) * (1.0 - fx) * (1.0 - fy) + v(i + 1, j) * fx * (1.0 - fy) + v(i, j + 1) * (1.0 - fx) * fy + v(i + 1, j + 1) * fx * fy
}

/// Draws the surface. The returned frame is the whole plot box with the plane's ranges (a
/// projected picture has no hover mapping; the page uses the frame only for its extent).
pub fn draw_surface<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, s: &SurfaceChart) -> Result<PlotFrame, String> {
    let c = &s.landscape;
    let (yaw, pitch) = clamp_angles(s.yaw, s.pitch);
    root.fill(&WHITE).map_err(err)?;
    let scale = LogScale::of(&c.values);
    let unit: Vec<f64> = c.values.iter().map(|&v| scale.unit(v as f64)).collect();
    let (a0, a1) = c.alpha;
    let (b0, b1) = c.beta;
    let mut chart = ChartBuilder::on(root)
        .margin(10)
        .caption(format!("loss surface — yaw {yaw:.0}°, pitch {pitch:.0}°"), ("sans-serif", 14))
        .build_cartesian_3d(a0..a1, 0.0..1.0, b0..b1)
        .map_err(err)?;
    chart.with_projection(|mut p| {
        p.yaw = yaw.to_radians();
        p.pitch = pitch.to_radians();
        p.scale = 0.7;
        p.into_matrix()
    });
    let loss_at = |u: &f64| {
        let v = scale.lo * (scale.hi / scale.lo).powf(*u);
        if v >= 100.0 { format!("{v:.0}") } else if v >= 1.0 { format!("{v:.2}") } else { format!("{v:.3}") }
    };
    let plain = |x: &f64| format!("{x:.1}");
    chart
        .configure_axes()
        .light_grid_style(BLACK.mix(0.08))
        .max_light_lines(2)
        .label_style(("sans-serif", 12))
        .x_labels(5)
        .y_labels(5)
        .z_labels(5)
        .x_formatter(&plain)
        .z_formatter(&plain)
        .y_formatter(&loss_at)
        .draw()
        .map_err(err)?;

    // The cells, far to near; each shaded by its height (viridis, as the 2-D map) and darkened
    // by its slope towards the viewer so the relief reads without a colour legend.
    let n = c.n;
    let at = |i: usize, n: usize, (lo, hi): (f64, f64)| Extent::coord((lo, hi), i, n);
    let mut quads: Vec<(i32, Quad, RGBColor)> = Vec::with_capacity((n - 1) * (n - 1));
    for j in 0..n - 1 {
        for i in 0..n - 1 {
            let corner = |di: usize, dj: usize| (at(i + di, n, c.alpha), unit[(j + dj) * n + i + di], at(j + dj, n, c.beta));
            let q = [corner(0, 0), corner(1, 0), corner(1, 1), corner(0, 1)];
            let mean = q.iter().map(|p| p.1).sum::<f64>() / 4.0;
            let (cx, cz) = ((q[0].0 + q[2].0) / 2.0, (q[0].2 + q[2].2) / 2.0);
            let depth = chart.as_coord_spec().projected_depth(&cx, &mean, &cz);
            // Slope shading: steep cells (large change across the cell) a little darker.
            let slope = ((q[1].1 - q[0].1 + q[2].1 - q[3].1).abs() + (q[3].1 - q[0].1 + q[2].1 - q[1].1).abs()) * (n as f64) / 8.0;
            let RGBColor(r, g, b) = viridis(mean);
            let k = 1.0 - slope.min(1.0) * 0.35;
            let color = RGBColor((r as f64 * k) as u8, (g as f64 * k) as u8, (b as f64 * k) as u8);
            quads.push((depth, q, color));
        }
    }
    // Larger projected depth is farther from the screen: those are painted first.
    quads.sort_by_key(|q| std::cmp::Reverse(q.0));
    chart
        .draw_series(quads.iter().map(|(_, q, color)| Polygon::new(q.to_vec(), color.filled())))
        .map_err(err)?;
    // A light wireframe every few cells, so the surface's shape reads in grey print too.
    let every = (n / 10).max(1);
    for j in (0..n).step_by(every) {
        let line: Vec<_> = (0..n).map(|i| (at(i, n, c.alpha), unit[j * n + i], at(j, n, c.beta))).collect();
        chart.draw_series(std::iter::once(PathElement::new(line, WHITE.mix(0.35)))).map_err(err)?;
    }
    for i in (0..n).step_by(every) {
        let line: Vec<_> = (0..n).map(|j| (at(i, n, c.alpha), unit[j * n + i], at(j, n, c.beta))).collect();
        chart.draw_series(std::iter::once(PathElement::new(line, WHITE.mix(0.35)))).map_err(err)?;
    }

    // The paths, lifted a hair above the surface; drawn last, so a path behind a ridge still shows.
    let lift = 0.015;
    for p in &c.paths {
        let pts: Vec<(f64, f64, f64)> =
            p.points.chunks_exact(2).map(|q| (q[0], height(c, &unit, q[0], q[1]) + lift, q[1])).collect();
        let color = run_color(p.run);
        chart.draw_series(std::iter::once(PathElement::new(pts.clone(), BLACK.mix(0.7).stroke_width(5)))).map_err(err)?;
        chart.draw_series(std::iter::once(PathElement::new(pts.clone(), color.stroke_width(3)))).map_err(err)?;
        if let (Some(&st), Some(&en)) = (pts.first(), pts.last()) {
            chart.draw_series([Circle::new(st, 7, BLACK.stroke_width(4))]).map_err(err)?;
            chart.draw_series([Circle::new(st, 7, WHITE.stroke_width(2))]).map_err(err)?;
            chart.draw_series([Circle::new(en, 7, BLACK.filled())]).map_err(err)?;
            chart.draw_series([Circle::new(en, 5, color.filled())]).map_err(err)?;
        }
    }

    // Axis titles at the projected middles of three box edges (plotters' 3-D axes have no titles).
    let style = ("sans-serif", 13).into_font().color(&BLACK.mix(0.85));
    let titles = [
        ((a0 + a1) / 2.0, 0.0, b0, c.alpha_label.as_str()),
        (a1, 0.0, (b0 + b1) / 2.0, c.beta_label.as_str()),
        (a0, 1.05, b0, "loss (log)"),
    ];
    for (x, y, z, text) in titles {
        let (px, py) = chart.as_coord_spec().translate(&(x, y, z));
        root.draw(&Text::new(text.to_string(), (px, py + 14), style.clone())).map_err(err)?;
    }
    let (w, h) = root.dim_in_pixel();
    Ok(PlotFrame { pixels: [0, 0, w as i32, h as i32], x: c.alpha, y: c.beta, log_y: false })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Chart, PathSpec};

    fn bowl(n: usize) -> LandscapeChart {
        let values = (0..n * n)
            .map(|k| {
                let (x, y) = ((k % n) as f32 / (n - 1) as f32 - 0.5, (k / n) as f32 / (n - 1) as f32 - 0.5);
                0.05 + x * x + 2.0 * y * y
            })
            .collect();
        LandscapeChart {
            n,
            alpha: (-1.0, 1.0),
            beta: (-1.0, 1.0),
            values,
            paths: vec![PathSpec { run: Some(2), points: vec![-0.8, 0.8, -0.2, 0.3, 0.0, 0.0] }],
            alpha_label: "α (first direction)".into(),
            beta_label: "β (second direction)".into(),
        }
    }

    #[test]
    fn angles_wrap_and_clamp_and_bad_values_are_the_default() {
        assert_eq!(clamp_angles(190.0, 100.0), (-170.0, PITCH_RANGE.1));
        assert_eq!(clamp_angles(-30.0, 0.0), (-30.0, PITCH_RANGE.0));
        assert_eq!(clamp_angles(f64::NAN, f64::INFINITY), (DEFAULT_YAW, DEFAULT_PITCH));
    }

    #[test]
    fn the_height_interpolates_the_grid_and_clamps_outside_it() {
        let c = LandscapeChart { n: 2, values: vec![0.0; 4], ..bowl(2) };
        let unit = [0.0, 1.0, 0.0, 1.0];
        assert!((height(&c, &unit, 0.0, 0.0) - 0.5).abs() < 1e-12);
        assert_eq!(height(&c, &unit, 5.0, 0.0), 1.0);
        assert_eq!(height(&c, &unit, -5.0, 0.3), 0.0);
    }

    #[test]
    fn the_surface_draws_paths_in_run_colours_and_differs_by_angle() {
        let chart = |yaw, pitch| Chart::Surface(SurfaceChart { landscape: bowl(12), yaw, pitch });
        let a = chart(35.0, 30.0).to_svg(480, 360).unwrap();
        let b = chart(-60.0, 50.0).to_svg(480, 360).unwrap();
        let RGBColor(r, g, bb) = RUN_COLORS_2;
        assert!(a.contains(&format!("#{r:02X}{g:02X}{bb:02X}")), "run 2's colour in the SVG");
        assert!(a.contains("yaw 35°") && b.contains("yaw -60°"));
        assert!(a.contains("α (first direction)") && a.contains("loss (log)"));
        assert_ne!(a, b);
        let bad = Chart::Surface(SurfaceChart { landscape: LandscapeChart { values: vec![1.0; 3], ..bowl(12) }, yaw: 0.0, pitch: 0.0 });
        assert_eq!(bad.check().unwrap_err(), "landscape values: 3 values where 144 were expected");
    }

    const RUN_COLORS_2: RGBColor = crate::RUN_COLORS[2];
}
