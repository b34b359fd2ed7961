//! The W1 benchmark's boundary for `bench.html`: one [`W1`] workload, a run that can be reset
//! to θ0, and the 51×51 landscape. The page times each call with `performance.now()`; every
//! method forwards to [`crate::w1`], [`crate::train`] or [`crate::model`], the same code the
//! product's page runs, so the numbers measure the product.

use crate::model::Workspace;
use crate::train::Trainer;
use crate::w1::W1;
use wasm_bindgen::prelude::*;

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

    /// `[train loss, train accuracy, test loss, test accuracy]` of the current run's θ
    /// (θ0 without a run).
    pub fn evaluate(&mut self) -> Vec<f64> {
        let theta = self.run.as_ref().map(Trainer::theta).unwrap_or(&self.w1.theta0);
        let train = self.w1.mlp.evaluate(theta, &self.w1.split.train, &mut self.ws);
        let test = self.w1.mlp.evaluate(theta, &self.w1.split.test, &mut self.ws);
        vec![train.loss, train.accuracy.unwrap_or(f64::NAN), test.loss, test.accuracy.unwrap_or(f64::NAN)]
    }

    /// The `n × n` landscape around θ0 (`values[j·n + i]`; n is clamped to 1 ..= 201).
    pub fn landscape(&mut self, n: u32) -> Vec<f32> {
        self.w1.landscape((n as usize).clamp(1, 201), &mut self.ws)
    }

    /// [`W1::training_fingerprint`]: equal to the native one when wasm and native agree bit for bit.
    pub fn fingerprint(&self) -> String {
        self.w1.training_fingerprint()
    }
}
