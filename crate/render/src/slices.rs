//! 1-D loss profiles (slices through end points, interpolation between two of them): loss on a
//! log axis above, accuracy below, training solid and test dashed, one colour per run.

use super::{draw_curves, CurvesView, PlotFrame, Series};
use batchscape_core::landscape::Profile;
use plotters::coord::Shift;
use plotters::prelude::*;

/// One profile with its legend label and colour.
pub struct ProfileSeries<'a> {
    pub label: &'a str,
    pub profile: &'a Profile,
    pub color: RGBColor,
}

/// Profiles sharing an α axis.
pub struct ProfilesView<'a> {
    pub series: Vec<ProfileSeries<'a>>,
    pub x_label: &'a str,
    pub loss_label: &'a str,
}

/// Draws the loss panel and, when any profile has accuracies (classification), an accuracy
/// panel below it; returns each panel's frame (loss first).
pub fn draw_profiles<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, v: &ProfilesView) -> Result<Vec<PlotFrame>, String> {
    let has_acc = v.series.iter().any(|s| s.profile.train_acc.iter().any(|a| a.is_finite()));
    let labels: Vec<(String, String)> = v.series.iter().map(|s| (format!("train {}", s.label), format!("test {}", s.label))).collect();
    let panel = |pick: fn(&Profile) -> (&[f64], &[f64]), with_labels: bool| -> Vec<Series> {
        let mut out = Vec::new();
        for (s, (lt, ls)) in v.series.iter().zip(&labels) {
            let (train, test) = pick(s.profile);
            let (lt, ls) = if with_labels { (lt.as_str(), ls.as_str()) } else { ("", "") };
            out.push(Series { label: lt, xs: &s.profile.alpha, ys: train, color: s.color, dashed: false });
            out.push(Series { label: ls, xs: &s.profile.alpha, ys: test, color: s.color, dashed: true });
        }
        out
    };
    let loss = CurvesView { series: panel(|p| (&p.train_loss, &p.test_loss), true), x_label: v.x_label, y_label: v.loss_label, log_y: true };
    if !has_acc {
        return Ok(vec![draw_curves(root, &loss)?]);
    }
    let (top, bottom) = root.split_vertically(root.dim_in_pixel().1 * 3 / 5);
    let acc = CurvesView { series: panel(|p| (&p.train_acc, &p.test_acc), false), x_label: v.x_label, y_label: "accuracy", log_y: false };
    Ok(vec![draw_curves(&top, &loss)?, draw_curves(&bottom, &acc)?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{to_svg, RUN_COLORS};

    #[test]
    fn a_profile_svg_has_both_panels_and_every_label() {
        let p = Profile {
            alpha: vec![-1.0, 0.0, 1.0, 2.0],
            train_loss: vec![2.0, 0.1, 0.2, 3.0],
            test_loss: vec![2.1, 0.2, 0.3, 3.5],
            train_acc: vec![0.5, 0.99, 0.97, 0.4],
            test_acc: vec![0.5, 0.95, 0.93, 0.4],
        };
        let view = ProfilesView {
            series: vec![ProfileSeries { label: "B=8 → B=512", profile: &p, color: RUN_COLORS[1] }],
            x_label: "α (0: B=8, 1: B=512)",
            loss_label: "loss (BCE, log)",
        };
        let mut frames = vec![];
        let svg = to_svg(640, 560, |r| {
            frames = draw_profiles(r, &view)?;
            Ok(())
        })
        .unwrap();
        assert_eq!(frames.len(), 2);
        assert!(frames[0].log_y && !frames[1].log_y);
        for text in ["train B=8", "test B=8", "accuracy", "loss (BCE, log)"] {
            assert!(svg.contains(text), "{text}");
        }
    }
}
