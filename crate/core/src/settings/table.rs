//! The settings table: one row per key (field type, default, range, help), from which
//! `settings_table!` writes the [`Settings`] struct, its `Default`, [`KEYS`] and the per-key
//! arms of `store` and [`Settings::get`]; [`Kind`], what a key accepts. The rules over
//! several keys, parsing, and the `Checked` form are in the parent module.

use super::field::{Field, Parsed};
use super::Named;
use crate::custom::{Points, MAX_POINTS};
use crate::data::DatasetKind;
use crate::model::Activation;
use crate::optim::Method;
use crate::train::{Budget, LrRule};
use serde::Serialize;

/// What a key accepts.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Int { min: i64, max: i64 },
    Float { min: f64, max: f64 },
    Choice(&'static [&'static str]),
    /// A comma-separated list of integers: `len` entries, each in `min ..= max`.
    IntList { min_len: usize, max_len: usize, min: i64, max: i64 },
    /// The learner's points `x1:x2:label;…` ([`crate::custom`]), at most `max` of them.
    Points { max: usize },
}

/// One row of the settings table.
#[derive(Clone, Copy, Debug)]
pub struct KeySpec {
    pub key: &'static str,
    pub kind: Kind,
    pub help: &'static str,
}

impl Kind {
    /// Which kind, without its range (what the table's compile-time row check compares).
    const fn tag(&self) -> u8 {
        match self {
            Kind::Int { .. } => 0,
            Kind::Float { .. } => 1,
            Kind::Choice(_) => 2,
            Kind::IntList { .. } => 3,
            Kind::Points { .. } => 4,
        }
    }

    /// Human-readable description of what is allowed.
    pub fn allowed(&self) -> String {
        match *self {
            Kind::Int { min, max } => format!("an integer in {min}..={max}"),
            Kind::Float { min, max } => format!("a finite number in [{min}, {max}]"),
            Kind::Choice(c) => format!("one of {}", c.join(", ")),
            Kind::IntList { min_len, max_len, min, max } => {
                format!("{min_len} to {max_len} comma-separated integers, each in {min}..={max}")
            }
            Kind::Points { max } => format!("up to {max} points x1:x2:label (or x:y for regression) separated by ; (each coordinate within ±{}, label 0, 1 or 2)", crate::custom::MAX_ABS),
        }
    }
}

/// The one settings table: one row per key, each written once as
///
/// ```text
/// key: FieldType = default, Kind { range }, "help";
/// ```
///
/// From the rows come the [`Settings`] struct (fields in row order, documented by their help;
/// its serde form is the JSON of `--config` and `metrics.json`), its `Default`, [`KEYS`] (the
/// key, its range and help: `--help`, the page, the URL and `docs/settings.md`'s check) and the
/// per-key arms of [`Settings::set`] and [`Settings::get`]. A `Choice` key takes its names from
/// its field's enum ([`Named`], written by [`named_enum!`]); text ↔ value goes through the
/// field type's [`Field`] impl. A plain `macro_rules!` (no derive crate): a derive would need a
/// proc-macro crate of our own for what this does in thirty lines.
macro_rules! settings_table {
    (@kind $ty:ty, Choice) => { Kind::Choice(<$ty as Named>::NAMES) };
    (@kind $ty:ty, $kind:ident { $($range:tt)* }) => { Kind::$kind { $($range)* } };
    ( $( $key:ident : $ty:ty = $default:expr, $kind:ident $({ $($range:tt)* })?, $help:literal; )+ ) => {
        /// The scenario and its runs. Field names are the keys of [`KEYS`]; the derived JSON
        /// form is the `--config` form. Any value can be written into the public fields; what
        /// a [`Scenario`](crate::scenario::Scenario) takes is the validated [`Checked`].
        #[derive(Clone, Debug, PartialEq, Serialize)]
        pub struct Settings {
            $( #[doc = $help] pub $key: $ty, )+
        }

        impl Default for Settings {
            fn default() -> Self {
                Self { $( $key: $default, )+ }
            }
        }

        /// Every setting, its range and meaning. URL query keys, JSON keys and `--set` keys are these.
        pub const KEYS: &[KeySpec] = &[
            $( KeySpec { key: stringify!($key), kind: settings_table!(@kind $ty, $kind $({ $($range)* })?), help: $help }, )+
        ];

        // A row whose kind does not fit its field type (`lr: f64 = 0.2, Int { .. }`) is a
        // compile error, not a setter that always refuses.
        $( const _: () = assert!(
            <$ty as Field>::KIND == settings_table!(@kind $ty, $kind $({ $($range)* })?).tag(),
            concat!("the kind of `", stringify!($key), "` does not fit its field type"),
        ); )+

        impl Settings {
            /// Stores a value that the key's row accepted; false (nothing stored) only if the
            /// value does not fit the field, which the row's kind (checked at compile time) rules out.
            pub(super) fn store(&mut self, key: &str, parsed: Parsed) -> bool {
                match key {
                    $( stringify!($key) => match <$ty as Field>::from_parsed(parsed) {
                        Some(v) => { self.$key = v; true }
                        None => false,
                    }, )+
                    _ => false,
                }
            }

            /// The value of `key` as text, in the form [`Settings::set`] accepts.
            pub fn get(&self, key: &str) -> Option<String> {
                match key {
                    $( stringify!($key) => Some(Field::to_text(&self.$key)), )+
                    _ => None,
                }
            }
        }
    };
}

settings_table! {
    seed: u32 = 1, Int { min: 0, max: u32::MAX as i64 }, "seed of the data, init, shuffle and direction streams";
    dataset: DatasetKind = DatasetKind::Moons, Choice, "data set (sine and linear are regression: MSE loss; spiral3 (3 classes) and digits (the 1 797 real 8×8 images, 10 classes, noise unused) softmax cross-entropy; custom and custom3 are your own points (2 or 3 classes, see points), custom_reg your own regression points x:y (MSE); the rest binary: BCE loss)";
    points: Points = Points::default(), Points { max: MAX_POINTS }, "your own points for dataset=custom/custom3 (x1:x2:label) or custom_reg (x:y) (ignored otherwise), at least 4; a quarter (rounded up) is held out for testing, chosen by the seed; each example is a point plus noise (on the inputs; for custom_reg on the target)";
    n_train: usize = 256, Int { min: 64, max: 4096 }, "training examples N";
    n_test: usize = 256, Int { min: 64, max: 4096 }, "test examples";
    noise: f64 = 0.2, Float { min: 0.0, max: 1.0 }, "standard deviation of the noise on the inputs (classification) or the target (regression)";
    label_noise: f64 = 0.0, Float { min: 0.0, max: 0.5 }, "fraction of training labels flipped (classification only)";
    hidden: Vec<usize> = vec![16, 16], IntList { min_len: 0, max_len: 4, min: 1, max: 64 }, "hidden layer widths, e.g. 16,16 (depth = number of entries; empty: linear/logistic model)";
    act: Activation = Activation::Tanh, Choice, "hidden activation";
    optimizer: Method = Method::Sgd, Choice, "update rule: SGD, heavy-ball momentum, Adam";
    momentum: f64 = 0.9, Float { min: 0.0, max: 0.999 }, "momentum μ (optimizer=momentum only)";
    weight_decay: f64 = 0.0, Float { min: 0.0, max: 1.0 }, "decoupled weight decay λ: θ ← θ − ηλθ each step";
    lr: f64 = 0.2, Float { min: 1e-5, max: 1e3 }, "learning rate η₀ (at base_batch under the linear and sqrt rules)";
    lr_rule: LrRule = LrRule::Fixed, Choice, "learning rate of batch size B: η₀, η₀·B/B₀ or η₀·√(B/B₀)";
    base_batch: usize = 16, Int { min: 1, max: 4096 }, "base batch size B₀ of the learning-rate rule";
    warmup: usize = 0, Int { min: 0, max: 100_000 }, "linear warm-up steps W (0: none)";
    budget: Budget = Budget::Epochs, Choice, "what runs share: equal epochs, equal steps, or equal training loss (each run trains until its full training loss is at most target_loss)";
    epochs: usize = 60, Int { min: 1, max: 2000 }, "passes over the training set per run (budget=epochs)";
    steps: usize = 1000, Int { min: 1, max: 1_000_000 }, "updates per run (budget=steps)";
    target_loss: f64 = 0.1, Float { min: 1e-4, max: 10.0 }, "training loss each run trains to (budget=loss): the full training loss is checked at step 0 and at the end of every epoch (every ⌊N/B⌋ steps), and the run stops at the first check where it is at most this";
    max_steps: usize = 20_000, Int { min: 1, max: 1_000_000 }, "most updates per run under budget=loss; a run that gets there first did not reach target_loss";
    batch: Vec<usize> = vec![16, 256], IntList { min_len: 1, max_len: 4, min: 1, max: 4096 }, "batch size of each run (at most n_train), e.g. 8,256";
    grid: usize = 51, Int { min: 5, max: 101 }, "landscape grid points per axis";
}
