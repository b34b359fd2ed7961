// The digits view's sentences read the core's image reports (pure module, no browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confusedPairs, explainDigits, reportAccuracy, sharedPairs } from '../../www/explain-digits.js';

const report = (errors, confused, unpredicted = 0) => ({ classes: 10, n: 200, errors, unpredicted, confused, confusion: [], predicted: [] });
const run = (batch, images, state = 'finished') => ({ batch, state, images });
const state = (runs, budget = 'epochs') => ({
  batches: runs.map((r) => r.batch), runs, settings: new Map([['budget', budget]]),
});

test('accuracy and pairs come from the report', () => {
  const r = report(10, [{ actual: 8, predicted: 1, count: 4 }, { actual: 3, predicted: 5, count: 2 }], 2);
  assert.equal(reportAccuracy(r), 188 / 200);
  assert.equal(confusedPairs(r), '8 → 1 (4×), 3 → 5 (2×)');
  assert.ok(Number.isNaN(reportAccuracy(null)));
});

test('the sentence names each run\'s errors and pairs, and compares the smallest and largest batch at the budget', () => {
  const small = run(8, report(12, [{ actual: 8, predicted: 1, count: 5 }, { actual: 2, predicted: 7, count: 1 }]));
  const large = run(256, report(40, [{ actual: 9, predicted: 3, count: 9 }, { actual: 8, predicted: 1, count: 6 }]));
  const text = explainDigits(state([small, large]));
  assert.match(text, /B = 8: 12 of 200 test digits wrong \(test accuracy 94\.0 %\), most often 8 → 1 \(5×\)\./, 'a single 2 → 7 is left out');
  assert.match(text, /B = 256: 40 of 200 test digits wrong/);
  assert.match(text, /At equal epochs, the largest batch \(B = 256\) made 28 more errors than the smallest \(B = 8\); both often confuse 8 → 1\./);
  assert.match(text, /One seed/);
  // The other way round is said to be against the textbook; equal steps are named as such.
  const flipped = explainDigits(state([run(8, report(40, [])), run(256, report(12, []))], 'steps'));
  assert.match(flipped, /At equal steps, the largest batch \(B = 256\) made 28 fewer errors .* not the textbook effect/);
  assert.match(explainDigits(state([run(8, report(3, [{ actual: 1, predicted: 2, count: 1 }]))])), /no two digits confused more than once/);
});

test('running and diverged runs are described as such', () => {
  assert.match(explainDigits(state([run(8, report(1, []), 'running')])), /^Training/);
  assert.match(explainDigits(state([run(8, report(0, [], 200), 'diverged')])), /B = 8 diverged/);
  assert.deepEqual(sharedPairs(report(0, [{ actual: 1, predicted: 2, count: 1 }]), report(0, [])), []);
});
