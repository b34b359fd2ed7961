use super::*;
use crate::data::moons;

fn random_theta(mlp: &Mlp, seed: u32) -> Vec<f64> {
    let mut rng = Mulberry32::new(seed);
    (0..mlp.n_params()).map(|_| 0.7 * rng.gauss()).collect()
}

fn mean_loss(mlp: &Mlp, theta: &[f64], data: &Dataset) -> f64 {
    let mut ws = Workspace::<f64>::new(mlp, data.len());
    mlp.evaluate(theta, data, &mut ws).loss
}

/// Central differences (f(θ + h eₖ) − f(θ − h eₖ)) / 2h in f64 have error O(h²) + O(ε/h);
/// h = 1e-5 keeps both near 1e-10, far below the 1e-6 relative bound asserted here.
#[test]
fn gradient_matches_central_differences_for_every_activation_loss_and_depth() {
    let mut data = moons(9, 0, 0.3, &mut Mulberry32::new(3)).train;
    for (case, hidden) in [vec![], vec![5], vec![4, 3], vec![3, 3, 2, 2]].iter().enumerate() {
        for act in [Activation::Tanh, Activation::Relu, Activation::Sigmoid] {
            for loss in [Loss::Bce, Loss::Mse] {
                if loss == Loss::Mse {
                    data.y.iter_mut().enumerate().for_each(|(i, y)| *y = (i as f32 * 0.37).sin());
                }
                let mlp = Mlp::new(2, hidden, act, loss);
                let theta = random_theta(&mlp, 11 + case as u32);
                let mut ws = Workspace::<f64>::new(&mlp, data.len());
                ws.load_range(&data, 0, data.len());
                let mut grad = vec![0.0; mlp.n_params()];
                let f = mlp.loss_grad(&theta, data.len(), &mut ws, &mut grad);
                assert!((f - mean_loss(&mlp, &theta, &data)).abs() < 1e-12);
                let h = 1e-5;
                for k in 0..mlp.n_params() {
                    let mut tp = theta.clone();
                    tp[k] += h;
                    let mut tm = theta.clone();
                    tm[k] -= h;
                    let fd = (mean_loss(&mlp, &tp, &data) - mean_loss(&mlp, &tm, &data)) / (2.0 * h);
                    // Relative error, with an absolute floor of 1e-10 for near-zero components.
                    let err = (grad[k] - fd).abs() / grad[k].abs().max(fd.abs()).max(1e-4);
                    assert!(err < 1e-6, "{hidden:?} {act:?} {loss:?} θ[{k}]: {} vs {fd}", grad[k]);
                }
            }
        }
    }
}

/// The f32 gradient agrees with the f64 one to f32 rounding (documented tolerance 1e-4
/// relative to the gradient's norm), so training in f32 follows the same math.
#[test]
fn f32_gradient_agrees_with_f64() {
    let data = moons(64, 0, 0.2, &mut Mulberry32::new(4)).train;
    let mlp = Mlp::new(2, &[16, 16], Activation::Tanh, Loss::Bce);
    let t64 = random_theta(&mlp, 9);
    let t32: Vec<f32> = t64.iter().map(|&v| v as f32).collect();
    let t64: Vec<f64> = t32.iter().map(|&v| v as f64).collect();
    let mut w64 = Workspace::<f64>::new(&mlp, 64);
    let mut w32 = Workspace::<f32>::new(&mlp, 64);
    w64.load_range(&data, 0, 64);
    w32.load_range(&data, 0, 64);
    let (mut g64, mut g32) = (vec![0.0; mlp.n_params()], vec![0.0f32; mlp.n_params()]);
    mlp.loss_grad(&t64, 64, &mut w64, &mut g64);
    mlp.loss_grad(&t32, 64, &mut w32, &mut g32);
    let norm: f64 = g64.iter().map(|g| g * g).sum::<f64>().sqrt();
    let diff: f64 = g64.iter().zip(&g32).map(|(a, &b)| (a - b as f64).powi(2)).sum::<f64>().sqrt();
    assert!(diff / norm < 1e-4, "relative difference {}", diff / norm);
}

#[test]
fn w1_layout_and_initialisation_match_the_reference() {
    let mlp = Mlp::new(2, &[16, 16], Activation::Tanh, Loss::Bce);
    assert_eq!(mlp.n_params(), 337);
    let offs: Vec<(usize, usize)> = mlp.layers.iter().map(|l| (l.w_off, l.b_off)).collect();
    assert_eq!(offs, vec![(0, 32), (48, 304), (320, 336)]);
    let theta = mlp.init_glorot(&mut Mulberry32::new(crate::rng::Streams::W1.init));
    assert_eq!(format!("{:08x}", crate::rng::fnv1a_f32(&theta)), "11d02998");
}

/// W1 reference: mean BCE over the 512 training points at θ0 is 0.718232220.
#[test]
fn loss_at_w1_theta0_matches_the_reference() {
    let split = moons(512, 512, 0.2, &mut Mulberry32::new(crate::rng::Streams::W1.data));
    let mlp = Mlp::new(2, &[16, 16], Activation::Tanh, Loss::Bce);
    let theta = mlp.init_glorot(&mut Mulberry32::new(crate::rng::Streams::W1.init));
    let mut ws = Workspace::<f32>::new(&mlp, 128);
    let e = mlp.evaluate(&theta, &split.train, &mut ws);
    assert!((e.loss - 0.718232220).abs() < 1e-5, "{}", e.loss);
}

/// Three-class data for the softmax tests: moons' inputs with labels i mod 3.
pub(crate) fn three_class_data(n: usize) -> Dataset {
    let mut data = moons(n, 0, 0.3, &mut Mulberry32::new(3)).train;
    data.y.iter_mut().enumerate().for_each(|(i, y)| *y = (i % 3) as f32);
    data
}

/// Softmax cross-entropy over K = 3 outputs: backprop against central differences of the mean
/// loss (same h and bound as the one-output test above), for every activation and depth.
#[test]
fn softmax_gradient_matches_central_differences_for_every_activation_and_depth() {
    let data = three_class_data(9);
    for (case, hidden) in [vec![], vec![5], vec![4, 3]].iter().enumerate() {
        for act in [Activation::Tanh, Activation::Relu, Activation::Sigmoid] {
            let mlp = Mlp::with_outputs(2, hidden, 3, act, Loss::Softmax);
            assert_eq!(mlp.outputs(), 3);
            let theta = random_theta(&mlp, 21 + case as u32);
            let mut ws = Workspace::<f64>::new(&mlp, data.len());
            ws.load_range(&data, 0, data.len());
            let mut grad = vec![0.0; mlp.n_params()];
            let f = mlp.loss_grad(&theta, data.len(), &mut ws, &mut grad);
            assert!((f - mean_loss(&mlp, &theta, &data)).abs() < 1e-12);
            let h = 1e-5;
            for k in 0..mlp.n_params() {
                let (mut tp, mut tm) = (theta.clone(), theta.clone());
                tp[k] += h;
                tm[k] -= h;
                let fd = (mean_loss(&mlp, &tp, &data) - mean_loss(&mlp, &tm, &data)) / (2.0 * h);
                let err = (grad[k] - fd).abs() / grad[k].abs().max(fd.abs()).max(1e-4);
                assert!(err < 1e-6, "{hidden:?} {act:?} θ[{k}]: {} vs {fd}", grad[k]);
            }
        }
    }
}

/// The softmax loss in closed form: with all logits equal it is ln K; the gradient is p − e_c;
/// huge logits do not overflow (the max is subtracted); accuracy is by argmax.
#[test]
fn softmax_loss_has_its_closed_form_and_accuracy_is_by_argmax() {
    let mut dz = [0.0f64; 4];
    let l = Loss::Softmax.example(&[0.5, 0.5, 0.5, 0.5], 2.0, &mut dz);
    assert!((l - 4f64.ln()).abs() < 1e-12);
    assert_eq!(dz, [0.25, 0.25, -0.75, 0.25]);
    let l = Loss::Softmax.example(&[1000.0f64, 0.0, 0.0], 0.0, &mut dz[..3]);
    assert!(l.abs() < 1e-12 && l.is_finite());
    let l = Loss::Softmax.example(&[1000.0f64, 0.0, 0.0], 1.0, &mut dz[..3]);
    assert!((l - 1000.0).abs() < 1e-9);
    // A linear model whose logits are (x₀, x₁, 0): argmax is the class of the larger input.
    let mlp = Mlp::with_outputs(2, &[], 3, Activation::Tanh, Loss::Softmax);
    let theta = [1.0f32, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    let data = Dataset { dim: 2, x: vec![2.0, 1.0, -1.0, 3.0, -1.0, -2.0, 1.0, 2.0], y: vec![0.0, 1.0, 2.0, 0.0] };
    let e = mlp.evaluate(&theta, &data, &mut Workspace::new(&mlp, 3));
    assert_eq!(e.accuracy, Some(0.75));
    assert_eq!(mlp.predict(&theta, &data.x[..2], &mut Workspace::new(&mlp, 3)), vec![2.0, 1.0, 0.0]);
}
