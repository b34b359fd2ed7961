//! Property test of the core on fuzzed settings: whatever the page's lenient parser makes of
//! random key/value sets (generators in `fuzz_gen`) runs, on a tiny budget (n_train = n_test =
//! 64, at most 2 epochs or 40 steps, grid 5), without a panic; a run that did not diverge
//! reports finite losses (and accuracies in [0, 1] for classification), a diverged one says at
//! which step; its report serialises; its landscape is planned and filled.
//! `cargo test` runs the default count; `PROPTEST_CASES=N` runs N/200 (each run records 120 full evaluations: ~0.25 s in a debug build).

mod fuzz_gen;

use batchscape_core::model::Loss;
use batchscape_core::scenario::{RunReport, Scenario};
use batchscape_core::settings::Settings;
use fuzz_gen::{cases, pairs, run};
use proptest::prelude::*;

/// The settings with the tiny budget (everything else as parsed).
fn tiny(s: &Settings) -> Settings {
    Settings {
        n_train: 64,
        n_test: 64,
        epochs: s.epochs.min(2),
        steps: s.steps.min(40),
        max_steps: s.max_steps.min(40),
        grid: 5,
        batch: s.batch.iter().map(|&b| b.min(64)).collect(),
        ..s.clone()
    }
}

#[test]
fn fuzz_runs_finish_or_diverge_with_finite_reports() {
    run("runs", cases(40, 200), pairs(), |pairs| {
        let (checked, _) = Settings::from_pairs_lenient(pairs.iter().map(|(k, v, _)| (k.as_str(), v.as_str())));
        let settings = tiny(&checked);
        let checked = settings.check().map_err(|e| TestCaseError::fail(format!("tiny budget refused: {e}")))?;
        let scenario = Scenario::new(&checked);
        for &b in &checked.batch {
            let mut trainer = scenario.trainer(b);
            trainer.advance(usize::MAX);
            let report = RunReport::for_run(&scenario, &trainer);
            prop_assert!(report.steps <= report.planned_steps);
            if report.diverged {
                prop_assert!(report.diverged_at_step.is_some() && report.message.starts_with("diverged at step"), "{}", report.message);
            } else {
                prop_assert!(report.final_train_loss.is_finite() && report.final_test_loss.is_finite(), "{b}: {}", report.message);
                if scenario.mlp.loss != Loss::Mse {
                    for acc in [report.final_train_acc, report.final_test_acc] {
                        prop_assert!((0.0..=1.0).contains(&acc), "accuracy {acc}");
                    }
                }
            }
            prop_assert!(serde_json::to_string(&report).is_ok());
            let land = scenario.landscape(trainer.history(), trainer.theta(), checked.grid);
            prop_assert!(land.path.iter().all(|&(a, c)| a.is_finite() && c.is_finite()));
        }
        Ok(())
    });
}
