//! Batchscape's wasm boundary: one module per worker, each a thin, typed layer over the core
//! and render crates.
//!
//! | module | used by | what |
//! | --- | --- | --- |
//! | [`run`] | run worker (`www/worker.js`) | [`run::Session`]: a scenario and its runs by slot |
//! | [`atlas`] | analysis worker | [`atlas::AtlasSession`]: the shared landscape, diagnoses, profiles, the cost table |
//! | [`draw`] | draw worker, main thread (SVG) | [`draw::draw`]: a typed [`batchscape_render::Chart`] on a canvas or as SVG |
//! | [`sweep`] | sweep workers | [`sweep::SweepSession`]: a worker's cells of a batch-size × seed sweep, and the bands of finished cells; [`sweep::LawSession`]: the B × η law sweep |
//! | [`parallel`] | data-parallel worker | [`parallel::data_parallel`]: K devices × b against one device with B = K·b |
//! | [`seeds`] | seeds worker | [`seeds::SeedsSession`]: a scene's runs over seeds and the claims' verdicts |
//! | [`settings_io`] | main thread | settings JSON ↔ URL pairs |
//! | [`digits`] | run, analysis, seeds, sweep, data-parallel workers | the UCI digits handed over when the settings ask for them (the module does not embed them) |
//! | [`bench`](mod@bench) | `bench.html` | the W1 benchmark |
//! | [`faults`] | every worker | the allocator that records an allocation failure (out of memory); test only: `test_fault_trap`, `test_fault_oom` |
//!
//! Values cross as typed arrays (`Vec<f32>` → `Float32Array`) or as plain objects through
//! `serde-wasm-bindgen` (the structs they come from are the types); no positional lists.
//!
//! **Architecture Invariant:** no logic lives here that a native test cannot reach: every
//! method forwards to the core (`scenario`, `train`, `lab`, `facts`, `slots`) or to render.
//! Nothing here panics on input: settings are parsed leniently (rejected values are reported
//! and replaced by defaults), slots and sizes are checked by the core, bad charts and drawing
//! errors return a `JsError`.

// The boundary exists only in the browser; natively this crate is empty (its logic is in the
// core and render crates, where native tests reach it).
#![cfg(target_arch = "wasm32")]

// Four wasm modules are built from this crate by cargo features (scripts/build.sh; issue 14,
// first-load size): `compute` (dist/pkg/batchscape.js: the run, analysis, seeds and
// data-parallel workers' sessions and the main thread's settings and own-data helpers,
// opt-level 3), `sweeps` (dist/pkg/batchscape_sweeps.js: the sweep pool's two sweeps, fetched
// only when the learner runs one: 56 KB gzipped of law fits, bands and their charts' specs the
// default page never uses), `draw` (dist/pkg/batchscape_draw.js: the draw worker and the SVG
// exports, profile `release-draw`, opt-level "z") and `bench` (dist/pkg/batchscape_bench.js:
// bench.html only). Every module has `faults` and `start`. The default is all four, so clippy
// and the docs see every module.
#[cfg(feature = "compute")]
pub mod atlas;
#[cfg(feature = "draw")]
mod backend;
#[cfg(feature = "bench")]
pub mod bench;
#[cfg(feature = "draw")]
mod canvas;
#[cfg(any(feature = "compute", feature = "sweeps"))]
pub mod digits;
#[cfg(feature = "draw")]
pub mod draw;
pub mod faults;
#[cfg(feature = "draw")]
mod measure;
#[cfg(feature = "compute")]
pub mod owndata;
#[cfg(feature = "compute")]
pub mod parallel;
#[cfg(feature = "compute")]
pub mod run;
#[cfg(feature = "compute")]
pub mod seeds;
#[cfg(feature = "compute")]
pub mod settings_io;
#[cfg(feature = "sweeps")]
pub mod sweep;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Runs when the module is instantiated (page and every worker): a panic — a bug, never bad
/// input — is written to the console with its message and place before the module aborts,
/// instead of leaving only "unreachable".
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| console_error(&format!("batchscape (wasm) panicked: {info}"))));
}

/// Settings from parallel lists of keys and values, parsed leniently as the page does: the
/// settings in effect and one message per rejected pair. Then within the page's work limits
/// ([`batchscape_core::work::fit`]): a run length or grid whose work is beyond them is lowered,
/// with a message quoting the estimate and the limit, before any worker starts on it. Every
/// worker parses through here, so they all hold the same settings. The digits asked for but not
/// handed over ([`digits`]): `dataset` is reported rejected (with the reason) and left out, so
/// the default data set is used and no scenario is built on data that are not there.
#[cfg(any(feature = "compute", feature = "sweeps"))]
pub(crate) fn lenient_settings(keys: &[String], values: &[String]) -> (batchscape_core::settings::Checked, Vec<String>) {
    if batchscape_core::digits::available() || !digits::digits_wanted(keys.to_vec(), values.to_vec()) {
        return parse_lenient(keys, values);
    }
    let (k, v): (Vec<String>, Vec<String>) = keys.iter().cloned().zip(values.iter().cloned()).filter(|(k, _)| k != "dataset").unzip();
    let (settings, errors) = parse_lenient(&k, &v);
    (settings, std::iter::once(digits::missing_message()).chain(errors).collect())
}

/// [`lenient_settings`] without the digits' check: for settings that only travel (settings
/// files on the main thread, which never loads the digits).
#[cfg(any(feature = "compute", feature = "sweeps"))]
pub(crate) fn parse_lenient(keys: &[String], values: &[String]) -> (batchscape_core::settings::Checked, Vec<String>) {
    let (settings, mut errors) = batchscape_core::settings::Settings::from_pairs_lenient(keys.iter().map(String::as_str).zip(values.iter().map(String::as_str)));
    let (settings, over) = batchscape_core::work::fit(settings);
    errors.extend(over);
    (settings, errors.iter().map(ToString::to_string).collect())
}

#[cfg(any(feature = "compute", feature = "sweeps"))]
/// The page's settings with `batch` = 1: a law sweep picks its own batch sizes (and the
/// data-parallel check its own K·b), so the page's runs' batch sizes play no part.
pub(crate) fn settings_without_batch(keys: &[String], values: &[String]) -> (batchscape_core::settings::Checked, Vec<String>) {
    let (mut k, mut v): (Vec<String>, Vec<String>) = keys.iter().zip(values).filter(|(k, _)| k.as_str() != "batch").map(|(k, v)| (k.clone(), v.clone())).unzip();
    // The default batch sizes (16, 256) may exceed a small n_train: set one that never does.
    k.push("batch".into());
    v.push("1".into());
    crate::lenient_settings(&k, &v)
}

/// A Rust value as a plain JS value (maps as objects, not `Map`s).
pub(crate) fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|e| JsError::new(&e.to_string()))
}
