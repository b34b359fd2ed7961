//! The learner's own data on the main thread (www/owndata.js): a CSV file → the `points`
//! text, through the core's one parser ([`batchscape_core::custom`]), and the core's limits.

use batchscape_core::custom::{Points, MAX_CSV_BYTES, MAX_POINTS, URL_MAX_POINTS};
use wasm_bindgen::prelude::*;

/// The `points` text of a CSV file `x1,x2,label`; the error names the line and the problem.
#[wasm_bindgen]
pub fn points_from_csv(text: &str) -> Result<String, JsError> {
    Points::from_csv(text).map(|p| p.to_text()).map_err(|e| JsError::new(&e.to_string()))
}

/// `[most points, most points in a URL, largest CSV file in bytes]`.
#[wasm_bindgen]
pub fn points_limits() -> Vec<u32> {
    [MAX_POINTS, URL_MAX_POINTS, MAX_CSV_BYTES].map(|n| n as u32).to_vec()
}

/// The class colours of the decision maps ([`batchscape_render::CLASS_COLORS`]) as CSS hex, so
/// the drawing canvas colours a class as the boundary figure does.
#[wasm_bindgen]
pub fn class_colors() -> Vec<String> {
    batchscape_render::CLASS_COLORS.iter().map(|c| format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)).collect()
}
