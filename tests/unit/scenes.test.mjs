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
const v = (claim, statement, holds, of) => ({ claim, statement, holds, of, per_seed: [] });
const study = (verdicts) => ({ gen: 1, done: 10, total: 10, seeds: [1, 2, 3, 4, 5], cells: [], verdicts });
const frame = (over) => ({ state: 'finished', lr: 0.1, steps: 10, ...over });

test('noisy: how jagged B = 1 is against the full batch, where both ended, and the seeds\' verdict', () => {
  // roughness = mean |Δ log loss|: B = 1: (|−2 − 0| + |−1 − (−2)|) / 2 = 1.5;
  // B = 256: (0.5 + 0.5) / 2 = 0.5 → 3.0× as jagged; both end at e⁻¹ = 0.368
  const s = stateOf([
    frame({ batch: 256, steps: 20, trainLoss: f64(1, E(-0.5), E(-1)) }),
    frame({ batch: 1, steps: 5120, trainLoss: f64(1, E(-2), E(-1)) }),
  ]);
  s.seeds = study([v('jagged_small', 'the smaller batch is jagged', 5, 5), v('small_fits_better', 'it fits better', 2, 4)]);
  assert.equal(SCENES.noisy.verdict(s),
    'Measured at equal epochs: the loss curve of B = 1 is 3.0× as jagged as that of B = 256; B = 1 reached training loss 0.368 in 5120 steps, B = 256 0.368 in 20. '
    + 'Over seeds 1–5 at equal epochs: the smaller batch is jagged: holds in 5 of 5 seeds; it fits better: holds in 2 of 4 seeds.');
  assert.equal(SCENES.noisy.verdict(stateOf([frame({ batch: 1, trainLoss: f64(1) })])), '');
});

test('scaling: each run with its learning rate and how it ended, under the rule in effect', () => {
  const s = stateOf([
    frame({ batch: 16, lr: 0.1, trainLoss: f64(0.7, 0.25) }),
    frame({ batch: 256, lr: 1.6, state: 'diverged', trainLoss: f64(0.7) }),
  ], [], new Map([['lr_rule', 'linear']]));
  assert.equal(SCENES.scaling.verdict(s), 'Measured with the linear rule: B = 16 (η = 0.1) ended at 0.250; B = 256 (η = 1.6) diverged.');
});

test('sharp steps: this seed\'s numbers without a claim, then the claims over seeds and the gap sentence', () => {
  const s = stateOf([
    frame({ batch: 8, steps: 6400, trainLoss: f64(0.45), testAcc: f64(0.9) }),
    frame({ batch: 256, steps: 200, trainLoss: f64(0.55), testAcc: f64(0.8) }),
  ], [{ lambda_max: 2 }, { lambda_max: 6 }], new Map([['seed', '1']]));
  s.seeds = study([v('sharper_large', 'sharper', 5, 5), v('worse_large', 'worse', 2, 5), v('eps_sharper_large', 'eps', 0, 0)]);
  const text = SCENES.sharp_loss.verdict(s);
  assert.ok(text.startsWith('This seed (1), at equal epochs: λ_max 6.00 (B = 256) vs 2.00 (B = 8); training loss 0.550 vs 0.450 after 200 vs 6400 steps; test accuracy 80.0 % vs 90.0 %.'), text);
  assert.ok(text.includes('Over seeds 1–5 at equal epochs: sharper: holds in 5 of 5 seeds; worse: holds in 2 of 5 seeds; eps: no seed could decide it.'), text);
  // 2 of 5 is not most seeds: the page says there is no gap here
  assert.ok(text.endsWith('At equal epochs these toy data show no large-batch generalization gap: the larger batch has the lower test accuracy in only 2 of 5 seeds.'), text);
  s.seeds = study([v('worse_large', 'worse', 4, 5)]);
  assert.ok(SCENES.sharp_noise.verdict(s).endsWith('The larger batch generalizes worse in 4 of 5 seeds at equal epochs.'));
  // old links: ?scene=sharp is the first step, and it is not listed twice
  assert.equal(SCENES.sharp, SCENES.sharp_epochs);
  assert.ok(!Object.keys(SCENES).includes('sharp'));
  assert.deepEqual(Object.keys(SCENES).filter((k) => k.startsWith('sharp')), ['sharp_epochs', 'sharp_loss', 'sharp_noise', 'sharp_rescale']);
  // the coda: a ReLU network (the rescale needs it); before α moves it says how, after it gives the core's comparison
  assert.equal(SCENES.sharp_rescale.pairs.act, 'relu');
  assert.ok(SCENES.sharp_rescale.verdict(s).endsWith('Drag α under the flat-vs-sharp table to rescale the first run.'));
  s.gens = [3, 3];
  s.rescale = { slot: 0, gen: 3, alpha: 8, comparison: { alpha: 8, max_prediction_diff: 0, before: { lambda_max: 2, hessian_trace: 4, eps_sharpness: 0.1 }, after: { lambda_max: 20, hessian_trace: 30, eps_sharpness: 0.5 } } };
  assert.match(SCENES.sharp_rescale.verdict(s), /Rescaled run B = 8: α = 8: the largest prediction difference over the training inputs is exactly 0 .* yet λ_max went from 2\.00 to 20\.00 \(10\.00×\)/);
  s.rescale.gen = 2; // a rescale of an older run is not read
  assert.ok(SCENES.sharp_rescale.verdict(s).endsWith('Drag α under the flat-vs-sharp table to rescale the first run.'));
});

test('eos: λ_max late in training near 2/η, with the edge claim over seeds', () => {
  // 2/η = 2/0.5 = 4; late half of [1, 2, 3.9, 4.1, 3.95, 4] is [4.1, 3.95, 4] → peak 4.1,
  // within [0.8 · 4, 1.2 · 4] = [3.2, 4.8]
  const s = stateOf([frame({ batch: 256, lr: 0.5 })], [{ history: { lambda_max: [1, 2, 3.9, 4.1, 3.95, 4] } }]);
  assert.equal(SCENES.eos.verdict(s),
    'Measured at equal epochs: λ_max went from 1.00 to 4.00 (late-training maximum 4.10); 2/η = 4.00. It reached the edge of stability and stayed near it. Checking the claims on 5 seeds in the background…');
  // peak 2 < 3.2: below the edge
  const low = stateOf([frame({ batch: 256, lr: 0.5 })], [{ history: { lambda_max: [1, 2, 2] } }]);
  low.seeds = study([v('edge', 'at the edge', 4, 5)]);
  assert.ok(SCENES.eos.verdict(low).endsWith('It stayed below 2/η in this budget: raise η or the steps to reach the edge. Over seeds 1–5 at equal epochs: at the edge: holds in 4 of 5 seeds.'));
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

test('cost: time per step, throughput, memory and steps to the target of the smallest and largest batch', () => {
  // B = 8: 0.2 ms/step → 40,000 examples/s; B = 256: 1.6 ms → 160,000 examples/s; 8× the time for 32×.
  const s = stateOf([
    frame({ batch: 8, msPerStep: 0.2, memory: 4096, trainLoss: f64(0.7, 0.2) }),
    frame({ batch: 256, msPerStep: 1.6, memory: 40960, trainLoss: f64(0.7, 0.3) }),
  ]);
  s.cost = { target: 0.3, rows: [{ slot: 0, batch: 8, steps: 120 }, { slot: 1, batch: 256, steps: NaN }] };
  assert.equal(SCENES.cost.verdict(s),
    'Measured in this browser at equal epochs: a step of B = 256 took 1.600 ms against 0.200 ms for B = 8, 8.0× the time for 32× the examples, '
    + 'so more examples per second (160,000 against 40,000). Memory per step: 40 KB against 4.0 KB. To the common training loss 0.300: B = 8 120 steps (960 examples); B = 256 did not reach it.');
  assert.equal(SCENES.cost.verdict(stateOf([frame({ batch: 8, msPerStep: 0.2, memory: 1 })])), '');
});

test('digits: accuracy, gap and steps per run; a large batch that only fit less is called underfitting', () => {
  // B = 8: test 96 %, train 99 % → gap 3.0; B = 512: test 76 %, train 79 % → gap 3.0, 20 points lower.
  // roughness: B = 8 (|−2| + |1|)/2 = 1.5, B = 512 (0.5 + 0.5)/2 = 0.5 → 3.0×.
  const run = (batch, steps, trainAcc, testAcc, trainLoss) => frame({ batch, steps, trainAcc: f64(0.1, trainAcc), testAcc: f64(0.1, testAcc), trainLoss });
  const small = run(8, 2560, 0.99, 0.96, f64(1, E(-2), E(-1)));
  const under = run(512, 40, 0.79, 0.76, f64(1, E(-0.5), E(-1)));
  const s = stateOf([small, under], [], new Map([['lr_rule', 'fixed']]));
  assert.equal(SCENES.digits.verdict(s),
    'Measured at equal epochs, fixed learning-rate rule: B = 8 (η = 0.1, 2560 steps): test accuracy 96.0 %, train − test gap 3.0 points; ' +
    'B = 512 (η = 0.1, 40 steps): test accuracy 76.0 %, train − test gap 3.0 points. The large batch is 20.0 points less accurate on held-out digits, ' +
    'but its gap is not larger: it fit the training digits less in its fewer steps — underfitting, not the textbook generalization gap. ' +
    'The loss curve of B = 8 is 3.0× as jagged as that of B = 512. Checking the claims on 5 seeds in the background…');
  // over seeds: lower test accuracy together with a higher training loss in most seeds is named underfitting
  s.seeds = study([v('worse_large', 'lower test', 5, 5), v('small_fits_better', 'fits better', 5, 5), v('jagged_small', 'jagged', 4, 5)]);
  assert.ok(SCENES.digits.verdict(s).endsWith('Over seeds 1–5 at equal epochs: lower test: holds in 5 of 5 seeds; fits better: holds in 5 of 5 seeds; jagged: holds in 4 of 5 seeds. '
    + 'In most seeds the larger batch both fits the training digits less and tests lower, at equal epochs: its lower test accuracy is at least partly underfitting.'), SCENES.digits.verdict(s));
  s.seeds = study([v('worse_large', 'lower test', 2, 5), v('small_fits_better', 'fits better', 5, 5)]);
  assert.doesNotMatch(SCENES.digits.verdict(s), /underfitting\.$/);
  const worse = run(512, 40, 0.99, 0.90, f64(1, E(-1)));
  assert.match(SCENES.digits.verdict(stateOf([small, worse])), /6\.0 points less accurate on held-out digits and its gap is larger: it generalizes worse/);
  const same = run(512, 40, 0.99, 0.955, f64(1, E(-1)));
  assert.match(SCENES.digits.verdict(stateOf([small, same])), /within 1 point of the small one on held-out digits \(lower by 0\.5\)/);
  assert.equal(SCENES.digits.verdict(stateOf([small])), 'Waiting for two finished runs…');
});
