//! W1 natively: training throughput (examples/s) at B = 1, 32, 512 and the 51×51 landscape,
//! through the same code the page runs (`Trainer::advance`, `Grid::fill_rows`).
//!
//! `cargo bench -p batchscape-core --bench w1`. The browser numbers come from `bench.html` under
//! the peer harness; these are the native ones, for profiling kernels without a browser.

use batchscape_core::model::Workspace;
use batchscape_core::w1::{W1, GRID};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::time::Duration;

fn training(c: &mut Criterion) {
    let w = W1::new();
    let mut group = c.benchmark_group("w1_train");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    for (batch, steps) in [(1usize, 4096usize), (32, 256), (512, 16)] {
        group.throughput(Throughput::Elements((batch * steps) as u64));
        group.bench_function(format!("B={batch}"), |b| {
            // A run that never reaches its last step records nothing while it is timed.
            b.iter_batched(|| w.trainer(batch, usize::MAX), |mut t| t.advance(steps).clone(), BatchSize::LargeInput)
        });
    }
    group.finish();
}

fn landscape(c: &mut Criterion) {
    let w = W1::new();
    let mut ws = Workspace::new(&w.mlp, 256);
    let mut group = c.benchmark_group("w1_landscape");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements((GRID * GRID) as u64));
    group.bench_function("51x51", |b| b.iter(|| w.landscape(GRID, &mut ws)));
    group.finish();
}

criterion_group!(benches, training, landscape);
criterion_main!(benches);
