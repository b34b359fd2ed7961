use super::*;
use crate::data::moons;
use crate::model::Loss;
use crate::landscape::pca::jacobi_eigenvalues;

fn random_vec(n: usize, seed: u32, scale: f64) -> Vec<f64> {
    let mut rng = Mulberry32::new(seed);
    (0..n).map(|_| scale * rng.gauss()).collect()
}

fn regression_data(n: usize, seed: u32) -> Dataset {
    let mut rng = Mulberry32::new(seed);
    let x: Vec<f32> = (0..2 * n).map(|k| (rng.gauss() + if k % 2 == 0 { 0.5 } else { -1.0 }) as f32).collect();
    let y: Vec<f32> = (0..n).map(|i| (0.3 * x[2 * i] as f64 - 1.2 * x[2 * i + 1] as f64 + 0.1 * rng.gauss()) as f32).collect();
    Dataset { dim: 2, x, y }
}

fn rel_err(a: &[f64], b: &[f64]) -> f64 {
    let diff = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>().sqrt();
    let norm = b.iter().map(|y| y * y).sum::<f64>().sqrt().max(1e-12);
    diff / norm
}

/// H v three ways: the R-operator, dual numbers through the model's own backprop, and central
/// differences of gradients (∇L(θ + hv) − ∇L(θ − hv))/2h, whose error is O(h²‖∇³L‖) + O(ε/h),
/// about 1e-9 relative at h = 1e-5 in f64. ReLU's kinks are not crossed at this h for these
/// random points (checked by the agreement itself).
#[test]
fn hessian_vector_products_match_dual_numbers_and_central_differences_for_every_activation_loss_and_depth() {
    let mut data = moons(11, 0, 0.3, &mut Mulberry32::new(3)).train;
    for (case, hidden) in [vec![], vec![5], vec![4, 3], vec![3, 3, 2]].iter().enumerate() {
        for act in [Activation::Tanh, Activation::Relu, Activation::Sigmoid] {
            for loss in [Loss::Bce, Loss::Mse] {
                if loss == Loss::Mse {
                    data.y.iter_mut().enumerate().for_each(|(i, y)| *y = (i as f32 * 0.37).sin());
                }
                let mlp = Mlp::new(2, hidden, act, loss);
                let n = mlp.n_params();
                let theta = random_vec(n, 11 + case as u32, 0.7);
                let v = random_vec(n, 99 + case as u32, 1.0);
                let mut tape = Tape::<f64>::new(&mlp, &data);
                tape.set_point(&theta);
                let mut hv = vec![0.0; n];
                tape.hvp(&v, &mut hv);
                let (g_dual, hv_dual) = hvp_dual(&mlp, &data, &theta, &v);
                assert!(rel_err(tape.grad(), &g_dual) < 1e-12, "{hidden:?} {act:?} {loss:?} gradient");
                assert!(rel_err(&hv, &hv_dual) < 1e-10, "{hidden:?} {act:?} {loss:?}: R-op vs dual {}", rel_err(&hv, &hv_dual));
                let h = 1e-5;
                let grad_at = |s: f64, tape: &mut Tape<f64>| {
                    let p: Vec<f64> = theta.iter().zip(&v).map(|(t, d)| t + s * d).collect();
                    tape.set_point(&p);
                    tape.grad().to_vec()
                };
                let (gp, gm) = (grad_at(h, &mut tape), grad_at(-h, &mut tape));
                let fd: Vec<f64> = gp.iter().zip(&gm).map(|(a, b)| (a - b) / (2.0 * h)).collect();
                assert!(rel_err(&hv, &fd) < 1e-6, "{hidden:?} {act:?} {loss:?}: vs differences {}", rel_err(&hv, &fd));
            }
        }
    }
}

/// The f32 R-operator (the product's) agrees with the f64 one to f32 rounding.
#[test]
fn f32_hessian_vector_products_agree_with_f64() {
    let data = moons(64, 0, 0.2, &mut Mulberry32::new(4)).train;
    let mlp = Mlp::new(2, &[16, 16], Activation::Tanh, Loss::Bce);
    let t32: Vec<f32> = random_vec(mlp.n_params(), 5, 0.7).iter().map(|&x| x as f32).collect();
    let v32: Vec<f32> = random_vec(mlp.n_params(), 6, 1.0).iter().map(|&x| x as f32).collect();
    let (t64, v64): (Vec<f64>, Vec<f64>) = (t32.iter().map(|&x| x as f64).collect(), v32.iter().map(|&x| x as f64).collect());
    let mut a = Tape::<f32>::new(&mlp, &data);
    let mut b = Tape::<f64>::new(&mlp, &data);
    a.set_point(&t32);
    b.set_point(&t64);
    let (mut ha, mut hb) = (vec![0.0f32; mlp.n_params()], vec![0.0f64; mlp.n_params()]);
    a.hvp(&v32, &mut ha);
    b.hvp(&v64, &mut hb);
    let ha: Vec<f64> = ha.iter().map(|&x| x as f64).collect();
    assert!(rel_err(&ha, &hb) < 1e-4, "{}", rel_err(&ha, &hb));
}

/// Linear regression z = w·x + b with MSE: L = (1/N)Σ(w·xᵢ + b − yᵢ)², so with the augmented
/// rows x̃ᵢ = (xᵢ, 1) (θ's layout is w₁, w₂, b) the Hessian is H = (2/N) X̃ᵀX̃, independent of
/// θ. Its eigenvalues come from a Jacobi eigen-solve of that 3 × 3 matrix built here.
#[test]
fn linear_regression_lambda_max_and_trace_match_two_over_n_xtx() {
    let data = regression_data(40, 8);
    let mlp = Mlp::new(2, &[], Activation::Tanh, Loss::Mse);
    let n = data.len() as f64;
    let mut h = [0.0f64; 9];
    for i in 0..data.len() {
        let xt = [data.row(i)[0] as f64, data.row(i)[1] as f64, 1.0];
        for r in 0..3 {
            for c in 0..3 {
                h[r * 3 + c] += 2.0 / n * xt[r] * xt[c];
            }
        }
    }
    let eig = jacobi_eigenvalues(&h, 3);
    let true_max = eig.iter().cloned().fold(f64::MIN, f64::max);
    let true_trace = h[0] + h[4] + h[8];

    let mut tape = Tape::<f64>::new(&mlp, &data);
    tape.set_point(&[0.4, -0.2, 0.1]);
    let start = gaussian_unit::<f64>(3, &mut Mulberry32::new(3));
    let e = lambda_max(&mut tape, &start, PowerConfig::default());
    assert!(e.converged);
    assert!((e.value - true_max).abs() < 1e-4 * true_max, "{} vs {true_max}", e.value);
    let tr = exact_trace(&mut tape);
    assert!((tr - true_trace).abs() < 1e-10 * true_trace, "{tr} vs {true_trace}");
    // Hutchinson: unbiased, with variance 2Σ_{i≠j}H_ij² per sample; 4 standard errors.
    let (est, se) = hutchinson_trace(&mut tape, 400, &mut Mulberry32::new(5));
    assert!((est - true_trace).abs() < 4.0 * se + 1e-12, "{est} ± {se} vs {true_trace}");
    assert!(se < 0.1 * true_trace);
}

/// The edge of stability in its simplest form: on a quadratic, full-batch gradient descent
/// multiplies the error along the top eigenvector by (1 − ηλ_max) each step, so it converges
/// for η < 2/λ_max and diverges for η > 2/λ_max.
#[test]
fn gradient_descent_on_a_quadratic_diverges_above_two_over_lambda_max_and_converges_below() {
    let data = regression_data(30, 9);
    let mlp = Mlp::new(2, &[], Activation::Tanh, Loss::Mse);
    let mut tape = Tape::<f64>::new(&mlp, &data);
    tape.set_point(&[0.0, 0.0, 0.0]);
    let start = gaussian_unit::<f64>(3, &mut Mulberry32::new(1));
    let lam = lambda_max(&mut tape, &start, PowerConfig { rel_tol: 1e-12, max_iters: 10_000 }).value;
    const STEPS: usize = 600;
    let run = |eta: f64, tape: &mut Tape<f64>| {
        let mut theta = vec![0.0f64; 3];
        let l0 = tape.set_point(&theta);
        for _ in 0..STEPS {
            tape.set_point(&theta);
            let g = tape.grad().to_vec();
            theta.iter_mut().zip(&g).for_each(|(t, g)| *t -= eta * g);
        }
        (l0, tape.set_point(&theta))
    };
    let (l0, below) = run(1.9 / lam, &mut tape);
    let (_, above) = run(2.1 / lam, &mut tape);
    assert!(below < 0.05 * l0, "η = 1.9/λ: {l0} → {below}");
    assert!(above > 1e6 * l0 || !above.is_finite(), "η = 2.1/λ: {l0} → {above}");
}

/// On a small tanh network at a generic point the Hessian is indefinite; power iteration (with
/// the shift when a negative eigenvalue dominates) returns the largest eigenvalue of the full
/// Hessian built column by column from Hessian-vector products.
#[test]
fn lambda_max_is_the_largest_eigenvalue_of_the_full_hessian_even_when_it_is_indefinite() {
    let data = moons(30, 0, 0.3, &mut Mulberry32::new(2)).train;
    for (seed, act) in [(1u32, Activation::Tanh), (2, Activation::Sigmoid), (3, Activation::Tanh)] {
        let mlp = Mlp::new(2, &[3], act, Loss::Bce);
        let n = mlp.n_params();
        let theta = random_vec(n, seed, 1.5);
        let mut tape = Tape::<f64>::new(&mlp, &data);
        tape.set_point(&theta);
        let mut h = vec![0.0; n * n];
        let mut e = vec![0.0; n];
        let mut col = vec![0.0; n];
        for k in 0..n {
            e[k] = 1.0;
            tape.hvp(&e, &mut col);
            e[k] = 0.0;
            for r in 0..n {
                h[r * n + k] = col[r];
            }
        }
        let eig = jacobi_eigenvalues(&h, n);
        let top = eig.iter().cloned().fold(f64::MIN, f64::max);
        let trace: f64 = (0..n).map(|k| h[k * n + k]).sum();
        assert!((exact_trace(&mut tape) - trace).abs() < 1e-12 * trace.abs().max(1.0));
        let start = gaussian_unit::<f64>(n, &mut Mulberry32::new(7));
        let got = lambda_max(&mut tape, &start, PowerConfig { rel_tol: 1e-12, max_iters: 20_000 });
        assert!((got.value - top).abs() < 1e-6 * top.abs(), "{act:?}: {} vs {top} (spectrum {eig:?})", got.value);
    }
}

/// The per-example squared gradient norms from the outer-product identity equal the norms of
/// per-example gradients computed one example at a time by the model's backprop.
#[test]
fn per_example_gradient_norms_match_one_example_backprop() {
    let data = moons(7, 0, 0.3, &mut Mulberry32::new(5)).train;
    let mlp = Mlp::new(2, &[4, 3], Activation::Tanh, Loss::Bce);
    let theta = random_vec(mlp.n_params(), 3, 0.8);
    let mut tape = Tape::<f64>::new(&mlp, &data);
    tape.set_point(&theta);
    let norms = tape.per_example_sq_norms();
    let mut ws = Workspace::<f64>::new(&mlp, 1);
    let mut g = vec![0.0; mlp.n_params()];
    for (i, norm) in norms.iter().enumerate() {
        ws.load(&data, &[i as u32]);
        mlp.loss_grad(&theta, 1, &mut ws, &mut g);
        let want: f64 = g.iter().map(|x| x * x).sum();
        assert!((norm - want).abs() < 1e-12 * want.max(1e-12), "example {i}: {norm} vs {want}");
    }
}

/// On linear regression the loss is a convex quadratic, so its maximum over the box is at one
/// of the 2³ vertices: brute force over them gives the true ε-sharpness, and projected
/// gradient ascent must find it, both at a generic point and at the least-squares minimum
/// (where the gradient vanishes and only the random start gets the ascent going).
#[test]
fn eps_sharpness_on_a_convex_quadratic_equals_the_best_vertex_of_the_box() {
    let data = regression_data(25, 4);
    let mlp = Mlp::new(2, &[], Activation::Tanh, Loss::Mse);
    let mut tape = Tape::<f64>::new(&mlp, &data);
    // The least-squares minimum from the normal equations X̃ᵀX̃ θ = X̃ᵀy (Cramer's rule).
    let (mut a, mut r) = ([[0.0f64; 3]; 3], [0.0f64; 3]);
    for i in 0..data.len() {
        let xt = [data.row(i)[0] as f64, data.row(i)[1] as f64, 1.0];
        for p in 0..3 {
            r[p] += xt[p] * data.y[i] as f64;
            for q in 0..3 {
                a[p][q] += xt[p] * xt[q];
            }
        }
    }
    let det = |m: &[[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let min: Vec<f64> = (0..3)
        .map(|c| {
            let mut m = a;
            (0..3).for_each(|row| m[row][c] = r[row]);
            det(&m) / det(&a)
        })
        .collect();
    tape.set_point(&min);
    assert!(tape.grad().iter().all(|g| g.abs() < 1e-9), "{:?}", tape.grad());
    for theta in [vec![0.4, -0.3, 0.2], min] {
        for eps in [1e-3, 5e-4, 0.05] {
            let l0 = tape.set_point(&theta);
            let mut best = f64::MIN;
            for corner in 0..8 {
                let p: Vec<f64> = (0..3)
                    .map(|i| theta[i] + if corner >> i & 1 == 1 { 1.0 } else { -1.0 } * eps * (theta[i].abs() + 1.0))
                    .collect();
                best = best.max(tape.set_point(&p));
            }
            let want = (best - l0) / (1.0 + l0) * 100.0;
            let got = eps_sharpness(&mut tape, &theta, eps, SHARPNESS_STEPS, &mut Mulberry32::new(3));
            assert!((got - want).abs() <= 1e-9 * want.abs().max(1e-12), "θ {theta:?} ε {eps}: {got} vs {want}");
        }
    }
}

/// Softmax cross-entropy (K = 3): the R-operator against dual numbers through the model's own
/// backprop and central differences of gradients, as in the one-output test above.
#[test]
fn softmax_hessian_vector_products_match_dual_numbers_and_central_differences() {
    let data = crate::model::tests::three_class_data(11);
    for (case, hidden) in [vec![], vec![5], vec![4, 3]].iter().enumerate() {
        for act in [Activation::Tanh, Activation::Relu, Activation::Sigmoid] {
            let mlp = Mlp::with_outputs(2, hidden, 3, act, Loss::Softmax);
            let n = mlp.n_params();
            let theta = random_vec(n, 31 + case as u32, 0.7);
            let v = random_vec(n, 77 + case as u32, 1.0);
            let mut tape = Tape::<f64>::new(&mlp, &data);
            tape.set_point(&theta);
            let mut hv = vec![0.0; n];
            tape.hvp(&v, &mut hv);
            let (g_dual, hv_dual) = hvp_dual(&mlp, &data, &theta, &v);
            assert!(rel_err(tape.grad(), &g_dual) < 1e-12, "{hidden:?} {act:?} gradient");
            assert!(rel_err(&hv, &hv_dual) < 1e-10, "{hidden:?} {act:?}: R-op vs dual {}", rel_err(&hv, &hv_dual));
            let h = 1e-5;
            let grad_at = |s: f64, tape: &mut Tape<f64>| {
                let p: Vec<f64> = theta.iter().zip(&v).map(|(t, d)| t + s * d).collect();
                tape.set_point(&p);
                tape.grad().to_vec()
            };
            let (gp, gm) = (grad_at(h, &mut tape), grad_at(-h, &mut tape));
            let fd: Vec<f64> = gp.iter().zip(&gm).map(|(a, b)| (a - b) / (2.0 * h)).collect();
            assert!(rel_err(&hv, &fd) < 1e-6, "{hidden:?} {act:?}: vs differences {}", rel_err(&hv, &fd));
            // The Hessian of a softmax loss is positive semi-definite in the logits, so for a
            // linear model (no hidden layer) vᵀHv ≥ 0.
            if hidden.is_empty() {
                assert!(v.iter().zip(&hv).map(|(a, b)| a * b).sum::<f64>() >= 0.0);
            }
        }
    }
}
