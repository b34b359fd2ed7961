// The note when no run learned (www/advice.js), from given numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STALL_FRACTION, SUGGESTIONS, stallNote } from '../../www/advice.js';

const f64 = (...x) => Float64Array.from(x);
const stateOf = (frames, settings = {}) => ({
  batches: frames.map((f) => f.batch), runs: frames, settings: new Map(Object.entries(settings)),
});
const run = (batch, ...loss) => ({ batch, state: 'finished', trainLoss: f64(...loss) });

test('every run stayed near its start: a note with each run\'s numbers and the spiral\'s suggestion', () => {
  // 0.638 / 0.721 = 0.885 > 0.85; 0.648 / 0.721 = 0.899.
  const s = stateOf([run(16, 0.721, 0.7, 0.638), run(256, 0.721, 0.648)], { dataset: 'spiral', hidden: '16,16', optimizer: 'sgd', lr: '0.2', epochs: '60' });
  const note = stallNote(s);
  assert.equal(note.text, 'Run 1 (B = 16) ended at training loss 0.638, 12 % below its start (0.721); Run 2 (B = 256) ended at training loss 0.648, 10 % below its start (0.721): the network has not learned this data set in this budget. Try a wider network (hidden layers 32, 32), Adam at η = 0.01 and 200 epochs.');
  assert.deepEqual(note.pairs, Object.entries(SUGGESTIONS.spiral.pairs));
});

test('no note when one run learned, while runs train, or when the loss fell enough', () => {
  assert.equal(stallNote(stateOf([run(1, 0.7, 0.06), run(256, 0.7, 0.68)], { dataset: 'moons' })), null, 'the full batch lagging beside B = 1 is the lesson, not a stall');
  assert.equal(stallNote(stateOf([run(16, 0.7, 0.69), { batch: 256, state: 'running', trainLoss: f64(0.7, 0.69) }])), null);
  assert.equal(stallNote(stateOf([run(16, 1, STALL_FRACTION - 0.01)])), null);
  assert.notEqual(stallNote(stateOf([run(16, 1, STALL_FRACTION + 0.01)])), null);
  assert.equal(stallNote(stateOf([{ batch: 16, state: 'diverged', trainLoss: f64(0.7) }])), null);
  assert.equal(stallNote(stateOf([])), null);
});

test('the suggestion leaves out what is already in effect, and says so when nothing is left', () => {
  const s = stateOf([run(16, 0.7, 0.69)], { dataset: 'xor', hidden: '32,32', optimizer: 'adam', lr: '0.01', epochs: '60' });
  assert.deepEqual(stallNote(s).pairs, [['epochs', '200']]);
  const done = stateOf([run(16, 0.7, 0.69)], { dataset: 'spiral', ...SUGGESTIONS.spiral.pairs });
  const note = stallNote(done);
  assert.deepEqual(note.pairs, []);
  assert.match(note.text, /Try more epochs or another learning rate in the scenario settings\.$/);
});
