//! One settings type for a scenario and its runs, used by the page, the URL and the native
//! tool alike. **One table** (the `settings_table!` invocation below) writes each key once —
//! field type, default, range, help — and yields the [`Settings`] struct, its `Default`,
//! [`KEYS`] and `set`/`get`; enum values are named once, beside each enum ([`named_enum!`]).
//! Parsing from `key=value` text (URL, `--set`) and from JSON (`--config`) both go through
//! [`Settings::set`], so the three spellings cannot drift apart. A [`Scenario`] takes only
//! [`Checked`] settings, which only validation produces.
//!
//! [`Scenario`]: crate::scenario::Scenario
//!
//! Errors are values that name the key, the value and what is allowed. Nothing here panics.

use crate::data::{DataSpec, DatasetKind};
use crate::model::{Activation, Loss};
use crate::optim::{Method, OptimConfig};
use crate::train::{Budget, LrRule};
use serde::Serialize;
use std::fmt;

/// A settings enum's names: the one (variant, "name") list that [`named_enum!`] turns into
/// `parse`, `name`, `Display`, serde and the `Choice` list of [`KEYS`].
pub trait Named: Sized + Copy + 'static {
    /// Every name, in the order of the variants (the key's `Choice` list).
    const NAMES: &'static [&'static str];
    fn name(self) -> &'static str;
    fn from_name(name: &str) -> Option<Self>;
}

/// Declares an enum whose variants each have a settings name, written once:
///
/// ```ignore
/// named_enum! {
///     /// Which update rule.
///     #[derive(Clone, Copy, Debug, PartialEq, Eq)]
///     pub enum Method {
///         Sgd = "sgd",
///         Momentum = "momentum",
///         Adam = "adam",
///     }
/// }
/// ```
///
/// yields the enum (doc comments and attributes kept), `ALL` (every variant, in order),
/// `name()`, `parse(&str)`, `Display` (the name), serde (de)serialisation as the name (serde's
/// own derive, with `#[serde(rename = "name")]` on each variant) and [`Named`], from which the
/// settings table takes the key's choices. Hand-written `macro_rules!` rather than a derive
/// crate: it is forty lines, compiles for wasm32 with nothing new, and serde already covers
/// the (de)serialisation.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every variant, in the order of the settings table.
            pub const ALL: [Self; [$($text),+].len()] = [$(Self::$variant),+];

            /// The settings name (the key's value in a URL, `--set` and JSON).
            pub fn name(self) -> &'static str {
                <Self as $crate::settings::Named>::name(self)
            }

            /// The variant of a settings name (exact, case-sensitive).
            pub fn parse(name: &str) -> Option<Self> {
                <Self as $crate::settings::Named>::from_name(name)
            }
        }

        impl $crate::settings::Named for $name {
            const NAMES: &'static [&'static str] = &[$($text),+];

            fn name(self) -> &'static str {
                match self {
                    $( Self::$variant => $text, )+
                }
            }

            fn from_name(name: &str) -> Option<Self> {
                match name {
                    $( $text => Some(Self::$variant), )+
                    _ => None,
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}
pub(crate) use named_enum;

/// What a key accepts.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Int { min: i64, max: i64 },
    Float { min: f64, max: f64 },
    Choice(&'static [&'static str]),
    /// A comma-separated list of integers: `len` entries, each in `min ..= max`.
    IntList { min_len: usize, max_len: usize, min: i64, max: i64 },
}

/// One row of the settings table.
#[derive(Clone, Copy, Debug)]
pub struct KeySpec {
    pub key: &'static str,
    pub kind: Kind,
    pub help: &'static str,
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
            fn store(&mut self, key: &str, parsed: Parsed) -> bool {
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
    dataset: DatasetKind = DatasetKind::Moons, Choice, "toy data set (sine and linear are regression: MSE loss; the rest classification: BCE loss)";
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

/// A field type of the table: built from what its key's [`Kind`] parsed, written back as the
/// text [`Settings::set`] accepts.
trait Field: Sized {
    /// The [`Kind::tag`] of the rows this type can hold.
    const KIND: u8;
    fn from_parsed(parsed: Parsed) -> Option<Self>;
    fn to_text(&self) -> String;
}

/// Integer fields: `Kind::Int` values, which the range keeps within the type.
macro_rules! int_fields {
    ($($int:ty),+) => {$(
        impl Field for $int {
            const KIND: u8 = 0;
            fn from_parsed(parsed: Parsed) -> Option<Self> {
                match parsed {
                    Parsed::Int(n) => <$int>::try_from(n).ok(),
                    _ => None,
                }
            }
            fn to_text(&self) -> String {
                self.to_string()
            }
        }
    )+};
}
int_fields!(u32, usize);

impl Field for f64 {
    const KIND: u8 = 1;
    fn from_parsed(parsed: Parsed) -> Option<Self> {
        match parsed {
            Parsed::Float(x) => Some(x),
            _ => None,
        }
    }
    fn to_text(&self) -> String {
        self.to_string()
    }
}

impl Field for Vec<usize> {
    const KIND: u8 = 3;
    fn from_parsed(parsed: Parsed) -> Option<Self> {
        match parsed {
            Parsed::List(l) => l.into_iter().map(|n| usize::try_from(n).ok()).collect(),
            _ => None,
        }
    }
    fn to_text(&self) -> String {
        self.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",")
    }
}

impl<T: Named> Field for T {
    const KIND: u8 = 2;
    fn from_parsed(parsed: Parsed) -> Option<Self> {
        match parsed {
            Parsed::Text(name) => T::from_name(name),
            _ => None,
        }
    }
    fn to_text(&self) -> String {
        self.name().into()
    }
}

/// A rejected value: the key, the value (at most 40 characters of it) and what is allowed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SettingsError {
    pub key: String,
    pub value: String,
    pub allowed: String,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if spec(&self.key).is_none() && self.key != "(config)" {
            write!(f, "unknown setting `{}` (value {:?}): {}", self.key.escape_debug(), self.value, self.allowed)
        } else {
            write!(f, "`{}` = {:?} is not allowed: expected {}", self.key, self.value, self.allowed)
        }
    }
}

impl std::error::Error for SettingsError {}

fn spec(key: &str) -> Option<&'static KeySpec> {
    KEYS.iter().find(|s| s.key == key)
}

/// At most 40 characters of a value, for messages.
fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

impl Kind {
    /// Which kind, without its range (what the table's compile-time row check compares).
    const fn tag(&self) -> u8 {
        match self {
            Kind::Int { .. } => 0,
            Kind::Float { .. } => 1,
            Kind::Choice(_) => 2,
            Kind::IntList { .. } => 3,
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
        }
    }
}

enum Parsed {
    Int(i64),
    Float(f64),
    Text(&'static str),
    List(Vec<i64>),
}

/// Parses `value` for `spec` (at most 200 characters: a URL can carry anything).
fn parse(spec: &KeySpec, value: &str) -> Result<Parsed, SettingsError> {
    let err = || SettingsError { key: spec.key.into(), value: clip(value), allowed: spec.kind.allowed() };
    if value.len() > 200 {
        return Err(err());
    }
    let v = value.trim();
    match spec.kind {
        Kind::Int { min, max } => match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Parsed::Int(n)),
            _ => Err(err()),
        },
        Kind::Float { min, max } => match v.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= min && x <= max => Ok(Parsed::Float(x)),
            _ => Err(err()),
        },
        Kind::Choice(c) => c.iter().find(|&&o| o == v).map(|&o| Parsed::Text(o)).ok_or_else(err),
        Kind::IntList { min_len, max_len, min, max } => {
            let items: Vec<&str> = if v.is_empty() { vec![] } else { v.split(',').collect() };
            if items.len() < min_len || items.len() > max_len {
                return Err(err());
            }
            let mut out = Vec::with_capacity(items.len());
            for it in items {
                match it.trim().parse::<i64>() {
                    Ok(n) if (min..=max).contains(&n) => out.push(n),
                    _ => return Err(err()),
                }
            }
            Ok(Parsed::List(out))
        }
    }
}

impl Settings {
    /// Sets one key from text. Unknown keys and out-of-range values are errors; on error the
    /// settings are unchanged. Cross-key rules (batch ≤ n_train, …) are checked by [`Settings::check`].
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingsError> {
        let spec = spec(key).ok_or_else(|| SettingsError {
            key: clip(key),
            value: clip(value),
            allowed: format!("the settings are {}", KEYS.iter().map(|s| s.key).collect::<Vec<_>>().join(", ")),
        })?;
        let parsed = parse(spec, value)?;
        if self.store(spec.key, parsed) {
            Ok(())
        } else {
            Err(SettingsError { key: spec.key.into(), value: clip(value), allowed: spec.kind.allowed() })
        }
    }

    /// Every rule: each field in its key's range (fields are public, so they are re-parsed
    /// through the table), then the cross-key rules. The settings as [`Checked`], the only
    /// form a [`Scenario`](crate::scenario::Scenario) accepts, or the first violation.
    pub fn check(&self) -> Result<Checked, SettingsError> {
        match self.violations().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(Checked(self.clone())),
        }
    }

    /// Every violation, in table order, then the cross-key ones (empty: [`Settings::check`] passes).
    pub fn violations(&self) -> Vec<SettingsError> {
        let mut errors: Vec<SettingsError> =
            KEYS.iter().filter_map(|spec| parse(spec, &self.get(spec.key).unwrap_or_default()).err()).collect();
        errors.extend(self.cross_errors());
        errors
    }

    /// Violations of the rules that involve two keys: every batch size at most `n_train`;
    /// label noise only on classification data sets.
    fn cross_errors(&self) -> Vec<SettingsError> {
        let mut errors = Vec::new();
        if let Some(&b) = self.batch.iter().find(|&&b| b > self.n_train) {
            errors.push(SettingsError {
                key: "batch".into(),
                value: b.to_string(),
                allowed: format!("batch sizes from 1 to n_train = {}", self.n_train),
            });
        }
        if self.dataset.is_regression() && self.label_noise > 0.0 {
            errors.push(SettingsError {
                key: "label_noise".into(),
                value: self.label_noise.to_string(),
                allowed: format!("0 for the regression data set `{}` (labels are flipped only in classification)", self.dataset.name()),
            });
        }
        errors
    }

    /// Applies `key=value` pairs in order (a later pair overrides an earlier one) and checks
    /// the result; the first rejection is the error. Used where bad input must stop the work.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Checked, SettingsError> {
        let mut s = Self::default();
        for (k, v) in pairs {
            s.set(k, v)?;
        }
        s.check()
    }

    /// Applies `key=value` pairs in order; returns the settings and every rejected pair
    /// (the rejected key keeps its default). Cross-key violations are repaired: batch sizes
    /// are clamped to `n_train`, label noise on a regression set becomes 0. Used by the page,
    /// which must never fail to start. The result is checked: every value kept passed its key's
    /// range and the repairs satisfy the cross-key rules (the default fallback is never taken).
    pub fn from_pairs_lenient<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Checked, Vec<SettingsError>) {
        let mut s = Self::default();
        let mut errors = Vec::new();
        for (k, v) in pairs {
            if let Err(e) = s.set(k, v) {
                errors.push(e);
            }
        }
        for e in s.cross_errors() {
            match e.key.as_str() {
                "batch" => s.batch.iter_mut().for_each(|b| *b = (*b).min(s.n_train)),
                _ => s.label_noise = 0.0,
            }
            errors.push(e);
        }
        match s.check() {
            Ok(checked) => (checked, errors),
            Err(e) => {
                errors.push(e);
                (Checked::default(), errors)
            }
        }
    }

    /// Settings from a JSON object of `key: value` (numbers, strings, or arrays for lists),
    /// applied over the current values; the first bad key is the error, and on error the
    /// settings are unchanged. Used by the native tool's `--config`.
    pub fn apply_json(&mut self, json: &str) -> Result<(), SettingsError> {
        let bad = |what: &str| SettingsError { key: "(config)".into(), value: clip(what), allowed: "a JSON object of settings".into() };
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| bad(&e.to_string()))?;
        let obj = value.as_object().ok_or_else(|| bad("not an object"))?;
        let mut next = self.clone();
        for (k, v) in obj {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Array(a) if a.iter().all(|x| x.is_u64()) => {
                    a.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",")
                }
                other => {
                    let spec = spec(k);
                    return Err(SettingsError {
                        key: clip(k),
                        value: clip(&other.to_string()),
                        allowed: spec.map(|s| s.kind.allowed()).unwrap_or_else(|| "a known key".into()),
                    });
                }
            };
            next.set(k, &text)?;
        }
        *self = next;
        Ok(())
    }

    /// The settings as a JSON object with the key names and typed values (numbers, strings,
    /// arrays): the form `--config` reads and `metrics.json` writes.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// All settings as `key=value` pairs in table order.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        KEYS.iter().map(|s| (s.key, self.get(s.key).unwrap_or_default())).collect()
    }

    /// Planned optimizer steps per run for batch size `b`: `epochs · max(1, ⌊N/B⌋)` (partial
    /// batches dropped) under `budget=epochs`, `steps` under `budget=steps`, the cap `max_steps`
    /// under `budget=loss` (the run stops earlier if it reaches `target_loss`).
    pub fn steps_for(&self, b: usize) -> usize {
        self.budget.steps_for(self.epochs, self.steps, self.max_steps, self.n_train, b)
    }

    /// The training loss a run stops at: `Some(target_loss)` under `budget=loss`, else `None`.
    pub fn target_for_runs(&self) -> Option<f64> {
        (self.budget == Budget::Loss).then_some(self.target_loss)
    }

    /// The learning rate of a run with batch size `b` under `lr_rule` (before warm-up).
    pub fn lr_for(&self, b: usize) -> f64 {
        self.lr_rule.lr(self.lr, b, self.base_batch)
    }

    /// The data part of the settings.
    pub fn data_spec(&self) -> DataSpec {
        DataSpec { kind: self.dataset, n_train: self.n_train, n_test: self.n_test, noise: self.noise, label_noise: self.label_noise }
    }

    /// The optimizer part of the settings.
    pub fn optim(&self) -> OptimConfig {
        OptimConfig { method: self.optimizer, momentum: self.momentum, weight_decay: self.weight_decay }
    }

    /// The loss follows from the data set: MSE for regression, BCE for classification.
    pub fn loss(&self) -> Loss {
        if self.dataset.is_regression() {
            Loss::Mse
        } else {
            Loss::Bce
        }
    }
}

/// Settings that passed every rule of [`Settings::check`]: each key in its range, every batch
/// size at most `n_train`, no label noise on a regression set. Only validation makes one
/// ([`Settings::check`], the strict [`Settings::from_pairs`], the page's lenient
/// [`Settings::from_pairs_lenient`]); the field is private, and it reads as [`Settings`]
/// through `Deref`. [`Scenario::new`](crate::scenario::Scenario::new) takes `&Checked`, so
/// unchecked settings reaching a scenario is a type error:
///
/// ```compile_fail,E0308
/// use batchscape_core::{scenario::Scenario, settings::Settings};
/// let s = Settings { lr: f64::NAN, ..Settings::default() };
/// let scenario = Scenario::new(&s); // error[E0308]: expected `&Checked`, found `&Settings`
/// ```
///
/// and so is forging one without the check:
///
/// ```compile_fail,E0423
/// use batchscape_core::settings::{Checked, Settings};
/// let forged = Checked(Settings::default()); // error[E0423]: the field is private
/// ```
///
/// The way through is the check:
///
/// ```
/// use batchscape_core::{scenario::Scenario, settings::Settings};
/// let mut s = Settings::default();
/// s.set("n_train", "300").unwrap();
/// let scenario = Scenario::new(&s.check().unwrap());
/// assert_eq!(scenario.split.train.x.len(), 300 * 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Checked(Settings);

impl Checked {
    pub fn settings(&self) -> &Settings {
        &self.0
    }

    pub fn into_settings(self) -> Settings {
        self.0
    }

    /// The same settings with another seed: every `u32` is a valid seed and no cross-key rule
    /// reads it, so the result needs no check (a sweep's scenario per seed).
    pub fn with_seed(&self, seed: u32) -> Checked {
        Checked(Settings { seed, ..self.0.clone() })
    }
}

/// The defaults, which pass the check (`check_accepts_the_defaults_and_rejects_out_of_range_fields`).
impl Default for Checked {
    fn default() -> Self {
        Checked(Settings::default())
    }
}

impl PartialEq<Settings> for Checked {
    fn eq(&self, other: &Settings) -> bool {
        self.0 == *other
    }
}

impl std::ops::Deref for Checked {
    type Target = Settings;

    fn deref(&self) -> &Settings {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Settings with every key away from its default.
    fn unusual() -> Checked {
        let pairs = [
            ("seed", "4000000000"), ("dataset", "spiral"), ("n_train", "300"), ("n_test", "100"), ("noise", "0.05"),
            ("label_noise", "0.125"), ("hidden", "8,4,2"), ("act", "relu"), ("optimizer", "adam"), ("momentum", "0.5"),
            ("weight_decay", "0.001"), ("lr", "0.05"), ("lr_rule", "sqrt"), ("base_batch", "32"), ("warmup", "10"),
            ("budget", "steps"), ("epochs", "7"), ("steps", "123"), ("target_loss", "0.25"), ("max_steps", "4567"), ("batch", "1,256"), ("grid", "21"),
        ];
        assert_eq!(pairs.len(), KEYS.len(), "one pair per key");
        let s = Settings::from_pairs(pairs).unwrap();
        for (k, v) in pairs {
            assert_ne!(Settings::default().get(k).unwrap(), v, "{k} differs from its default");
        }
        s
    }

    #[test]
    fn every_key_round_trips_through_text() {
        let s = unusual();
        let pairs = s.to_pairs();
        assert_eq!(pairs.len(), KEYS.len());
        let t = Settings::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        assert_eq!(s, t);
        assert_eq!(Settings::from_pairs(Settings::default().to_pairs().iter().map(|(k, v)| (*k, v.as_str()))).unwrap(), Checked::default());
    }

    #[test]
    fn every_key_round_trips_through_json_with_the_same_names() {
        let s = unusual();
        let json = s.to_json();
        let obj = json.as_object().unwrap();
        assert_eq!(obj.keys().collect::<Vec<_>>().len(), KEYS.len());
        assert!(KEYS.iter().all(|k| obj.contains_key(k.key)), "{json}");
        assert_eq!(json["dataset"], "spiral");
        assert_eq!(json["hidden"], serde_json::json!([8, 4, 2]));
        let mut t = Settings::default();
        t.apply_json(&json.to_string()).unwrap();
        assert_eq!(s, t);
    }

    /// Each key alone: setting its unusual text changes that key only, `get` gives the text
    /// back, and the JSON of that one key applied to the defaults gives the same settings.
    #[test]
    fn each_key_round_trips_alone_through_set_get_and_json() {
        let u = unusual();
        let json = u.to_json();
        for spec in KEYS {
            let text = u.get(spec.key).unwrap();
            let mut s = Settings::default();
            s.set(spec.key, &text).unwrap();
            assert_eq!(s.get(spec.key).unwrap(), text, "{}", spec.key);
            for other in KEYS.iter().filter(|o| o.key != spec.key) {
                assert_eq!(s.get(other.key), Settings::default().get(other.key), "setting {} changed {}", spec.key, other.key);
            }
            let mut t = Settings::default();
            t.apply_json(&serde_json::json!({ spec.key: json[spec.key] }).to_string()).unwrap();
            assert_eq!(t, s, "{} through JSON", spec.key);
            let default = Settings::default().get(spec.key).unwrap();
            s.set(spec.key, &default).unwrap();
            assert_eq!(s, Settings::default(), "{} back to its default", spec.key);
        }
        assert_eq!(Settings::default().get("nope"), None);
    }

    /// Every named enum: the name of each variant parses back to it, is its `Display`, is its
    /// JSON string both ways, and the settings keys offer exactly these names in this order.
    #[test]
    fn every_enum_name_round_trips() {
        fn round_trip<T>(all: &[T])
        where
            T: Named + PartialEq + fmt::Debug + fmt::Display + Serialize + serde::de::DeserializeOwned,
        {
            assert_eq!(all.len(), T::NAMES.len());
            for (&v, &name) in all.iter().zip(T::NAMES) {
                assert_eq!(v.name(), name);
                assert_eq!(T::from_name(name), Some(v));
                assert_eq!(v.to_string(), name);
                assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(name));
                assert_eq!(serde_json::from_value::<T>(serde_json::json!(name)).unwrap(), v);
                assert_eq!(T::from_name(&name.to_uppercase()), None, "names are case-sensitive");
            }
            assert!(serde_json::from_value::<T>(serde_json::json!("nope")).is_err());
        }
        round_trip(&DatasetKind::ALL);
        round_trip(&Activation::ALL);
        round_trip(&Method::ALL);
        round_trip(&LrRule::ALL);
        round_trip(&Budget::ALL);
        round_trip(&crate::lab::PlaneKind::ALL);
        round_trip(&crate::sweep::Metric::ALL);
        let choices = |key| match spec(key).unwrap().kind {
            Kind::Choice(c) => c,
            _ => panic!("{key} is a choice"),
        };
        assert_eq!(choices("dataset"), ["moons", "circles", "spiral", "xor", "blobs", "sine", "linear"]);
        assert_eq!(choices("act"), ["tanh", "relu", "sigmoid"]);
        assert_eq!(choices("optimizer"), ["sgd", "momentum", "adam"]);
        assert_eq!(choices("lr_rule"), ["fixed", "linear", "sqrt"]);
        assert_eq!(choices("budget"), ["epochs", "steps", "loss"]);
    }

    #[test]
    fn every_choice_in_the_table_names_a_variant() {
        let choices = |key| match spec(key).unwrap().kind {
            Kind::Choice(c) => c,
            _ => panic!("{key} is a choice"),
        };
        assert!(choices("dataset").iter().all(|n| DatasetKind::parse(n).is_some_and(|k| k.name() == *n)));
        assert_eq!(choices("dataset").len(), DatasetKind::ALL.len());
        assert!(choices("act").iter().all(|n| Activation::parse(n).is_some()));
        assert!(choices("optimizer").iter().all(|n| Method::parse(n).is_some()));
        assert!(choices("lr_rule").iter().all(|n| LrRule::parse(n).is_some()));
        assert!(choices("budget").iter().all(|n| Budget::parse(n).is_some()));
        let mut s = Settings::default();
        for key in ["dataset", "act", "optimizer", "lr_rule", "budget"] {
            for name in choices(key) {
                s.set(key, name).unwrap();
                assert_eq!(s.get(key).unwrap(), *name);
            }
        }
    }

    #[test]
    fn rejections_name_the_key_the_value_and_the_range() {
        let mut s = Settings::default();
        let e = s.set("lr", "NaN").unwrap_err();
        assert_eq!(e.to_string(), "`lr` = \"NaN\" is not allowed: expected a finite number in [0.00001, 1000]");
        let e = s.set("n_train", "-5").unwrap_err();
        assert_eq!(e.to_string(), "`n_train` = \"-5\" is not allowed: expected an integer in 64..=4096");
        let e = s.set("bogus", "1").unwrap_err();
        assert!(e.to_string().starts_with("unknown setting `bogus` (value \"1\"): the settings are seed, dataset,"), "{e}");
        let e = s.set("hidden", "16,16,16,16,16").unwrap_err();
        assert_eq!(e.to_string(), "`hidden` = \"16,16,16,16,16\" is not allowed: expected 0 to 4 comma-separated integers, each in 1..=64");
        let e = s.set("act", "<script>").unwrap_err();
        assert_eq!(e.to_string(), "`act` = \"<script>\" is not allowed: expected one of tanh, relu, sigmoid");
        let e = s.set("optimizer", "Adam").unwrap_err();
        assert!(e.to_string().contains("one of sgd, momentum, adam"));
        assert!(s.set("seed", &"9".repeat(5000)).unwrap_err().value.len() == 40);
        assert_eq!(s, Settings::default(), "failed sets change nothing");
    }

    #[test]
    fn every_kind_of_bad_value_is_rejected_and_nothing_panics() {
        let bad: &[(&str, &str)] = &[
            ("lr", "1e999"), ("lr", "inf"), ("lr", "-0.1"), ("lr", "0"), ("lr", "0.1.2"), ("lr", ""),
            ("noise", "NaN"), ("noise", "1.5"), ("label_noise", "0.6"), ("momentum", "1"), ("weight_decay", "-1e-9"),
            ("seed", "-1"), ("seed", "4294967296"), ("seed", "1e3"), ("seed", "abc"), ("n_train", "63"), ("n_test", "99999"),
            ("epochs", "0"), ("steps", "0"), ("target_loss", "0"), ("target_loss", "11"), ("max_steps", "0"), ("warmup", "-3"), ("base_batch", "0"), ("grid", "1e999"),
            ("batch", ""), ("batch", "1,2,3,4,5"), ("batch", "8,,16"), ("batch", "0"), ("batch", "16;32"), ("batch", "4097"),
            ("hidden", "65"), ("hidden", "0"), ("hidden", "8,x"), ("dataset", "MOONS"), ("dataset", "<script>alert(1)</script>"),
            ("budget", "time"), ("lr_rule", "cosine"), ("act", "\u{0}"), ("act", "tanh\"onload=\""), ("__proto__", "1"),
        ];
        for &(k, v) in bad {
            let mut s = Settings::default();
            let e = s.set(k, v).expect_err(&format!("{k}={v:?} must be rejected"));
            assert_eq!(e.key, k);
            assert!(!e.allowed.is_empty());
            assert!(!e.to_string().is_empty());
            assert_eq!(s, Settings::default());
            let (lenient, errors) = Settings::from_pairs_lenient([(k, v)]);
            assert_eq!((lenient, errors.len()), (Checked::default(), 1), "{k}={v:?}");
            assert_eq!(Settings::from_pairs([(k, v)]).unwrap_err(), e);
        }
    }

    #[test]
    fn a_batch_larger_than_the_training_set_is_rejected_and_clamped_leniently() {
        let (s, errors) = Settings::from_pairs_lenient([("n_train", "64"), ("batch", "128"), ("x", "1")]);
        assert_eq!(s.batch, vec![64]);
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[1].key, "batch");
        assert_eq!(Settings::from_pairs([("n_train", "64"), ("batch", "128")]).unwrap_err().key, "batch");
    }

    #[test]
    fn label_noise_on_a_regression_set_is_rejected_and_zeroed_leniently() {
        let pairs = [("dataset", "sine"), ("label_noise", "0.1")];
        let e = Settings::from_pairs(pairs).unwrap_err();
        assert_eq!(e.key, "label_noise");
        assert!(e.to_string().contains("regression"), "{e}");
        let (s, errors) = Settings::from_pairs_lenient(pairs);
        assert_eq!((s.label_noise, errors.len()), (0.0, 1));
        assert_eq!(s.loss(), Loss::Mse);
        assert_eq!(Settings::default().loss(), Loss::Bce);
    }

    #[test]
    fn json_config_uses_the_same_keys_and_rejects_the_same_values() {
        let mut s = Settings::default();
        s.apply_json(r#"{"lr": 0.5, "hidden": [8, 8], "act": "relu", "batch": [4, 64], "optimizer": "momentum"}"#).unwrap();
        assert_eq!((s.lr, s.hidden.clone(), s.act, s.batch.clone()), (0.5, vec![8, 8], Activation::Relu, vec![4, 64]));
        assert_eq!(s.optimizer, Method::Momentum);
        let before = s.clone();
        assert_eq!(s.apply_json(r#"{"seed": 3, "lr": -1}"#).unwrap_err().key, "lr");
        assert_eq!(s, before, "a rejected config changes nothing");
        assert_eq!(s.apply_json("[1]").unwrap_err().key, "(config)");
        assert_eq!(s.apply_json(r#"{"lr": 1e999}"#).unwrap_err().key, "(config)");
        assert_eq!(s.apply_json(r#"{"batch": [-1]}"#).unwrap_err().key, "batch");
        assert_eq!(s.apply_json(r#"{"hidden": {"a": 1}}"#).unwrap_err().key, "hidden");
        assert_eq!(s.apply_json(r#"{"act": true}"#).unwrap_err().key, "act");
        assert_eq!(s.apply_json(r#"{"nope": 1}"#).unwrap_err().key, "nope");
        assert_eq!(s, before);
    }

    #[test]
    fn check_catches_fields_written_directly() {
        let s = Settings { hidden: vec![100], ..Settings::default() };
        assert_eq!(s.check().unwrap_err().key, "hidden");
        let s = Settings { lr: f64::NAN, ..Settings::default() };
        assert_eq!(s.check().unwrap_err().key, "lr");
        assert!(Settings::default().check().is_ok());
    }

    /// `check` is the way to a [`Checked`] (what `Scenario::new` takes; the doc comment of
    /// `Checked` shows the unchecked call failing to compile): an out-of-range field is refused
    /// with the message `set` gives for the same text, every violation is listed, and what
    /// passes reads as the settings it checked.
    #[test]
    fn check_accepts_the_defaults_and_rejects_out_of_range_fields() {
        assert_eq!(Settings::default().check().unwrap(), Checked::default());
        assert!(Checked::default().violations().is_empty());
        let s = Settings { lr: 5000.0, ..Settings::default() };
        let e = s.check().unwrap_err();
        assert_eq!(e.to_string(), "`lr` = \"5000\" is not allowed: expected a finite number in [0.00001, 1000]");
        assert_eq!(Settings::default().set("lr", "5000").unwrap_err(), e);
        let s = Settings { grid: 3, n_train: 64, batch: vec![8, 128], dataset: DatasetKind::Sine, label_noise: 0.2, ..Settings::default() };
        let keys: Vec<String> = s.violations().into_iter().map(|e| e.key).collect();
        assert_eq!(keys, ["grid", "batch", "label_noise"]);
        assert_eq!(s.check().unwrap_err().to_string(), "`grid` = \"3\" is not allowed: expected an integer in 5..=101");
        let ok = Settings { lr: 0.5, ..Settings::default() }.check().unwrap();
        assert_eq!((ok.lr, ok.settings().lr, ok.clone().into_settings().lr), (0.5, 0.5, 0.5));
        assert_eq!(ok.with_seed(9).seed, 9);
        assert_eq!(ok.with_seed(9).check().unwrap(), ok.with_seed(9));
    }

    #[test]
    fn steps_and_learning_rates_follow_the_budget_and_the_rule() {
        let mut s = Settings::from_pairs([("n_train", "256"), ("epochs", "10"), ("lr", "0.1"), ("base_batch", "16")]).unwrap().into_settings();
        assert_eq!((s.steps_for(16), s.steps_for(256), s.steps_for(100)), (160, 10, 20));
        assert_eq!(s.lr_for(64), 0.1);
        s.set("lr_rule", "linear").unwrap();
        assert!((s.lr_for(64) - 0.4).abs() < 1e-15);
        s.set("lr_rule", "sqrt").unwrap();
        assert!((s.lr_for(64) - 0.2).abs() < 1e-15);
        s.set("budget", "steps").unwrap();
        s.set("steps", "77").unwrap();
        assert_eq!((s.steps_for(1), s.steps_for(256)), (77, 77));
        assert_eq!(s.target_for_runs(), None);
        s.set("budget", "loss").unwrap();
        s.set("max_steps", "900").unwrap();
        s.set("target_loss", "0.3").unwrap();
        assert_eq!((s.steps_for(1), s.steps_for(256), s.target_for_runs()), (900, 900, Some(0.3)));
    }

    /// docs/settings.md lists every key with its allowed values, so the documentation cannot
    /// drift from the table.
    #[test]
    fn the_settings_document_lists_every_key_with_its_range() {
        let doc = include_str!("../../../docs/settings.md");
        for spec in KEYS {
            let row = doc.lines().find(|l| l.starts_with(&format!("| `{}` |", spec.key)));
            let row = row.unwrap_or_else(|| panic!("docs/settings.md has no row for `{}`", spec.key));
            assert!(row.contains(&spec.kind.allowed()), "row of `{}` must say {:?}", spec.key, spec.kind.allowed());
            let default = Settings::default().get(spec.key).unwrap();
            assert!(row.contains(&format!("`{default}`")), "row of `{}` must give the default `{default}`", spec.key);
        }
    }
}
