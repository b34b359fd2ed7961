// W1 benchmark page: the contract of the peer harness (shared bench README, "Plugging in another
// implementation"). Each call resets or runs the Rust core through wasm; only the step loop
// (benchW1) or the whole grid (benchLandscape) is inside the performance.now() interval.
import init, { DigitsBench, W1Bench } from '../pkg/batchscape_bench.js';

let bench = null;

async function setup() {
  await init();
  bench = new W1Bench();
  const { train_loss: loss0 } = bench.evaluate();
  document.getElementById('loss0').textContent = loss0.toFixed(9);
  const fingerprint = bench.fingerprint();
  document.getElementById('fingerprint').textContent = fingerprint;
  window.benchFingerprint = fingerprint;
  document.getElementById('status').textContent = 'Ready: window.benchW1 and window.benchLandscape are defined.';
}

window.benchReady = setup();
window.benchReady.catch((err) => {
  window.benchError = String(err?.stack || err);
  document.getElementById('status').textContent = `Failed to start: ${err?.message || err}`;
});

window.benchInfo = () => ({
  name: 'batchscape',
  impl: 'Rust core → wasm32 + simd128, f32, main thread',
  fingerprint: window.benchFingerprint,
});

window.benchW1 = async ({ batchSize, steps }) => {
  bench.reset(batchSize);
  const t0 = performance.now();
  bench.train(steps);
  const ms = performance.now() - t0;
  const { train_loss: loss, train_acc: trainAcc, test_acc: testAcc } = bench.evaluate();
  return { ms, steps, batchSize, loss, trainAcc, testAcc };
};

window.benchLandscape = async ({ gridSize = 51 } = {}) => {
  const t0 = performance.now();
  const values = bench.landscape(gridSize);
  const ms = performance.now() - t0;
  let sum = 0;
  for (const v of values) sum += v;
  const c = (gridSize - 1) / 2;
  return { ms, gridSize, lossMean: sum / values.length, lossCenter: values[c * gridSize + c] };
};

// Issue 4's analysis benchmark (not part of the peer harness): λ_max and exact B_simple on W1's
// network and data, at θ after `steps` steps at B = 32.
window.benchAnalysis = async ({ steps = 2000 } = {}) => {
  bench.reset(32);
  bench.train(steps);
  let t0 = performance.now();
  const { value: lambdaMax, iterations: products } = bench.lambda_max();
  const lambdaMs = performance.now() - t0;
  t0 = performance.now();
  const bSimple = bench.b_simple();
  const bSimpleMs = performance.now() - t0;
  return { lambdaMax, products, lambdaMs, bSimple, bSimpleMs };
};

// Issue 13's digits workload (core digits_bench, the one `cargo bench --bench digits` times):
// the 64 → 32 → 10 network on 1 024 images, a fresh run per case, `steps` steps timed.
let digits = null;
window.benchDigits = async ({ batchSize, steps }) => {
  digits ??= new DigitsBench();
  const t0 = performance.now();
  const done = digits.train(batchSize, steps);
  const ms = performance.now() - t0;
  return { batchSize, steps: done, ms, examplesPerSecond: (batchSize * done) / (ms / 1000) };
};

/** Every case of the native benchmark (B = 1, 32, 512), shown in the page's table. */
window.benchDigitsAll = async () => {
  await window.benchReady;
  const c = DigitsBench.cases();
  const out = [];
  for (let i = 0; i < c.length; i += 2) out.push(await window.benchDigits({ batchSize: c[i], steps: c[i + 1] }));
  const body = document.getElementById('digits-rows');
  body.replaceChildren(...out.map((r) => {
    const tr = document.createElement('tr');
    for (const v of [r.batchSize, r.steps, r.ms.toFixed(1), Math.round(r.examplesPerSecond).toLocaleString('en')]) {
      const td = document.createElement('td');
      td.textContent = String(v);
      tr.append(td);
    }
    return tr;
  }));
  return out;
};
document.getElementById('digits-run')?.addEventListener('click', () => { window.benchDigitsAll(); });
