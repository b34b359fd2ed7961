//! The W1 benchmark's boundary for `bench.html`: one [`W1`] workload, a run that can be reset
//! to θ0, and the 51×51 landscape. The page times each call with `performance.now()`; every
//! method forwards to [`batchscape_core::w1`], [`batchscape_core::train`] or [`batchscape_core::model`], the same code the
//! product's page runs, so the numbers measure the product.

use batchscape_core::model::Workspace;
use batchscape_core::train::Trainer;
use batchscape_core::w1::W1;
use crate::to_js;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
struct Evaluation {
    train_loss: f64,
    train_acc: f64,
    test_loss: f64,
    test_acc: f64,
}

#[derive(Serialize)]
struct LambdaMax {
    value: f64,
    iterations: usize,
}

#[wasm_bindgen]
pub struct W1Bench {
    w1: W1,
    run: Option<Trainer>,
    ws: Workspace<f32>,
}

impl Default for W1Bench {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl W1Bench {
    #[wasm_bindgen(constructor)]
    pub fn new() -> W1Bench {
        let w1 = W1::new();
        let ws = Workspace::new(&w1.mlp, 256);
        W1Bench { w1, run: None, ws }
    }

    /// A fresh run from θ0 with a fresh shuffle stream at batch size `batch` (clamped to
    /// 1 ..= 512). It never reaches its last step, so [`W1Bench::train`] records nothing.
    pub fn reset(&mut self, batch: u32) {
        self.run = Some(self.w1.trainer(batch as usize, usize::MAX));
    }

    /// `steps` SGD steps of the current run (none without [`W1Bench::reset`]); returns the
    /// run's step count afterwards.
    pub fn train(&mut self, steps: u32) -> u32 {
        match self.run.as_mut() {
            Some(t) => {
                t.advance(steps as usize);
                t.step() as u32
            }
            None => 0,
        }
    }

    /// `{train_loss, train_acc, test_loss, test_acc}` of the current run's θ (θ0 without a run).
    pub fn evaluate(&mut self) -> Result<JsValue, JsError> {
        let theta = self.run.as_ref().map(Trainer::theta).unwrap_or(&self.w1.theta0);
        let train = self.w1.mlp.evaluate(theta, &self.w1.split.train, &mut self.ws);
        let test = self.w1.mlp.evaluate(theta, &self.w1.split.test, &mut self.ws);
        to_js(&Evaluation {
            train_loss: train.loss,
            train_acc: train.accuracy.unwrap_or(f64::NAN),
            test_loss: test.loss,
            test_acc: test.accuracy.unwrap_or(f64::NAN),
        })
    }

    /// The `n × n` landscape around θ0 (`values[j·n + i]`; n is clamped to 1 ..= 201).
    pub fn landscape(&mut self, n: u32) -> Vec<f32> {
        self.w1.landscape((n as usize).clamp(1, 201), &mut self.ws)
    }

    /// λ_max of the training loss (full batch) at the current run's θ (θ0 without a run), by
    /// power iteration on exact f32 Hessian-vector products from a seeded start:
    /// `{value, iterations}`: λ_max and the products used (the page's analysis uses f64).
    pub fn lambda_max(&self) -> Result<JsValue, JsError> {
        let theta = self.run.as_ref().map(Trainer::theta).unwrap_or(&self.w1.theta0);
        let mut tape = batchscape_core::curvature::Tape::<f32>::new(&self.w1.mlp, &self.w1.split.train);
        tape.set_point(theta);
        let start: Vec<f32> = batchscape_core::curvature::gaussian_unit(self.w1.mlp.n_params(), &mut batchscape_core::rng::Mulberry32::new(3));
        let e = batchscape_core::curvature::lambda_max(&mut tape, &start, batchscape_core::curvature::PowerConfig::default());
        to_js(&LambdaMax { value: e.value, iterations: e.iterations })
    }

    /// Exact B_simple = tr(Σ)/‖G‖² at the current run's θ over the 512 training points (f64).
    pub fn b_simple(&self) -> f64 {
        let theta: Vec<f64> = self.run.as_ref().map(Trainer::theta).unwrap_or(&self.w1.theta0).iter().map(|&x| x as f64).collect();
        let mut tape = batchscape_core::curvature::Tape::<f64>::new(&self.w1.mlp, &self.w1.split.train);
        tape.set_point(&theta);
        batchscape_core::noise::b_simple_exact(&tape).b_simple
    }

    /// [`W1::training_fingerprint`]: equal to the native one when wasm and native agree bit for bit.
    pub fn fingerprint(&self) -> String {
        self.w1.training_fingerprint()
    }
}

/// The digits workload for bench.html ([`batchscape_core::digits_bench`], the one `cargo bench
/// --bench digits` times): the page times [`DigitsBench::train`] with `performance.now()`.
#[wasm_bindgen]
pub struct DigitsBench {
    sc: batchscape_core::scenario::Scenario,
}

impl Default for DigitsBench {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl DigitsBench {
    #[wasm_bindgen(constructor)]
    pub fn new() -> DigitsBench {
        DigitsBench { sc: batchscape_core::digits_bench::scenario() }
    }

    /// `[batch, steps, batch, steps, …]`: the cases the native benchmark times.
    pub fn cases() -> Vec<u32> {
        batchscape_core::digits_bench::CASES.iter().flat_map(|&(b, s)| [b as u32, s as u32]).collect()
    }

    /// A fresh run at batch size `batch` (clamped to 1 ..= 1 024) trained `steps` steps
    /// (at most 100 000); returns the steps taken.
    pub fn train(&self, batch: u32, steps: u32) -> u32 {
        let t = batchscape_core::digits_bench::train(&self.sc, (batch as usize).clamp(1, 1024), (steps as usize).min(100_000));
        t.step() as u32
    }
}
