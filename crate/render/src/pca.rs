//! The test images on their first two principal components (the core's `input_pca`),
//! coloured by one run's predicted digit, the misclassified ones ringed in black: where the
//! errors are, for data without an input plane.

use super::{err, PlotFrame, RUN_COLORS};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Ten class colours, digit by digit (d3's `category10`, Tableau's ten): distinguishable
/// side by side; never used for runs (a panel's run is named by its title).
pub const DIGIT_COLORS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// No prediction (a diverged run's non-finite output).
const NONE_COLOR: RGBColor = RGBColor(200, 200, 200);

/// One run's predictions on the test images' PCA coordinates.
pub struct PcaView<'a> {
    /// `[pc1₀, pc2₀, …]`.
    pub coords: &'a [f32],
    /// True class per image.
    pub labels: &'a [u8],
    /// Predicted class per image (≥ 10: none).
    pub predicted: &'a [u8],
    /// Variance shares of PC1 and PC2.
    pub explained: (f64, f64),
    pub title: &'a str,
    pub run: usize,
}

/// The x and y range of the points with 6 % padding (a unit box around 0 without points).
fn ranges(coords: &[f32]) -> ((f64, f64), (f64, f64)) {
    let mut r = [(f64::INFINITY, f64::NEG_INFINITY); 2];
    for p in coords.chunks_exact(2) {
        for (a, &v) in r.iter_mut().zip(p) {
            if v.is_finite() {
                *a = (a.0.min(v as f64), a.1.max(v as f64));
            }
        }
    }
    let pad = |(lo, hi): (f64, f64)| {
        if lo > hi {
            return (-1.0, 1.0);
        }
        let m = 0.06 * (hi - lo).max(1e-9);
        (lo - m, hi + m)
    };
    (pad(r[0]), pad(r[1]))
}

/// `x` as a percentage with one decimal.
fn percent(x: f64) -> String {
    format!("{:.1} %", 100.0 * x)
}

/// Draws the scatter: right predictions as small squares in the predicted digit's colour,
/// wrong ones on top as larger dots of the predicted digit's colour ringed in black, then a
/// legend of the ten digits. Returns the plot's pixels and PC ranges.
pub fn draw_pca<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, v: &PcaView) -> Result<PlotFrame, String> {
    root.fill(&WHITE).map_err(err)?;
    let (_, h) = root.dim_in_pixel();
    let legend_h = 34;
    let (plot, legend) = root.split_vertically(h.saturating_sub(legend_h));
    let ((x0, x1), (y0, y1)) = ranges(v.coords);
    let title_color = RUN_COLORS[v.run % RUN_COLORS.len()];
    let mut chart = ChartBuilder::on(&plot)
        .margin(6)
        .caption(v.title, ("sans-serif", 14).into_font().color(&title_color))
        .x_label_area_size(34)
        .y_label_area_size(42)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(4)
        .y_labels(4)
        .label_style(("sans-serif", 11))
        .axis_desc_style(("sans-serif", 11))
        .x_desc(format!("PC1 ({} of variance)", percent(v.explained.0)))
        .y_desc(format!("PC2 ({})", percent(v.explained.1)))
        .draw()
        .map_err(err)?;
    let color = |p: u8| DIGIT_COLORS.get(p as usize).copied().unwrap_or(NONE_COLOR);
    let points = || v.coords.chunks_exact(2).zip(v.labels.iter().zip(v.predicted));
    chart
        .draw_series(points().filter(|(_, (t, p))| t == p).map(|(c, (_, &p))| {
            // A 4-pixel square: on a canvas one fillRect, far cheaper than an arc per point.
            EmptyElement::at((c[0] as f64, c[1] as f64)) + Rectangle::new([(-2, -2), (2, 2)], color(p).mix(0.75).filled())
        }))
        .map_err(err)?;
    chart
        .draw_series(points().filter(|(_, (t, p))| t != p).map(|(c, (_, &p))| {
            EmptyElement::at((c[0] as f64, c[1] as f64)) + Circle::new((0, 0), 4, color(p).filled()) + Circle::new((0, 0), 5, BLACK.stroke_width(1))
        }))
        .map_err(err)?;
    // The legend: the ten digits' colours, then the ring.
    let wrong = points().filter(|(_, (t, p))| t != p).count();
    let font = ("sans-serif", 11).into_font();
    legend.draw(&Text::new("predicted:".to_string(), (6, 2), font.clone().color(&BLACK))).map_err(err)?;
    for (d, c) in DIGIT_COLORS.iter().enumerate() {
        let x = 64 + 19 * d as i32;
        legend.draw(&Rectangle::new([(x, 3), (x + 8, 11)], c.filled())).map_err(err)?;
        legend.draw(&Text::new(d.to_string(), (x + 9, 2), font.clone().color(&BLACK))).map_err(err)?;
    }
    legend.draw(&(EmptyElement::at((10, 24)) + Circle::new((0, 0), 4, DIGIT_COLORS[0].filled()) + Circle::new((0, 0), 5, BLACK.stroke_width(1)))).map_err(err)?;
    let note = format!("ringed: predicted wrong ({wrong} of {})", v.labels.len());
    legend.draw(&Text::new(note, (20, 18), font.color(&BLACK))).map_err(err)?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    Ok(PlotFrame { pixels: [xr.start, yr.start, xr.end, yr.end], x: (x0, x1), y: (y0, y1), log_y: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_pads_the_points_and_survives_none() {
        let ((x0, x1), (y0, y1)) = ranges(&[0.0, 1.0, 10.0, 3.0]);
        assert!(x0 < 0.0 && x1 > 10.0 && y0 < 1.0 && y1 > 3.0);
        assert_eq!(ranges(&[]), ((-1.0, 1.0), (-1.0, 1.0)));
    }

    #[test]
    fn the_ten_digit_colours_differ() {
        for (i, a) in DIGIT_COLORS.iter().enumerate() {
            for b in &DIGIT_COLORS[i + 1..] {
                let d = (a.0 as i32 - b.0 as i32).abs() + (a.1 as i32 - b.1 as i32).abs() + (a.2 as i32 - b.2 as i32).abs();
                assert!(d > 60, "{a:?} and {b:?} are too close");
            }
        }
    }
}
