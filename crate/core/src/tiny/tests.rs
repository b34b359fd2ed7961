use super::*;
use crate::data::{moons, Dataset};
use crate::model::tests::three_class_data;
use crate::optim::{OptimConfig, Optimizer};
use crate::rng::Mulberry32;
use crate::train::Sampler;

/// Trains two copies of θ side by side, one by [`Mlp::loss_grad_tiny`] and one by the general
/// [`Mlp::loss_grad_batched`], with the same batches, and asserts after every step that the
/// losses, the gradients and θ are the same bits. Returns the number of steps compared.
fn same_bits_over_steps(mlp: &Mlp, data: &Dataset, batch: usize, steps: usize, lr: f32, seed: u32) -> usize {
    let theta0 = mlp.init_glorot(&mut Mulberry32::new(seed));
    let (mut t_tiny, mut t_gen) = (theta0.clone(), theta0);
    let n = mlp.n_params();
    let (mut g_tiny, mut g_gen) = (vec![0.0f32; n], vec![0.0f32; n]);
    let (mut ws_tiny, mut ws_gen) = (Workspace::<f32>::new(mlp, batch), Workspace::<f32>::new(mlp, batch));
    let (mut o_tiny, mut o_gen) = (Optimizer::new(OptimConfig::SGD, n), Optimizer::new(OptimConfig::SGD, n));
    let mut sampler = Sampler::new(data.len(), batch, seed ^ 0x5eed);
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<u32>>();
    for step in 0..steps {
        let idx = sampler.next_batch().to_vec();
        ws_tiny.load(data, &idx);
        ws_gen.load(data, &idx);
        let l_tiny = mlp.loss_grad_tiny(&t_tiny, batch, &mut ws_tiny, &mut g_tiny);
        let l_gen = mlp.loss_grad_batched(&t_gen, batch, &mut ws_gen, &mut g_gen);
        assert_eq!(l_tiny.to_bits(), l_gen.to_bits(), "loss {mlp:?} B = {batch}, step {step}: {l_tiny} vs {l_gen}");
        assert_eq!(bits(&g_tiny), bits(&g_gen), "gradient {mlp:?} B = {batch}, step {step}");
        assert!(l_tiny.is_finite(), "{mlp:?} B = {batch}, step {step}: the test should compare finite training");
        o_tiny.step(&mut t_tiny, &g_tiny, lr);
        o_gen.step(&mut t_gen, &g_gen, lr);
        assert_eq!(bits(&t_tiny), bits(&t_gen), "θ {mlp:?} B = {batch}, step {step}");
    }
    steps
}

/// The fused path ≡ the batched one, bit for bit, over 600 steps for B = 1..4 and networks
/// with tanh, ReLU and sigmoid, one and two hidden layers (W1's 2 → 16 → 16 → 1 shapes, which
/// take the fixed-size copies, and odd widths, which take the general ones), for binary
/// cross-entropy, squared error and softmax cross-entropy over 3 classes.
#[test]
fn the_fused_path_gives_the_batched_paths_bits_for_every_architecture_and_tiny_batch() {
    let moons = moons(64, 0, 0.2, &mut Mulberry32::new(11)).train;
    let classes = three_class_data(64);
    let cases: Vec<(Mlp, &Dataset)> = vec![
        (Mlp::new(2, &[16, 16], Activation::Tanh, Loss::Bce), &moons),
        (Mlp::new(2, &[16, 16], Activation::Relu, Loss::Bce), &moons),
        (Mlp::new(2, &[7], Activation::Tanh, Loss::Mse), &moons),
        (Mlp::new(2, &[5, 9], Activation::Sigmoid, Loss::Mse), &moons),
        (Mlp::new(2, &[10], Activation::Relu, Loss::Bce), &moons),
        (Mlp::with_outputs(2, &[16], 3, Activation::Tanh, Loss::Softmax), &classes),
        (Mlp::with_outputs(2, &[6, 11], 3, Activation::Relu, Loss::Softmax), &classes),
    ];
    let mut compared = 0;
    for (k, (mlp, data)) in cases.iter().enumerate() {
        for batch in 1..=4 {
            compared += same_bits_over_steps(mlp, data, batch, 600, 0.1, 40 + k as u32);
        }
    }
    assert_eq!(compared, 7 * 4 * 600);
}

/// [`sgd_step_fused`] ≡ [`Mlp::loss_grad_tiny`] + [`Optimizer::step`], bit for bit: θ, the loss
/// and the finiteness verdict after every step, for W1's network on two moons, at learning rates
/// from ordinary to diverging (η = f32::MAX sends θ to ±∞ within a few steps: both paths must
/// say so at the same step). Also: another shape or a wrong-length θ is refused, θ untouched.
#[test]
fn the_fused_sgd_step_gives_the_general_steps_bits() {
    let mlp = Mlp::new(2, &[16, 16], Activation::Tanh, Loss::Bce);
    assert!(mlp.has_fused_step());
    let data = moons(128, 0, 0.2, &mut Mulberry32::new(5)).train;
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<u32>>();
    let mut diverged = 0;
    for (k, lr) in [0.1f32, 1.5, f32::MAX].into_iter().enumerate() {
        let theta0 = mlp.init_glorot(&mut Mulberry32::new(70 + k as u32));
        let (mut t_fused, mut t_gen) = (theta0.clone(), theta0);
        let mut grad = vec![0.0f32; mlp.n_params()];
        let mut ws = Workspace::<f32>::new(&mlp, 1);
        let mut opt = Optimizer::new(OptimConfig::SGD, mlp.n_params());
        let mut sampler = Sampler::new(data.len(), 1, 99);
        for step in 0..1500 {
            let i = sampler.next_batch()[0] as usize;
            ws.load(&data, &[i as u32]);
            let l_gen = mlp.loss_grad_tiny(&t_gen, 1, &mut ws, &mut grad);
            let f_gen = opt.step(&mut t_gen, &grad, lr);
            let (l_fused, f_fused) = sgd_step_fused(&mut t_fused, data.row(i), data.y[i], lr).expect("W1's shape");
            assert_eq!(l_fused.to_bits(), l_gen.to_bits(), "loss at η = {lr}, step {step}");
            assert_eq!(f_fused, f_gen, "finiteness at η = {lr}, step {step}");
            assert_eq!(bits(&t_fused), bits(&t_gen), "θ at η = {lr}, step {step}");
            if !f_gen {
                diverged += 1;
                break;
            }
        }
    }
    assert_eq!(diverged, 1, "only η = f32::MAX should diverge");
    for other in [Mlp::new(2, &[16, 8], Activation::Tanh, Loss::Bce), Mlp::new(2, &[16, 16], Activation::Relu, Loss::Bce), Mlp::new(2, &[16, 16], Activation::Tanh, Loss::Mse)] {
        assert!(!other.has_fused_step(), "{other:?}");
    }
    let mut short = vec![0.5f32; 336];
    assert!(sgd_step_fused(&mut short, &[0.0, 0.0], 1.0, 0.1).is_none());
    assert!(short.iter().all(|&t| t == 0.5));
}
