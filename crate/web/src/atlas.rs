//! The analysis worker's boundary: [`AtlasSession`], every run's trajectory in; the shared
//! landscape, the diagnoses, the slices and the interpolation, and the cost table out.

use crate::{lenient_settings, to_js};
use batchscape_core::analysis::{analyze, warm_up, AnalysisConfig};
use batchscape_core::facts::{cost_table, interpolation_pair, limits, CostInput, INTERPOLATION, SLICE};
use batchscape_core::lab::{plan_atlas, Atlas, PlaneKind};
use batchscape_core::landscape::{interpolation, slice_along};
use batchscape_core::model::Workspace;
use batchscape_core::scenario::Scenario;
use batchscape_core::slots::Slots;
use batchscape_render::spec::LandscapeChart;
use batchscape_render::Chart;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A run as the analysis sees it.
#[derive(Default)]
struct Track {
    /// θ snapshots.
    snapshots: Vec<Vec<f32>>,
    /// The trainer's step at each snapshot.
    steps: Vec<u32>,
    /// For the cost table: batch size, finished, and the training-loss history by step.
    batch: usize,
    finished: bool,
    loss_steps: Vec<f64>,
    train_loss: Vec<f64>,
}

/// The interpolation between two runs' end points.
#[derive(Serialize)]
struct Interpolation {
    a: usize,
    b: usize,
    profile: batchscape_core::landscape::Profile,
}

#[wasm_bindgen]
pub struct AtlasSession {
    scenario: Scenario,
    tracks: Slots<Track>,
    atlas: Option<Atlas>,
    ws: Workspace<f32>,
}

#[wasm_bindgen]
impl AtlasSession {
    #[wasm_bindgen(constructor)]
    pub fn new(keys: Vec<String>, values: Vec<String>) -> AtlasSession {
        let (settings, _) = lenient_settings(&keys, &values);
        let scenario = Scenario::new(&settings);
        let ws = Workspace::new(&scenario.mlp, 256);
        AtlasSession { scenario, tracks: Slots::new(), atlas: None, ws }
    }

    fn track(&mut self, slot: u32) -> Option<&mut Track> {
        if self.tracks.get(slot as usize).is_none() {
            self.tracks.set(slot as usize, Track::default());
        }
        self.tracks.get_mut(slot as usize)
    }

    /// The number of parameters of this scenario's network (the length of a snapshot).
    pub fn n_params(&self) -> u32 {
        self.scenario.mlp.n_params() as u32
    }

    /// Starts replacing run `slot`'s trajectory: it is cut to `n` snapshots (their steps
    /// `steps`, or none), which [`AtlasSession::set_snapshot`] then writes one by one.
    pub fn set_trajectory(&mut self, slot: u32, n: u32, steps: &[f64]) {
        if let Some(t) = self.track(slot) {
            t.snapshots.truncate(n as usize);
            t.steps.clear();
            t.steps.extend(steps.iter().map(|&x| x as u32));
        }
    }

    /// Snapshot `k` of run `slot` (θ as the run worker's `Session.snapshots` holds it), written
    /// in place. Snapshots are written in order: `k` is at most the number already held.
    ///
    /// One call per snapshot, not one for the whole trajectory: the argument is copied into a
    /// temporary buffer of its size, and a whole trajectory's (up to 0.8 MB for the digits'
    /// network, of a size that changed with every frame) left the allocator's free space so
    /// fragmented that the worker's memory stepped up by about 1 MB in a soak with no more
    /// bytes live (tests/soak.test.mjs). A snapshot's buffer has the same size every time. The
    /// snapshots' own buffers are reused for the same reason.
    pub fn set_snapshot(&mut self, slot: u32, k: u32, theta: &[f32]) {
        if let Some(t) = self.track(slot) {
            let (k, held) = (k as usize, t.snapshots.len());
            if k < held {
                let v = &mut t.snapshots[k];
                v.clear();
                v.extend_from_slice(theta);
            } else if k == held {
                t.snapshots.push(theta.to_vec());
            }
        }
    }

    /// Run `slot`'s batch size, whether it finished, and its training-loss history (`steps`,
    /// `train_loss`: the run worker's history columns), for [`AtlasSession::cost`].
    pub fn set_losses(&mut self, slot: u32, batch: u32, finished: bool, steps: Vec<f64>, train_loss: Vec<f64>) {
        if let Some(t) = self.track(slot) {
            (t.batch, t.finished, t.loss_steps, t.train_loss) = (batch as usize, finished, steps, train_loss);
        }
    }

    /// Forgets run `slot`.
    pub fn clear(&mut self, slot: u32) {
        self.tracks.clear(slot as usize);
    }

    fn end_of(&self, slot: u32) -> Option<&[f32]> {
        self.tracks.get(slot as usize).and_then(|t| t.snapshots.last()).map(Vec::as_slice)
    }

    /// The flat-vs-sharp and dynamics numbers of run `slot` at its last snapshot
    /// ([`batchscape_core::analysis::RunAnalysis`]); `undefined` without a trajectory.
    pub fn diagnose(&self, slot: u32) -> Result<JsValue, JsError> {
        let Some(t) = self.tracks.get(slot as usize).filter(|t| !t.snapshots.is_empty()) else { return Ok(JsValue::UNDEFINED) };
        let theta = &t.snapshots[t.snapshots.len() - 1];
        let a = analyze(&self.scenario.mlp, &self.scenario.split.train, theta, &t.snapshots, &t.steps, &AnalysisConfig::default(), self.scenario.streams.dirs);
        to_js(&a)
    }

    /// [`batchscape_core::analysis::warm_up`] on this scenario: the diagnosis code run briefly at
    /// θ0, so that V8 has optimized it before the first real diagnosis (analysis-worker.js).
    pub fn warm_up(&self) {
        let sc = &self.scenario;
        warm_up(&sc.mlp, &sc.split.train, &sc.theta0, sc.streams.dirs);
    }

    /// Dinh et al.'s rescale of run `slot`'s end point (hidden layer `layer` × α, the next
    /// layer's kernel × 1/α): [`batchscape_core::rescale::Comparison`] (largest prediction
    /// difference, λ_max, trace and ε-sharpness before and after); an error saying why for a
    /// network that is not ReLU, a bad α or layer; `undefined` without a trajectory.
    pub fn rescale(&self, slot: u32, layer: u32, alpha: f64) -> Result<JsValue, JsError> {
        let Some(theta) = self.end_of(slot) else { return Ok(JsValue::UNDEFINED) };
        let sc = &self.scenario;
        match batchscape_core::rescale::compare(&sc.mlp, &sc.split.train, theta, layer as usize, alpha, sc.streams.dirs) {
            Ok(c) => to_js(&c),
            Err(e) => Err(JsError::new(&e.to_string())),
        }
    }

    /// The 1-D slice through run `slot`'s end point along the scenario's filter-normalized
    /// direction (the same for every run) over [`SLICE`]: a
    /// [`batchscape_core::landscape::Profile`]; `undefined` without a trajectory.
    pub fn slice(&mut self, slot: u32) -> Result<JsValue, JsError> {
        let Some(theta) = self.end_of(slot).map(<[f32]>::to_vec) else { return Ok(JsValue::UNDEFINED) };
        let n = limits::clamp(SLICE.n, limits::PROFILE_N);
        let (_, p) = slice_along(&self.scenario.mlp, &self.scenario.split, &theta, self.scenario.streams.dirs, (SLICE.lo, SLICE.hi), n, &mut self.ws);
        to_js(&p)
    }

    /// The interpolation between the pair [`interpolation_pair`] picks among `finished` (the
    /// finished, not diverged slots): `{a, b, profile}` over [`INTERPOLATION`], `null` without two.
    pub fn interpolation(&mut self, finished: &[u32]) -> Result<JsValue, JsError> {
        let slots: Vec<usize> = finished.iter().map(|&k| k as usize).collect();
        let Some((a, b)) = interpolation_pair(&slots) else { return Ok(JsValue::NULL) };
        let (Some(ta), Some(tb)) = (self.end_of(a as u32).map(<[f32]>::to_vec), self.end_of(b as u32).map(<[f32]>::to_vec)) else {
            return Ok(JsValue::NULL);
        };
        let n = limits::clamp(INTERPOLATION.n, limits::PROFILE_N);
        let profile = interpolation(&self.scenario.mlp, &self.scenario.split, &ta, &tb, (INTERPOLATION.lo, INTERPOLATION.hi), n, &mut self.ws);
        to_js(&Interpolation { a, b, profile })
    }

    /// The cost table ([`batchscape_core::facts::CostTable`]) of the runs given by
    /// [`AtlasSession::set_losses`].
    pub fn cost(&self) -> Result<JsValue, JsError> {
        let runs: Vec<CostInput> = self
            .tracks
            .iter()
            .filter(|(_, t)| t.batch > 0)
            .map(|(slot, t)| CostInput { slot, batch: t.batch, finished: t.finished, steps: &t.loss_steps, train_loss: &t.train_loss })
            .collect();
        to_js(&cost_table(&runs))
    }

    /// Plans the landscape of all trajectories on plane `kind` (`endpoints`, `pca` or
    /// `random`; an unknown kind means `endpoints`) with an `n × n` grid (clamped to
    /// [`limits::GRID_N`]).
    pub fn plan(&mut self, kind: &str, n: u32) {
        let kind = PlaneKind::parse(kind).unwrap_or(PlaneKind::Endpoints);
        // Borrowed, not cloned: a copy of every snapshot on each plan (every 250 ms while runs
        // train) was most of this worker's peak allocation (≈ 2 MB for the digits' network), and
        // its varying size fragmented the allocator's free space (tests/soak.test.mjs).
        let trajectories: Vec<&[Vec<f32>]> =
            (0..batchscape_core::facts::MAX_RUNS).map(|k| self.tracks.get(k).map_or(&[][..], |t| t.snapshots.as_slice())).collect();
        self.atlas = Some(plan_atlas(&self.scenario, kind, &trajectories, limits::clamp(n as usize, limits::GRID_N)));
    }

    /// Fills up to `rows` more rows; returns whether the grid is complete.
    pub fn fill(&mut self, rows: u32) -> bool {
        match self.atlas.as_mut() {
            Some(a) => {
                a.grid.fill_rows(&self.scenario.mlp, &a.plane, &self.scenario.split.train, &mut self.ws, rows as usize);
                a.grid.is_done()
            }
            None => true,
        }
    }

    /// The landscape as a chart ([`LandscapeChart`]: grid, extent, every run's path by slot,
    /// axis labels), ready for the draw worker; `undefined` before [`AtlasSession::plan`].
    pub fn landscape(&self) -> Result<JsValue, JsError> {
        match &self.atlas {
            Some(a) => to_js(&Chart::Landscape(LandscapeChart::of_atlas(a))),
            None => Ok(JsValue::UNDEFINED),
        }
    }
}
