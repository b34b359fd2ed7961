use super::*;
use crate::model::Activation;
use crate::optim::Method;
use crate::train::LrRule;

/// Settings with every key away from its default.
fn unusual() -> Checked {
    let pairs = [
        ("seed", "4000000000"), ("dataset", "spiral"), ("points", "0.5:-1:0;1:1:1;2:2.25:0;3:3:2"), ("n_train", "300"), ("n_test", "100"), ("noise", "0.05"),
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
    assert_eq!(choices("dataset"), ["moons", "circles", "spiral", "xor", "blobs", "sine", "linear", "spiral3", "digits", "custom", "custom3", "custom_reg"]);
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
    let doc = include_str!("../../../../docs/settings.md");
    for spec in KEYS {
        let row = doc.lines().find(|l| l.starts_with(&format!("| `{}` |", spec.key)));
        let row = row.unwrap_or_else(|| panic!("docs/settings.md has no row for `{}`", spec.key));
        assert!(row.contains(&spec.kind.allowed()), "row of `{}` must say {:?}", spec.key, spec.kind.allowed());
        let default = Settings::default().get(spec.key).unwrap();
        assert!(row.contains(&format!("`{default}`")), "row of `{}` must give the default `{default}`", spec.key);
    }
}

/// The digits are a fixed set: n_train + n_test may not exceed 1 797. Strict parsing names
/// `n_test`; the page's lenient parsing shrinks the sizes (and the batch sizes after them).
#[test]
fn the_digits_limit_n_train_plus_n_test_to_the_1797_images() {
    assert!(Settings::from_pairs([("dataset", "digits"), ("n_train", "1024"), ("n_test", "773")]).is_ok());
    let e = Settings::from_pairs([("dataset", "digits"), ("n_train", "1024"), ("n_test", "774")]).unwrap_err();
    assert_eq!(e.key, "n_test");
    assert!(e.allowed.contains("n_test ≤ 773"), "{}", e.allowed);
    // Other data sets have no such limit.
    assert!(Settings::from_pairs([("dataset", "moons"), ("n_train", "4096"), ("n_test", "4096")]).is_ok());
    let (s, errors) = Settings::from_pairs_lenient([("dataset", "digits"), ("n_train", "4096"), ("n_test", "4096"), ("batch", "4096")]);
    assert_eq!((s.n_train, s.n_test), (1797 - 64, 64));
    assert_eq!(s.batch, vec![1797 - 64]);
    assert!(errors.iter().any(|e| e.key == "n_test") && errors.iter().any(|e| e.key == "batch"));
}

/// `points`: one parser for the URL, `--set` and `--config`; its errors name the point; a
/// custom data set needs at least 4 points with labels below its class count, and the page's
/// lenient parsing falls back (to moons, or to custom3) and says why.
#[test]
fn custom_points_are_parsed_checked_and_repaired() {
    let four = "0:0:0;1:1:1;0:1:0;1:0:1";
    let s = Settings::from_pairs([("dataset", "custom"), ("points", four)]).unwrap();
    assert_eq!(s.points.len(), 4);
    assert_eq!(s.get("points").unwrap(), four);
    let mut j = Settings::default();
    j.apply_json(&s.to_json().to_string()).unwrap();
    assert_eq!(j, *s.settings());
    let e = Settings::from_pairs([("dataset", "custom"), ("points", "0:0:0;1:nan:1")]).unwrap_err();
    assert_eq!(e.key, "points");
    assert!(e.to_string().contains("point 2 (\"1:nan:1\"): x2 \"nan\" is not a finite number"), "{e}");
    let e = Settings::from_pairs([("dataset", "custom"), ("points", "0:0:0;1:1:1")]).unwrap_err();
    assert!(e.allowed.contains("at least 4 points for dataset=custom (there are 2)"), "{e}");
    let e = Settings::from_pairs([("dataset", "custom"), ("points", "0:0:0;1:1:1;0:1:0;1:0:2")]).unwrap_err();
    assert!(e.allowed.contains("point 4 has label 2: use dataset=custom3"), "{e}");
    assert!(Settings::from_pairs([("dataset", "custom3"), ("points", "0:0:0;1:1:1;0:1:0;1:0:2")]).is_ok());
    // Other data sets ignore the points.
    assert!(Settings::from_pairs([("dataset", "moons"), ("points", "0:0:0")]).is_ok());
    // Lenient: a hostile value is reported and the rest still works.
    let (l, errors) = Settings::from_pairs_lenient([("dataset", "custom"), ("points", "\u{0}junk;;;NaN:1e999:7")]);
    assert_eq!((l.dataset, l.points.len()), (DatasetKind::Moons, 0));
    assert!(errors[0].to_string().contains("point 1"), "{:?}", errors);
    let (l, errors) = Settings::from_pairs_lenient([("dataset", "custom"), ("points", "0:0:0;1:1:1;0:1:0;1:0:2")]);
    assert_eq!(l.dataset, DatasetKind::Custom3);
    assert_eq!(errors.len(), 1);
    let huge = vec!["1:1:1"; 3000].join(";");
    let (l, errors) = Settings::from_pairs_lenient([("dataset", "custom3"), ("points", huge.as_str())]);
    assert_eq!(l.dataset, DatasetKind::Moons);
    assert!(errors[0].to_string().contains("more than 2000 points"), "{:?}", errors);
    assert!(errors[0].value.chars().count() <= 40);
}

/// `dataset=custom_reg`: regression points `x:y` through the same `points` key (URL, `--set`,
/// `--config`), MSE loss; points of the wrong form are named, and the lenient page parsing
/// moves to the data set of their form.
#[test]
fn custom_regression_points_are_parsed_checked_and_repaired() {
    let four = "-1:0.5;0:0;1:-0.5;2:1.25";
    let s = Settings::from_pairs([("dataset", "custom_reg"), ("points", four)]).unwrap();
    assert_eq!((s.points.len(), s.loss(), s.dataset.input_dim(), s.dataset.classes()), (4, crate::model::Loss::Mse, 1, 0));
    assert_eq!(s.get("points").unwrap(), four);
    let mut j = Settings::default();
    j.apply_json(&s.to_json().to_string()).unwrap();
    assert_eq!(j, *s.settings());
    let e = Settings::from_pairs([("dataset", "custom_reg"), ("points", "0:0:0;1:1:1;0:1:0;1:0:1")]).unwrap_err();
    assert!(e.allowed.contains("regression points x:y for dataset=custom_reg (these are class points x1:x2:label: use dataset=custom or custom3)"), "{e}");
    let e = Settings::from_pairs([("dataset", "custom"), ("points", four)]).unwrap_err();
    assert!(e.allowed.contains("use dataset=custom_reg"), "{e}");
    let e = Settings::from_pairs([("dataset", "custom_reg"), ("points", "0:0;1:1;2:inf;3:3")]).unwrap_err();
    assert!(e.to_string().contains("point 3 (\"2:inf\"): y \"inf\" is not a finite number"), "{e}");
    assert!(Settings::from_pairs([("dataset", "custom_reg"), ("label_noise", "0.1"), ("points", four)]).is_err());
    let (l, errors) = Settings::from_pairs_lenient([("dataset", "custom"), ("points", four)]);
    assert_eq!((l.dataset, errors.len()), (DatasetKind::CustomReg, 1));
    let (l, _) = Settings::from_pairs_lenient([("dataset", "custom_reg"), ("points", "0:0:0;1:1:1;0:1:0;1:0:1")]);
    assert_eq!(l.dataset, DatasetKind::Custom);
    let (l, _) = Settings::from_pairs_lenient([("dataset", "custom_reg"), ("points", "0:0:0;1:1:1;0:1:0;1:0:2")]);
    assert_eq!(l.dataset, DatasetKind::Custom3);
}
