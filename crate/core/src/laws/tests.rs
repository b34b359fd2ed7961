use super::*;
use crate::rng::Mulberry32;
use crate::settings::Settings;
use crate::train::{Budget, LrRule};

fn tiny() -> Settings {
    Settings::from_pairs([("n_train", "64"), ("n_test", "64"), ("hidden", "8"), ("seed", "3"), ("batch", "8"), ("target_loss", "0.4"), ("max_steps", "300")])
        .unwrap()
        .settings()
        .clone()
}

/// Multiplicative noise of relative size `rel`, uniform in [−rel, rel], from a fixed stream.
fn noisy(rng: &mut Mulberry32, rel: f64) -> f64 {
    1.0 + rel * (2.0 * rng.next_f64() - 1.0)
}

#[test]
fn the_plan_spans_powers_of_two_a_log_grid_and_seeds_in_a_fixed_order() {
    let s = tiny();
    let plan = LawPlan::new(&s, None, 2);
    assert_eq!(plan.batch_sizes, vec![1, 2, 4, 8, 16, 32, 64]);
    // η₀ = 0.2: 4 per decade from 0.02 to 20.
    assert_eq!(plan.lrs.len(), 13);
    assert!((plan.lrs[0] - 0.02).abs() < 1e-9 && (plan.lrs[12] - 20.0).abs() < 1e-9, "{:?}", plan.lrs);
    for w in plan.lrs.windows(2) {
        assert!((w[1] / w[0] - 10f64.powf(0.25)).abs() < 1e-4, "{:?}", plan.lrs);
    }
    assert_eq!(plan.seeds, vec![3, 4]);
    assert_eq!(plan.n_cells(), 7 * 13 * 2);
    assert_eq!(plan.cell(0), (0, 0, 0));
    assert_eq!(plan.cell(12), (0, 12, 0));
    assert_eq!(plan.cell(13), (1, 0, 0), "learning rates inner, then batch sizes");
    assert_eq!(plan.cell(7 * 13), (0, 0, 1), "seeds outer");
    assert_eq!((plan.target_loss, plan.max_steps), (0.4, 300));
    let capped = LawPlan::new(&Settings { max_steps: 1_000_000, ..s.clone() }, Some(&[0.5, 0.1, 0.5, f64::NAN, -1.0]), 1);
    assert_eq!((capped.lrs.clone(), capped.max_steps), (vec![0.1, 0.5], MAX_SWEEP_STEPS));
    let shared = plan.settings(&s).unwrap();
    assert_eq!((shared.settings().budget, shared.settings().lr_rule), (Budget::Loss, LrRule::Fixed));
}

/// The cells a sweep gives are the same whatever the slice size and whatever subset a worker
/// runs, and each equals [`run_cell`] of its index.
#[test]
fn cells_are_deterministic_and_independent_of_order_and_slicing() {
    let s = tiny();
    let plan = LawPlan::new(&s, Some(&[0.1, 1.0, 30.0]), 2);
    let shared = plan.settings(&s).unwrap();
    let mut all = LawSweep::all(&shared, plan.clone());
    all.run();
    assert_eq!(all.done().len(), plan.n_cells());
    // A worker's share (odd cells), in slices of 7 steps.
    let mut odd = LawSweep::new(&shared, plan.clone(), (1..plan.n_cells()).step_by(2).chain([9999]).collect());
    while odd.advance(7).cells_done < odd.progress().n_cells {}
    for (k, cell) in odd.done() {
        assert_eq!(format!("{cell:?}"), format!("{:?}", all.done()[*k].1), "cell {k}");
    }
    for &k in &[0, 5, 20, 41] {
        assert_eq!(format!("{:?}", run_cell(&plan, &shared, k)), format!("{:?}", all.done()[k].1));
    }
    let cells: Vec<LawCell> = all.done().iter().map(|(_, c)| c.clone()).collect();
    // η = 30 diverges at every B; η = 0.1 and 1 reach loss 0.4 at some B, and steps resolve
    // to epochs (checks every ⌊N/B⌋ steps).
    assert!(cells.iter().filter(|c| c.lr == 30.0).all(|c| c.diverged && !c.reached()));
    assert!(cells.iter().any(|c| c.reached()));
    for c in cells.iter().filter(|c| c.reached()) {
        assert_eq!(c.steps_to_target as usize % (64 / c.batch), 0, "{c:?}");
        assert_eq!(c.examples_to_target, c.steps_to_target * c.batch as f64);
        assert!(c.final_train_loss <= 0.4 && c.b_simple.is_finite() && c.b_simple > 0.0, "{c:?}");
    }
    let a = analyze(&plan, &cells);
    assert_eq!(format!("{a:?}"), format!("{:?}", analyze(&plan, &cells)));
    assert_eq!(a.n_diverged, cells.iter().filter(|c| c.diverged).count());
    assert!(a.best_lr.iter().all(|b| b.lr != 30.0));
}

/// Hand-made cells: at B = 4, η = 0.1 and 0.2 tie on steps and 0.2 has the lower test loss;
/// η = 0.4 is faster on one seed but diverged on the other, so it does not count.
#[test]
fn the_best_lr_has_the_fewest_steps_ties_broken_by_test_loss() {
    let plan = LawPlan { batch_sizes: vec![4], lrs: vec![0.1, 0.2, 0.4], seeds: vec![1, 2], target_loss: 0.1, max_steps: 100 };
    let cell = |lr, seed, steps: f64, test, diverged| LawCell {
        batch: 4,
        lr,
        seed,
        steps: 100,
        steps_to_target: steps,
        examples_to_target: 4.0 * steps,
        final_train_loss: 0.1,
        final_test_loss: test,
        final_test_acc: 0.9,
        diverged,
        b_simple: 8.0,
        fingerprint: 0,
    };
    let cells = [
        cell(0.1, 1, 40.0, 0.3, false),
        cell(0.1, 2, 60.0, 0.3, false),
        cell(0.2, 1, 50.0, 0.2, false),
        cell(0.2, 2, 50.0, 0.2, false),
        cell(0.4, 1, 10.0, 0.1, false),
        cell(0.4, 2, f64::NAN, 9.0, true),
    ];
    let best = best_lrs(&plan, &cells);
    assert_eq!(best.len(), 1);
    assert_eq!((best[0].lr, best[0].steps, best[0].examples, best[0].seeds, best[0].at_grid_edge), (0.2, 50.0, 200.0, 2, false));
    assert!(best[0].above_diverged, "η = 0.4 diverged on one seed");
}

#[test]
fn the_slope_fit_recovers_linear_and_square_root_ridges_and_where_they_stop() {
    let mut rng = Mulberry32::new(11);
    for (power, reading) in [(1.0, Reading::Linear), (0.5, Reading::SquareRoot)] {
        // η* = 0.01·B^p with 5 % noise up to B = 128, then flat at the stability limit.
        let mut pts: Vec<(f64, f64)> = (0..8).map(|k| 2f64.powi(k)).map(|b| (b, 0.01 * b.powf(power) * noisy(&mut rng, 0.05))).collect();
        let top = pts[7].1;
        pts.extend([(256.0, top), (512.0, 0.9 * top)]);
        let fit = fit_slope(&pts).unwrap();
        assert!((fit.slope - power).abs() < 0.05, "p = {power}: {fit:?}");
        assert_eq!((fit.reading, fit.from_batch, fit.to_batch, fit.rises_to_end), (reading, 1, 128, false), "{fit:?}");
        assert!((fit.intercept.exp() - 0.01).abs() < 0.003, "{fit:?}");
    }
    let rising = fit_slope(&[(1.0, 0.1), (2.0, 0.2), (4.0, 0.4)]).unwrap();
    assert!((rising.slope - 1.0).abs() < 1e-12 && rising.rises_to_end);
    let flat = fit_slope(&[(1.0, 0.5), (2.0, 0.5), (4.0, 0.3)]).unwrap();
    assert!(flat.slope.is_nan() && flat.reading == Reading::Flat && flat.to_batch == 1);
    assert!(fit_slope(&[]).is_none());
}

#[test]
fn the_tradeoff_fit_recovers_s_min_e_min_and_b_crit_from_noisy_points() {
    let mut rng = Mulberry32::new(5);
    for (s_min, b_crit) in [(40.0, 64.0), (300.0, 8.0), (12.0, 500.0)] {
        let e_min = s_min * b_crit;
        let pts: Vec<(f64, f64)> = (0..12).map(|k| 2f64.powi(k)).map(|b| (b, s_min * (1.0 + b_crit / b) * noisy(&mut rng, 0.04))).collect();
        // The points satisfy the hyperbola up to the noise.
        for &(b, s) in &pts {
            let h = (s / s_min - 1.0) * (b * s / e_min - 1.0);
            assert!((h - 1.0).abs() < 0.2 * (1.0 + b_crit / b).max(1.0 + b / b_crit), "{h}");
        }
        let fit = fit_tradeoff(&pts).unwrap();
        assert!((fit.s_min / s_min - 1.0).abs() < 0.06, "{fit:?}");
        assert!((fit.e_min / e_min - 1.0).abs() < 0.06, "{fit:?}");
        assert!((fit.b_crit / b_crit - 1.0).abs() < 0.1, "{fit:?}");
        assert!(fit.rms_rel < 0.04 && fit.n_points == 12, "{fit:?}");
        assert!((fit.steps(b_crit) / (2.0 * s_min) - 1.0).abs() < 0.1);
    }
    // Exact points give the exact parameters.
    let exact: Vec<(f64, f64)> = [1.0, 4.0, 16.0, 64.0].iter().map(|&b| (b, 10.0 + 320.0 / b)).collect();
    let fit = fit_tradeoff(&exact).unwrap();
    assert!((fit.s_min - 10.0).abs() < 1e-9 && (fit.e_min - 320.0).abs() < 1e-9 && (fit.b_crit - 32.0).abs() < 1e-9);
    // Perfect scaling throughout (S ∝ 1/B): no plateau, B_crit = ∞; steps that do not fall: B_crit = 0.
    let perfect = fit_tradeoff(&[(1.0, 1000.0), (2.0, 490.0), (4.0, 240.0)]).unwrap();
    assert!(perfect.s_min == 0.0 && perfect.b_crit.is_infinite(), "{perfect:?}");
    let none = fit_tradeoff(&[(1.0, 10.0), (2.0, 11.0), (4.0, 12.0)]).unwrap();
    assert!(none.e_min == 0.0 && none.b_crit == 0.0, "{none:?}");
    assert!(fit_tradeoff(&[(1.0, 10.0)]).is_none());
    assert_eq!(median([3.0, f64::NAN, 1.0, 2.0]), 2.0);
    assert_eq!(median([4.0, 1.0]), 2.5);
}
