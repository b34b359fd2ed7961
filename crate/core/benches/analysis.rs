//! Speed of the analysis on W1's network and data (2-16-16-1 tanh, BCE, 512 training points):
//! Hessian-vector products (R-operator in f32 and f64, dual numbers through the model's
//! backprop), λ_max by power iteration, exact B_simple. Targets (in the browser): λ_max ≤ 30 ms,
//! B_simple ≤ 20 ms.
//!
//! `cargo bench -p batchscape-core --bench analysis`

use batchscape_core::analysis::{analyze, AnalysisConfig};
use batchscape_core::curvature::{gaussian_unit, hvp_dual, lambda_max, PowerConfig, Tape};
use batchscape_core::data::moons;
use batchscape_core::model::{Activation, Loss, Mlp, Workspace};
use batchscape_core::noise::b_simple_exact;
use batchscape_core::rng::{Mulberry32, Streams};
use batchscape_core::train::{RunSpec, Trainer};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::sync::Arc;

#[allow(clippy::type_complexity)]
fn w1() -> (Mlp, batchscape_core::data::Split, Vec<f32>, Vec<f32>, Vec<Vec<f32>>, Vec<u32>) {
    let split = moons(512, 512, 0.2, &mut Mulberry32::new(Streams::W1.data));
    let mlp = Mlp::new(2, &[16, 16], Activation::Tanh, Loss::Bce);
    let theta0 = mlp.init_glorot(&mut Mulberry32::new(Streams::W1.init));
    let spec = RunSpec::sgd(32, 0.1, 2000, 120);
    let mut t = Trainer::new(&mlp, Arc::new(split.clone()), &theta0, spec, Streams::W1.shuffle);
    t.advance(usize::MAX);
    let end = t.theta().to_vec();
    (mlp, split, theta0, end, t.history().theta.clone(), t.history().step.clone())
}

fn bench(c: &mut Criterion) {
    let (mlp, split, theta0, end, snapshots, steps) = w1();
    let data = &split.train;
    let n = mlp.n_params();
    let v64: Vec<f64> = gaussian_unit(n, &mut Mulberry32::new(3));
    let v32: Vec<f32> = v64.iter().map(|&x| x as f32).collect();
    let end64: Vec<f64> = end.iter().map(|&x| x as f64).collect();
    let mut t32 = Tape::<f32>::new(&mlp, data);
    let mut t64 = Tape::<f64>::new(&mlp, data);
    t32.set_point(&end);
    t64.set_point(&end64);
    for (name, theta) in [("θ0", &theta0), ("θ after 2000 steps of B=32", &end)] {
        let th: Vec<f64> = theta.iter().map(|&x| x as f64).collect();
        let mut t = Tape::<f64>::new(&mlp, data);
        t.set_point(&th);
        let e = lambda_max(&mut t, &v64, PowerConfig::default());
        let mut t1 = Tape::<f32>::new(&mlp, data);
        t1.set_point(theta);
        let e32 = lambda_max(&mut t1, &v32, PowerConfig::default());
        eprintln!(
            "{name}: λ_max = {:.6} ({} products, f64), {:.6} ({} products, f32); B_simple = {:.4}",
            e.value, e.iterations, e32.value, e32.iterations, b_simple_exact(&t).b_simple
        );
    }

    let mut g = c.benchmark_group("w1");
    g.bench_function("gradient f32 (model loss_grad, 512 rows)", |b| {
        let mut ws = Workspace::<f32>::new(&mlp, 512);
        ws.load_range(data, 0, 512);
        let mut grad = vec![0.0f32; n];
        b.iter(|| mlp.loss_grad(black_box(&end), 512, &mut ws, &mut grad))
    });
    g.bench_function("tape set_point f32 (forward + backward)", |b| b.iter(|| t32.set_point(black_box(&end))));
    g.bench_function("hvp f32 (R-operator)", |b| {
        let mut out = vec![0.0f32; n];
        b.iter(|| t32.hvp(black_box(&v32), &mut out))
    });
    g.bench_function("hvp f64 (R-operator)", |b| {
        let mut out = vec![0.0f64; n];
        b.iter(|| t64.hvp(black_box(&v64), &mut out))
    });
    g.bench_function("hvp f64 (dual numbers through loss_grad)", |b| b.iter(|| hvp_dual(&mlp, data, black_box(&end64), &v64)));
    g.bench_function("lambda_max f32 (set_point + power iteration)", |b| {
        b.iter(|| {
            t32.set_point(black_box(&end));
            lambda_max(&mut t32, &v32, PowerConfig::default()).value
        })
    });
    g.bench_function("lambda_max f64 (set_point + power iteration)", |b| {
        b.iter(|| {
            t64.set_point(black_box(&end64));
            lambda_max(&mut t64, &v64, PowerConfig::default()).value
        })
    });
    g.bench_function("b_simple exact f64 (set_point + per-example norms)", |b| {
        b.iter(|| {
            t64.set_point(black_box(&end64));
            b_simple_exact(&t64).b_simple
        })
    });
    g.bench_function("b_simple exact f32 (set_point + per-example norms)", |b| {
        b.iter(|| {
            t32.set_point(black_box(&end));
            b_simple_exact(&t32).b_simple
        })
    });
    g.bench_function("analyze (RunAnalysis, default config, 121 snapshots → 31 analysed)", |b| {
        let cfg = AnalysisConfig::default();
        b.iter(|| analyze(&mlp, data, black_box(&end), &snapshots, &steps, &cfg, Streams::W1.dirs).lambda_max)
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
