//! Settings files for the main thread: the native tool's `--config` JSON ↔ the URL's pairs.

use crate::to_js;
use batchscape_core::settings::Settings;
use wasm_bindgen::prelude::*;

/// Settings from a JSON object (the native tool's `--config` format, or `metrics.json`'s
/// `settings`) as `[[key, value], …]` for the URL; an error names what was rejected.
#[wasm_bindgen]
pub fn pairs_from_settings_json(json: &str) -> Result<JsValue, JsError> {
    let mut settings = Settings::default();
    settings.apply_json(json).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&settings.to_pairs())
}

/// The JSON object the native tool's `--config` reads, for settings given as parallel key and
/// value lists (rejected pairs keep their defaults, as in the page).
#[wasm_bindgen]
pub fn settings_json_from_pairs(keys: Vec<String>, values: Vec<String>) -> String {
    let (settings, _) = crate::parse_lenient(&keys, &values);
    serde_json::to_string_pretty(&settings.to_json()).unwrap_or_default()
}
