// Explanations (www/explain.js) from given numbers; expected sentences worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  costRows, explainCost, explainCurves, explainDynamics, explainSharpness,
} from '../../www/explain.js';

const f64 = (...x) => Float64Array.from(x);
const frame = (over) => ({ state: 'finished', lr: 0.1, steps: 10, divergence: '', ...over });

test('curves: lowest training and test loss named with their numbers; a diverged run says how', () => {
  const state = {
    batches: [8, 256, 1],
    runs: [
      frame({ batch: 8, steps: 320, trainLoss: f64(0.7, 0.1), testLoss: f64(0.7, 0.3), testAcc: f64(0.5, 0.9) }),
      frame({ batch: 256, steps: 10, trainLoss: f64(0.7, 0.4), testLoss: f64(0.7, 0.35), testAcc: f64(0.5, 0.85) }),
      frame({ batch: 1, state: 'diverged', divergence: 'diverged at step 5', trainLoss: f64(0.7), testLoss: f64(0.7), testAcc: f64(0.5) }),
    ],
  };
  assert.equal(explainCurves(state),
    'Lowest training loss: B = 8 (0.100 after 320 steps). '
    + 'B = 256 ended at 0.400 after 10 steps with the same η, compared at equal epochs. '
    // test loss 0.3 < 0.35 → B = 8; its accuracy 0.9 → 90.0 %
    + 'Lowest test loss: B = 8 (0.300; test accuracy 90.0 %). '
    + 'B = 1 diverged at step 5.');
  assert.equal(explainCurves({ batches: [8], runs: [frame({ state: 'running' })] }), 'Training…');
});

test('curves: the sentence names the comparison the budget makes', () => {
  const runs = [frame({ batch: 8, steps: 32, trainLoss: f64(0.7, 0.29), testLoss: f64(0.7, 0.4), testAcc: f64(0.5, 0.8) }),
    frame({ batch: 64, steps: 24, trainLoss: f64(0.7, 0.298), testLoss: f64(0.7, 0.37), testAcc: f64(0.5, 0.8) })];
  const text = (budget) => explainCurves({ batches: [8, 64], runs, settings: new Map([['budget', budget]]) });
  assert.match(text('epochs'), /B = 64 ended at 0\.298 after 24 steps with the same η, compared at equal epochs\./);
  assert.match(text('steps'), /with the same η, compared at equal steps\./);
  assert.match(text('loss'), /with the same η, compared at equal training loss\./);
});

test('curves: under a learning-rate rule each run\'s own η is named, not "the same η"', () => {
  const runs = [frame({ batch: 16, lr: 0.1, steps: 480, trainLoss: f64(0.7, 0.25), testLoss: f64(0.7, 0.3), testAcc: f64(0.5, 0.9) }),
    frame({ batch: 256, lr: 1.6, steps: 30, trainLoss: f64(0.7, 0.26), testLoss: f64(0.7, 0.31), testAcc: f64(0.5, 0.88) })];
  const text = explainCurves({ batches: [16, 256], runs, settings: new Map([['budget', 'epochs']]) });
  assert.match(text, /B = 256 ended at 0\.260 after 30 steps with η = 1\.6 \(B = 16: η = 0\.1\), compared at equal epochs\./);
  assert.doesNotMatch(text, /same η/);
});

test('cost table: the measured speed beside the core\'s memory and steps to target, and its reading', () => {
  // Memory per step and the steps to the target are the core's (crate/core/src/facts.rs, where
  // they are tested by hand); this arranges them with the page's measured time per step.
  const state = {
    batches: [8, 64, 1],
    runs: [
      frame({ batch: 8, msPerStep: 0.5, memory: 1408 }),
      frame({ batch: 64, msPerStep: 2, memory: 5664 }),
      frame({ batch: 1, msPerStep: 0.25, memory: 876, state: 'running' }),
    ],
    cost: { target: 0.404, rows: [{ slot: 0, batch: 8, steps: 20, examples: 160 }, { slot: 1, batch: 64, steps: 4, examples: 256 }, { slot: 2, batch: 1, steps: null, examples: null }] },
  };
  const table = costRows(state);
  assert.equal(table.target, 0.404);
  const [a, b, c] = table.rows;
  // B = 8: 20 steps → 20 · 8 = 160 examples; 1000 · 8 / 0.5 = 16 000 examples/s
  assert.deepEqual([a.steps, a.examples, a.examplesPerSecond, a.memory], [20, 160, 16000, 1408]);
  // B = 64: 4 steps → 256 examples; 1000 · 64 / 2 = 32 000 examples/s
  assert.deepEqual([b.steps, b.examples, b.examplesPerSecond, b.memory], [4, 256, 32000, 5664]);
  // A run still training has no cost to the target yet (1000 · 1 / 0.25 = 4000/s measured).
  assert.ok(Number.isNaN(c.steps) && c.examplesPerSecond === 4000);
  // A row of the core's table for another batch size (the run was restarted) is not used.
  const stale = costRows({ ...state, cost: { ...state.cost, rows: [{ slot: 0, batch: 16, steps: 9, examples: 144 }] } });
  assert.ok(Number.isNaN(stale.rows[0].steps));
  const text = explainCost(table);
  assert.ok(text.startsWith('Target: training loss 0.404. Fewest steps: B = 64 (4, vs 20 for B = 8). Fewest examples: B = 8 (160).'), text);
});

test('sharpness: the larger batch 3× sharper and 10 points worse reads as the usual pattern, with a caution', () => {
  const small = { f: frame({ batch: 8, trainLoss: f64(0.2), testLoss: f64(0.3), testAcc: f64(0.9) }), a: { lambda_max: 2 } };
  const large = { f: frame({ batch: 256, trainLoss: f64(0.4), testLoss: f64(0.7), testAcc: f64(0.8) }), a: { lambda_max: 6 } };
  const text = explainSharpness({}, [large, small]);
  // 6 / 2 = 3.0×; accuracy 90 − 80 = 10.0 points; gaps 0.7 − 0.4 = 0.300 and 0.3 − 0.2 = 0.100
  assert.ok(text.startsWith('B = 256 ended 3.0× sharper (λ_max 6.00 vs 2.00) than B = 8; its test accuracy is 10.0 points lower and its generalization gap 0.300 vs 0.100.'), text);
  assert.ok(text.includes('On this seed, at equal epochs, the larger batch found the sharper minimum and has the lower test accuracy, the pattern Keskar et al. (2017) report'));
  // 0.4 > 1.5 · 0.2 = 0.3 and 0.4 − 0.2 = 0.2 > 0.05: not converged
  assert.ok(text.includes('Caution: B = 256 has not converged (training loss 0.400 vs 0.200)'));
  assert.ok(!text.includes('ε-sharpness (10⁻³) it is the other way round'));
});

test('sharpness: ε-sharpness ranking the minima the other way is said', () => {
  const small = { f: frame({ batch: 8, trainLoss: f64(0.2), testLoss: f64(0.3), testAcc: f64(0.9) }), a: { lambda_max: 2, eps_sharpness: [{ eps: 1e-3, phi: 0.5 }] } };
  const large = { f: frame({ batch: 256, trainLoss: f64(0.21), testLoss: f64(0.35), testAcc: f64(0.8) }), a: { lambda_max: 6, eps_sharpness: [{ eps: 1e-3, phi: 0.1 }] } };
  const text = explainSharpness({}, [small, large]);
  // λ_max says B = 256 is sharper (6 > 2), ε-sharpness says flatter (0.1 < 0.5)
  assert.ok(text.includes('By ε-sharpness (10⁻³) it is the other way round: 0.100 % for B = 256 vs 0.500 % for B = 8'), text);
  assert.ok(text.includes('sharper minimum by λ_max'));
});

test('dynamics: λ_max near 2/η and the batch below B_simple', () => {
  const f = frame({ batch: 16, lr: 0.5 });
  const a = { history: { lambda_max: [1, 3.9], b_simple: [10, 40] } };
  // 2/η = 4; 3.9 is between 0.8 · 4 = 3.2 and 1.1 · 4 = 4.4 → near; 16 < 40 → below
  assert.equal(explainDynamics([{ f, a }], 256),
    'B = 16: λ_max ends at 3.90, near the stability limit 2/η = 4.00 (the edge of stability); '
    + 'the noise scale B_simple ends at 40, so B = 16 is below it: a larger batch would still cut the steps needed almost proportionally.');
  // the whole training set: B = 256 = N, above B_simple 40
  const full = frame({ batch: 256, lr: 0.1 });
  const b = { history: { lambda_max: [5], b_simple: [40] } };
  // 2/η = 20; 5 < 0.8 · 20 = 16 → below
  assert.equal(explainDynamics([{ f: full, a: b }], 256),
    'B = 256: λ_max ends at 5.00, below the stability limit 2/η = 20.00; '
    + 'the noise scale B_simple ends at 40, so B = 256 is above it: B = 256 is already the whole training set.');
});
