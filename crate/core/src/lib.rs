//! Batchscape's core: everything that trains and measures, as plain Rust.
//!
//! **Architecture Invariant:** this crate does not touch the DOM, wasm-bindgen, plotters, files
//! or clocks (its manifest has none of them); every number is a function of
//! [`settings::Settings`] and its seed. The same code runs natively (tests, command-line tool)
//! and in the browser (compiled to wasm32 by `batchscape-web`, driven from a Web Worker).
//!
//! Data flows one way: settings → [`data`] + [`model`] → [`train`] (history, snapshots) →
//! [`landscape`] (planes, grids, projected paths) → `batchscape-render` (charts).

pub mod analysis;
pub mod boundary;
pub mod curvature;
pub mod custom;
pub mod data;
pub mod digits;
pub mod digits_bench;
pub mod dual;
pub mod facts;
pub mod images;
pub mod kernels;
pub mod lab;
pub mod landscape;
pub mod laws;
pub mod matmul;
pub mod model;
pub mod noise;
pub mod optim;
pub mod parallel;
pub mod input_pca;
pub mod real;
pub mod rng;
pub mod rescale;
pub mod scenario;
pub mod seeds;
pub mod settings;
pub mod slots;
pub mod sweep;
pub mod tiny;
pub mod train;
pub mod work;
pub mod w1;

