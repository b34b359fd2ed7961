//! Test only: a wasm trap on purpose, for the page's fault-injection tests (`?test_faults=1`,
//! `www/faults.js`). A worker whose wasm code traps (a panic, `unreachable`, or an allocation
//! failure, which aborts) must fail alone and be replaced; this export lets the tests cause one.
//! Nothing in the product calls it.

use wasm_bindgen::prelude::*;

/// Executes the wasm `unreachable` instruction: the caller gets a `WebAssembly.RuntimeError`,
/// exactly as after a panic or an out-of-memory abort. Test only.
#[wasm_bindgen]
pub fn test_fault_trap() {
    core::arch::wasm32::unreachable()
}
