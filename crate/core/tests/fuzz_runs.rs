//! Property tests of the core's runs: random settings (the generators of `fuzz_gen`, through
//! the page's lenient parser) shrunk to a tiny budget (64 examples, a few steps, narrow layers,
//! a 5 × 5 grid) so that each case takes milliseconds, then the scenario, its facts, every run,
//! its report, progress, landscape and the cost table. Nothing panics; every number the report
//! and the facts promise to be finite is finite (a diverged run's losses excepted, as
//! `docs/metrics.md` says); a run is a function of its settings (the same fingerprint twice).
//! `cargo test` runs 40 cases (~15 s in a debug build); `PROPTEST_CASES=N` (`make fuzz`) runs N/200.

mod fuzz_gen;

use batchscape_core::facts::{cost_table, run_progress, scenario_facts, CostInput};
use batchscape_core::model::Workspace;
use batchscape_core::scenario::{RunReport, Scenario};
use batchscape_core::settings::Settings;
use batchscape_core::train::Status;
use fuzz_gen::{cases, pairs, run};
use proptest::prelude::*;

/// The lenient parse of `pairs`, with the budget made tiny; still valid settings.
fn tiny(pairs: &[(String, String, fuzz_gen::Expect)]) -> Settings {
    let (checked, _) = Settings::from_pairs_lenient(pairs.iter().map(|(k, v, _)| (k.as_str(), v.as_str())));
    let mut s = checked.settings().clone();
    s.n_train = 64;
    s.n_test = 64;
    s.epochs = s.epochs.min(3);
    s.steps = s.steps.min(40);
    s.max_steps = s.max_steps.min(40);
    s.warmup = s.warmup.min(50);
    s.grid = 5;
    s.hidden.iter_mut().for_each(|w| *w = (*w).min(8));
    s.batch.iter_mut().for_each(|b| *b = (*b).min(64));
    s
}

fn finite(x: f64) -> bool {
    x.is_finite()
}

#[test]
fn fuzz_runs_report_finite_numbers_and_never_panic() {
    run("runs", cases(40, 200), pairs(), |pairs| {
        let s = tiny(&pairs);
        let checked = s.check().map_err(|e| TestCaseError::fail(format!("tiny settings refused: {e} ({s:?})")))?;
        let scenario = Scenario::new(&checked);
        let facts = scenario_facts(&scenario);
        prop_assert!(!facts.batch_stops.is_empty() && facts.batch_stops.iter().all(|&b| (1..=s.n_train).contains(&b)), "{:?}", facts.batch_stops);
        prop_assert!(facts.n_params > 0);
        prop_assert!(scenario.theta0.iter().all(|v| v.is_finite()));

        let mut trainers = Vec::new();
        for &b in &s.batch {
            let mut t = scenario.trainer(b);
            let planned = t.spec().steps;
            prop_assert!(planned >= 1 && finite(t.spec().lr) && t.spec().lr > 0.0, "{:?}", t.spec());
            // Chunks as the page's workers train; a finished run takes at most `planned` steps.
            let mut rounds = 0;
            while *t.advance(7) == Status::Running {
                rounds += 1;
                prop_assert!(rounds <= planned, "run of B = {b} still running after {} steps", t.step());
            }
            let report = RunReport::for_run(&scenario, &t);
            prop_assert!(serde_json::to_string(&report).is_ok());
            let h = &report.history;
            let n = h.step.len();
            prop_assert!(n >= 1 && [h.epoch.len(), h.train_loss.len(), h.test_loss.len(), h.train_acc.len(), h.test_acc.len(), h.theta.len()].iter().all(|&l| l == n));
            prop_assert!(h.step.windows(2).all(|w| w[0] < w[1]), "history steps not increasing: {:?}", h.step);
            if !report.diverged {
                prop_assert!(report.steps <= report.planned_steps);
                for (name, x) in [("final_train_loss", report.final_train_loss), ("final_test_loss", report.final_test_loss)] {
                    prop_assert!(finite(x) && x >= 0.0, "{name} = {x} for {s:?}");
                }
                let regression = s.dataset.is_regression();
                for (name, x) in [("final_train_acc", report.final_train_acc), ("final_test_acc", report.final_test_acc)] {
                    prop_assert!(if regression { x.is_nan() } else { (0.0..=1.0).contains(&x) }, "{name} = {x}");
                }
            } else {
                prop_assert!(!report.message.is_empty() && report.diverged_at_step.is_some());
            }
            let progress = run_progress(&scenario, &t);
            prop_assert!(finite(progress.lr) && progress.memory_per_step > 0);
            let mut land = scenario.plan_landscape(t.history(), t.theta(), s.grid);
            prop_assert!(land.path.iter().all(|&(a, b)| a.is_finite() && b.is_finite()), "path {:?}", land.path);
            let mut ws = Workspace::new(&scenario.mlp, 64);
            prop_assert!(scenario.fill_landscape(&mut land, &mut ws, s.grid));
            prop_assert_eq!(land.grid.values.len(), s.grid * s.grid);
            trainers.push(t);
        }
        // Determinism: the first run again, bit for bit.
        if let Some(first) = trainers.first() {
            let mut again = scenario.trainer(first.spec().batch_size);
            while *again.advance(usize::MAX) == Status::Running {}
            prop_assert_eq!(again.theta(), first.theta());
        }
        let steps: Vec<Vec<f64>> = trainers.iter().map(|t| t.history().step.iter().map(|&k| k as f64).collect()).collect();
        let inputs: Vec<CostInput> = trainers
            .iter()
            .zip(&steps)
            .enumerate()
            .map(|(slot, (t, st))| CostInput { slot, batch: t.spec().batch_size, finished: *t.status() == Status::Finished, steps: st, train_loss: &t.history().train_loss })
            .collect();
        let table = cost_table(&inputs);
        prop_assert!(table.target.is_none_or(|x| finite(x) && x >= 0.0), "cost target {:?}", table.target);
        for row in &table.rows {
            prop_assert!(row.steps.is_none_or(finite) && row.examples.is_none_or(finite), "{row:?}");
        }
        Ok(())
    });
}
