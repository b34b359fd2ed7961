//! Batchscape's core: everything that trains, measures and draws, as plain Rust.
//!
//! **Architecture Invariant:** nothing in this crate outside `wasm` (and the `batchscape`
//! binary) touches the DOM, wasm-bindgen, files or clocks; every number is a function of
//! [`settings::Settings`] and its seed. The same code runs natively (tests, command-line tool)
//! and in the browser (compiled to wasm32, driven from a Web Worker).
//!
//! Data flows one way: settings → [`data`] + [`model`] → [`train`] (history, snapshots) →
//! [`landscape`] (planes, grids, projected paths) → [`render`] (charts on any plotters backend).

pub mod analysis;
pub mod boundary;
pub mod curvature;
pub mod data;
pub mod dual;
pub mod kernels;
pub mod lab;
pub mod landscape;
pub mod model;
pub mod noise;
pub mod optim;
pub mod real;
pub mod render;
pub mod rng;
pub mod scenario;
pub mod settings;
pub mod sweep;
pub mod train;
pub mod w1;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
