// The lesson's sentences (www/lesson-text.js) from given numbers; expected text worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  comparisonOf, gapText, mostly, rescaleText, seedRows, seedsText, stationarityText,
} from '../../www/lesson-text.js';

const v = (claim, statement, holds, of) => ({ claim, statement, holds, of, per_seed: [] });

test('the comparison is the core\'s detail for the budget in effect, else its name', () => {
  const facts = { comparison: { budget: 'loss', name: 'equal training loss', detail: 'equal training loss (each run until its training loss ≤ 0.5, at most 20000 steps)' } };
  assert.equal(comparisonOf({ settings: new Map([['budget', 'loss']]), facts }), facts.comparison.detail);
  // facts of an older budget are not used: the name of the new one is
  assert.equal(comparisonOf({ settings: new Map([['budget', 'steps']]), facts }), 'equal steps');
  assert.equal(comparisonOf({ settings: new Map(), facts: null }), 'equal epochs');
});

test('verdicts over seeds name k of n, the seeds and the comparison; undecided claims say so', () => {
  const st = { done: 10, total: 10, seeds: [1, 2, 3, 4, 5], verdicts: [v('a', 'A holds', 3, 5), v('b', 'B', 0, 0)] };
  assert.equal(seedsText(st, ['a', 'b', 'missing'], 'equal epochs'), 'Over seeds 1–5 at equal epochs: A holds: holds in 3 of 5 seeds; B: no seed could decide it.');
  assert.equal(seedsText(null, ['a'], 'x'), 'Checking the claims on 5 seeds in the background…');
  // 1 of 10 runs: not one seed done yet (10 runs / 5 seeds = 2 runs a seed)
  assert.equal(seedsText({ ...st, done: 1 }, ['a'], 'x'), 'Checking the claims on 5 seeds in the background (1 of 10 runs)…');
  assert.ok(seedsText({ ...st, done: 4 }, ['a'], 'x').includes('(4 of 10 runs done so far)'));
  assert.equal(mostly(st, 'a'), true);
  assert.equal(mostly(st, 'b'), null);
});

test('the gap sentence: only when most seeds show it; plainly none otherwise; nothing while running', () => {
  const st = (holds) => ({ done: 10, total: 10, seeds: [1, 2, 3, 4, 5], verdicts: [v('worse_large', 'w', holds, 5)] });
  assert.equal(gapText(st(3), 'equal steps'), 'The larger batch generalizes worse in 3 of 5 seeds at equal steps.');
  assert.equal(gapText(st(2), 'equal steps'), 'At equal steps these toy data show no large-batch generalization gap: the larger batch has the lower test accuracy in only 2 of 5 seeds.');
  assert.equal(gapText({ ...st(5), done: 4 }, 'x'), '');
});

test('stationarity: a non-stationary end point names its gradient and first-order share and says to read λ_max', () => {
  const runs = [
    { f: { batch: 8 }, a: { stationary: false, first_order_share: 0.86, grad_norm: 0.0749 } },
    { f: { batch: 256 }, a: { stationary: true, first_order_share: 0.2, grad_norm: 0.006 } },
  ];
  assert.equal(stationarityText(runs),
    'Not stationary: B = 8 (gradient norm 0.0749; 86 % of its ε-sharpness is the first-order term). There ε-sharpness mostly measures the gradient, not curvature: read λ_max for the local curvature.');
  assert.ok(stationarityText([runs[1]]).startsWith('Every end point is stationary'));
  assert.equal(stationarityText([]), '');
});

test('per-seed rows and the rescale sentence', () => {
  const cell = { seed: 2, batch_size: 8, steps: 20000, reached_target: false, diverged: false, lambda_max: 1.234, grad_norm: 0.04449, phi: 0.0732, phi_first_order: 0.0632, final_train_loss: 0.4914, final_test_acc: 0.92578 };
  assert.deepEqual(seedRows({ cells: [cell] })[0], ['2', '8', '20000 (target not reached)', '1.23', '0.0445', '0.0732', '0.0632', '0.491', '92.6 %']);
  const c = { alpha: 4, max_prediction_diff: 1.2e-7, before: { lambda_max: 2, hessian_trace: 10, eps_sharpness: 0.1 }, after: { lambda_max: 20, hessian_trace: 150, eps_sharpness: 0.3 } };
  assert.ok(rescaleText({ comparison: c }).startsWith('α = 4: the largest prediction difference over the training inputs is 1.2e-7 (f32 rounding), so the network computes the same function; yet λ_max went from 2.00 to 20.00 (10.00×)'));
  assert.ok(rescaleText({ comparison: { ...c, max_prediction_diff: 0 } }).includes('is exactly 0 (α is a power of two'));
  assert.equal(rescaleText({ error: 'only ReLU' }), 'only ReLU');
  assert.equal(rescaleText(null), '');
});
