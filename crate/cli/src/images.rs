//! The figures for data without an input plane (the digits): `confusion.svg` (every run's
//! confusion matrix on the test set, side by side) and `digits.svg` (the page's grid of test
//! digits with each run's predicted label), from the core's `images::ImageReport` — the same
//! numbers and charts the page draws.

use batchscape_core::images::{image_report, shown_images, ImageReport};
use batchscape_core::scenario::Scenario;
use batchscape_render::spec::{Chart, ConfusionChart, DigitGridChart, PredictionSpec};

/// Images per row of `digits.svg` (the page's `GRID_COLUMNS`).
const GRID_COLUMNS: usize = 10;

/// The report of each run's final θ, or `None` when the data has an input plane.
pub fn reports(scenario: &Scenario, ends: &[Vec<f32>]) -> Option<Vec<ImageReport>> {
    (scenario.mlp.input_dim() > 2).then(|| ends.iter().map(|theta| image_report(&scenario.mlp, theta, &scenario.split.test)).collect())
}

/// `confusion.svg` and `digits.svg` for the runs of `batches` (same order as `reports`).
pub fn figures(scenario: &Scenario, batches: &[usize], reports: &[ImageReport]) -> Result<Vec<(String, String)>, String> {
    let charts: Vec<Chart> = reports
        .iter()
        .zip(batches)
        .enumerate()
        .map(|(k, (r, b))| {
            Chart::Confusion(ConfusionChart { classes: r.classes, counts: r.confusion.clone(), title: format!("Run {}: B = {b}", k + 1), run: k })
        })
        .collect();
    let n = charts.len().max(1);
    let confusion = batchscape_render::to_svg(260 * n as u32, 280, |root| {
        for (area, chart) in root.split_evenly((1, n)).iter().zip(&charts) {
            chart.draw(area, batchscape_render::Cells::Rectangles)?;
        }
        Ok(())
    })?;
    let (images, labels) = shown_images(&scenario.split.test);
    let predictions = reports
        .iter()
        .zip(batches)
        .enumerate()
        .map(|(k, (r, b))| PredictionSpec { run: k, label: format!("Run {} (B = {b})", k + 1), predicted: r.predicted.clone() })
        .collect();
    let grid = Chart::DigitGrid(DigitGridChart {
        side: 8,
        images,
        labels,
        predictions,
        columns: GRID_COLUMNS,
        title: "Test digits: true label (black), then each run\u{2019}s prediction (boxed when wrong)".into(),
    });
    Ok(vec![("confusion.svg".into(), confusion), ("digits.svg".into(), grid.to_svg(560, 276)?)])
}
