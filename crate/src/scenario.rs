//! A scenario built from settings: data, network and initial parameters shared by all runs,
//! plus the end-of-run report the native tool writes and the page shows.

use crate::data::{moons, Split};
use crate::landscape::{Extent, Grid, Plane};
use crate::model::{Activation, Loss, Mlp, Workspace};
use crate::rng::{fnv1a_f32, Mulberry32, Streams};
use crate::settings::Settings;
use crate::train::{History, RunSpec, Status, Trainer};
use serde::Serialize;
use std::sync::Arc;

/// History points recorded per run (each is a full train + test evaluation and a θ snapshot).
pub const N_RECORDS: usize = 120;

/// Everything the runs of one scenario share. All runs start from `theta0`.
pub struct Scenario {
    pub settings: Settings,
    pub streams: Streams,
    pub split: Arc<Split>,
    pub mlp: Mlp,
    pub theta0: Vec<f32>,
}

impl Scenario {
    pub fn new(settings: &Settings) -> Self {
        let streams = Streams::from_seed(settings.seed);
        let split = moons(settings.n_train, settings.n_test, settings.noise, &mut Mulberry32::new(streams.data));
        let activation = match settings.act.as_str() {
            "relu" => Activation::Relu,
            "sigmoid" => Activation::Sigmoid,
            _ => Activation::Tanh,
        };
        let mlp = Mlp::new(2, &settings.hidden, activation, Loss::Bce);
        let theta0 = mlp.init_glorot(&mut Mulberry32::new(streams.init));
        Self { settings: settings.clone(), streams, split: Arc::new(split), mlp, theta0 }
    }

    /// The run of batch size `batch_size` under these settings.
    pub fn spec(&self, batch_size: usize) -> RunSpec {
        let b = batch_size.clamp(1, self.settings.n_train);
        RunSpec::sgd(b, self.settings.lr, self.settings.steps_for(b), N_RECORDS)
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

/// One run as the native tool reports it in `metrics.json`.
#[derive(Serialize)]
pub struct RunReport {
    pub batch_size: usize,
    pub lr: f64,
    pub steps: usize,
    pub status: Status,
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
        Self {
            batch_size: trainer.spec().batch_size,
            lr: trainer.spec().lr,
            steps: trainer.step(),
            status: trainer.status().clone(),
            final_train_loss: last(&h.train_loss),
            final_test_loss: last(&h.test_loss),
            final_train_acc: last(&h.train_acc),
            final_test_acc: last(&h.test_acc),
            theta_fingerprint: format!("{:08x}", fnv1a_f32(trainer.theta())),
            history: h,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diverged_run_still_gets_a_finite_landscape() {
        let mut settings = Settings::default();
        settings.set("lr", "1000").unwrap();
        settings.set("grid", "5").unwrap();
        let scenario = Scenario::new(&settings);
        let mut t = scenario.trainer(16);
        assert!(matches!(t.advance(usize::MAX), Status::Diverged { .. }));
        let land = scenario.landscape(t.history(), t.theta(), 5);
        assert!(land.path.iter().all(|(a, b)| a.is_finite() && b.is_finite()));
        assert!(!land.path.is_empty());
        assert!(land.grid.extent.alpha.0.is_finite() && land.grid.extent.alpha.1.is_finite());
    }
}
