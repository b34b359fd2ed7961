//! The figures for data without an input plane (the digits): `confusion.svg` (every run's
//! confusion matrix on the test set, side by side) and `digits.svg` (the page's grid of test
//! digits with each run's predicted label) and `pca.svg` (the test digits on their first two
//! principal components, one panel per run coloured by its predictions, errors ringed), from
//! the core's `images::ImageReport` and `input_pca::Projection` — the same numbers and charts
//! the page draws.

use batchscape_core::images::{image_report, shown_images, ImageReport};
use batchscape_core::input_pca::{test_projection, Projection};
use batchscape_core::scenario::Scenario;
use batchscape_render::spec::{Chart, ConfusionChart, DigitGridChart, PcaChart, PredictionSpec};

/// Images per row of `digits.svg` (the page's `GRID_COLUMNS`).
const GRID_COLUMNS: usize = 10;

/// Size of one run's panel of `pca.svg` (the page's PCA canvas).
const PCA_SIZE: (u32, u32) = (300, 330);

/// The report of each run's final θ, or `None` when the data has an input plane.
pub fn reports(scenario: &Scenario, ends: &[Vec<f32>]) -> Option<Vec<ImageReport>> {
    (scenario.mlp.input_dim() > 2).then(|| ends.iter().map(|theta| image_report(&scenario.mlp, theta, &scenario.split.test)).collect())
}

/// The test digits' projection (`metrics.json`'s `pca`: shares and fingerprint; `pca.svg`).
pub fn projection(scenario: &Scenario) -> Projection {
    test_projection(&scenario.split.test)
}

/// Draws `charts` side by side, `w × h` each, as one SVG.
fn row_svg(charts: &[Chart], w: u32, h: u32) -> Result<String, String> {
    let n = charts.len().max(1);
    batchscape_render::to_svg(w * n as u32, h, |root| {
        for (area, chart) in root.split_evenly((1, n)).iter().zip(charts) {
            chart.draw(area, batchscape_render::Cells::Rectangles)?;
        }
        Ok(())
    })
}

/// `confusion.svg`, `digits.svg` and `pca.svg` for the runs of `batches` (same order as `reports`).
pub fn figures(scenario: &Scenario, batches: &[usize], reports: &[ImageReport]) -> Result<Vec<(String, String)>, String> {
    let charts: Vec<Chart> = reports
        .iter()
        .zip(batches)
        .enumerate()
        .map(|(k, (r, b))| {
            Chart::Confusion(ConfusionChart { classes: r.classes, counts: r.confusion.clone(), title: format!("Run {}: B = {b}", k + 1), run: k })
        })
        .collect();
    let confusion = row_svg(&charts, 260, 280)?;
    let (images, labels) = shown_images(&scenario.split.test);
    let shown = labels.len();
    let predictions = reports
        .iter()
        .zip(batches)
        .enumerate()
        .map(|(k, (r, b))| PredictionSpec { run: k, label: format!("Run {} (B = {b})", k + 1), predicted: r.predicted[..shown.min(r.predicted.len())].to_vec() })
        .collect();
    let grid = Chart::DigitGrid(DigitGridChart {
        side: 8,
        images,
        labels,
        predictions,
        columns: GRID_COLUMNS,
        title: "Test digits: true label (black), then each run\u{2019}s prediction (boxed when wrong)".into(),
    });
    let p = projection(scenario);
    let panels: Vec<Chart> = reports
        .iter()
        .zip(batches)
        .enumerate()
        .map(|(k, (r, b))| {
            Chart::Pca(PcaChart {
                coords: p.coords.clone(),
                labels: p.labels.clone(),
                predicted: r.predicted.clone(),
                explained: (p.explained[0], p.explained[1]),
                title: format!("Run {}: B = {b}", k + 1),
                run: k,
            })
        })
        .collect();
    Ok(vec![
        ("confusion.svg".into(), confusion),
        ("digits.svg".into(), grid.to_svg(560, 276)?),
        ("pca.svg".into(), row_svg(&panels, PCA_SIZE.0, PCA_SIZE.1)?),
    ])
}
