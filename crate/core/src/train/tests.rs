use super::*;
use crate::data::moons;
use crate::model::{Activation, Loss};
use crate::rng::{fnv1a_f32, Streams};

fn w1() -> (Mlp, Arc<Split>, Vec<f32>) {
    let split = moons(512, 512, 0.2, &mut Mulberry32::new(Streams::W1.data));
    let mlp = Mlp::new(2, &[16, 16], Activation::Tanh, Loss::Bce);
    let theta0 = mlp.init_glorot(&mut Mulberry32::new(Streams::W1.init));
    (mlp, Arc::new(split), theta0)
}

#[test]
fn first_epoch_permutation_matches_w1() {
    let mut s = Sampler::new(512, 512, Streams::W1.shuffle);
    let perm: Vec<f32> = s.next_batch().iter().map(|&i| f32::from_bits(i)).collect();
    // W1 hashes the Int32Array's bytes; reinterpreting the u32 bits as f32 keeps the bytes.
    assert_eq!(format!("{:08x}", fnv1a_f32(&perm)), "8f2c2b29");
}

#[test]
fn the_last_partial_batch_is_dropped_and_every_pass_is_a_permutation() {
    let mut s = Sampler::new(10, 3, 1);
    assert_eq!(s.steps_per_epoch(), 3);
    for _ in 0..4 {
        let mut seen: Vec<u32> = (0..3).flat_map(|_| s.next_batch().to_vec()).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 9, "nine distinct examples per pass, one sits out");
    }
}

/// W1 reference (f64 JS): loss after 2000 steps at B = 32 is 0.071763; f32 matches to ~1e-4.
#[test]
fn training_reproduces_the_w1_reference_loss() {
    let (mlp, split, theta0) = w1();
    let spec = RunSpec::sgd(32, 0.1, 2000, 1);
    let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec, Streams::W1.shuffle);
    assert_eq!(t.advance(usize::MAX), &Status::Finished);
    let loss = *t.history().train_loss.last().unwrap();
    assert!((loss - 0.071763).abs() < 2e-4, "{loss}");
    assert!((t.history().test_acc.last().unwrap() - 0.96875).abs() < 0.005);
}

#[test]
fn the_same_seed_gives_bit_identical_runs_and_chunking_does_not_matter() {
    let (mlp, split, theta0) = w1();
    let spec = RunSpec::sgd(8, 0.1, 300, 30);
    let mut a = Trainer::new(&mlp, split.clone(), &theta0, spec.clone(), 5);
    a.advance(usize::MAX);
    let mut b = Trainer::new(&mlp, split.clone(), &theta0, spec, 5);
    while b.advance(7) == &Status::Running {}
    assert_eq!(fnv1a_f32(a.theta()), fnv1a_f32(b.theta()));
    assert_eq!(a.history().train_loss, b.history().train_loss);
}

#[test]
fn loss_decreases_on_moons() {
    let (mlp, split, theta0) = w1();
    let spec = RunSpec::sgd(16, 0.3, 600, 10);
    let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec, 7);
    t.advance(usize::MAX);
    let h = t.history();
    assert!(h.train_loss.last().unwrap() < &(0.5 * h.train_loss[0]), "{:?}", h.train_loss);
    assert!(h.test_acc.last().unwrap() > &0.9);
}

#[test]
fn a_huge_learning_rate_is_marked_diverged_with_its_step() {
    let (mlp, split, theta0) = w1();
    let spec = RunSpec::sgd(32, 1e6, 500, 50);
    let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec, 7);
    match t.advance(usize::MAX) {
        Status::Diverged { step, hint, .. } => {
            assert!(*step >= 1 && *step < 500);
            assert!(hint.contains("learning rate"));
        }
        other => panic!("expected divergence, got {other:?}"),
    }
}
/// The divergence check rides in the optimizer's update loop: a run stops at the same step,
/// with the same θ bits, as a reference loop that trains by the batched path and checks θ with
/// a separate pass ([`crate::kernels::all_finite`], the check before it moved). A linear
/// regression at η = 10 overflows to ∞ within a few dozen steps (no record in between).
#[test]
fn divergence_is_reported_at_the_step_where_theta_first_overflows() {
    let split = Arc::new(moons(64, 8, 0.2, &mut Mulberry32::new(3)));
    let mlp = Mlp::new(2, &[], Activation::Tanh, Loss::Mse);
    let theta0 = vec![0.5f32, -0.5, 0.1];
    let configs = [
        OptimConfig::SGD,
        OptimConfig { method: Method::Sgd, momentum: 0.0, weight_decay: 0.01 },
        OptimConfig { method: Method::Momentum, momentum: 0.9, weight_decay: 0.0 },
    ];
    for optim in configs {
        for b in [1, 3, 32] {
            let mut spec = RunSpec::sgd(b, 10.0, 100_000, 1);
            spec.optim = optim;
            let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec, 9);
            let Status::Diverged { step, .. } = t.advance(usize::MAX).clone() else { panic!("{optim:?} B = {b}: no divergence") };
            let mut sampler = Sampler::new(split.train.len(), b, 9);
            let mut ws = Workspace::new(&mlp, b);
            let mut opt = Optimizer::new(optim, mlp.n_params());
            let (mut theta, mut grad) = (theta0.clone(), vec![0.0f32; mlp.n_params()]);
            let mut k = 0;
            loop {
                k += 1;
                let idx = sampler.next_batch().to_vec();
                ws.load(&split.train, &idx);
                let loss = mlp.loss_grad_batched(&theta, b, &mut ws, &mut grad);
                opt.step(&mut theta, &grad, 10.0);
                if !loss.is_finite() || !crate::kernels::all_finite(&theta) {
                    break;
                }
            }
            assert!(k > 2 && k < 1000, "{optim:?} B = {b}: {k}");
            assert_eq!(step, k, "{optim:?} B = {b}");
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(t.theta()), bits(&theta), "{optim:?} B = {b}");
        }
    }
}

#[test]
fn learning_rate_rules_scale_eta0_by_the_batch_ratio() {
    // η₀ = 0.1 at B₀ = 16: B = 64 is four times B₀.
    assert_eq!(LrRule::Fixed.lr(0.1, 64, 16), 0.1);
    assert!((LrRule::Linear.lr(0.1, 64, 16) - 0.4).abs() < 1e-15);
    assert!((LrRule::Sqrt.lr(0.1, 64, 16) - 0.2).abs() < 1e-15);
    assert!((LrRule::Linear.lr(0.1, 4, 16) - 0.025).abs() < 1e-15);
    assert!(LrRule::ALL.iter().all(|r| LrRule::parse(r.name()) == Some(*r)));
}

#[test]
fn warm_up_ramps_linearly_over_w_steps_then_holds() {
    let spec = RunSpec { warmup: 4, ..RunSpec::sgd(8, 0.2, 100, 10) };
    let lrs: Vec<f64> = (1..=6).map(|k| spec.lr_at(k)).collect();
    assert_eq!(lrs, vec![0.05, 0.1, 0.15000000000000002, 0.2, 0.2, 0.2]);
    assert_eq!(RunSpec::sgd(8, 0.2, 100, 10).lr_at(1), 0.2);
}

#[test]
fn budgets_give_equal_epochs_or_equal_steps() {
    assert_eq!(Budget::Epochs.steps_for(10, 999, 777, 256, 16), 160);
    assert_eq!(Budget::Epochs.steps_for(10, 999, 777, 100, 30), 30, "partial batches dropped");
    assert_eq!(Budget::Epochs.steps_for(3, 999, 777, 64, 64), 3, "full batch: one step per epoch");
    assert_eq!(Budget::Steps.steps_for(10, 500, 777, 256, 1), 500);
    assert_eq!(Budget::Steps.steps_for(10, 500, 777, 256, 256), 500);
    assert_eq!(Budget::Loss.steps_for(10, 500, 777, 256, 8), 777, "the cap is planned");
}

/// budget=loss: the run stops at the first check (every epoch, ⌊512/16⌋ = 32 steps) whose
/// full training loss is ≤ the target, records that point last, and the check before was
/// above it. A replay without a target, evaluated at every check, shows both, and its θ at
/// that step is bit-identical (the check draws nothing).
#[test]
fn a_loss_budget_stops_at_the_first_check_that_meets_the_target() {
    let (mlp, split, theta0) = w1();
    let target = 0.2;
    let spec = RunSpec { target_loss: Some(target), ..RunSpec::sgd(16, 0.3, 20_000, 120) };
    let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec.clone(), 7);
    while t.advance(50) == &Status::Running {}
    assert_eq!((t.status(), t.reached_target()), (&Status::Finished, Some(true)));
    let stop = t.step();
    let h = t.history();
    assert!(*h.train_loss.last().unwrap() <= target, "{:?}", h.train_loss);
    assert_eq!(*h.step.last().unwrap() as usize, stop, "the stop is recorded");
    assert!(stop > 0 && stop < 20_000 && stop.is_multiple_of(32), "{stop}");
    assert_eq!(t.message(), format!("finished: reached the target loss 0.2 at step {stop}"));
    let mut replay = Trainer::new(&mlp, split.clone(), &theta0, RunSpec { target_loss: None, ..spec }, 7);
    let mut losses = vec![];
    while replay.step() < stop {
        replay.advance(32);
        losses.push(replay.evaluate_train().loss);
    }
    let (before, at) = (losses[losses.len() - 2], losses[losses.len() - 1]);
    assert!(before > target && at <= target, "check before {before}, at the stop {at}");
    assert!(losses[..losses.len() - 1].iter().all(|&l| l > target), "no earlier check met it: {losses:?}");
    assert_eq!(at, *h.train_loss.last().unwrap());
    assert_eq!(replay.theta(), t.theta());
    // Evenly spaced records, each a check, at most 2·120 + 1 of them before the stop.
    assert!(h.step.len() <= 2 * 120 + 2 && h.step.len() >= 120.min(stop / 32), "{}", h.step.len());
    let gap = h.step[1] - h.step[0];
    assert!(gap.is_multiple_of(32) && h.step.windows(2).take(h.step.len() - 2).all(|w| w[1] - w[0] == gap), "{:?}", h.step);
    assert_eq!((h.theta.len(), h.train_loss.len(), h.epoch.len()), (h.step.len(), h.step.len(), h.step.len()));
}

/// An unreachable target stops at `max_steps`, marked as not reached; full-batch descent
/// checks every step; a target the initial loss already meets stops at step 0.
#[test]
fn an_unreachable_target_stops_at_max_steps_and_says_so() {
    let (mlp, split, theta0) = w1();
    let spec = RunSpec { target_loss: Some(1e-4), ..RunSpec::sgd(512, 0.3, 300, 10) };
    let mut t = Trainer::new(&mlp, split.clone(), &theta0, spec, 7);
    assert_eq!(t.advance(usize::MAX), &Status::Finished);
    assert_eq!((t.step(), t.reached_target()), (300, Some(false)));
    assert!(*t.history().train_loss.last().unwrap() > 1e-4);
    assert_eq!(t.message(), "finished: did not reach the target loss 0.0001 in 300 steps");
    let full = RunSpec { target_loss: Some(0.5), ..RunSpec::sgd(512, 0.3, 300, 10) };
    let mut f = Trainer::new(&mlp, split.clone(), &theta0, full, 7);
    f.advance(usize::MAX);
    assert_eq!(f.reached_target(), Some(true));
    assert_eq!(*f.history().step.last().unwrap() as usize, f.step());
    assert!(*f.history().train_loss.last().unwrap() <= 0.5);
    assert!(f.history().train_loss[f.history().train_loss.len() - 2] > 0.5, "full batch: every step is a check");
    let easy = RunSpec { target_loss: Some(10.0), ..RunSpec::sgd(16, 0.3, 300, 10) };
    let e = Trainer::new(&mlp, split.clone(), &theta0, easy, 7);
    assert_eq!((e.status(), e.step(), e.reached_target()), (&Status::Finished, 0, Some(true)));
    assert_eq!(Trainer::new(&mlp, split, &theta0, RunSpec::sgd(16, 0.3, 300, 10), 7).reached_target(), None);
}

#[test]
fn momentum_and_adam_train_moons_and_are_deterministic() {
    let (mlp, split, theta0) = w1();
    for (method, lr) in [(Method::Momentum, 0.05), (Method::Adam, 0.01)] {
        let spec = RunSpec { optim: OptimConfig { method, momentum: 0.9, weight_decay: 1e-4 }, warmup: 20, ..RunSpec::sgd(16, lr, 200, 2) };
        let mut a = Trainer::new(&mlp, split.clone(), &theta0, spec.clone(), 3);
        assert_eq!(a.advance(usize::MAX), &Status::Finished);
        let h = a.history();
        assert!(h.train_loss.last().unwrap() < &(0.5 * h.train_loss[0]), "{method:?}: {:?}", h.train_loss);
        let mut b = Trainer::new(&mlp, split.clone(), &theta0, spec, 3);
        while b.advance(13) == &Status::Running {}
        assert_eq!(a.theta(), b.theta(), "{method:?}");
    }
}

#[test]
fn a_divergence_message_names_the_step_the_learning_rate_and_the_rule() {
    let (mlp, split, theta0) = w1();
    let spec = RunSpec { lr_rule: LrRule::Linear, base_lr: 10.0, base_batch: 4, ..RunSpec::sgd(512, 1280.0, 50, 50) };
    let mut t = Trainer::new(&mlp, split, &theta0, spec, 7);
    t.advance(usize::MAX);
    let message = t.status().message();
    assert!(message.starts_with("diverged at step "), "{message}");
    assert!(message.contains("η = 1280"), "{message}");
    assert!(message.contains("the linear rule raised η₀ = 10 at B₀ = 4 to 1280"), "{message}");
    assert!(message.contains("warm-up") && message.contains("square-root"), "{message}");
}
/// B = N is full-batch descent (every step sees every example once) and B = 1 visits every
/// example once per epoch in a fresh order each epoch.
#[test]
fn batch_sizes_from_one_to_n_cover_every_example_each_epoch() {
    let mut full = Sampler::new(64, 64, 2);
    assert_eq!(full.steps_per_epoch(), 1);
    for _ in 0..3 {
        let mut b = full.next_batch().to_vec();
        b.sort();
        assert_eq!(b, (0..64).collect::<Vec<u32>>());
    }
    let mut single = Sampler::new(64, 1, 2);
    assert_eq!(single.steps_per_epoch(), 64);
    let epochs: Vec<Vec<u32>> = (0..2).map(|_| (0..64).map(|_| single.next_batch()[0]).collect()).collect();
    for e in &epochs {
        let mut sorted = e.clone();
        sorted.sort();
        assert_eq!(sorted, (0..64).collect::<Vec<u32>>());
    }
    assert_ne!(epochs[0], epochs[1], "reshuffled every epoch");
    assert_eq!(Sampler::new(64, 1000, 2).batch_size(), 64, "B is clamped to N");
}
