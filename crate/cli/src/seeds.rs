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
use batchscape_core::seeds::SeedStudy;
use batchscape_core::settings::Settings;
use std::path::PathBuf;

pub const ABOUT: &str = "Runs every batch size of the settings for N seeds (s … s+N−1, s = the settings' seed), each end point analysed as the page does; prints one markdown row per seed and batch size and the claims' verdicts (\"holds in k of N seeds\"), and writes DIR/seeds.json.";

/// A seeds study, its settings read and checked.
pub struct Job {
    pub settings: Settings,
    pub seeds: usize,
    pub out: PathBuf,
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

/// `seeds.json`: `{"settings", "comparison", "seeds", "cells", "verdicts"}`.
pub fn study_json(study: &SeedStudy, settings: &Settings) -> serde_json::Value {
    serde_json::json!({
        "settings": settings.to_json(),
        "comparison": comparison(settings),
        "seeds": study.seeds(),
        "cells": study.cells(),
        "verdicts": study.verdicts(),
    })
}

pub fn run(args: Job) -> Result<(), String> {
    let checked = args.settings.check().map_err(|e| format!("settings: {e}"))?;
    let mut study = SeedStudy::new(&checked, args.seeds);
    study.run();
    let text = report(&study, &args.settings);
    let json = study_json(&study, &args.settings);
    std::fs::create_dir_all(&args.out).map_err(|e| format!("--out {}: {e}", args.out.display()))?;
    let body = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    std::fs::write(args.out.join("seeds.json"), body).map_err(|e| format!("writing seeds.json: {e}"))?;
    print!("{text}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report names the comparison and has one row per (seed, batch) and the verdicts.
    #[test]
    fn the_report_has_a_row_per_seed_and_batch_and_the_verdicts() {
        let mut settings = Settings::default();
        for (k, v) in [("n_train", "64"), ("hidden", "4"), ("batch", "8,64"), ("epochs", "3")] {
            settings.set(k, v).unwrap();
        }
        let mut study = SeedStudy::new(&settings.check().unwrap(), 2);
        study.run();
        let r = report(&study, &settings);
        assert!(r.starts_with("Compared at equal epochs (3 epochs each)"), "{r}");
        assert_eq!(r.lines().filter(|l| l.starts_with("| 1 |") || l.starts_with("| 2 |")).count(), 4, "{r}");
        assert!(r.contains("sharper by λ_max: holds in ") && r.contains(" of 2 seeds"), "{r}");
    }
}
