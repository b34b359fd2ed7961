//! One settings type for a scenario and its runs, used by the page, the URL and the native
//! tool alike. **One table** (the `settings_table!` invocation in `settings/table.rs`) writes each key once —
//! field type, default, range, help — and yields the [`Settings`] struct, its `Default`,
//! [`KEYS`] and `set`/`get`; enum values are named once, beside each enum ([`named_enum!`]).
//! Parsing from `key=value` text (URL, `--set`) and from JSON (`--config`) both go through
//! [`Settings::set`], so the three spellings cannot drift apart. A [`Scenario`] takes only
//! [`Checked`] settings, which only validation produces.
//!
//! [`Scenario`]: crate::scenario::Scenario
//!
//! Errors are values that name the key, the value and what is allowed. Nothing here panics.

use crate::custom::{Points, MIN_POINTS};
use crate::data::{DataSpec, DatasetKind};
use crate::model::Loss;
use crate::optim::OptimConfig;
use crate::train::Budget;
use serde::Serialize;
use std::fmt;

mod field;
mod named;
mod table;

use field::Parsed;
pub use named::Named;
pub(crate) use named::named_enum;
pub use table::{KeySpec, Kind, Settings, KEYS};

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

/// Parses `value` for `spec` (at most 200 characters, `points` at most
/// [`crate::custom::MAX_TEXT`]: a URL can carry anything).
fn parse(spec: &KeySpec, value: &str) -> Result<Parsed, SettingsError> {
    let err = || SettingsError { key: spec.key.into(), value: clip(value), allowed: spec.kind.allowed() };
    if let Kind::Points { .. } = spec.kind {
        return Points::parse(value).map(Parsed::Points).map_err(|e| SettingsError { allowed: format!("{}; {e}", spec.kind.allowed()), ..err() });
    }
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
        Kind::Points { .. } => Err(err()),
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

    /// Violations of the rules that involve two keys: `n_train + n_test` within a fixed data
    /// set (the 1 797 digits); at least 4 points, with labels below the class count, for a
    /// custom data set; every batch size at most `n_train`; label noise only on
    /// classification data sets.
    fn cross_errors(&self) -> Vec<SettingsError> {
        let mut errors = Vec::new();
        if let Some(max) = self.dataset.max_examples() {
            if self.n_train + self.n_test > max {
                errors.push(SettingsError {
                    key: "n_test".into(),
                    value: self.n_test.to_string(),
                    allowed: format!(
                        "n_train + n_test at most {max} for `{}` (n_train = {}, so n_test ≤ {})",
                        self.dataset.name(),
                        self.n_train,
                        max.saturating_sub(self.n_train)
                    ),
                });
            }
        }
        if self.dataset.is_custom() {
            let classes = self.dataset.classes();
            if self.points.len() < MIN_POINTS {
                errors.push(SettingsError {
                    key: "points".into(),
                    value: clip(&self.points.to_text()),
                    allowed: format!("at least {MIN_POINTS} points for dataset={} (there are {})", self.dataset.name(), self.points.len()),
                });
            } else if self.points.is_regression() != self.dataset.is_regression() {
                let form = |regression: bool| if regression { "regression points x:y" } else { "class points x1:x2:label" };
                let other = if self.points.is_regression() { "custom_reg" } else { "custom or custom3" };
                errors.push(SettingsError {
                    key: "points".into(),
                    value: clip(&self.points.to_text()),
                    allowed: format!("{} for dataset={} (these are {}: use dataset={other})", form(self.dataset.is_regression()), self.dataset.name(), form(self.points.is_regression())),
                });
            } else if let Some((i, label)) = self.points.label_at_least(classes) {
                errors.push(SettingsError {
                    key: "points".into(),
                    value: clip(&self.points.to_text()),
                    allowed: format!("labels below {classes} for dataset={} (point {i} has label {label}: use dataset=custom3)", self.dataset.name()),
                });
            }
        }
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
    /// are clamped to `n_train`, label noise on a regression set becomes 0, `n_train` and then
    /// `n_test` shrink to fit a fixed data set (n_test keeps its minimum 64). Used by the page,
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
        // Twice: shrinking n_train to fit the data set can put a batch size over it.
        for _ in 0..2 {
            for e in s.cross_errors() {
                match e.key.as_str() {
                    "batch" => s.batch.iter_mut().for_each(|b| *b = (*b).min(s.n_train)),
                    // Too few points: the default data set; points of the other form (regression
                    // or classes): the custom set of their form; a label 2 under `custom`: `custom3`.
                    "points" if s.points.len() < MIN_POINTS => s.dataset = DatasetKind::default_kind(),
                    "points" if s.points.is_regression() => s.dataset = DatasetKind::CustomReg,
                    "points" if s.points.label_at_least(2).is_none() => s.dataset = DatasetKind::Custom,
                    "points" => s.dataset = DatasetKind::Custom3,
                    "n_test" => {
                        let max = s.dataset.max_examples().unwrap_or(usize::MAX);
                        s.n_train = s.n_train.min(max.saturating_sub(64));
                        s.n_test = s.n_test.min(max.saturating_sub(s.n_train));
                    }
                    _ => s.label_noise = 0.0,
                }
                errors.push(e);
            }
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

    /// The loss follows from the data set: MSE for regression, BCE for two classes, softmax
    /// cross-entropy for more.
    pub fn loss(&self) -> Loss {
        if self.dataset.is_regression() {
            Loss::Mse
        } else if self.dataset.classes() > 2 {
            Loss::Softmax
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
mod tests;
