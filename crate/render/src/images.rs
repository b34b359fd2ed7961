//! Pictures for data without an input plane (the 8×8 digits): a run's confusion matrix, and a
//! grid of test images with each run's predicted label. Drawn in pixel coordinates on the
//! drawing area (no axes to scale), so they look the same on a canvas and in SVG.

use super::{err, PlotFrame, REFERENCE_COLOR, RUN_COLORS};
use crate::CLASS_COLORS;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A confusion matrix: `counts[a·K + p]` test images of true class `a` predicted as `p`.
pub struct ConfusionView<'a> {
    pub classes: usize,
    pub counts: &'a [u32],
    pub title: &'a str,
    pub run: usize,
}

/// `t ∈ [0, 1]` of the way from white to `c`.
fn shade(c: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let mix = |a: u8| (255.0 + (a as f64 - 255.0) * t).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

fn centred(size: u32) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", size).into_font()).pos(Pos::new(HPos::Center, VPos::Center))
}

fn centred_on<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, text: &str, at: (i32, i32), size: u32, color: RGBColor) -> Result<(), String> {
    root.draw(&Text::new(text.to_string(), at, centred(size).color(&color))).map_err(err)
}

/// Draws a confusion matrix: rows the true class, columns the predicted one; each cell's
/// shade is its share of the true class (blue on the diagonal, vermillion off it) and holds
/// its count. Returns the matrix's pixels, with x and y in classes.
pub fn draw_confusion<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, v: &ConfusionView) -> Result<PlotFrame, String> {
    root.fill(&WHITE).map_err(err)?;
    let (w, h) = root.dim_in_pixel();
    let k = v.classes.max(1) as i32;
    let color = RUN_COLORS[v.run % RUN_COLORS.len()];
    centred_on(root, v.title, (w as i32 / 2, 10), 14, color)?;
    let (left, top) = (36i32, 44i32);
    let size = ((w as i32 - left - 6).min(h as i32 - top - 6)).max(k);
    let cell = size / k;
    centred_on(root, "predicted", (left + cell * k / 2, 24), 11, REFERENCE_COLOR)?;
    // "true" reads upwards along the rows' labels.
    let up = TextStyle::from(("sans-serif", 11).into_font().transform(FontTransform::Rotate270)).color(&REFERENCE_COLOR).pos(Pos::new(HPos::Center, VPos::Center));
    root.draw(&Text::new("true".to_string(), (9, top + cell * k / 2), up)).map_err(err)?;
    for a in 0..k {
        let row = &v.counts[(a * k) as usize..((a + 1) * k) as usize];
        let total = row.iter().sum::<u32>().max(1) as f64;
        centred_on(root, &a.to_string(), (left - 7, top + a * cell + cell / 2), 10, BLACK)?;
        for p in 0..k {
            let n = row[p as usize];
            let share = n as f64 / total;
            let c = if a == p { shade(CLASS_COLORS[0], share) } else { shade(CLASS_COLORS[1], (3.0 * share).sqrt()) };
            let (x0, y0) = (left + p * cell, top + a * cell);
            root.draw(&Rectangle::new([(x0, y0), (x0 + cell - 1, y0 + cell - 1)], c.filled())).map_err(err)?;
            if n > 0 {
                let ink = if (a == p && share > 0.6) || (a != p && share > 0.25) { WHITE } else { BLACK };
                centred_on(root, &n.to_string(), (x0 + cell / 2, y0 + cell / 2), if cell >= 20 { 10 } else { 8 }, ink)?;
            }
        }
    }
    for p in 0..k {
        centred_on(root, &p.to_string(), (left + p * cell + cell / 2, top - 8), 10, BLACK)?;
    }
    Ok(PlotFrame { pixels: [left, top, left + cell * k, top + cell * k], x: (0.0, k as f64), y: (0.0, k as f64), log_y: false })
}

/// One run's predictions of the shown images (`classes`, i.e. out of range, for none).
pub struct PredictionView<'a> {
    pub run: usize,
    pub label: &'a str,
    pub predicted: &'a [u8],
}

/// Test images (`side × side` values in [0, 1] each, row-major) with their labels and each
/// run's predictions.
pub struct DigitGridView<'a> {
    pub side: usize,
    pub images: &'a [f32],
    pub labels: &'a [f32],
    pub predictions: Vec<PredictionView<'a>>,
    pub columns: usize,
    pub title: &'a str,
}

/// Draws the grid: each image in grey (ink dark), its true label under it, then each run's
/// prediction in the run's colour — a wrong one white on a filled run-coloured box, and the
/// image framed in black when any run got it wrong (black, not a colour: every colour here
/// names a run). Returns the grid's pixels.
pub fn draw_digit_grid<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, v: &DigitGridView) -> Result<PlotFrame, String> {
    root.fill(&WHITE).map_err(err)?;
    let (w, _) = root.dim_in_pixel();
    let side = v.side.max(1);
    let count = v.labels.len();
    let cols = v.columns.max(1) as i32;
    centred_on(root, v.title, (w as i32 / 2, 10), 13, BLACK)?;
    // Legend: the runs' colours and labels.
    let mut lx = 6;
    for p in &v.predictions {
        let c = RUN_COLORS[p.run % RUN_COLORS.len()];
        root.draw(&Rectangle::new([(lx, 22), (lx + 9, 31)], c.filled())).map_err(err)?;
        root.draw(&Text::new(p.label.to_string(), (lx + 12, 21), ("sans-serif", 11).into_font().color(&c))).map_err(err)?;
        lx += 16 + 7 * p.label.chars().count() as i32;
    }
    let top = 38;
    let cw = (w as i32 - 4) / cols;
    let px = ((cw - 8) / side as i32).max(1);
    let img = px * side as i32;
    let label_h = 13;
    let ch = img + 6 + label_h;
    for i in 0..count {
        let (cx, cy) = (2 + (i as i32 % cols) * cw, top + (i as i32 / cols) * ch);
        let x0 = cx + (cw - img) / 2;
        let truth = v.labels[i] as i64;
        let wrong = v.predictions.iter().any(|p| p.predicted.get(i).map(|&q| q as i64) != Some(truth));
        if wrong {
            root.draw(&Rectangle::new([(x0 - 2, cy - 2), (x0 + img + 1, cy + img + 1)], BLACK.stroke_width(2))).map_err(err)?;
        }
        for r in 0..side {
            for c in 0..side {
                let val = v.images.get(i * side * side + r * side + c).copied().unwrap_or(0.0).clamp(0.0, 1.0);
                let g = (255.0 * (1.0 - val)).round() as u8;
                let (x, y) = (x0 + c as i32 * px, cy + r as i32 * px);
                root.draw(&Rectangle::new([(x, y), (x + px, y + px)], RGBColor(g, g, g).filled())).map_err(err)?;
            }
        }
        // Labels: the truth in black, then one per run.
        let n = 1 + v.predictions.len() as i32;
        let slot = (cw / n).max(8);
        let ly = cy + img + 3 + label_h / 2;
        let lx0 = cx + (cw - slot * n) / 2 + slot / 2;
        centred_on(root, &truth.to_string(), (lx0, ly), 11, BLACK)?;
        for (q, p) in v.predictions.iter().enumerate() {
            let c = RUN_COLORS[p.run % RUN_COLORS.len()];
            let at = lx0 + (q as i32 + 1) * slot;
            let text = match p.predicted.get(i) {
                Some(&d) if d < 10 => d.to_string(),
                _ => "–".to_string(),
            };
            if p.predicted.get(i).map(|&d| d as i64) == Some(truth) {
                centred_on(root, &text, (at, ly), 10, c)?;
            } else {
                root.draw(&Rectangle::new([(at - slot / 2 + 1, ly - 6), (at + slot / 2 - 1, ly + 6)], c.filled())).map_err(err)?;
                centred_on(root, &text, (at, ly), 10, WHITE)?;
            }
        }
    }
    let rows = (count as i32 + cols - 1) / cols;
    Ok(PlotFrame { pixels: [2, top, 2 + cols * cw, top + rows * ch], x: (0.0, cols as f64), y: (0.0, rows as f64), log_y: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_to_colour_shades_end_at_the_colour() {
        assert_eq!(shade(CLASS_COLORS[1], 0.0), WHITE);
        assert_eq!(shade(CLASS_COLORS[1], 1.0), CLASS_COLORS[1]);
    }
}
