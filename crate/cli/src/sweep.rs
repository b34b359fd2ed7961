//! `batchscape sweep`: the page's B × η sweep natively — the laws of batch size measured.
//!
//! ```text
//! batchscape sweep [--config FILE.json] [--set key=value]... [--lrs a,b,...] [--seeds K] --out DIR
//! ```
//! Settings as for `run` (the same `--config`/`--set` parsing). Every cell (B over powers of two
//! up to N, η over the grid, K seeds) trains under `budget=loss` to `target_loss`, at most
//! `max_steps` (capped at `MAX_SWEEP_STEPS`) steps, with the fixed rule
//! ([`batchscape_core::laws`]). Writes `DIR/sweep.json` (`settings`, `plan`, `cells`,
//! `best_lr`, `lr_slope`, `ridge`, `fit`, `b_simple`, `timing`; every field but `timing` is a
//! function of the arguments) and the page's two figures `DIR/lr_map.svg` and
//! `DIR/tradeoff.svg`. Cells are spread over the machine's cores (each is independent, so the
//! result does not depend on how many).

use super::{json_of, say, write_all};
use batchscape_core::laws::{analyze, LawCell, LawPlan, LawSweep, MAX_LRS, REGIME_FACTOR};
use batchscape_core::settings::{Checked, Settings};
use batchscape_render::spec::{LrMapChart, TradeoffChart};
use batchscape_render::Chart;
use std::path::PathBuf;

pub const ABOUT: &str = concat!(
    "Trains every (B, η, seed) cell — B over powers of two up to n_train, η over a log grid (4 per decade from lr/10 to lr·100 unless --lrs) — to target_loss (budget=loss, at most max_steps, capped at 4000 (the core's MAX_SWEEP_STEPS), plain η) and reads the laws from them.\n\n",
    "Writes DIR/sweep.json: cells (batch, lr, seed, steps_to_target, examples_to_target, final_train_loss, final_test_loss, final_test_acc, diverged, b_simple; null = not reached), best_lr [{batch, lr, steps, examples, test_loss}], lr_slope (d ln η*/d ln B where the ridge rises) and ridge, fit {s_min, e_min, b_crit} of (S/S_min − 1)(E/E_min − 1) = 1, b_simple (median exact B_simple at the target over the best-η cells), timing; and DIR/lr_map.svg, DIR/tradeoff.svg (the page's charts)."
);

/// A sweep, its settings read and checked.
pub struct Job {
    pub settings: Settings,
    pub lrs: Option<Vec<f64>>,
    pub seeds: usize,
    pub out: PathBuf,
}

/// The learning rates of `--lrs` (a newtype: clap reads a `Vec` field as repeated values).
#[derive(Clone, Debug)]
pub struct Lrs(pub Vec<f64>);

/// A comma-separated list of learning rates in the settings' range of η (1e-5 … 1e3).
pub fn parse_lrs(text: &str) -> Result<Lrs, String> {
    let lrs: Vec<f64> = text
        .split(',')
        .map(|t| match t.trim().parse::<f64>() {
            Ok(v) if (1e-5..=1e3).contains(&v) => Ok(v),
            _ => Err(format!("`{}` is not a learning rate from 1e-5 to 1000", t.escape_debug())),
        })
        .collect::<Result<_, _>>()?;
    if lrs.len() > MAX_LRS {
        return Err(format!("{} learning rates; at most {MAX_LRS}", lrs.len()));
    }
    Ok(Lrs(lrs))
}

/// Every cell of `plan`, cells k ≡ w (mod n) on thread w; in plan order.
fn run_cells(shared: &Checked, plan: &LawPlan) -> Vec<LawCell> {
    let n = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, plan.n_cells().max(1));
    let mut done: Vec<(usize, LawCell)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|w| {
                let todo = (w..plan.n_cells()).step_by(n).collect();
                scope.spawn(move || LawSweep::new(shared, plan.clone(), todo).run().to_vec())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    done.sort_by_key(|(k, _)| *k);
    done.into_iter().map(|(_, c)| c).collect()
}

pub fn run(args: Job) -> Result<(), String> {
    let plan = LawPlan::new(&args.settings, args.lrs.as_deref(), args.seeds);
    let shared = plan.settings(&args.settings).map_err(|e| format!("settings: {e}"))?;
    let start = std::time::Instant::now();
    let cells = run_cells(&shared, &plan);
    let wall_ms = start.elapsed().as_secs_f64() * 1e3;
    if cells.len() != plan.n_cells() {
        return Err(format!("{} of {} cells finished", cells.len(), plan.n_cells()));
    }
    let a = analyze(&plan, &cells);
    say(format_args!(
        "{} cells ({} B × {} η × {} seeds), target loss {}, at most {} steps: {} diverged, {} did not reach it; {:.0} ms",
        cells.len(),
        plan.batch_sizes.len(),
        plan.lrs.len(),
        plan.seeds.len(),
        plan.target_loss,
        plan.max_steps,
        a.n_diverged,
        a.n_unreached,
        wall_ms
    ));
    for b in &a.best_lr {
        say(format_args!("B = {:>4}  best η = {:<9} steps {:>7.0}  examples {:>9.0}  test loss {:.4}", b.batch, b.lr, b.steps, b.examples, b.test_loss));
    }
    if let Some(r) = &a.lr_slope {
        say(format_args!("ridge: slope {:.3} ({}) from B = {} to B = {}{}", r.slope, r.reading, r.from_batch, r.to_batch, if r.rises_to_end { ", still rising" } else { ", then stops rising" }));
    }
    if let Some(f) = &a.fit {
        say(format_args!("fit: S_min {:.1}  E_min {:.1}  B_crit {:.1}  (rms relative residual {:.3});  B_simple at the target {:.1}", f.s_min, f.e_min, f.b_crit, f.rms_rel, a.b_simple));
    }
    let map = Chart::LrMap(LrMapChart::of_sweep(&plan, &cells, &a));
    let tradeoff = Chart::Tradeoff(TradeoffChart::of_analysis(&a));
    let cell_json: Vec<serde_json::Value> = cells
        .iter()
        .map(|c| -> Result<serde_json::Value, String> {
            Ok(serde_json::json!({
                "batch": c.batch, "lr": c.lr, "seed": c.seed, "steps": c.steps,
                "steps_to_target": json_of(&c.steps_to_target)?, "examples_to_target": json_of(&c.examples_to_target)?,
                "final_train_loss": json_of(&c.final_train_loss)?, "final_test_loss": json_of(&c.final_test_loss)?,
                "final_test_acc": json_of(&c.final_test_acc)?, "diverged": c.diverged, "b_simple": json_of(&c.b_simple)?,
                "theta_fingerprint": format!("{:08x}", c.fingerprint),
            }))
        })
        .collect::<Result<_, _>>()?;
    let json = serde_json::json!({
        "settings": args.settings.to_json(),
        "plan": json_of(&plan)?,
        "regime_factor": REGIME_FACTOR,
        "cells": cell_json,
        "best_lr": json_of(&a.best_lr)?,
        "lr_slope": a.lr_slope.as_ref().map(|r| r.slope).filter(|s| s.is_finite()),
        "ridge": json_of(&a.lr_slope)?,
        "fit": json_of(&a.fit)?,
        "b_simple": json_of(&a.b_simple)?,
        "b_crit_over_b_simple": json_of(&a.ratio)?,
        "n_diverged": a.n_diverged,
        "n_unreached": a.n_unreached,
        "timing": { "wall_ms": wall_ms },
    });
    let files = vec![
        ("sweep.json".to_string(), serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?),
        ("lr_map.svg".to_string(), map.to_svg(680, 440)?),
        ("tradeoff.svg".to_string(), tradeoff.to_svg(680, 440)?),
    ];
    write_all(&args.out, &files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(pairs: &[(&str, &str)], lrs: &str, out: PathBuf) -> Job {
        let mut settings = Settings::default();
        for (k, v) in pairs {
            settings.set(k, v).unwrap();
        }
        settings.batch = vec![1];
        Job { settings, lrs: Some(parse_lrs(lrs).unwrap().0), seeds: 1, out }
    }

    #[test]
    fn learning_rates_are_read_and_bad_ones_named() {
        assert_eq!(parse_lrs("0.1,1").unwrap().0, vec![0.1, 1.0]);
        assert!(parse_lrs("0.1,abc").unwrap_err().contains("`abc`"));
        assert!(parse_lrs("0").unwrap_err().contains("`0`"));
        let many = vec!["0.1"; MAX_LRS + 1].join(",");
        assert!(parse_lrs(&many).unwrap_err().contains(&format!("at most {MAX_LRS}")));
        assert!(ABOUT.contains("sweep.json") && ABOUT.contains("b_crit"));
        let cap = format!("capped at {} (the core's MAX_SWEEP_STEPS)", batchscape_core::laws::MAX_SWEEP_STEPS);
        assert!(ABOUT.contains(&cap), "the help names the core's cap");
    }

    /// Two runs of the same tiny sweep write the same sweep.json apart from the timing, and
    /// the figures exist.
    #[test]
    fn a_tiny_sweep_is_deterministic_apart_from_timings() {
        let base = std::env::temp_dir().join(format!("batchscape-sweep-test-{}", std::process::id()));
        let pairs = [("n_train", "64"), ("n_test", "64"), ("hidden", "8"), ("target_loss", "0.45"), ("max_steps", "200")];
        let mut texts = Vec::new();
        for k in 0..2 {
            let out = base.join(format!("o{k}"));
            run(job(&pairs, "0.3,1,3,30", out.clone())).unwrap();
            let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).unwrap()).unwrap();
            assert!(v["timing"]["wall_ms"].as_f64().unwrap() >= 0.0);
            v.as_object_mut().unwrap().remove("timing");
            assert_eq!(v["cells"].as_array().unwrap().len(), 7 * 4);
            for key in ["batch", "lr", "seed", "steps_to_target", "examples_to_target", "final_train_loss", "final_test_loss", "final_test_acc", "diverged"] {
                assert!(v["cells"][0].get(key).is_some(), "cells have {key}");
            }
            assert!(v["cells"].as_array().unwrap().iter().filter(|c| c["lr"] == 30.0).all(|c| c["diverged"] == true));
            assert!(!v["best_lr"].as_array().unwrap().is_empty(), "{v}");
            for file in ["lr_map.svg", "tradeoff.svg"] {
                assert!(std::fs::read_to_string(out.join(file)).unwrap().starts_with("<svg"), "{file}");
            }
            texts.push(v.to_string());
        }
        assert_eq!(texts[0], texts[1]);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
