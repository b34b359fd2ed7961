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
    'Measured: B_simple at the end of training ≈ 120 (median over runs). Below it: B = 8; at or above it: B = 128, 1024. See the cost table for steps and examples to the common target.');
});

test('digits: accuracy, gap and steps per run; a large batch that only fit less is called underfitting', () => {
  // B = 8: test 96 %, train 99 % → gap 3.0; B = 512: test 76 %, train 79 % → gap 3.0, 20 points lower.
  // roughness: B = 8 (|−2| + |1|)/2 = 1.5, B = 512 (0.5 + 0.5)/2 = 0.5 → 3.0×.
  const run = (batch, steps, trainAcc, testAcc, trainLoss) => frame({ batch, steps, trainAcc: f64(0.1, trainAcc), testAcc: f64(0.1, testAcc), trainLoss });
  const small = run(8, 2560, 0.99, 0.96, f64(1, E(-2), E(-1)));
  const under = run(512, 40, 0.79, 0.76, f64(1, E(-0.5), E(-1)));
  const s = stateOf([small, under], [], new Map([['lr_rule', 'fixed']]));
  assert.equal(SCENES.digits.verdict(s),
    'Measured after the same epochs, fixed learning-rate rule: B = 8 (η = 0.1, 2560 steps): test accuracy 96.0 %, train − test gap 3.0 points; ' +
    'B = 512 (η = 0.1, 40 steps): test accuracy 76.0 %, train − test gap 3.0 points. The large batch is 20.0 points less accurate on held-out digits, ' +
    'but its gap is not larger: it fit the training digits less in its fewer steps — underfitting, not the textbook generalization gap. ' +
    'The loss curve of B = 8 is 3.0× as jagged as that of B = 512. One seed: the sweep view repeats runs over seeds.');
  const worse = run(512, 40, 0.99, 0.90, f64(1, E(-1)));
  assert.match(SCENES.digits.verdict(stateOf([small, worse])), /6\.0 points less accurate on held-out digits and its gap is larger: it generalizes worse/);
  const same = run(512, 40, 0.99, 0.955, f64(1, E(-1)));
  assert.match(SCENES.digits.verdict(stateOf([small, same])), /within 1 point of the small one on held-out digits \(lower by 0\.5\)/);
  assert.equal(SCENES.digits.verdict(stateOf([small])), 'Waiting for two finished runs…');
});
