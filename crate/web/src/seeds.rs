//! The seeds worker's boundary: [`SeedsSession`], a scene's runs over several seeds
//! ([`batchscape_core::seeds::SeedStudy`]), trained in slices; its cells and the claims'
//! verdicts out as plain objects. Nothing here panics on input.

use crate::{lenient_settings, to_js};
use batchscape_core::seeds::{SeedStudy, DEFAULT_SEEDS};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct SeedsSession {
    study: SeedStudy,
    errors: Vec<String>,
}

#[wasm_bindgen]
impl SeedsSession {
    /// Settings from parallel lists of keys and values (lenient, as the page's), `seeds` seeds
    /// (0: the default 5; clamped to 1 ..= 10).
    #[wasm_bindgen(constructor)]
    pub fn new(keys: Vec<String>, values: Vec<String>, seeds: u32) -> SeedsSession {
        let (settings, errors) = lenient_settings(&keys, &values);
        let n = if seeds == 0 { DEFAULT_SEEDS } else { seeds as usize };
        SeedsSession { study: SeedStudy::new(&settings, n), errors }
    }

    pub fn errors(&self) -> Vec<String> {
        self.errors.clone()
    }

    /// Trains up to `max_steps` steps (a run that ends is analysed first); returns
    /// `{cells_done, n_cells}`.
    pub fn advance(&mut self, max_steps: u32) -> Result<JsValue, JsError> {
        to_js(&self.study.advance(max_steps as usize))
    }

    pub fn progress(&self) -> Result<JsValue, JsError> {
        to_js(&self.study.progress())
    }

    pub fn seeds(&self) -> Vec<f64> {
        self.study.seeds().iter().map(|&s| s as f64).collect()
    }

    /// [`batchscape_core::seeds::SeedCell`]s of the finished runs, seed by seed.
    pub fn cells(&self) -> Result<JsValue, JsError> {
        to_js(self.study.cells())
    }

    /// [`batchscape_core::seeds::Verdict`]s of every claim over the seeds done so far.
    pub fn verdicts(&self) -> Result<JsValue, JsError> {
        to_js(&self.study.verdicts())
    }
}
