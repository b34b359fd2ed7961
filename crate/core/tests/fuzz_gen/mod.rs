//! Generators and the runner shared by the property tests of the settings (`fuzz_settings.rs`)
//! and of the core's runs (`fuzz_runs.rs`).
//!
//! Values come from the settings table itself ([`KEYS`]: each key's kind and range), in four
//! families: valid (inside the range), borderline (every range end, and just past it), hostile
//! (NaN, ∞, 1e999, −0, huge integers, empty, separators `,;&=`, Unicode, control characters, a
//! megabyte) and unknown keys. Each value carries what the table says should happen to it
//! ([`Expect`]): `Either` where the answer depends on the key's range and is checked by the
//! other properties instead.
//!
//! **Counts**: a property runs `cases(default)` cases: `PROPTEST_CASES` when set (`make fuzz`
//! sets 100 000), else the default (what `cargo test` runs). The seed is fixed (`FUZZ_SEED`,
//! default 1) so that `cargo test` is reproducible; `make fuzz` passes a fresh one and prints it.
#![allow(dead_code)]

use batchscape_core::settings::{Kind, KEYS};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use std::cell::Cell;

/// What the settings table says should become of a value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expect {
    Valid,
    Invalid,
    Either,
}
use Expect::*;

/// Cases for a property: `PROPTEST_CASES` if set, else `default`, scaled by `1/divisor`
/// (the runs cost more than the parsers).
pub fn cases(default: u32, divisor: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse::<u32>().ok()).map(|n| (n / divisor).max(1)).unwrap_or(default)
}

/// Runs `test` on `cases` values of `strategy` (no failure files: a failure found becomes a
/// named regression test) and prints `fuzz NAME: K cases (seed S)`; panics on a failure with
/// proptest's minimal (shrunk) input.
pub fn run<S: Strategy>(name: &str, cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>) -> u32 {
    let seed = std::env::var("FUZZ_SEED").ok().and_then(|v| v.parse::<u64>().ok()).unwrap_or(1);
    let config = Config { cases, failure_persistence: None, rng_seed: RngSeed::Fixed(seed), max_shrink_iters: 2000, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let count = Cell::new(0u32);
    let result = runner.run(&strategy, |v| {
        count.set(count.get() + 1);
        test(v)
    });
    println!("fuzz {name}: {} cases (seed {seed})", count.get());
    if let Err(e) = result {
        panic!("fuzz {name}: {e}");
    }
    count.get()
}

/// Text that every kind of key rejects.
const HOSTILE: &[&str] = &[
    "NaN", "nan", "inf", "-inf", "Infinity", "1e999", "-1e999", "0x10", "1_000", "١٢", "𝟙", "½", "\u{202e}1", "1\u{0}", "\u{0}",
    "<img src=x onerror=alert(1)>", "\"><script>", "javascript:alert(1)", "%00", "%zz", "1&lr=3", "a=b", "=", "&", "1;2", "🙂", "null",
    "undefined", "true", "[1]", "{}", "--1", "1e", ".", "e5", "0..1", "1 2",
];

/// Text whose fate depends on the key (a number some ranges hold, spacing, signs).
const EITHER: &[&str] = &["", " ", "-0", "+1", "0", "1e-999", "1e3", "99999999999999999999999", "-99999999999999999999", "4294967296", "1.0", "0.5", " 8 ", "8,", ",", "1,2", "1:2:0;3:4:1"];

fn hostile() -> BoxedStrategy<(String, Expect)> {
    prop_oneof![
        4 => proptest::sample::select(HOSTILE).prop_map(|s| (s.to_string(), Invalid)),
        4 => proptest::sample::select(EITHER).prop_map(|s| (s.to_string(), Either)),
        // Long values: just past the 200-character limit and a megabyte (a points text too).
        1 => prop_oneof![9 => Just(201usize), 1 => Just(1 << 20)].prop_map(|n| ("1".repeat(n), Either)),
        // Any text at all (Unicode, controls, separators).
        3 => any::<String>().prop_map(|s| (s, Either)),
        2 => "[,;&=:0-9 .eE+-]{0,24}".prop_map(|s| (s, Either)),
    ]
    .boxed()
}

/// A float in `[min, max]`, log-uniform when the range spans decades.
fn float_in(min: f64, max: f64) -> BoxedStrategy<f64> {
    if min > 0.0 {
        (min.ln()..=max.ln()).prop_map(move |l| l.exp().clamp(min, max)).boxed()
    } else {
        (min..=max).boxed()
    }
}

/// Valid, borderline and hostile text for one key's kind.
pub fn value_for(kind: Kind) -> BoxedStrategy<(String, Expect)> {
    match kind {
        Kind::Int { min, max } => {
            let mut ends = vec![(min.to_string(), Valid), (max.to_string(), Valid), (format!(" {max}\t"), Valid)];
            ends.push((min.saturating_sub(1).to_string(), if min == i64::MIN { Valid } else { Invalid }));
            ends.push((max.saturating_add(1).to_string(), if max == i64::MAX { Valid } else { Invalid }));
            ends.push((format!("{min}.5"), Invalid));
            prop_oneof![4 => (min..=max).prop_map(|n| (n.to_string(), Valid)), 3 => proptest::sample::select(ends), 3 => hostile()].boxed()
        }
        Kind::Float { min, max } => {
            let below = if min == 0.0 { -1e-300 } else { min * (1.0 - 1e-9) };
            let ends = vec![
                (min.to_string(), Valid),
                (max.to_string(), Valid),
                (format!("{min:e}"), Valid),
                (format!("{max:E}"), Valid),
                (below.to_string(), Invalid),
                ((max * (1.0 + 1e-9)).to_string(), Invalid),
            ];
            prop_oneof![
                4 => float_in(min, max).prop_map(|x| (x.to_string(), Valid)),
                1 => float_in(min, max).prop_map(|x| (format!("{x:e}"), Valid)),
                3 => proptest::sample::select(ends),
                3 => hostile()
            ]
            .boxed()
        }
        Kind::Choice(names) => {
            let names: Vec<&'static str> = names.to_vec();
            let bad: Vec<(String, Expect)> = names.iter().flat_map(|n| [(n.to_uppercase(), Invalid), (format!("{n}x"), Invalid)]).collect();
            prop_oneof![
                4 => proptest::sample::select(names.clone()).prop_map(|n| (n.to_string(), Valid)),
                1 => proptest::sample::select(names).prop_map(|n| (format!(" {n} "), Valid)),
                2 => proptest::sample::select(bad),
                3 => hostile()
            ]
            .boxed()
        }
        Kind::IntList { min_len, max_len, min, max } => {
            let list = move |len: std::ops::RangeInclusive<usize>| proptest::collection::vec(min..=max, len);
            let join = |v: Vec<i64>| v.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",");
            prop_oneof![
                4 => list(min_len..=max_len).prop_map(move |v| (join(v), Valid)),
                1 => list(min_len.max(1)..=max_len).prop_map(|v| (v.iter().map(|n| format!(" {n} ")).collect::<Vec<_>>().join(","), Valid)),
                1 => Just((vec![max.to_string(); max_len].join(","), Valid)),
                1 => Just((vec![min.to_string(); min_len.max(1)].join(","), Valid)),
                1 => list(max_len + 1..=max_len + 3).prop_map(move |v| (join(v), Invalid)),
                1 => Just(((min - 1).to_string(), Invalid)),
                1 => Just(((max + 1).to_string(), Invalid)),
                1 => Just((format!("{min},,{max}"), Invalid)),
                3 => hostile()
            ]
            .boxed()
        }
        Kind::Points { max } => prop_oneof![
            4 => points_text(0..40).prop_map(|t| (t, Valid)),
            1 => Just((vec!["10:-10:2"; max].join(";"), Valid)),
            1 => Just((vec!["0:0:0"; max + 1].join(";"), Invalid)),
            1 => proptest::sample::select(vec!["10.000001:0:0", "0:-10.5:1", "0:0:3", "0:0:-1", "0:0:0:0", "0:0;1:1:1", "11:0", "0:0:0;;1:1:1", "NaN:0:0", "0:inf:1", "1e999:0:0"])
                .prop_map(|s| (s.to_string(), Invalid)),
            3 => hostile()
        ]
        .boxed(),
    }
}

/// One point `x1:x2:label` with coordinates in `[-10, 10]` (the ends included).
pub fn point() -> BoxedStrategy<(f64, f64, u8)> {
    let coord = prop_oneof![8 => -10.0f64..=10.0, 1 => Just(10.0), 1 => Just(-10.0), 1 => Just(-0.0)];
    (coord.clone(), coord, 0u8..=2).boxed()
}

/// A valid `points` text of `n` points (random spacing, maybe a trailing `;`).
pub fn points_text(n: std::ops::Range<usize>) -> BoxedStrategy<String> {
    (proptest::collection::vec(point(), n), any::<bool>(), any::<bool>())
        .prop_map(|(ps, spaced, trailing)| {
            let sep = if spaced { " ; " } else { ";" };
            let mut t = ps.iter().map(|(a, b, l)| if spaced { format!(" {a} : {b} : {l} ") } else { format!("{a}:{b}:{l}") }).collect::<Vec<_>>().join(sep);
            if trailing && !t.is_empty() {
                t.push(';');
            }
            t
        })
        .boxed()
}

/// A key: one of the table's (most of the time) or an unknown one (near misses, empty,
/// prototype names, Unicode, a megabyte).
pub fn key() -> BoxedStrategy<String> {
    let known: Vec<&'static str> = KEYS.iter().map(|s| s.key).collect();
    prop_oneof![
        120 => proptest::sample::select(known).prop_map(String::from),
        10 => proptest::sample::select(vec!["", "LR", "lr ", " lr", "lr2", "λ", "__proto__", "constructor", "scene", "plane", "x", "batch[]", "n-train", "<b>"]).prop_map(String::from),
        10 => any::<String>(),
        1 => Just("k".repeat(1 << 20)),
    ]
    .boxed()
}

/// One pair: a key and a value of its kind (a random kind's value for unknown keys).
pub fn pair() -> BoxedStrategy<(String, String, Expect)> {
    key()
        .prop_flat_map(|k| {
            let kind = KEYS.iter().find(|s| s.key == k).map(|s| s.kind);
            let any_kind = proptest::sample::select(KEYS.iter().map(|s| s.kind).collect::<Vec<_>>());
            let value = match kind {
                Some(kind) => value_for(kind),
                None => any_kind.prop_flat_map(value_for).boxed(),
            };
            value.prop_map(move |(v, e)| (k.clone(), v, if kind.is_some() { e } else { Invalid }))
        })
        .boxed()
}

/// 0 to 12 pairs; some keys repeated (a later pair overrides an earlier one).
pub fn pairs() -> BoxedStrategy<Vec<(String, String, Expect)>> {
    (proptest::collection::vec(pair(), 0..12), proptest::collection::vec(any::<prop::sample::Index>(), 0..3))
        .prop_map(|(mut ps, repeats)| {
            if !ps.is_empty() {
                for r in repeats {
                    let p = ps[r.index(ps.len())].clone();
                    ps.push(p);
                }
            }
            ps
        })
        .boxed()
}

/// The key as a message names it: clipped to 40 characters (unknown keys also escaped).
pub fn named(key: &str) -> String {
    key.chars().take(40).collect()
}
