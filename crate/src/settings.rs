//! One settings type for a scenario and its runs, used by the page, the URL and the native
//! tool alike. **One table** ([`KEYS`]) names every key, its range and its help; parsing from
//! `key=value` text (URL, `--set`) and from JSON (`--config`) both go through [`Settings::set`],
//! so the three spellings cannot drift apart.
//!
//! Errors are values that name the key, the value and what is allowed. Nothing here panics.

use serde::Serialize;
use std::fmt;

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

/// Every setting, its range and meaning. URL query keys, JSON keys and `--set` keys are these.
pub const KEYS: &[KeySpec] = &[
    KeySpec { key: "seed", kind: Kind::Int { min: 0, max: u32::MAX as i64 }, help: "seed of the data, init, shuffle and direction streams" },
    KeySpec { key: "dataset", kind: Kind::Choice(&["moons"]), help: "toy data set" },
    KeySpec { key: "n_train", kind: Kind::Int { min: 64, max: 4096 }, help: "training examples N" },
    KeySpec { key: "n_test", kind: Kind::Int { min: 64, max: 4096 }, help: "test examples" },
    KeySpec { key: "noise", kind: Kind::Float { min: 0.0, max: 1.0 }, help: "standard deviation of the input noise" },
    KeySpec { key: "hidden", kind: Kind::IntList { min_len: 0, max_len: 4, min: 1, max: 64 }, help: "hidden layer widths, e.g. 16,16 (empty: logistic regression)" },
    KeySpec { key: "act", kind: Kind::Choice(&["tanh", "relu", "sigmoid"]), help: "hidden activation" },
    KeySpec { key: "lr", kind: Kind::Float { min: 1e-5, max: 1e3 }, help: "learning rate η" },
    KeySpec { key: "epochs", kind: Kind::Int { min: 1, max: 2000 }, help: "passes over the training set per run" },
    KeySpec { key: "batch", kind: Kind::IntList { min_len: 1, max_len: 4, min: 1, max: 4096 }, help: "batch size of each run (at most n_train), e.g. 8,256" },
    KeySpec { key: "grid", kind: Kind::Int { min: 5, max: 101 }, help: "landscape grid points per axis" },
];

/// A rejected value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SettingsError {
    pub key: String,
    pub value: String,
    pub allowed: String,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.allowed.is_empty() {
            write!(f, "unknown setting `{}` (value {:?})", self.key, self.value)
        } else {
            write!(f, "`{}` = {:?} is not allowed: expected {}", self.key, self.value, self.allowed)
        }
    }
}

impl std::error::Error for SettingsError {}

/// The scenario and its runs. Always valid: every constructor and setter checks ranges.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Settings {
    pub seed: u32,
    pub dataset: String,
    pub n_train: usize,
    pub n_test: usize,
    pub noise: f64,
    pub hidden: Vec<usize>,
    pub act: String,
    pub lr: f64,
    pub epochs: usize,
    pub batch: Vec<usize>,
    pub grid: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            seed: 1,
            dataset: "moons".into(),
            n_train: 256,
            n_test: 256,
            noise: 0.2,
            hidden: vec![16, 16],
            act: "tanh".into(),
            lr: 0.2,
            epochs: 60,
            batch: vec![16, 256],
            grid: 51,
        }
    }
}

fn spec(key: &str) -> Option<&'static KeySpec> {
    KEYS.iter().find(|s| s.key == key)
}

impl Kind {
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
    Text(String),
    List(Vec<i64>),
}

/// Parses `value` for `spec` (at most 200 characters: a URL can carry anything).
fn parse(spec: &KeySpec, value: &str) -> Result<Parsed, SettingsError> {
    let err = || SettingsError {
        key: spec.key.into(),
        value: value.chars().take(40).collect(),
        allowed: spec.kind.allowed(),
    };
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
        Kind::Choice(c) => c.iter().find(|&&o| o == v).map(|o| Parsed::Text((*o).into())).ok_or_else(err),
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
    /// settings are unchanged. Cross-key rules (batch ≤ n_train) are checked by [`Settings::check`].
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingsError> {
        let spec = spec(key).ok_or_else(|| SettingsError {
            key: key.chars().take(40).collect(),
            value: value.chars().take(40).collect(),
            allowed: String::new(),
        })?;
        let p = parse(spec, value)?;
        let as_usize = |l: Vec<i64>| l.into_iter().map(|n| n as usize).collect::<Vec<_>>();
        match (key, p) {
            ("seed", Parsed::Int(n)) => self.seed = n as u32,
            ("dataset", Parsed::Text(s)) => self.dataset = s,
            ("n_train", Parsed::Int(n)) => self.n_train = n as usize,
            ("n_test", Parsed::Int(n)) => self.n_test = n as usize,
            ("noise", Parsed::Float(x)) => self.noise = x,
            ("hidden", Parsed::List(l)) => self.hidden = as_usize(l),
            ("act", Parsed::Text(s)) => self.act = s,
            ("lr", Parsed::Float(x)) => self.lr = x,
            ("epochs", Parsed::Int(n)) => self.epochs = n as usize,
            ("batch", Parsed::List(l)) => self.batch = as_usize(l),
            ("grid", Parsed::Int(n)) => self.grid = n as usize,
            _ => unreachable!("every key in KEYS has a setter of its kind"),
        }
        Ok(())
    }

    /// The value of `key` as text, in the form [`Settings::set`] accepts.
    pub fn get(&self, key: &str) -> Option<String> {
        let list = |l: &[usize]| l.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",");
        Some(match key {
            "seed" => self.seed.to_string(),
            "dataset" => self.dataset.clone(),
            "n_train" => self.n_train.to_string(),
            "n_test" => self.n_test.to_string(),
            "noise" => self.noise.to_string(),
            "hidden" => list(&self.hidden),
            "act" => self.act.clone(),
            "lr" => self.lr.to_string(),
            "epochs" => self.epochs.to_string(),
            "batch" => list(&self.batch),
            "grid" => self.grid.to_string(),
            _ => return None,
        })
    }

    /// Cross-key rules: every batch size is at most `n_train`.
    pub fn check(&self) -> Result<(), SettingsError> {
        if let Some(&b) = self.batch.iter().find(|&&b| b > self.n_train) {
            return Err(SettingsError {
                key: "batch".into(),
                value: b.to_string(),
                allowed: format!("batch sizes from 1 to n_train = {}", self.n_train),
            });
        }
        Ok(())
    }

    /// Applies `key=value` pairs in order; returns the settings and every rejected pair
    /// (the rejected key keeps its default). Used by the page, which must never fail to start.
    pub fn from_pairs_lenient<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Self, Vec<SettingsError>) {
        let mut s = Self::default();
        let mut errors = Vec::new();
        for (k, v) in pairs {
            if let Err(e) = s.set(k, v) {
                errors.push(e);
            }
        }
        if let Err(e) = s.check() {
            s.batch.iter_mut().for_each(|b| *b = (*b).min(s.n_train));
            errors.push(e);
        }
        (s, errors)
    }

    /// Settings from a JSON object of `key: value` (numbers, strings, or arrays for lists);
    /// the first bad key is the error. Used by the native tool's `--config`.
    pub fn apply_json(&mut self, json: &str) -> Result<(), SettingsError> {
        let bad = |what: &str| SettingsError { key: "(config)".into(), value: what.into(), allowed: "a JSON object of settings".into() };
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| bad(&e.to_string()))?;
        let obj = value.as_object().ok_or_else(|| bad("not an object"))?;
        for (k, v) in obj {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Array(a) => a.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(","),
                other => other.to_string(),
            };
            self.set(k, &text)?;
        }
        Ok(())
    }

    /// All settings as `key=value` pairs in table order.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        KEYS.iter().map(|s| (s.key, self.get(s.key).unwrap_or_default())).collect()
    }

    /// Optimizer steps per run for batch size `b`: `epochs · ⌊N/B⌋` (partial batches dropped).
    pub fn steps_for(&self, b: usize) -> usize {
        self.epochs * (self.n_train / b.max(1)).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_round_trips_through_text() {
        let mut s = Settings::default();
        s.set("hidden", "8,4,2").unwrap();
        s.set("batch", "1,256").unwrap();
        s.set("lr", "0.05").unwrap();
        let mut t = Settings::default();
        for (k, v) in s.to_pairs() {
            t.set(k, &v).unwrap();
        }
        assert_eq!(s, t);
        assert_eq!(KEYS.len(), s.to_pairs().len());
    }

    #[test]
    fn rejections_name_the_key_the_value_and_the_range() {
        let mut s = Settings::default();
        let e = s.set("lr", "NaN").unwrap_err();
        assert_eq!(e.to_string(), "`lr` = \"NaN\" is not allowed: expected a finite number in [0.00001, 1000]");
        let e = s.set("n_train", "-5").unwrap_err();
        assert!(e.to_string().contains("n_train") && e.to_string().contains("64..=4096"));
        let e = s.set("bogus", "1").unwrap_err();
        assert!(e.to_string().contains("unknown setting `bogus`"));
        assert!(s.set("hidden", "16,16,16,16,16").is_err());
        assert!(s.set("act", "<script>").is_err());
        assert!(s.set("seed", &"9".repeat(5000)).is_err());
        assert_eq!(s, Settings::default(), "failed sets change nothing");
    }

    #[test]
    fn a_batch_larger_than_the_training_set_is_rejected_and_clamped_leniently() {
        let (s, errors) = Settings::from_pairs_lenient([("n_train", "64"), ("batch", "128"), ("x", "1")]);
        assert_eq!(s.batch, vec![64]);
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[1].key, "batch");
    }

    #[test]
    fn json_config_uses_the_same_keys() {
        let mut s = Settings::default();
        s.apply_json(r#"{"lr": 0.5, "hidden": [8, 8], "act": "relu", "batch": [4, 64]}"#).unwrap();
        assert_eq!((s.lr, s.hidden.clone(), s.act.as_str(), s.batch.clone()), (0.5, vec![8, 8], "relu", vec![4, 64]));
        assert_eq!(s.apply_json(r#"{"lr": -1}"#).unwrap_err().key, "lr");
        assert_eq!(s.apply_json("[1]").unwrap_err().key, "(config)");
    }
}
