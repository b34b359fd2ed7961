import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainBoundaries } from '../../www/explain.js';

// A regression set's figure is a fitted curve: the text reads the losses (no accuracy, no
// "share of the plane"), and names the run with the lowest test loss.
test('the fitted-curve text reads the losses of a regression run and names the lowest test loss', () => {
  const run = (batch, train, testLoss) => ({
    batch, state: 'finished', trainLoss: [1, train], testLoss: [1, testLoss], trainAcc: [NaN], testAcc: [NaN], boundary: { dim: 1, values: [0, 1] },
  });
  const state = { batches: [8, 64], runs: [run(8, 0.05, 0.09), run(64, 0.5, 0.6)], settings: new Map([['budget', 'epochs'], ['epochs', '30']]) };
  const text = explainBoundaries(state);
  assert.match(text, /^B = 8: training loss 0\.050, test loss 0\.090\. B = 64: training loss 0\.500, test loss 0\.600\./);
  assert.match(text, /the curve of B = 8 fits the held-out points best \(lowest test loss, this seed\)/);
  assert.doesNotMatch(text, /accuracy|plane/);
  const swapped = { ...state, runs: [run(8, 0.05, 0.9), run(64, 0.5, 0.6)] };
  assert.match(explainBoundaries(swapped), /the curve of B = 64 fits/);
});
