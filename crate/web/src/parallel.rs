//! The data-parallel worker's boundary: [`data_parallel`], K simulated devices against one
//! device with B = K·b (`batchscape_core::parallel`). In the compute module, not the sweeps one
//! (`sweep`): the default page asks for it once its picture is complete, and the sweeps' module
//! is fetched only when the learner runs a sweep (issue 14, first-load size).

use crate::to_js;
use wasm_bindgen::prelude::*;

/// K = `devices` simulated devices with `per_device` examples each against one device with
/// B = K·b, one step from θ0 of the settings given ([`batchscape_core::parallel::compare`]):
/// the difference, the effective batch, η of the rule and the time model.
#[wasm_bindgen]
pub fn data_parallel(keys: Vec<String>, values: Vec<String>, devices: u32, per_device: u32) -> Result<JsValue, JsError> {
    let (settings, _) = crate::settings_without_batch(&keys, &values);
    let scenario = batchscape_core::scenario::Scenario::new(&settings);
    to_js(&batchscape_core::parallel::compare(&scenario, devices as usize, per_device as usize))
}
