//! The UCI digits for the compute module (issue 14, first-load size): the module is built
//! without the embedded file (crate/core's `embedded-digits` off), and a worker whose settings
//! ask for `dataset=digits` fetches `digits.bin` and hands it over here before it builds its
//! session (www/digits-data.js). [`digits_wanted`] tells a worker whether it must;
//! [`digits_load`] checks the bytes (only that file is accepted:
//! [`batchscape_core::digits::from_bytes`]); [`digits_missing`] records why they could not be
//! had, and `lenient_settings` (lib.rs) then reports `dataset` rejected with that reason and uses
//! the default data set, as for any rejected value (no panic, the other runs and views go on).

use std::cell::RefCell;

use batchscape_core::data::DatasetKind;
use batchscape_core::settings::Settings;
use wasm_bindgen::prelude::*;

thread_local! {
    static MISSING: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Whether these settings (parallel keys and values, parsed leniently as every worker does)
/// train on the digits, which are then needed first ([`digits_load`]).
#[wasm_bindgen]
pub fn digits_wanted(keys: Vec<String>, values: Vec<String>) -> bool {
    let (settings, _) = Settings::from_pairs_lenient(keys.iter().map(String::as_str).zip(values.iter().map(String::as_str)));
    settings.dataset == DatasetKind::Digits
}

/// Whether the digits are here (handed over already).
#[wasm_bindgen]
pub fn digits_loaded() -> bool {
    batchscape_core::digits::available()
}

/// Hands the contents of `digits.bin` to the core; an error (nothing kept) says why the bytes
/// are not that file.
#[wasm_bindgen]
pub fn digits_load(bytes: &[u8]) -> Result<(), JsError> {
    batchscape_core::digits::from_bytes(bytes).map_err(|e| {
        digits_missing(e.clone());
        JsError::new(&e)
    })
}

/// Records why the digits could not be had (a failed fetch): the settings' message names it.
#[wasm_bindgen]
pub fn digits_missing(reason: String) {
    MISSING.with(|m| *m.borrow_mut() = Some(reason));
}

/// The message for `dataset=digits` without the digits (see the module docs).
pub(crate) fn missing_message() -> String {
    let reason = MISSING.with(|m| m.borrow().clone()).unwrap_or_else(|| "not fetched".into());
    format!("`dataset` = digits: the digits (digits.bin) could not be loaded: {reason}")
}
