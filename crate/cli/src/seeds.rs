//! `batchscape seeds`: a scene's claims over several seeds, as the page's verdicts read them.
//!
//! ```text
//! batchscape seeds [--config FILE.json] [--set key=value]... [--seeds N] --out DIR
//! ```
//! Runs every batch size of the settings for seeds s … s + N − 1 (N = 5 by default, at most
//! 10; s = the settings' seed), analyses each end point as the page does, and writes
//! `DIR/seeds.json` (`{"settings", "comparison", "seeds", "cells", "verdicts"}`; the fields
//! of `batchscape_core::seeds`). Prints a markdown table, one row per seed and batch size
//! (λ_max, grad_norm, ε-sharpness at 1e-3 with its first-order part, training loss, test
//! accuracy), then each claim's verdict, "holds in k of n seeds".

use batchscape_core::facts::comparison;
use batchscape_core::seeds::{SeedStudy, DEFAULT_SEEDS, MAX_SEEDS};
use batchscape_core::settings::Settings;
use std::path::PathBuf;

pub const USAGE: &str = "usage: batchscape seeds [--config FILE.json] [--set key=value]... [--seeds N] --out DIR";

pub fn help() -> String {
    format!(
        "{USAGE}\n\nEvery batch size of the settings for N seeds (s … s+N−1, s = the settings' seed), each end point\nanalysed as the page does; prints one markdown row per seed and batch size and the claims' verdicts\n(\"holds in k of N seeds\"), and writes DIR/seeds.json.\n\n  --config FILE.json  settings as a JSON object (same keys as `batchscape run`)\n  --set key=value     one setting (repeatable; applied in order; see `batchscape --help`)\n  --seeds N           seeds per batch size, 1 to {MAX_SEEDS} (default {DEFAULT_SEEDS})\n  --out DIR           output directory (created if missing)"
    )
}

pub struct Args {
    pub settings: Settings,
    pub seeds: usize,
    pub out: PathBuf,
}

/// The arguments after `seeds`, or one message per bad argument; `Ok(None)` asks for help.
pub fn parse(argv: &[String]) -> Result<Option<Args>, Vec<String>> {
    let mut settings = Settings::default();
    let (mut out, mut seeds, mut errors) = (None, DEFAULT_SEEDS, Vec::new());
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        if matches!(arg.as_str(), "--help" | "-h") {
            return Ok(None);
        }
        let Some(value) = it.next() else {
            errors.push(format!("`{}` needs a value; {USAGE}", arg.escape_debug()));
            break;
        };
        let r = match arg.as_str() {
            "--config" => std::fs::read_to_string(value)
                .map_err(|e| e.to_string())
                .and_then(|t| settings.apply_json(&t).map_err(|e| e.to_string()))
                .map_err(|e| format!("--config {value}: {e}")),
            "--set" => match value.split_once('=') {
                None => Err(format!("--set {}: expected key=value", value.escape_debug())),
                Some((k, v)) => settings.set(k, v).map_err(|e| format!("--set {}: {e}", value.escape_debug())),
            },
            "--seeds" => match value.parse::<usize>() {
                Ok(n) if (1..=MAX_SEEDS).contains(&n) => {
                    seeds = n;
                    Ok(())
                }
                _ => Err(format!("--seeds {}: expected a whole number from 1 to {MAX_SEEDS}", value.escape_debug())),
            },
            "--out" => {
                out = Some(PathBuf::from(value));
                Ok(())
            }
            other => Err(format!("unknown argument `{}`; {USAGE}", other.escape_debug())),
        };
        errors.extend(r.err());
    }
    if errors.is_empty() {
        errors.extend(settings.check().err().map(|e| format!("settings: {e}")));
    }
    if out.is_none() && errors.is_empty() {
        errors.push(format!("`--out DIR` is required; {USAGE}"));
    }
    match out {
        Some(out) if errors.is_empty() => Ok(Some(Args { settings, seeds, out })),
        _ => Err(errors),
    }
}

fn num(x: f64, d: usize) -> String {
    if x.is_finite() { format!("{x:.d$}") } else { "–".into() }
}

/// The markdown report: the comparison, the table and the verdicts.
pub fn report(study: &SeedStudy, settings: &Settings) -> String {
    let mut s = format!("Compared at {}; seeds {:?}.\n\n", comparison(settings).detail, study.seeds());
    s.push_str("| seed | B | steps | λ_max | grad_norm | ε-sharpness 1e-3 (%) | first-order part (%) | share | stationary | train loss | test acc |\n");
    s.push_str("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: | ---: |\n");
    for c in study.cells() {
        let steps = match c.reached_target {
            Some(false) => format!("{} (target not reached)", c.steps),
            _ if c.diverged => format!("{} (diverged)", c.steps),
            _ => c.steps.to_string(),
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            c.seed, c.batch_size, steps, num(c.lambda_max, 2), num(c.grad_norm, 4), num(c.phi, 4), num(c.phi_first_order, 4),
            num(c.phi_first_order / c.phi, 2), if c.stationary { "yes" } else { "no" }, num(c.final_train_loss, 4), num(c.final_test_acc, 4)
        ));
    }
    s.push('\n');
    for v in study.verdicts().iter().filter(|v| v.of > 0) {
        s.push_str(&format!("- {}: holds in {} of {} seeds\n", v.statement, v.holds, v.of));
    }
    s
}

pub fn run(args: Args) -> Result<(), String> {
    let checked = args.settings.check().map_err(|e| format!("settings: {e}"))?;
    let mut study = SeedStudy::new(&checked, args.seeds);
    study.run();
    let text = report(&study, &args.settings);
    let json = serde_json::json!({
        "settings": args.settings.to_json(),
        "comparison": comparison(&args.settings),
        "seeds": study.seeds(),
        "cells": study.cells(),
        "verdicts": study.verdicts(),
    });
    std::fs::create_dir_all(&args.out).map_err(|e| format!("--out {}: {e}", args.out.display()))?;
    let body = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    std::fs::write(args.out.join("seeds.json"), body).map_err(|e| format!("writing seeds.json: {e}"))?;
    print!("{text}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn seeds_arguments_are_parsed_and_bad_ones_named() {
        let a = parse(&argv("--set batch=8,64 --seeds 3 --out o")).unwrap().unwrap();
        assert_eq!((a.seeds, a.settings.batch.clone(), a.out), (3, vec![8, 64], PathBuf::from("o")));
        assert!(parse(&argv("--help")).unwrap().is_none());
        for (line, names) in [("--seeds 0 --out o", "--seeds 0"), ("--seeds 11 --out o", "--seeds 11"), ("--set colour=red --out o", "colour"), ("--set lr=0.1", "--out DIR"), ("--bogus 1 --out o", "--bogus")] {
            let e = parse(&argv(line)).err().unwrap_or_else(|| panic!("{line} must fail"));
            assert!(e.len() == 1 && e[0].contains(names), "{line}: {e:?}");
        }
    }

    /// The report names the comparison and has one row per (seed, batch) and the verdicts.
    #[test]
    fn the_report_has_a_row_per_seed_and_batch_and_the_verdicts() {
        let a = parse(&argv("--set n_train=64 --set hidden=4 --set batch=8,64 --set epochs=3 --seeds 2 --out o")).unwrap().unwrap();
        let mut study = SeedStudy::new(&a.settings.check().unwrap(), a.seeds);
        study.run();
        let r = report(&study, &a.settings);
        assert!(r.starts_with("Compared at equal epochs (3 epochs each)"), "{r}");
        assert_eq!(r.lines().filter(|l| l.starts_with("| 1 |") || l.starts_with("| 2 |")).count(), 4, "{r}");
        assert!(r.contains("sharper by λ_max: holds in ") && r.contains(" of 2 seeds"), "{r}");
    }
}
