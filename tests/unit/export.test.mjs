// CSV and JSON of the runs (www/export.js), from a hand-made page state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runsCsv, runsJson, slug } from '../../www/export.js';

const run = (over) => ({
  batch: 8, lr: 0.1, state: 'finished', steps: 4, divergence: '', fingerprint: 'abc123', msPerStep: 0.25,
  stepAt: Float64Array.of(0, 4), epoch: Float64Array.of(0, 1),
  trainLoss: Float64Array.of(0.69, 0.5), testLoss: Float64Array.of(0.7, NaN),
  trainAcc: Float64Array.of(0.5, 0.75), testAcc: Float64Array.of(0.5, 0.8),
  ...over,
});

function pageState() {
  return {
    // slot 1 has a frame but is not shown (removed); slot 3 is shown but has no frame yet
    batches: [8, undefined, 32, 64],
    runs: [run(), run({ batch: 99 }), run({ batch: 32, lr: 0.4, state: 'diverged', divergence: 'diverged at step 3' }), null],
    gens: [2, 1, 5, 1],
    diag: [{ gen: 2, analysis: { lambda_max: 3 } }, null, { gen: 4, analysis: { lambda_max: 9 } }],
    settings: new Map([['dataset', 'moons'], ['lr', '0.1']]),
  };
}

test('the CSV has one row per history point of each shown run, in long format with CRLF', () => {
  const csv = runsCsv(pageState());
  const head = 'run,batch,lr,state,step,epoch,train_loss,test_loss,train_acc,test_acc';
  // Run 1 (slot 0) and run 3 (slot 2), two points each; the NaN test loss is an empty cell.
  const expected = [
    head,
    '1,8,0.1,finished,0,0,0.69,0.7,0.5,0.5',
    '1,8,0.1,finished,4,1,0.5,,0.75,0.8',
    '3,32,0.4,diverged,0,0,0.69,0.7,0.5,0.5',
    '3,32,0.4,diverged,4,1,0.5,,0.75,0.8',
  ];
  assert.equal(csv, `${expected.join('\r\n')}\r\n`);
});

test('the JSON has the settings and each shown run, with its analysis only if it is current', () => {
  const doc = JSON.parse(runsJson(pageState()));
  assert.deepEqual(doc.settings, { dataset: 'moons', lr: '0.1' });
  assert.equal(doc.runs.length, 2);
  const [a, b] = doc.runs;
  assert.deepEqual(a, {
    run: 1, batch_size: 8, lr: 0.1, state: 'finished', steps: 4, divergence: null, theta_fingerprint: 'abc123', ms_per_step: 0.25,
    history: { step: [0, 4], epoch: [0, 1], train_loss: [0.69, 0.5], test_loss: [0.7, null], train_acc: [0.5, 0.75], test_acc: [0.5, 0.8] },
    analysis: { lambda_max: 3 },
  });
  // Run 3's diagnosis is of generation 4, the run is generation 5: no analysis.
  assert.equal(b.run, 3);
  assert.equal(b.divergence, 'diverged at step 3');
  assert.equal(b.analysis, null);
});

test('the file name stem names the data set and the shown runs\' batch sizes', () => {
  assert.equal(slug(pageState()), 'batchscape-moons-b8-32-64');
  assert.equal(slug({ batches: [4], settings: new Map() }), 'batchscape-run-b4');
});
