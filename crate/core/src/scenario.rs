//! A scenario built from settings: data, network and initial parameters shared by all runs,
//! plus the end-of-run report the native tool writes and the page shows.
//!
//! The network's input width is the data set's (2, or 1 for the regression sets), its hidden
//! widths are `hidden`, and its loss follows from the data set (BCE from logits for
//! classification, MSE for regression; [`Settings::loss`]). Run `k` with batch size B gets
//! η = `lr_rule`(η₀, B, B₀), `steps_for(B)` steps (under `budget=loss` the cap `max_steps`, with
//! the target `target_loss`), the scenario's optimizer and warm-up.

use crate::data::Split;
use crate::landscape::{Extent, Grid, Plane};
use crate::model::{Mlp, Workspace};
use crate::rng::{fnv1a_f32, Mulberry32, Streams};
use crate::settings::{Checked, Settings, SettingsError};
use crate::train::{History, RunSpec, Status, Trainer};
use serde::Serialize;
use std::sync::Arc;

/// History points recorded per run (each is a full train + test evaluation and a θ snapshot).
pub const N_RECORDS: usize = 120;

/// Everything the runs of one scenario share. All runs start from `theta0`.
pub struct Scenario {
    pub settings: Checked,
    pub streams: Streams,
    pub split: Arc<Split>,
    pub mlp: Mlp,
    pub theta0: Vec<f32>,
}

impl Scenario {
    /// The scenario of `settings`, which are valid by type: [`Checked`] comes only from
    /// [`Settings::check`] and the parsers ([`Scenario::try_new`] checks for you).
    pub fn new(settings: &Checked) -> Self {
        let streams = Streams::from_seed(settings.seed);
        let split = settings.data_spec().generate_from(&settings.points, streams.data);
        let mlp = Mlp::with_outputs(settings.dataset.input_dim(), &settings.hidden, settings.dataset.outputs(), settings.act, settings.loss());
        let theta0 = mlp.init_glorot(&mut Mulberry32::new(streams.init));
        Self { settings: settings.clone(), streams, split: Arc::new(split), mlp, theta0 }
    }

    /// [`Scenario::new`] after [`Settings::check`].
    pub fn try_new(settings: &Settings) -> Result<Self, SettingsError> {
        Ok(Self::new(&settings.check()?))
    }

    /// The run of batch size `batch_size` (clamped to 1 ..= N) under these settings.
    pub fn spec(&self, batch_size: usize) -> RunSpec {
        let s = &self.settings;
        let b = batch_size.clamp(1, s.n_train);
        RunSpec {
            batch_size: b,
            lr: s.lr_for(b),
            steps: s.steps_for(b),
            target_loss: s.target_for_runs(),
            n_records: N_RECORDS,
            warmup: s.warmup,
            optim: s.optim(),
            lr_rule: s.lr_rule,
            base_lr: s.lr,
            base_batch: s.base_batch,
        }
    }

    /// The settings of one run: the scenario's, with `batch` = [B].
    pub fn run_settings(&self, batch_size: usize) -> Settings {
        Settings { batch: vec![self.spec(batch_size).batch_size], ..self.settings.settings().clone() }
    }

    pub fn trainer(&self, batch_size: usize) -> Trainer {
        Trainer::new(&self.mlp, self.split.clone(), &self.theta0, self.spec(batch_size), self.streams.shuffle)
    }

    /// The landscape of a finished (or current) run: the plane through its start and end, the
    /// path projected on it, and an `n × n` grid of the training loss over an extent fitted
    /// to the path.
    pub fn landscape(&self, history: &History, end: &[f32], n: usize) -> Landscape {
        let mut land = self.plan_landscape(history, end, n);
        let mut ws = Workspace::new(&self.mlp, 256);
        self.fill_landscape(&mut land, &mut ws, n);
        land
    }

    /// The plane and projected path of a landscape, with its grid still to be filled.
    pub fn plan_landscape(&self, history: &History, end: &[f32], n: usize) -> Landscape {
        // A diverged run's last θ may hold NaN/∞: map the last finite point instead.
        let finite = |t: &&Vec<f32>| t.iter().all(|v| v.is_finite() && v.abs() < 1e15);
        let end = if end.iter().all(|v| v.is_finite() && v.abs() < 1e15) {
            end
        } else {
            history.theta.iter().rev().find(finite).map(Vec::as_slice).unwrap_or(&self.theta0)
        };
        let plane = Plane::through_run(&self.mlp, &self.theta0, end, self.streams.dirs);
        let path: Vec<(f64, f64)> = history.theta.iter().filter(finite).map(|t| plane.project(t)).collect();
        let extent = Extent::fitted(Extent { alpha: (-0.5, 1.5), beta: (-1.0, 1.0) }, &path);
        let grid = Grid::new(n, extent, self.mlp.n_params());
        Landscape { plane, path, grid }
    }

    /// Fills up to `rows` more rows of the grid; returns whether it is complete.
    pub fn fill_landscape(&self, land: &mut Landscape, ws: &mut Workspace<f32>, rows: usize) -> bool {
        land.grid.fill_rows(&self.mlp, &land.plane, &self.split.train, ws, rows);
        land.grid.is_done()
    }
}

/// A computed landscape with its path.
pub struct Landscape {
    pub plane: Plane,
    pub path: Vec<(f64, f64)>,
    pub grid: Grid,
}

/// One run as the native tool reports it in `metrics.json` (fields documented in
/// `docs/metrics.md`).
#[derive(Serialize)]
pub struct RunReport {
    /// The run's settings (the scenario's with `batch` = [B]); null from [`RunReport::new`].
    pub settings: serde_json::Value,
    pub batch_size: usize,
    /// The effective learning rate η of this run (after the rule, before warm-up).
    pub lr: f64,
    /// Steps taken (equals `planned_steps` unless the run diverged).
    pub steps: usize,
    pub planned_steps: usize,
    pub steps_per_epoch: usize,
    pub status: Status,
    pub diverged: bool,
    /// The step at which the run diverged, or null.
    pub diverged_at_step: Option<usize>,
    /// "finished" or "diverged at step k: reason; hint"; under budget=loss "finished: reached
    /// the target loss X at step k" or "finished: did not reach the target loss X in S steps".
    pub message: String,
    /// budget=loss: whether the run's full training loss reached `target_loss` (false if it
    /// stopped at `max_steps` or diverged); null under the other budgets.
    pub reached_target: Option<bool>,
    pub final_train_loss: f64,
    pub final_test_loss: f64,
    pub final_train_acc: f64,
    pub final_test_acc: f64,
    /// FNV-1a 32 of the final θ's f32 bytes, as 8 hex digits: equal fingerprints mean
    /// bit-identical runs (native vs browser).
    pub theta_fingerprint: String,
    pub history: History,
}

impl RunReport {
    pub fn new(trainer: &Trainer) -> Self {
        let h = trainer.history().clone();
        let last = |v: &[f64]| v.last().copied().unwrap_or(f64::NAN);
        let diverged_at_step = match trainer.status() {
            Status::Diverged { step, .. } => Some(*step),
            _ => None,
        };
        Self {
            settings: serde_json::Value::Null,
            batch_size: trainer.spec().batch_size,
            lr: trainer.spec().lr,
            steps: trainer.step(),
            planned_steps: trainer.spec().steps,
            steps_per_epoch: trainer.steps_per_epoch(),
            status: trainer.status().clone(),
            diverged: diverged_at_step.is_some(),
            diverged_at_step,
            message: trainer.message(),
            reached_target: trainer.reached_target(),
            final_train_loss: last(&h.train_loss),
            final_test_loss: last(&h.test_loss),
            final_train_acc: last(&h.train_acc),
            final_test_acc: last(&h.test_acc),
            theta_fingerprint: format!("{:08x}", fnv1a_f32(trainer.theta())),
            history: h,
        }
    }

    /// The report of a run of `scenario`, with the run's settings.
    pub fn for_run(scenario: &Scenario, trainer: &Trainer) -> Self {
        let settings = scenario.run_settings(trainer.spec().batch_size).to_json();
        Self { settings, ..Self::new(trainer) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Dataset;

    fn scenario(pairs: &[(&str, &str)]) -> Scenario {
        Scenario::try_new(&Settings::from_pairs(pairs.iter().copied()).unwrap()).unwrap()
    }

    fn mean_loss(mlp: &Mlp, theta: &[f64], data: &Dataset) -> f64 {
        let mut ws = Workspace::<f64>::new(mlp, data.len());
        mlp.evaluate(theta, data, &mut ws).loss
    }

    /// Networks as scenarios build them — every activation × loss (BCE on moons, input width 2;
    /// MSE on sine, input width 1) × depth 0..=4 — have backprop gradients equal to central
    /// differences (f(θ + h eₖ) − f(θ − h eₖ))/2h in f64. The truncation error is O(h²) and the
    /// rounding error O(ε/h); h = 1e-5 keeps both near 1e-10, far below the 1e-6 bound.
    /// θ is Gaussian with standard deviation 0.7 so that every unit is away from saturation
    /// and ReLU kinks are hit with probability zero.
    #[test]
    fn gradients_match_central_differences_for_every_activation_loss_and_depth() {
        for dataset in ["moons", "sine"] {
            for act in ["tanh", "relu", "sigmoid"] {
                for depth in 0..=4 {
                    let hidden = vec!["3"; depth].join(",");
                    let sc = scenario(&[("dataset", dataset), ("act", act), ("hidden", &hidden), ("n_train", "64"), ("n_test", "64"), ("batch", "8")]);
                    let mut data = sc.split.train.clone();
                    data.x.truncate(7 * data.dim);
                    data.y.truncate(7);
                    let mut rng = Mulberry32::new(depth as u32 + 11);
                    let theta: Vec<f64> = (0..sc.mlp.n_params()).map(|_| 0.7 * rng.gauss()).collect();
                    let mut ws = Workspace::<f64>::new(&sc.mlp, data.len());
                    ws.load_range(&data, 0, data.len());
                    let mut grad = vec![0.0; sc.mlp.n_params()];
                    let f = sc.mlp.loss_grad(&theta, data.len(), &mut ws, &mut grad);
                    assert!((f - mean_loss(&sc.mlp, &theta, &data)).abs() < 1e-12);
                    let h = 1e-5;
                    for k in 0..theta.len() {
                        let (mut tp, mut tm) = (theta.clone(), theta.clone());
                        tp[k] += h;
                        tm[k] -= h;
                        let fd = (mean_loss(&sc.mlp, &tp, &data) - mean_loss(&sc.mlp, &tm, &data)) / (2.0 * h);
                        let err = (grad[k] - fd).abs() / grad[k].abs().max(fd.abs()).max(1e-4);
                        assert!(err < 1e-6, "{dataset} {act} depth {depth} θ[{k}]: {} vs {fd}", grad[k]);
                    }
                }
            }
        }
    }

    /// BCE from logits stays finite (and its gradient bounded by 1) for logits of ±1000, where
    /// the naive −y ln σ(z) would give ln 0.
    #[test]
    fn binary_cross_entropy_is_stable_for_huge_logits() {
        let sc = scenario(&[("hidden", "")]);
        let mut data = sc.split.train.clone();
        data.x = vec![1000.0, 0.0, -1000.0, 0.0];
        data.y = vec![0.0, 1.0];
        let theta = vec![1.0f64, 0.0, 0.0];
        let mut ws = Workspace::<f64>::new(&sc.mlp, 2);
        ws.load_range(&data, 0, 2);
        let mut grad = vec![0.0; 3];
        let loss = sc.mlp.loss_grad(&theta, 2, &mut ws, &mut grad);
        // Each example is confidently wrong by a logit of 1000: ℓ = 1000 each, mean 1000.
        assert!((loss - 1000.0).abs() < 1e-9, "{loss}");
        assert!(grad.iter().all(|g| g.is_finite()), "{grad:?}");
    }

    /// Each data set trains (its loss falls within 120 steps) with one of the three optimizers, each optimizer on
    /// at least two data sets.
    #[test]
    fn every_data_set_builds_and_trains_with_every_optimizer() {
        for (i, dataset) in crate::data::DatasetKind::ALL.into_iter().enumerate() {
            let optimizer = ["sgd", "momentum", "adam"][i % 3];
            let lr = if optimizer == "adam" { "0.02" } else { "0.05" };
            let points = if dataset == crate::data::DatasetKind::CustomReg {
                "-1:0.8;-0.5:0.2;0:-0.1;0.5:0.3;1:0.9;1.5:1.6"
            } else if dataset.classes() == 3 { "-1:0:0;-1.2:0.3:0;1:0:1;1.1:-0.4:1;0:1.5:2;0.2:1.2:2;-0.8:-0.2:0;0.9:0.2:1" } else { "-1:0:0;-1.2:0.3:0;1:0:1;1.1:-0.4:1;-0.8:-0.2:0;0.9:0.2:1" };
            let sc = scenario(&[("dataset", dataset.name()), ("points", points), ("optimizer", optimizer), ("lr", lr), ("n_train", "64"), ("n_test", "64"), ("hidden", "8"), ("budget", "steps"), ("steps", "120"), ("batch", "8")]);
            assert_eq!(sc.mlp.input_dim(), dataset.input_dim());
            let mut t = sc.trainer(8);
            assert_eq!(t.advance(usize::MAX), &Status::Finished, "{dataset:?} {optimizer}");
            let h = t.history();
            assert!(h.train_loss.last().unwrap() < &h.train_loss[0], "{dataset:?} {optimizer}: {:?}", h.train_loss);
            assert_eq!(h.train_acc[0].is_nan(), dataset.is_regression());
        }
    }

    /// Under the linear rule with B₀ = 1, η₀ = 0.5, the run at B = 256 gets η = 128 and
    /// diverges; the run at B = 1 (η = 0.5) is unaffected and bit-identical to a scenario
    /// where it runs alone.
    #[test]
    fn a_diverging_run_leaves_the_other_runs_untouched() {
        let pairs = [("lr", "0.5"), ("lr_rule", "linear"), ("base_batch", "1"), ("budget", "steps"), ("steps", "30"), ("batch", "1,256")];
        let sc = scenario(&pairs);
        let mut big = sc.trainer(256);
        let mut small = sc.trainer(1);
        assert!(matches!(big.advance(usize::MAX), Status::Diverged { .. }));
        assert_eq!(small.advance(usize::MAX), &Status::Finished);
        let report = RunReport::for_run(&sc, &big);
        assert!(report.diverged && report.diverged_at_step.is_some());
        assert!(report.message.starts_with("diverged at step"), "{}", report.message);
        assert_eq!(report.settings["batch"], serde_json::json!([256]));
        assert!((report.lr - 128.0).abs() < 1e-12);
        let alone = scenario(&[("lr", "0.5"), ("lr_rule", "linear"), ("base_batch", "1"), ("budget", "steps"), ("steps", "30"), ("batch", "1")]);
        let mut again = alone.trainer(1);
        again.advance(usize::MAX);
        assert_eq!(fnv1a_f32(small.theta()), fnv1a_f32(again.theta()));
    }

    /// budget=loss through the settings: each run's plan is the cap `max_steps`, it stops at
    /// the target with `final_train_loss` ≤ `target_loss` and says so; the other budgets report
    /// no target.
    #[test]
    fn a_loss_budget_run_reports_its_target_through_the_settings() {
        let base = [("n_train", "64"), ("n_test", "64"), ("hidden", "8"), ("lr", "0.5"), ("batch", "16")];
        let loss: Vec<(&str, &str)> = base.iter().copied().chain([("budget", "loss"), ("target_loss", "0.3"), ("max_steps", "3000")]).collect();
        let sc = scenario(&loss);
        assert_eq!((sc.spec(16).steps, sc.spec(16).target_loss), (3000, Some(0.3)));
        let mut t = sc.trainer(16);
        t.advance(usize::MAX);
        let report = RunReport::for_run(&sc, &t);
        assert_eq!(report.reached_target, Some(true), "{}", report.message);
        assert!(report.final_train_loss <= 0.3 && report.steps < report.planned_steps, "{} of {}", report.steps, report.planned_steps);
        assert_eq!(report.planned_steps, 3000);
        assert!(report.message.starts_with("finished: reached the target loss 0.3 at step "), "{}", report.message);
        assert_eq!(report.settings["budget"], "loss");
        let mut plain = scenario(&base).trainer(16);
        plain.advance(usize::MAX);
        let report = RunReport::for_run(&scenario(&base), &plain);
        assert_eq!((report.reached_target, report.message.as_str()), (None, "finished"));
        assert_eq!(serde_json::to_value(&report).unwrap()["reached_target"], serde_json::Value::Null);
    }

    /// The page's default scenario is unchanged by the new keys: its data and θ0 are those of
    /// the moons generator and Glorot init on the seed's streams.
    #[test]
    fn default_settings_build_the_moons_scenario_as_before() {
        let sc = Scenario::new(&Settings::default().check().unwrap());
        let streams = Streams::from_seed(1);
        assert_eq!(*sc.split, crate::data::moons(256, 256, 0.2, &mut Mulberry32::new(streams.data)));
        assert_eq!(sc.mlp.n_params(), 337);
        let spec = sc.spec(16);
        assert_eq!((spec.lr, spec.steps, spec.warmup), (0.2, 60 * 16, 0));
        assert_eq!((spec.optim.method, spec.optim.weight_decay), (crate::optim::Method::Sgd, 0.0));
    }

    #[test]
    fn a_diverged_run_still_gets_a_finite_landscape() {
        let mut settings = Settings::default();
        settings.set("lr", "1000").unwrap();
        settings.set("grid", "5").unwrap();
        let scenario = Scenario::new(&settings.check().unwrap());
        let mut t = scenario.trainer(16);
        assert!(matches!(t.advance(usize::MAX), Status::Diverged { .. }));
        let land = scenario.landscape(t.history(), t.theta(), 5);
        assert!(land.path.iter().all(|(a, b)| a.is_finite() && b.is_finite()));
        assert!(!land.path.is_empty());
        assert!(land.grid.extent.alpha.0.is_finite() && land.grid.extent.alpha.1.is_finite());
    }
}

/// Pinned fingerprints: the same test runs natively (`cargo test`) and in wasm32
/// (`make test-wasm`, or `cargo test --target wasm32-unknown-unknown -p batchscape --lib pinned`
/// with `wasm-bindgen-test-runner` in Node), so a pass on both targets shows that every data set
/// generator, optimizer and learning-rate rule below is bit-identical natively and in the browser.
/// The values were produced by this code natively; if the arithmetic of the model or the
/// optimizers changes on purpose, the page's and the tool's fingerprints change with it, and
/// these values must be regenerated (the assertion message prints the new ones).
#[cfg(test)]
mod pinned {
    use super::*;

    fn fingerprints(pairs: &[(&str, &str)]) -> Vec<String> {
        let settings = Settings::from_pairs(pairs.iter().copied()).unwrap();
        let sc = Scenario::new(&settings);
        let mut out = vec![format!("{:08x}", fnv1a_f32(&sc.split.train.x)), format!("{:08x}", fnv1a_f32(&sc.split.train.y)), format!("{:08x}", fnv1a_f32(&sc.theta0))];
        for &b in &settings.batch {
            let mut t = sc.trainer(b);
            t.advance(usize::MAX);
            out.push(format!("{:08x}", fnv1a_f32(t.theta())));
        }
        out
    }

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn runs_have_pinned_fingerprints_on_every_target() {
        let common = [("n_train", "128"), ("n_test", "64"), ("budget", "steps"), ("steps", "150"), ("batch", "4,64")];
        type Case<'a> = (&'a [(&'a str, &'a str)], [&'a str; 5]);
        let cases: [Case; 5] = [
            (
                &[("dataset", "spiral"), ("label_noise", "0.1"), ("hidden", "8,8"), ("act", "relu"), ("optimizer", "adam"), ("weight_decay", "0.001"), ("warmup", "10"), ("lr", "0.01"), ("lr_rule", "sqrt"), ("base_batch", "4")],
                ["93c0833c", "6913d018", "7284c793", "c8077c50", "a9f5fa98"],
            ),
            (
                &[("dataset", "sine"), ("noise", "0.1"), ("hidden", "16"), ("act", "sigmoid"), ("optimizer", "momentum"), ("momentum", "0.8"), ("lr", "0.05")],
                ["17d77c8b", "3d511923", "5499c8a7", "84f969c2", "078e4cea"],
            ),
            (
                &[("dataset", "circles"), ("seed", "7"), ("hidden", "4,4,4"), ("act", "tanh"), ("lr", "0.02"), ("lr_rule", "linear"), ("base_batch", "4"), ("warmup", "20")],
                ["4d3ebb57", "0d1031c5", "5804d85c", "a3660896", "7460d675"],
            ),
            (
                &[("dataset", "spiral3"), ("label_noise", "0.1"), ("hidden", "8"), ("act", "tanh"), ("lr", "0.1")],
                ["03468047", "1c156258", "f5039fea", "90d75137", "c6e50ce3"],
            ),
            (
                &[("dataset", "digits"), ("label_noise", "0.05"), ("hidden", "32"), ("act", "relu"), ("optimizer", "momentum"), ("lr", "0.05")],
                ["792a1238", "8f6232b5", "25332e4d", "877d1040", "e6ef9a81"],
            ),
        ];
        for (pairs, expected) in cases {
            let all: Vec<(&str, &str)> = common.iter().chain(pairs.iter()).copied().collect();
            let got = fingerprints(&all);
            assert_eq!(got, expected, "data x, data y, θ0, θ at B = 4 and 64 for {pairs:?}");
        }
    }
}
