//! The digits natively: training throughput (examples/s) of the 64 → 32 → 10 network (softmax
//! cross-entropy) at B = 1, 32, 512 on 1 024 training images, through the same code the page
//! runs (`Trainer::advance`); the workload is [`batchscape_core::digits_bench`], which
//! bench.html runs too.
//!
//! `cargo bench -p batchscape-core --bench digits`.

use batchscape_core::digits_bench::{scenario, train, CASES};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::time::Duration;

fn training(c: &mut Criterion) {
    let sc = scenario();
    let mut group = c.benchmark_group("digits_train");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    for (batch, steps) in CASES {
        group.throughput(Throughput::Elements((batch * steps) as u64));
        group.bench_function(format!("64-32-10 B={batch}"), |b| {
            b.iter_batched(|| (), |()| train(&sc, batch, steps).step(), BatchSize::LargeInput)
        });
    }
    group.finish();
}

criterion_group!(benches, training);
criterion_main!(benches);
