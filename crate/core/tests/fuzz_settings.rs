//! Property tests of the settings parsers: `Settings::set` (URL, `--set`), the strict
//! `from_pairs`, the page's `from_pairs_lenient`, the settings JSON (`apply_json`) and the
//! points parsers (`Points::parse`, `Points::from_csv`), on random key/value sets drawn from the
//! settings table (generators in `fuzz_gen`). Every case is accepted with each kept value inside
//! its key's range, or rejected with one message per bad pair that names its key; nothing
//! panics. `cargo test` runs the default counts (≥ 2 000 cases in all, in seconds);
//! `PROPTEST_CASES=100000` (`make fuzz`) runs that many per property, printed with `--nocapture`.

mod fuzz_gen;

use batchscape_core::custom::{Points, MAX_ABS, MAX_POINTS};
use batchscape_core::settings::{Settings, KEYS};
use fuzz_gen::{cases, named, pairs, points_text, run, Expect};
use proptest::prelude::*;

/// Keys the lenient parser may repair (cross-key rules) and so may differ from the last accepted pair.
const REPAIRED: &[&str] = &["dataset", "n_train", "n_test", "batch", "label_noise"];
/// Keys of the cross-key messages.
const CROSS: &[&str] = &["n_test", "points", "batch", "label_noise"];

fn known(key: &str) -> bool {
    KEYS.iter().any(|s| s.key == key)
}

/// A message names the key and never echoes a long value back.
fn check_message(key: &str, msg: &str) -> Result<(), TestCaseError> {
    let name = named(key);
    let shown = if known(key) { format!("`{key}`") } else { format!("`{}`", name.escape_debug()) };
    prop_assert!(msg.contains(&shown), "message {msg:?} does not name {shown}");
    prop_assert!(msg.chars().count() < 1500, "message of {} characters", msg.chars().count());
    Ok(())
}

/// `set`, pair by pair: what the table expects, the settings unchanged on a rejection, every
/// accepted value read back by `get` and accepted again; then the strict `from_pairs` agrees.
#[test]
fn fuzz_set_accepts_exactly_the_table_and_names_each_bad_key() {
    run("set", cases(2500, 1), pairs(), |pairs| {
        let mut s = Settings::default();
        let mut first_bad = None;
        for (k, v, expect) in &pairs {
            let before = s.clone();
            match s.set(k, v) {
                Ok(()) => {
                    prop_assert_ne!(*expect, Expect::Invalid, "{:?} = {:?} was accepted", named(k), named(v));
                    let text = s.get(k).unwrap();
                    let mut t = Settings::default();
                    prop_assert!(t.set(k, &text).is_ok(), "{k} = {v:?} read back as {text:?}, which is refused");
                    prop_assert_eq!(t.get(k), Some(text));
                }
                Err(e) => {
                    prop_assert_ne!(*expect, Expect::Valid, "{:?} = {:?} was refused: {}", named(k), named(v), e);
                    prop_assert_eq!(&s, &before, "a rejected pair changed the settings");
                    prop_assert_eq!(&e.key, &named(k));
                    check_message(k, &e.to_string())?;
                    first_bad.get_or_insert(k.clone());
                }
            }
        }
        // The strict parser: the first bad pair is its error, else the check's.
        match (Settings::from_pairs(pairs.iter().map(|(k, v, _)| (k.as_str(), v.as_str()))), first_bad) {
            (Err(e), Some(k)) => prop_assert_eq!(e.key, named(&k)),
            (Err(e), None) => {
                prop_assert!(CROSS.contains(&e.key.as_str()), "check error {e}");
                prop_assert_eq!(s.check().unwrap_err(), e);
            }
            (Ok(c), None) => prop_assert_eq!(c, s),
            (Ok(_), Some(k)) => prop_assert!(false, "from_pairs accepted a set with bad key {k}"),
        }
        Ok(())
    });
}

/// The page's parser never fails: one message per rejected pair (in order, naming its key),
/// then at most one per cross-key rule; every value kept is the last accepted pair's (or the
/// default), apart from the cross-key repairs; the result passes the check.
#[test]
fn fuzz_lenient_reports_each_bad_pair_once_and_keeps_the_rest() {
    run("lenient", cases(2500, 1), pairs(), |pairs| {
        let (checked, errors) = Settings::from_pairs_lenient(pairs.iter().map(|(k, v, _)| (k.as_str(), v.as_str())));
        let mut replay = Settings::default();
        let rejected: Vec<&String> = pairs.iter().filter(|(k, v, _)| replay.set(k, v).is_err()).map(|(k, _, _)| k).collect();
        prop_assert!(errors.len() >= rejected.len());
        for (e, k) in errors.iter().zip(&rejected) {
            prop_assert_eq!(&e.key, &named(k));
            check_message(k, &e.to_string())?;
        }
        let cross: Vec<&str> = errors[rejected.len()..].iter().map(|e| e.key.as_str()).collect();
        for k in &cross {
            prop_assert!(CROSS.contains(k), "unexpected message about {k}: {errors:?}");
        }
        let mut unique = cross.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), cross.len(), "a cross-key rule reported twice: {:?}", cross);
        for spec in KEYS.iter().filter(|s| !REPAIRED.contains(&s.key)) {
            prop_assert_eq!(checked.get(spec.key), replay.get(spec.key), "{} lost (the default fallback?)", spec.key);
        }
        prop_assert!(checked.violations().is_empty());
        prop_assert!(checked.batch.iter().all(|&b| b <= checked.n_train));
        Ok(())
    });
}

/// A JSON value for a settings value: a string, the number it spells, an array of its
/// integers, or a type no key takes.
fn json_value(v: String) -> BoxedStrategy<serde_json::Value> {
    use serde_json::{json, Value};
    let number = v.trim().parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number);
    let list: Option<Vec<u64>> = v.split(',').map(|t| t.trim().parse::<u64>().ok()).collect();
    let mut options = vec![Value::String(v), json!(null), json!(true), json!({ "a": 1 }), json!([1.5]), json!([-1]), json!(1e300), json!(-0.0)];
    options.extend(number);
    options.extend(list.map(|l| json!(l)));
    proptest::sample::select(options).boxed()
}

/// `--config` JSON: an object of generated pairs (or not an object, or not JSON). Accepted:
/// every key known and the settings equal to setting the same text pair by pair; rejected:
/// unchanged settings and an error naming the key (or "(config)").
#[test]
fn fuzz_apply_json_is_set_by_set_or_names_the_bad_key() {
    let objects = pairs()
        .prop_flat_map(|ps| ps.into_iter().map(|(k, v, _)| (Just(k), json_value(v))).collect::<Vec<_>>())
        .prop_map(|kvs| serde_json::Value::Object(kvs.into_iter().collect()).to_string());
    let text = prop_oneof![
        8 => objects,
        1 => proptest::sample::select(vec!["", "[]", "1", "\"lr\"", "{", "{\"lr\":}", "{\"lr\":NaN}", "{\"lr\":1e999}", "null", "{\"lr\":0.1}{}"]).prop_map(String::from),
        1 => any::<String>(),
    ];
    run("apply_json", cases(1500, 1), text, |json| {
        let mut s = Settings::default();
        match s.apply_json(&json) {
            Ok(()) => {
                let obj: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&json).unwrap();
                let mut t = Settings::default();
                for (k, v) in &obj {
                    prop_assert!(known(k), "unknown key {k} accepted");
                    let text = match v {
                        serde_json::Value::String(x) => x.clone(),
                        serde_json::Value::Array(a) => a.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(","),
                        other => other.to_string(),
                    };
                    prop_assert!(t.set(k, &text).is_ok());
                }
                prop_assert_eq!(s, t);
            }
            Err(e) => {
                prop_assert_eq!(&s, &Settings::default(), "a rejected config changed the settings");
                if e.key != "(config)" {
                    prop_assert!(json.contains(&serde_json::to_string(&e.key).unwrap()[1..]), "{} not in the config", e.key);
                }
                prop_assert!(e.to_string().chars().count() < 1500);
            }
        }
        Ok(())
    });
}

/// Points text and CSV: accepted points are finite, within ±MAX_ABS, labels 0–2, at most
/// MAX_POINTS, and round-trip through `to_text`; the same points as CSV parse the same; a
/// rejection names the point ("point k"), the line ("line k") or the whole ("points"/"file").
#[test]
fn fuzz_points_text_and_csv() {
    let hostile_line = proptest::sample::select(vec!["", "x1,x2,label", "1,2", "1,2,3", "NaN,0,0", "0,1e999,1", "\u{0}\u{1}", "10,10,2", "-10,-10,0", "0;0;0", "a,b,c", " 1 , 2 , 1 "]).prop_map(String::from);
    let csv_lines = proptest::collection::vec(prop_oneof![3 => fuzz_gen::point().prop_map(|(a, b, l)| format!("{a},{b},{l}")), 1 => hostile_line, 1 => any::<String>()], 0..30);
    let case = (points_text(0..60), any::<String>(), csv_lines, any::<bool>());
    run("points", cases(1500, 1), case, |(text, junk, lines, crlf)| {
        let valid = Points::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(Points::parse(&valid.to_text()).unwrap(), valid.clone());
        if !valid.is_empty() {
            // Class points as `x1,x2,label`, regression points (no label) as `x,y`.
            let line = |p: &batchscape_core::custom::Point| match p.label {
                Some(l) => format!("{},{},{l}", p.x1, p.x2),
                None => format!("{},{}", p.x1, p.x2),
            };
            let header = if valid.0[0].label.is_some() { "x1,x2,label" } else { "x,y" };
            let csv = valid.0.iter().map(line).collect::<Vec<_>>().join(if crlf { "\r\n" } else { "\n" });
            prop_assert_eq!(Points::from_csv(&format!("{header}\n{csv}")).unwrap(), valid);
        }
        for t in [junk.clone(), format!("{text};{junk}")] {
            match Points::parse(&t) {
                Ok(p) => check_points(&p)?,
                Err(e) => prop_assert!(e.at == "points" || e.at.starts_with("point "), "{e}"),
            }
        }
        let csv = lines.join(if crlf { "\r\n" } else { "\n" });
        match Points::from_csv(&csv) {
            Ok(p) => check_points(&p)?,
            Err(e) => {
                let n = csv.lines().count();
                let ok = e.at == "file" || e.at.strip_prefix("line ").and_then(|k| k.parse::<usize>().ok()).is_some_and(|k| (1..=n).contains(&k));
                prop_assert!(ok, "{e} ({n} lines)");
            }
        }
        Ok(())
    });
}

fn check_points(p: &Points) -> Result<(), TestCaseError> {
    prop_assert!(p.len() <= MAX_POINTS);
    for q in &p.0 {
        prop_assert!(q.x1.is_finite() && q.x2.is_finite() && q.x1.abs() <= MAX_ABS && q.x2.abs() <= MAX_ABS && q.label.is_none_or(|l| l <= 2), "{q:?}");
    }
    Ok(())
}
