//! The digits natively: training throughput (examples/s) of the 64 → 32 → 10 network (softmax
//! cross-entropy) at B = 1, 32, 512 on 1 024 training images, through the same code the page
//! runs (`Trainer::advance`).
//!
//! `cargo bench -p batchscape-core --bench digits`.

use batchscape_core::scenario::Scenario;
use batchscape_core::settings::Settings;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::time::Duration;

fn training(c: &mut Criterion) {
    // budget=steps with a cap far beyond the timed steps: the runs never reach their last step.
    let pairs = [("dataset", "digits"), ("hidden", "32"), ("n_train", "1024"), ("n_test", "512"), ("budget", "steps"), ("steps", "1000000"), ("lr", "0.05")];
    let sc = Scenario::new(&Settings::from_pairs(pairs).expect("valid settings"));
    assert_eq!(sc.mlp.n_params(), 64 * 32 + 32 + 32 * 10 + 10);
    let mut group = c.benchmark_group("digits_train");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    for (batch, steps) in [(1usize, 4096usize), (32, 256), (512, 16)] {
        group.throughput(Throughput::Elements((batch * steps) as u64));
        group.bench_function(format!("64-32-10 B={batch}"), |b| {
            b.iter_batched(|| sc.trainer(batch), |mut t| t.advance(steps).clone(), BatchSize::LargeInput)
        });
    }
    group.finish();
}

criterion_group!(benches, training);
criterion_main!(benches);
