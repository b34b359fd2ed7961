use super::*;
use crate::settings::Settings;

fn settings(pairs: &[(&str, &str)]) -> Settings {
    let mut s = Settings::default();
    for (k, v) in pairs {
        s.set(k, v).unwrap();
    }
    s
}

const HEAVY: &[(&str, &str)] = &[("n_train", "4096"), ("hidden", "64,64,64,64"), ("batch", "1,16,256,4096"), ("grid", "101")];

#[test]
fn counts_parameters_examples_and_passes() {
    // 2 → 16 → 16 → 1: 2·16 + 16 + 16·16 + 16 + 16 + 1 = 337 parameters.
    let s = Settings::default();
    let w = estimate(&s);
    assert_eq!(w.n_params, 337);
    // Equal epochs: the most work at B = 1 (one update per example): 60 epochs × 256 steps,
    // each 3·1 + 1 passes of the parameters, plus 122 evaluations of train + test.
    assert_eq!(w.worst_batch, 1);
    assert_eq!(w.worst_steps, 60 * 256);
    assert_eq!(w.run_madds, 337.0 * (60.0 * 256.0 * 4.0 + 122.0 * 512.0));
    assert_eq!(w.landscape_madds, 51.0 * 51.0 * 256.0 * 337.0);
    // Two runs × 122 snapshots × 337 floats, and two 51 × 51 grids of floats.
    assert_eq!(w.memory_bytes, 2.0 * 122.0 * 337.0 * 4.0 + 2.0 * 51.0 * 51.0 * 4.0);
}

#[test]
fn the_worst_batch_follows_the_budget() {
    // Equal steps: the largest batch a slider can pick (N) does the most work.
    let w = estimate(&settings(&[("budget", "steps"), ("steps", "500")]));
    assert_eq!((w.worst_batch, w.worst_steps), (256, 500));
    assert_eq!(w.run_madds, 337.0 * (500.0 * (3.0 * 256.0 + 1.0) + 122.0 * 512.0));
    // Equal loss: up to max_steps at B = N, with a check pass per example and more records.
    let w = estimate(&settings(&[("budget", "loss"), ("max_steps", "100")]));
    assert_eq!((w.worst_batch, w.worst_steps), (256, 100));
    assert_eq!(w.run_madds, 337.0 * (100.0 * (4.0 * 256.0 + 1.0) + 242.0 * 512.0));
}

#[test]
fn settings_within_the_limits_are_unchanged() {
    let c = Settings::default().check().unwrap();
    let (fitted, errors) = fit(c.clone());
    assert_eq!(*fitted, *c);
    assert!(errors.is_empty());
}

#[test]
fn a_run_length_beyond_the_limit_is_lowered_to_the_largest_within() {
    let s = settings(&[HEAVY, &[("epochs", "2000")]].concat());
    let before = estimate(&s);
    assert!(before.run_madds > RUN_LIMIT);
    let (fitted, errors) = fit(s.check().unwrap());
    let after = estimate(&fitted);
    assert!(after.run_madds <= RUN_LIMIT, "{} > limit", after.run_madds);
    assert!(fitted.epochs >= 1 && fitted.epochs < 2000);
    // The largest: one more epoch would be over the limit.
    let one_more = Settings { epochs: fitted.epochs + 1, ..fitted.settings().clone() };
    assert!(estimate(&one_more).run_madds > RUN_LIMIT);
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.iter().filter(|e| e.key == "epochs").count(), 1, "{messages:?}");
    let text = &messages[0];
    assert!(text.starts_with("`epochs` = \"2000\" is not allowed: expected at most"), "{text}");
    assert!(text.contains(&sci(before.run_madds)) && text.contains(&sci(RUN_LIMIT)), "{text}");
    // Only what was over the limit changed.
    assert_eq!(fitted.n_train, 4096);
    assert_eq!(fitted.hidden, vec![64, 64, 64, 64]);
}

#[test]
fn steps_and_max_steps_are_the_lengths_of_their_budgets() {
    for (budget, key) in [("steps", "steps"), ("loss", "max_steps")] {
        let s = settings(&[HEAVY, &[("budget", budget), (key, "1000000")]].concat());
        let (fitted, errors) = fit(s.check().unwrap());
        assert!(estimate(&fitted).run_madds <= RUN_LIMIT);
        assert_eq!(errors.iter().filter(|e| e.key == key).count(), 1, "{budget}: {errors:?}");
        assert_eq!(fitted.epochs, 60, "epochs are not read under budget={budget}");
    }
}

#[test]
fn a_grid_beyond_the_limit_is_lowered() {
    // 101² points × 4 096 examples × 12 737 parameters (2 inputs, four layers of 64, 1 output).
    let s = settings(HEAVY);
    let w = estimate(&s);
    assert_eq!(w.n_params, 2 * 64 + 64 + 3 * (64 * 64 + 64) + 64 + 1);
    assert_eq!(w.landscape_madds, 101.0 * 101.0 * 4096.0 * 12737.0);
    assert!(w.landscape_madds > LANDSCAPE_LIMIT);
    let (fitted, errors) = fit(s.check().unwrap());
    let g = fitted.grid as f64;
    assert!(fitted.grid >= 5 && g * g * 4096.0 * 12737.0 <= LANDSCAPE_LIMIT);
    // The largest grid within the limit.
    assert!((g + 1.0) * (g + 1.0) * 4096.0 * 12737.0 > LANDSCAPE_LIMIT);
    let grid_errors: Vec<String> = errors.iter().filter(|e| e.key == "grid").map(ToString::to_string).collect();
    assert_eq!(grid_errors.len(), 1, "{errors:?}");
    assert!(grid_errors[0].contains(&format!("at most {} with these settings: a 101 × 101 landscape would need about {} multiply-adds", fitted.grid, sci(w.landscape_madds))), "{}", grid_errors[0]);
}

#[test]
fn digits_count_their_64_inputs_and_10_outputs() {
    let w = estimate(&settings(&[("dataset", "digits"), ("hidden", "64,64,64,64")]));
    assert_eq!(w.n_params, 64 * 64 + 64 + 3 * (64 * 64 + 64) + 64 * 10 + 10);
}

#[test]
fn scientific_notation() {
    assert_eq!(sci(2.5e11), "2.5 × 10¹¹");
    assert_eq!(sci(1e12), "1 × 10¹²");
    assert_eq!(sci(3.0), "3");
    assert_eq!(sci(0.02), "2 × 10⁻²");
}
