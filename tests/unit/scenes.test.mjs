// Scene verdicts (www/scenes.js) from given numbers; expected sentences worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCENES } from '../../www/scenes.js';

const f64 = (...x) => Float64Array.from(x);
const E = Math.exp;

/** A page state with finished runs `frames` in slots 0, 1, … and their diagnoses `analyses`. */
function stateOf(frames, analyses = [], settings = new Map()) {
  return {
    batches: frames.map((f) => f.batch), runs: frames, gens: frames.map(() => 1),
    diag: analyses.map((analysis) => ({ gen: 1, analysis })), settings,
  };
}
const frame = (over) => ({ state: 'finished', lr: 0.1, steps: 10, ...over });

test('noisy: how jagged B = 1 is against the full batch, and where both ended', () => {
  // roughness = mean |Δ log loss|: B = 1: (|−2 − 0| + |−1 − (−2)|) / 2 = 1.5;
  // B = 256: (0.5 + 0.5) / 2 = 0.5 → 3.0× as jagged; both end at e⁻¹ = 0.368
  const s = stateOf([
    frame({ batch: 256, steps: 20, trainLoss: f64(1, E(-0.5), E(-1)) }),
    frame({ batch: 1, steps: 5120, trainLoss: f64(1, E(-2), E(-1)) }),
  ]);
  assert.equal(SCENES.noisy.verdict(s),
    'Measured: the loss curve of B = 1 is 3.0× as jagged as that of B = 256; after the same epochs B = 1 reached training loss 0.368 in 5120 steps, B = 256 0.368 in 20.');
  assert.equal(SCENES.noisy.verdict(stateOf([frame({ batch: 1, trainLoss: f64(1) })])), '');
});

test('scaling: each run with its learning rate and how it ended, under the rule in effect', () => {
  const s = stateOf([
    frame({ batch: 16, lr: 0.1, trainLoss: f64(0.7, 0.25) }),
    frame({ batch: 256, lr: 1.6, state: 'diverged', trainLoss: f64(0.7) }),
  ], [], new Map([['lr_rule', 'linear']]));
  assert.equal(SCENES.scaling.verdict(s), 'Measured with the linear rule: B = 16 (η = 0.1) ended at 0.250; B = 256 (η = 1.6) diverged.');
});

test('sharp: reproduced when the large batch is sharper and less accurate', () => {
  const s = stateOf([
    frame({ batch: 8, trainAcc: f64(0.95), testAcc: f64(0.9) }),
    frame({ batch: 256, trainAcc: f64(0.95), testAcc: f64(0.8) }),
  ], [{ lambda_max: 2 }, { lambda_max: 6 }]);
  // accuracy gaps: 95 − 80 = 15.0 and 95 − 90 = 5.0 points
  assert.equal(SCENES.sharp.verdict(s),
    'This seed reproduces the result: the large batch ended in a sharper minimum and generalizes worse. '
    + 'λ_max 6.00 (B = 256) vs 2.00 (B = 8); test accuracy 80.0 % vs 90.0 %; accuracy gap (train on noisy labels − test) 15.0 vs 5.0 points.');
  // the same numbers with λ_max the other way: not reproduced, and said so
  const t = stateOf(s.runs, [{ lambda_max: 6 }, { lambda_max: 2 }]);
  assert.ok(SCENES.sharp.verdict(t).startsWith('This seed does not reproduce it (not sharper, lower test accuracy):'));
});

test('eos: λ_max late in training near 2/η', () => {
  // 2/η = 2/0.5 = 4; late half of [1, 2, 3.9, 4.1, 3.95, 4] is [4.1, 3.95, 4] → peak 4.1,
  // within [0.8 · 4, 1.2 · 4] = [3.2, 4.8]
  const s = stateOf([frame({ batch: 256, lr: 0.5 })], [{ history: { lambda_max: [1, 2, 3.9, 4.1, 3.95, 4] } }]);
  assert.equal(SCENES.eos.verdict(s),
    'Measured: λ_max went from 1.00 to 4.00 (late-training maximum 4.10); 2/η = 4.00. It reached the edge of stability and stayed near it.');
  // peak 2 < 3.2: below the edge
  const low = stateOf([frame({ batch: 256, lr: 0.5 })], [{ history: { lambda_max: [1, 2, 2] } }]);
  assert.ok(SCENES.eos.verdict(low).endsWith('It stayed below 2/η in this budget: raise η or the steps to reach the edge.'));
});

test('critical: the median B_simple splits the runs', () => {
  // B_simple 50, 200, 120 → sorted 50, 120, 200 → median 120; B = 8 below; 128 and 1024 at or above
  const s = stateOf([frame({ batch: 8 }), frame({ batch: 128 }), frame({ batch: 1024 })],
    [{ b_simple: 50 }, { b_simple: 200 }, { b_simple: 120 }]);
  assert.equal(SCENES.critical.verdict(s),
    'Measured: B_simple at the end of training ≈ 120 (median over runs). Below it: B = 8; at or above it: B = 128, 1024. The cost table gives each run\'s steps and examples to the common target; how much a larger B saved there is under the square-root rule, not at each B\'s best η.');
});

test('parallel: both runs to the same training loss, and how many fewer steps the larger batch took', () => {
  // B = 32: 800 steps (25,600 examples); B = 256: 200 steps (51,200 examples) → 8× the batch, 4.0× fewer steps
  const s = stateOf([
    frame({ batch: 256, lr: 0.8, steps: 200, trainLoss: f64(0.7, 0.1) }),
    frame({ batch: 32, lr: 0.1, steps: 800, trainLoss: f64(0.7, 0.1) }),
  ]);
  assert.equal(SCENES.parallel.verdict(s),
    'Measured to the same training loss: B = 32 (η = 0.1) took 800 steps (25600 examples), training loss 0.100; B = 256 (η = 0.8) took 200 steps (51200 examples), training loss 0.100. 8× the batch took 4.0× fewer steps.');
  const diverged = stateOf([frame({ batch: 32, steps: 800, trainLoss: f64(0.7, 0.1) }), frame({ batch: 256, state: 'diverged', lr: 8, steps: 3, trainLoss: f64(0.7, NaN) })]);
  assert.match(SCENES.parallel.verdict(diverged), /B = 256 \(η = 8\) diverged\.$/);
  assert.equal(SCENES.parallel.verdict(stateOf([frame({ batch: 32 })])), '');
});
