// "Predict, then reveal" (www/quizzes.js): the questions as data, the measured answer decided
// from a page state, the reveal's sentence, and the `quiz` page key (www/url.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  QUIZZES, answerLabel, finishedRuns, quizBatches, quizFor, revealText, tooFewRuns,
} from '../../www/quizzes.js';
import { SCENES } from '../../www/scenes.js';
import { PAGE_KEYS, pageKeyRejections, pageValue } from '../../www/url.js';

/** A run's newest frame (generation 1), finished unless `state` says otherwise. */
const frame = (slot, batch, { state = 'finished', loss = [1, 0.5], acc = [0.5, 0.9], steps = 100, step = steps, lr = 0.1, gen = 1 } = {}) => ({
  slot, gen, batch, state, trainLoss: loss, testAcc: acc, steps, step, lr,
});
/** A page state with these frames in slots 0, 1, …; `lambdas`: λ_max per slot (an analysis of generation 1). */
function stateOf(frames, { budget = 'epochs', lambdas = null, detail = null, history = null } = {}) {
  return {
    batches: frames.map((f) => f.batch),
    runs: frames,
    gens: frames.map(() => 1),
    diag: lambdas ? lambdas.map((l, slot) => ({ slot, gen: 1, analysis: { lambda_max: l, history: history ? { lambda_max: history[slot] } : undefined } })) : [],
    settings: new Map([['budget', budget]]),
    facts: detail ? { comparison: { budget, detail } } : null,
    pairs: [],
  };
}

test('the chapters\' scenes have a question (noisy, scaling, the sharp-vs-flat steps), each with 2–4 answers and a textbook answer among them', () => {
  for (const key of ['noisy', 'cost', 'scaling', 'sharp_epochs', 'sharp_loss', 'sharp_noise', 'sharp_rescale']) assert.ok(quizFor(key), key);
  for (const [key, q] of Object.entries(QUIZZES)) {
    assert.ok(Object.hasOwn(SCENES, key), `${key} is a scene of scenes.js`);
    assert.ok(q.answers.length >= 2 && q.answers.length <= 4, `${key}: 2–4 answers`);
    const ids = q.answers.map((a) => a.id);
    assert.equal(new Set(ids).size, ids.length, `${key}: answer ids are unique`);
    assert.ok(ids.includes(q.textbook), `${key}: the textbook answer is one of its answers`);
    assert.ok(q.source.length > 10, `${key}: the textbook answer names its source`);
    // The question and labels use the scene's own batch sizes.
    const bs = String(SCENES[key].pairs.batch).split(',').map(Number);
    assert.match(q.question(bs), /\?$/, `${key}: the question is a question`);
    for (const a of q.answers) assert.doesNotMatch(a.label(bs), /\?|undefined|NaN/, `${key}/${a.id}: a label of known numbers`);
  }
  assert.equal(quizFor('critical'), null, 'a scene without a question');
  assert.equal(quizFor('__proto__'), null);
  assert.equal(quizFor(null), null);
});

test('quizBatches: the batch sizes in effect, else those the URL asks for, ascending', () => {
  assert.deepEqual(quizBatches({ batches: [256, undefined, 8], pairs: [['batch', '1,2']] }), [8, 256]);
  assert.deepEqual(quizBatches({ batches: [], pairs: [['lr', '0.1'], ['batch', '256,1']] }), [1, 256]);
  assert.deepEqual(quizBatches({ batches: [], pairs: [['batch', 'x,-3,4']] }), [4]);
  assert.deepEqual(quizBatches({}), []);
});

test('finishedRuns: null while a run trains, is missing or is of an older generation; else sorted by batch size', () => {
  assert.equal(finishedRuns(stateOf([frame(0, 8), frame(1, 256, { state: 'running' })])), null);
  const stale = stateOf([frame(0, 8), frame(1, 256, { gen: 0 })]);
  assert.equal(finishedRuns(stale), null, 'a frame of the previous generation');
  const missing = stateOf([frame(0, 8), frame(1, 256)]);
  missing.runs[1] = null;
  assert.equal(finishedRuns(missing), null);
  const done = finishedRuns(stateOf([frame(0, 256), frame(1, 8, { state: 'diverged' })]));
  assert.deepEqual(done.map((r) => r.f.batch), [8, 256]);
  assert.equal(finishedRuns(stateOf([frame(0, 256)])), null, 'one run is not a comparison');
  assert.equal(finishedRuns(stateOf([frame(0, 256)]), 1).length, 1);
});

test('noisy: the lower final training loss is the answer; within 10 % the two are about the same', () => {
  const q = QUIZZES.noisy;
  assert.equal(q.measure(stateOf([frame(0, 1, { loss: [1, 0.06] }), frame(1, 256, { loss: [1, 0.42] })])).answer, 'small');
  assert.equal(q.measure(stateOf([frame(0, 1, { loss: [1, 0.42] }), frame(1, 256, { loss: [1, 0.06] })])).answer, 'large');
  // |0.40 − 0.42| = 0.02 ≤ 10 % of 0.42.
  assert.equal(q.measure(stateOf([frame(0, 1, { loss: [1, 0.40] }), frame(1, 256, { loss: [1, 0.42] })])).answer, 'tie');
  assert.equal(q.measure(stateOf([frame(0, 1, { state: 'diverged', loss: [1, NaN] }), frame(1, 256, { loss: [1, 0.4] })])).answer, 'large');
  assert.equal(q.measure(stateOf([frame(0, 1), frame(1, 256, { state: 'running' })])), null);
});

test('scaling: a diverged largest batch, one that keeps up (≤ 1.1× the smallest\'s loss), one that falls behind', () => {
  const q = QUIZZES.scaling;
  const runs = (big) => [frame(0, 16, { loss: [1, 0.25] }), frame(1, 64, { loss: [1, 0.25] }), frame(2, 256, big)];
  const diverged = q.measure(stateOf(runs({ state: 'diverged', loss: [1, Infinity], step: 7, steps: 30, lr: 6.4 })));
  assert.equal(diverged.answer, 'diverged');
  assert.match(diverged.facts, /B = 256 \(η = 6\.4\) diverged at step 7$/, 'a diverged run: the step it diverged at, not its budget');
  assert.equal(q.measure(stateOf(runs({ loss: [1, 0.27] }))).answer, 'keeps');
  assert.equal(q.measure(stateOf(runs({ loss: [1, 0.5] }))).answer, 'behind');
  assert.match(q.measure(stateOf(runs({ loss: [1, 0.5] }))).facts, /B = 16 \(η = 0\.1\) ended at training loss 0\.250 after 100 steps; .* B = 256 .* 0\.500/);
});

test('sharp-vs-flat: the larger λ_max decides once both analyses are in; within 10 % about the same', () => {
  const q = QUIZZES.sharp_epochs;
  const runs = [frame(0, 8), frame(1, 256)];
  assert.equal(q.measure(stateOf(runs)), null, 'no analysis yet');
  assert.equal(q.measure(stateOf(runs, { lambdas: [3, 9] })).answer, 'large');
  assert.equal(q.measure(stateOf(runs, { lambdas: [9, 3] })).answer, 'small');
  assert.equal(q.measure(stateOf(runs, { lambdas: [9, 9.5] })).answer, 'tie');
  const stale = stateOf(runs, { lambdas: [3, 9] });
  stale.diag[1].gen = 0;
  assert.equal(q.measure(stale), null, 'an analysis of the previous run is not read');
  assert.match(q.measure(stateOf(runs, { lambdas: [3, 9] })).facts, /^λ_max 3\.00 for B = 8 against 9\.00 for B = 256/);
});

test('a diverged run has no minimum: none of the answers applies, and the reveal says so', () => {
  const state = stateOf([frame(0, 8), frame(1, 256, { state: 'diverged', step: 12, loss: [1, NaN] })], { lambdas: [3, NaN] });
  for (const key of ['sharp_epochs', 'sharp_loss']) {
    const m = QUIZZES[key].measure(state);
    assert.equal(m.answer, null, key);
    assert.match(m.facts, /B = 256 diverged at step 12$/);
  }
  assert.match(revealText(QUIZZES.sharp_epochs, 'large', state), /^You answered “B = 256 \(the larger batch\)”\. Measured at equal epochs: .* None of the answers applies: a diverged run has no end point to compare\.$/);
});

test('too few runs for the comparison: two for most questions, one for the edge of stability', () => {
  const one = stateOf([frame(0, 256)]);
  assert.equal(tooFewRuns(QUIZZES.noisy, one), true);
  assert.equal(tooFewRuns(QUIZZES.eos, one), false);
  assert.equal(tooFewRuns(QUIZZES.noisy, stateOf([frame(0, 1), frame(1, 256)])), false);
});

test('test accuracy questions: the higher accuracy, with a tolerance in points', () => {
  const q = QUIZZES.sharp_loss; // within 1 point
  const acc = (a, b) => stateOf([frame(0, 8, { acc: [0.5, a] }), frame(1, 256, { acc: [0.5, b] })], { budget: 'loss' });
  assert.equal(q.measure(acc(0.90, 0.895)).answer, 'tie');
  assert.equal(q.measure(acc(0.90, 0.88)).answer, 'small');
  assert.equal(q.measure(acc(0.88, 0.90)).answer, 'large');
  assert.equal(QUIZZES.sharp_noise.measure(acc(0.90, 0.893)).answer, 'small', 'sharp_noise: 0.7 points > 0.5');
});

test('cost: the time per step of the largest batch against the smallest, for k× the examples', () => {
  const q = QUIZZES.cost;
  const st = (ms) => stateOf([{ ...frame(0, 8), msPerStep: 0.1 }, { ...frame(1, 64), msPerStep: 0.3 }, { ...frame(2, 256), msPerStep: ms }]);
  assert.equal(q.measure(st(3.2)).answer, 'prop', '32× the time for 32× the examples');
  assert.equal(q.measure(st(2.5)).answer, 'prop', '25× is more than three quarters of 32×');
  assert.equal(q.measure(st(2.3)).answer, 'less', '23× is less');
  assert.equal(q.measure(st(1)).answer, 'less', '10×');
  assert.equal(q.measure(st(0.14)).answer, 'same', '1.4×');
  assert.equal(q.measure(st(NaN)), null, 'no time measured yet');
  assert.equal(q.measure(st(1)).facts, 'a step of B = 256 took 1.000 ms against 0.100 ms for B = 8: 10.0× the time for 32× the examples');
});

test('parallel: k× the batch in about k× fewer steps, fewer, not fewer, or diverged', () => {
  const q = QUIZZES.parallel;
  const st = (steps, big = {}) => stateOf([frame(0, 32, { steps: 800 }), frame(1, 256, { steps, ...big })], { budget: 'loss' });
  assert.equal(q.measure(st(100)).answer, 'linear', '8× fewer');
  assert.equal(q.measure(st(133)).answer, 'linear', '6× fewer is three quarters of 8×');
  assert.equal(q.measure(st(400)).answer, 'some', '2× fewer');
  assert.equal(q.measure(st(800)).answer, 'none');
  assert.equal(q.measure(st(50, { state: 'diverged' })).answer, 'diverged');
  assert.match(q.measure(st(400)).facts, /2\.0× fewer steps for 8× the batch$/);
});

test('eos: the late-training maximum of λ_max against 2/η', () => {
  const q = QUIZZES.eos;
  const st = (lams) => stateOf([frame(0, 256, { lr: 0.5 })], { budget: 'steps', lambdas: [0], history: [lams] });
  // 2/η = 4: late maximum 4.1 is within 20 %, 2 is under 80 %, 6 is above.
  assert.equal(q.measure(st([1, 2, 3, 4.1, 3.9])).answer, 'edge');
  assert.equal(q.measure(st([1, 1.5, 2, 2])).answer, 'below');
  assert.equal(q.measure(st([1, 2, 6, 6])).answer, 'above');
  assert.equal(q.measure(st([])), null);
});

test('the reveal names the answer given, the measured answer, the comparison, the numbers and the textbook', () => {
  const q = QUIZZES.noisy;
  const bs = [1, 256];
  const state = stateOf([frame(0, 1, { loss: [1, 0.42], steps: 5120 }), frame(1, 256, { loss: [1, 0.06], steps: 20 })], { detail: 'equal epochs (20 epochs each)' });
  // The large batch measured lower: it contradicts the textbook's "small".
  const text = revealText(q, 'small', state);
  assert.ok(text.startsWith(`You answered “${answerLabel(q, 'small', bs)}”; the measured answer is “${answerLabel(q, 'large', bs)}”.`), text);
  assert.match(text, /Measured at equal epochs \(20 epochs each\): B = 1 ended at training loss 0\.420 after 5120 steps, B = 256 ended at training loss 0\.060 after 20 steps\./);
  assert.match(text, /This contradicts the textbook answer, “B = 1 \(the smaller batch\)” \(.*\): here the right answer is what was measured\.$/);
  const agree = revealText(q, 'large', state);
  assert.match(agree, /^You answered “B = 256 \(the larger batch\)”: the measurement agrees\./);
  // Without the core's facts the comparison's name alone; the textbook agrees when it is measured.
  const book = revealText(q, 'large', stateOf([frame(0, 1, { loss: [1, 0.06] }), frame(1, 256, { loss: [1, 0.42] })], { budget: 'steps' }));
  assert.match(book, /Measured at equal steps: /);
  assert.match(book, /The textbook answer is the same \(/);
  assert.equal(revealText(q, 'small', stateOf([frame(0, 1), frame(1, 256, { state: 'running' })])), null, 'nothing before the runs finish');
  assert.equal(answerLabel(q, 'bogus', bs), '?');
});

test('the quiz page key: 0 or 1 (default 0); any other value gets a message and is ignored', () => {
  assert.deepEqual(PAGE_KEYS.quiz.values, ['0', '1']);
  assert.equal(pageValue('?quiz=1', 'quiz'), '1');
  assert.equal(pageValue('?quiz=7', 'quiz'), '0');
  assert.equal(pageValue('', 'quiz'), '0');
  assert.deepEqual(pageKeyRejections('quiz=1', []), []);
  assert.deepEqual(pageKeyRejections('quiz=0', []), []);
  const m = pageKeyRejections('quiz=7&quiz=%3Cb%3E', []);
  assert.deepEqual(m, [
    '`quiz` = "7" is not allowed: expected one of 0, 1 — ignored.',
    '`quiz` = "<b>" is not allowed: expected one of 0, 1 — ignored.',
  ]);
});
