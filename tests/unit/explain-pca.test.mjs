// The PCA view's sentence reads the core's projection and the runs' predictions (pure module).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { centres, errorsNearOtherCentre, explainPca } from '../../www/explain-pca.js';

// Four test digits: two 0s around (−1, 0), two 1s around (1, 0).
const pca = { coords: [-1.2, 0, -0.8, 0, 0.9, 0.1, 1.1, -0.1], labels: [0, 0, 1, 1], explained: [0.2, 0.1], fingerprint: 'x' };
const run = (batch, predicted, state = 'finished') => ({ batch, state, images: { predicted, errors: 0, n: 4, unpredicted: 0, confused: [] } });
const state = (runs) => ({ batches: runs.map((r) => r.batch), runs, settings: new Map([['budget', 'epochs']]), pca });

test('the centres are the mean coordinates of each true digit', () => {
  const c = centres(pca);
  assert.deepEqual(c[0].map((v) => +v.toFixed(9)), [-1, 0]);
  assert.deepEqual(c[1].map((v) => +v.toFixed(9)), [1, 0]);
  assert.equal(c[2], null);
});

test('an error counts as near the other centre only when it lies nearer to the predicted digit\'s centre', () => {
  // Image 1 (a 0 at −0.8) taken for a 1: nearer to 0's centre. Image 2 (a 1 at 0.9) taken for a 0: nearer to 1's.
  assert.deepEqual(errorsNearOtherCentre(pca, [0, 1, 0, 1]), { wrong: 2, nearer: 0 });
  // Move image 2 to −0.5: now nearer to the 0s' centre than to the 1s' (which moves to 0.3).
  const moved = { ...pca, coords: [-1.2, 0, -0.8, 0, -0.5, 0, 1.1, 0] };
  assert.deepEqual(errorsNearOtherCentre(moved, [0, 0, 0, 1]), { wrong: 1, nearer: 1 });
  // Unpredicted (10, a diverged run) is not an error of a digit.
  assert.deepEqual(errorsNearOtherCentre(pca, [10, 0, 1, 1]), { wrong: 0, nearer: 0 });
});

test('the sentence gives the shares, names the comparison and each finished run\'s errors', () => {
  const text = explainPca(state([run(8, [0, 0, 1, 1]), run(256, [1, 0, 0, 1]), run(64, [0, 0, 1, 1], 'running')]));
  assert.match(text, /^PC1 and PC2 explain 20\.0 % and 10\.0 % of the test digits' pixel variance \(30\.0 % together\): most of it lies in the other directions/);
  assert.match(text, /Ringed points are the errors, at equal epochs: of the 2 digits B = 256 got wrong, 0 lie nearer, in this plane, to the centre of the digit it predicted than to their own; B = 8 got no digit wrong\.$/);
  // Later runs with errors are counted briefly.
  const moved = { ...pca, coords: [-1.2, 0, -0.8, 0, -0.5, 0, 1.1, 0] };
  const two = explainPca({ ...state([run(8, [0, 0, 0, 1]), run(256, [1, 0, 0, 1])]), pca: moved });
  assert.match(two, /of the 1 digit B = 8 got wrong, 1 lies nearer.*; B = 256: 1 of 2\.$/);
  assert.doesNotMatch(text, /B = 64/, 'a running run is not described');
  assert.equal(explainPca({ ...state([]), pca: null }), '');
  assert.doesNotMatch(explainPca({ ...state([]), pca: { ...pca, explained: [0.5, 0.2] } }), /most of it/);
});
