//! The page's other views as files, each built as the page's view builds its chart
//! (www/views/*.js) and drawn by the same render code: the 3-D surface (`surface.svg`, the
//! landscape chart seen from the page's default angle), the dynamics (`dynamics_lambda.svg`:
//! λ_max against 2/η; `dynamics_noise.svg`: B_simple against each run's B), the decision maps
//! (`boundaries.svg`, one per run, for data with an input plane) and the cost table (`cost.md`
//! and the `cost` object of metrics.json).

use batchscape_core::analysis::AnalysisHistory;
use batchscape_core::boundary::{decision_map, frame_of, points_of};
use batchscape_core::facts::{cost_table, limits, memory_per_step, CostInput, CostTable};
use batchscape_core::scenario::Scenario;
use batchscape_render::spec::{BoundaryChart, LandscapeChart, LineSpec, LinesChart};
use batchscape_render::surface::{SurfaceChart, DEFAULT_PITCH, DEFAULT_YAW};
use batchscape_render::{Cells, Chart};

/// Decision-map grid points per axis (the page's run worker: `BOUNDARY_N` in www/worker.js).
pub const BOUNDARY_N: usize = 41;

/// One finished (or diverged) run as these views read it.
pub struct RunView<'a> {
    pub batch: usize,
    pub lr: f64,
    pub steps: usize,
    pub diverged: bool,
    pub wall_ms: f64,
    pub final_test_acc: f64,
    pub final_test_loss: f64,
    pub theta: &'a [f32],
    /// The trainer's step and training loss at each history record.
    pub history_step: Vec<f64>,
    pub train_loss: &'a [f64],
    /// λ_max and B_simple along training (the analysis).
    pub analysis: &'a AnalysisHistory,
}

/// `surface.svg`: the landscape chart as the page's 3-D surface at its default yaw and pitch.
pub fn surface(landscape: &LandscapeChart) -> Result<(String, String), String> {
    let chart = Chart::Surface(SurfaceChart { landscape: landscape.clone(), yaw: DEFAULT_YAW, pitch: DEFAULT_PITCH });
    Ok(("surface.svg".into(), chart.to_svg(640, 540)?))
}

/// A dynamics chart (www/views/dynamics.js `dynamicsChart`): each run's `pick(history)` by
/// step and a dashed guide line at `guide(run)`, log y.
fn dynamics_chart(runs: &[RunView], pick: fn(&AnalysisHistory) -> &[f64], guide: fn(&RunView) -> f64, y_label: &str) -> Chart {
    let series = runs
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.analysis.step.is_empty())
        .flat_map(|(k, r)| {
            let h = r.analysis;
            let x: Vec<f64> = h.step.iter().map(|&s| f64::from(s)).collect();
            let end = x.last().copied().unwrap_or(0.0).max(1.0);
            let g = guide(r);
            [
                LineSpec { x, y: pick(h).to_vec(), run: Some(k), dashed: false, label: format!("B={}", r.batch) },
                LineSpec { x: vec![0.0, end], y: vec![g, g], run: Some(k), dashed: true, label: String::new() },
            ]
        })
        .collect();
    Chart::Lines(LinesChart { series, x_label: "step".into(), y_label: y_label.into(), log_y: true })
}

/// `dynamics_lambda.svg` and `dynamics_noise.svg` (none when no run has an analysis history).
pub fn dynamics(runs: &[RunView]) -> Result<Vec<(String, String)>, String> {
    if runs.iter().all(|r| r.analysis.step.is_empty()) {
        return Ok(Vec::new());
    }
    let lambda = dynamics_chart(runs, |h| &h.lambda_max, |r| 2.0 / r.lr, "λ_max (dashed: 2/η)");
    let noise = dynamics_chart(runs, |h| &h.b_simple, |r| r.batch as f64, "B_simple (dashed: the run's B)");
    Ok(vec![("dynamics_lambda.svg".into(), lambda.to_svg(640, 400)?), ("dynamics_noise.svg".into(), noise.to_svg(640, 400)?)])
}

/// `x` to 3 significant digits, as the page's titles write a test loss (`toPrecision(3)`;
/// from 1000 on the whole number, where JavaScript switches to exponent notation).
fn precision3(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return format!("{x}");
    }
    let digits = (2 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

/// `boundaries.svg`: every run's decision map (or fitted curve) with the training points,
/// side by side, titled as the page titles them (www/views/boundaries.js); `None` for data
/// without an input plane (the digits have confusion.svg, digits.svg and pca.svg instead).
pub fn boundaries(scenario: &Scenario, runs: &[RunView]) -> Result<Option<(String, String)>, String> {
    if scenario.mlp.input_dim() > 2 || runs.is_empty() {
        return Ok(None);
    }
    let train = &scenario.split.train;
    let frame = frame_of(train);
    let n = limits::clamp(BOUNDARY_N, limits::BOUNDARY_N);
    let (points, labels) = (points_of(train), train.y.clone());
    let charts: Vec<Chart> = runs
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let score = if r.final_test_acc.is_finite() {
                format!(" · test acc {:.1} %", 100.0 * r.final_test_acc)
            } else {
                format!(" · test loss {}", precision3(r.final_test_loss))
            };
            Chart::Boundary(BoundaryChart {
                map: decision_map(&scenario.mlp, r.theta, &frame, n),
                points: points.clone(),
                labels: labels.clone(),
                title: format!("Run {}: B = {}{score}", k + 1, r.batch),
                run: k,
            })
        })
        .collect();
    let svg = batchscape_render::to_svg(260 * charts.len() as u32, 260, |root| {
        for (area, chart) in root.split_evenly((1, charts.len())).iter().zip(&charts) {
            chart.draw(area, Cells::Rectangles)?;
        }
        Ok(())
    })?;
    Ok(Some(("boundaries.svg".into(), svg)))
}

/// The cost table (the page's cost view): per run, time per step measured here, examples per
/// second, memory per step, and steps and examples to the common training loss of
/// [`cost_table`]. Returns `cost.md` and the numbers for metrics.json.
pub fn cost(scenario: &Scenario, runs: &[RunView]) -> Result<((String, String), serde_json::Value), String> {
    let inputs: Vec<CostInput> = runs
        .iter()
        .enumerate()
        .map(|(k, r)| CostInput { slot: k, batch: r.batch, finished: !r.diverged, steps: &r.history_step, train_loss: r.train_loss })
        .collect();
    let table: CostTable = cost_table(&inputs);
    let method = scenario.settings.optimizer;
    let num = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{v:.0}"));
    let target = table.target.map_or("–".to_string(), |t| format!("{t:.4}"));
    let mut md = format!(
        "# Cost\n\nTimes are this machine's, natively (the page's table shows the browser's). Steps and examples are to the common training loss {target} (1.01 × the highest of the finished runs' best training losses).\n\n| run | B | η | steps | ms per step | examples per s | memory per step (bytes) | steps to {target} | examples to {target} |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    );
    let mut rows = Vec::new();
    for (r, row) in runs.iter().zip(&table.rows) {
        let ms = if r.steps > 0 { r.wall_ms / r.steps as f64 } else { f64::NAN };
        let per_s = 1e3 * r.batch as f64 / ms;
        let memory = memory_per_step(&scenario.mlp, r.batch, method);
        md.push_str(&format!(
            "| {} | {} | {} | {}{} | {:.4} | {:.0} | {memory} | {} | {} |\n",
            row.slot + 1,
            r.batch,
            r.lr,
            r.steps,
            if r.diverged { " (diverged)" } else { "" },
            ms,
            per_s,
            num(row.steps),
            num(row.examples)
        ));
        rows.push(serde_json::json!({
            "batch_size": r.batch, "lr": r.lr, "ms_per_step": ms, "examples_per_second": per_s,
            "memory_per_step": memory, "steps_to_target": row.steps, "examples_to_target": row.examples,
        }));
    }
    Ok((("cost.md".into(), md), serde_json::json!({ "target": table.target, "rows": rows })))
}

#[cfg(test)]
mod tests {
    use super::precision3;

    #[test]
    fn three_significant_digits() {
        assert_eq!([precision3(0.012345), precision3(1.5), precision3(123.4), precision3(4567.0)], ["0.0123", "1.50", "123", "4567"]);
    }
}
