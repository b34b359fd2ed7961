// Unit tests of www/laws-explain.js: the pool size, and the laws' sentences read from the
// core's numbers (hand-made reports with known answers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLaws, explainParallel, lawsOrder, num, poolSize } from '../../www/laws-explain.js';

test('the pool is cores − 1 workers, at least 1, unless a valid sweep_workers value says otherwise', () => {
  assert.equal(poolSize(8, null), 7);
  assert.equal(poolSize(2, null), 1);
  assert.equal(poolSize(1, null), 1);
  assert.equal(poolSize(undefined, null), 1);
  assert.equal(poolSize(64, ''), 16);
  assert.equal(poolSize(8, '2'), 2);
  assert.equal(poolSize(8, '1'), 1);
  for (const bad of ['0', '-3', '1.5', '99', 'abc', '<script>']) assert.equal(poolSize(8, bad), 7, bad);
});

const plan = { batch_sizes: [1, 2, 4, 8, 16], lrs: [0.1, 0.2, 0.4, 0.8, 1.6], seeds: [1, 2], target_loss: 0.1, max_steps: 4000 };
const best = (batch, lr, steps, extra = {}) => ({ batch, lr, steps, examples: batch * steps, test_loss: 0.2, b_simple: 20, seeds: 2, at_grid_edge: false, above_diverged: false, ...extra });

function report(overrides = {}) {
  return {
    regime_factor: 4,
    analysis: {
      cells_done: 50, n_cells: 50,
      best_lr: [best(1, 0.1, 1000), best(2, 0.2, 520), best(4, 0.4, 280), best(8, 0.4, 160, { above_diverged: true }), best(16, 0.4, 100, { above_diverged: true })],
      lr_slope: { slope: 1.0, intercept: Math.log(0.1), from_batch: 1, to_batch: 4, n_points: 3, rises_to_end: false, reading: 'linear' },
      fit: { s_min: 40, e_min: 960, b_crit: 24, rms_rel: 0.05, n_points: 5 },
      b_simple: 20, ratio: 1.2, n_diverged: 7, n_unreached: 3,
      ...overrides,
    },
  };
}

test('the laws text names the comparison, reads the slope and where the ridge stops, and sets B_crit beside B_simple', () => {
  const t = explainLaws(report(), plan);
  assert.match(t, /reaches 0\.1 \(equal training loss; at most 4,000 steps\)/);
  assert.match(t, /the mean over 2 seeds/);
  assert.match(t, /slope 1 from B = 1 to B = 4 \(3 batch sizes\), closer to 1 than to ½: linear scaling/);
  assert.match(t, /Above B = 4 it stops rising .*the next larger η diverged at 2 of 2 of those batch sizes, the stability limit/);
  assert.match(t, /fell from 1,000 to 100 \(÷10\)/);
  assert.match(t, /S_min ≈ 40 steps and E_min ≈ 960 examples, so B_crit = E_min\/S_min ≈ 24/);
  assert.match(t, /below B ≈ 6 .*above B ≈ 96/);
  assert.match(t, /B_simple ≈ 20 .*B_crit is 1\.2× B_simple, within a factor of 2/);
  assert.match(t, /7 runs diverged .* 3 did not reach/);
  assert.doesNotMatch(t, /So far/);
});

test('a partial sweep says so; a square-root ridge, a far-off B_simple and a fit without plateau read as measured', () => {
  const r = report({
    cells_done: 10, n_cells: 50,
    lr_slope: { slope: 0.48, intercept: 0, from_batch: 1, to_batch: 16, n_points: 5, rises_to_end: true, reading: 'square_root' },
    b_simple: 300,
  });
  const t = explainLaws(r, { ...plan, seeds: [1] });
  assert.match(t, /^So far \(10 of 50 runs\):/);
  assert.match(t, /one seed/);
  assert.match(t, /slope 0\.48 .*square-root scaling/);
  assert.match(t, /still rises at the largest batch measured, B = 16/);
  assert.match(t, /13× smaller than B_simple, not within a factor of 2/);
  const none = explainLaws(report({ fit: { s_min: 0, e_min: 900, b_crit: Infinity, rms_rel: 0.1, n_points: 5 } }), plan);
  assert.match(none, /finds no plateau/);
  assert.doesNotMatch(none, /B_simple ≈/);
  assert.equal(explainLaws(null, plan), '');
  assert.match(explainLaws(report({ best_lr: [], lr_slope: null, fit: null }), plan), /No run has reached the target yet/);
});

test('the parallel text prints the difference, the effective batch, the rule η and the time model', () => {
  const step = (devices, per_device, compute_s, all_reduce_s) => ({ devices, per_device, compute_s, all_reduce_s, total_s: compute_s + all_reduce_s, examples_per_s: (devices * per_device) / (compute_s + all_reduce_s) });
  const r = {
    devices: 8, per_device: 32, effective_batch: 256, clamped: false, n_train: 256, lr: 0.8, lr_per_device_batch: 0.1, lr_rule: 'linear', max_abs_diff: 3e-8, max_abs_step: 0.05, n_params: 337,
    fixed_per_device: [step(1, 32, 1e-6, 0), step(8, 32, 1e-6, 1e-7)],
    fixed_total: [step(1, 256, 8e-6, 0), step(8, 32, 1e-6, 1e-7)],
    config: { flops: 100e12, link_bytes_per_s: 25e9, bytes_per_param: 4 },
  };
  const t = explainParallel(r);
  assert.match(t, /B = K·b = 256/);
  assert.match(t, /at most 3\.0e-8 per parameter/);
  assert.match(t, /the linear rule gives η = 0\.8 \(at b = 32 alone it would be 0\.1\)/);
  assert.match(explainParallel({ ...r, lr_rule: 'fixed', lr: 0.2, lr_per_device_batch: 0.2 }), /the scenario's rule is fixed: η = 0\.2 at B = 256 as at b = 32/);
  assert.match(t, /100 TFLOP\/s per device, 25 GB\/s links, 337 parameters/);
  assert.match(t, /7\.3× the examples per second for 8× the devices/);
  assert.match(t, /from 8 µs to 1\.1 µs \(a speed-up of 7\.3×, not 8×\): compute still dominates/);
  assert.doesNotMatch(t, /Lowered/);
  assert.match(explainParallel({ ...r, clamped: true, n_train: 64 }), /^\(Lowered so that K·b fits in the 64 training examples\.\)/);
  assert.equal(explainParallel(null), '');
  assert.equal(num(NaN), '–');
  assert.equal(num(12345), '12,345');
});

test('the pool hands out a B × η plan\'s cells largest batch first, smallest η first, each cell once', () => {
  const plan = { batch_sizes: [1, 2, 4], lrs: [0.1, 0.2], seeds: [1, 2] };
  const order = lawsOrder(plan);
  assert.equal(order.length, 12);
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 12 }, (_, k) => k));
  // cell k = (s·n_B + b)·n_η + l: B = 4 (b = 2) first, η = 0.1 (l = 0) of both seeds, then η = 0.2.
  assert.deepEqual(order.slice(0, 4), [4, 10, 5, 11]);
  assert.deepEqual(order.slice(-4), [0, 6, 1, 7]);
  const cell = (k) => ({ b: Math.floor(k / 2) % 3, l: k % 2, s: Math.floor(k / 6) });
  for (let i = 1; i < order.length; i++) {
    const [p, q] = [cell(order[i - 1]), cell(order[i])];
    assert.ok(p.b > q.b || (p.b === q.b && (p.l < q.l || (p.l === q.l && p.s < q.s))), `${order[i - 1]} before ${order[i]}`);
  }
  assert.deepEqual(lawsOrder({ batch_sizes: [], lrs: [0.1], seeds: [1] }), []);
});
