// "Predict, then reveal" (`?quiz=1`): per scene of scenes.js, a question asked before its runs
// start, 2–4 answers, the answer the literature gives (`textbook`, with its source), and a pure
// `measure(state)` that decides from the page's measured numbers which answer is right. Pure
// data and pure functions of a page state (no DOM), tested in node (tests/unit/quiz.test.mjs);
// views/quiz.js shows them. The answer that counts is the measured one, not the textbook's.
import { showLr } from './format.js';
import { comparisonOf } from './lesson-text.js';

const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const last = (a) => (a && a.length ? a[a.length - 1] : NaN);
const pct = (x) => fmt(100 * x, 1);

/**
 * The batch sizes of the runs, ascending: those in effect once the settings are validated,
 * else the `batch` the page's pairs ask for (the question is shown before the settings arrive).
 */
export function quizBatches(state) {
  const shown = (state.batches ?? []).filter((b) => b !== undefined);
  const asked = String((state.pairs ?? []).find(([k]) => k === 'batch')?.[1] ?? '').split(',').map(Number).filter((b) => Number.isInteger(b) && b > 0);
  return [...(shown.length ? shown : asked)].sort((a, b) => a - b);
}

/**
 * Every run of the state, finished (or diverged) in its current generation, sorted by batch
 * size, with its analysis when it is the current one; null while a run trains or is missing,
 * or when there are fewer than `min` runs.
 */
export function finishedRuns(state, min = 2) {
  const slots = (state.batches ?? []).flatMap((b, slot) => (b === undefined ? [] : [slot]));
  if (slots.length < min) return null;
  const runs = [];
  for (const slot of slots) {
    const f = state.runs?.[slot];
    if (!f || f.gen !== state.gens?.[slot] || f.state === 'running') return null;
    const d = state.diag?.[slot];
    runs.push({ slot, f, a: d && d.gen === state.gens[slot] ? d.analysis : null });
  }
  return runs.sort((x, y) => x.f.batch - y.f.batch);
}

/** How a run ended: diverged at its step, or its final training loss after its steps. */
const ends = (f) => (f.state === 'diverged' ? `diverged at step ${f.step}` : `ended at training loss ${fmt(last(f.trainLoss))} after ${f.steps} steps`);

/** A three-way "which is larger" answer with a tolerance: 'small', 'large' or 'tie'. */
function larger(small, large, within) {
  if (Math.abs(small - large) <= within) return 'tie';
  return small > large ? 'small' : 'large';
}

/** The answers small / large / about the same, labelled with the runs' batch sizes (the extremes of three or more). */
const threeWay = (tie) => [
  { id: 'small', label: (bs) => `B = ${bs[0] ?? '?'} (the ${bs.length > 2 ? 'smallest' : 'smaller'} batch)` },
  { id: 'large', label: (bs) => `B = ${bs[bs.length - 1] ?? '?'} (the ${bs.length > 2 ? 'largest' : 'larger'} batch)` },
  { id: 'tie', label: () => tie },
];

/** The sharp-vs-flat question: which run ends with the larger λ_max (within 10 %: about the same). */
function sharperQuiz(intro) {
  return {
    question: (bs) => `${intro} Which ends in the sharper minimum, with the larger λ_max: B = ${bs[0] ?? '?'} or B = ${bs[bs.length - 1] ?? '?'}?`,
    answers: threeWay('About the same (λ_max within 10 %)'),
    textbook: 'large',
    source: 'Keskar et al. 2017: large batches end in sharper minima',
    measure(state) {
      const runs = finishedRuns(state);
      if (!runs) return null;
      const [s, l] = [runs[0], runs[runs.length - 1]];
      // A diverged run has no minimum: none of the answers applies.
      if (s.f.state === 'diverged' || l.f.state === 'diverged') return { answer: null, facts: `B = ${s.f.batch} ${ends(s.f)}, B = ${l.f.batch} ${ends(l.f)}` };
      if (!Number.isFinite(s.a?.lambda_max) || !Number.isFinite(l.a?.lambda_max)) return null;
      const [ls, ll] = [s.a.lambda_max, l.a.lambda_max];
      return {
        answer: Math.abs(ls - ll) <= 0.1 * Math.max(ls, ll) ? 'tie' : larger(ls, ll, 0),
        facts: `λ_max ${fmt(ls, 2)} for B = ${s.f.batch} against ${fmt(ll, 2)} for B = ${l.f.batch}; B = ${s.f.batch} ${ends(s.f)}, B = ${l.f.batch} ${ends(l.f)}`,
      };
    },
  };
}

/** The generalization question: which run has the higher test accuracy (within `points`: about the same). */
function accuracyQuiz(intro, points, textbook, source) {
  return {
    question: (bs) => `${intro} Which ends with the higher test accuracy: B = ${bs[0] ?? '?'} or B = ${bs[bs.length - 1] ?? '?'}?`,
    answers: threeWay(`About the same (within ${points} point${points === 1 ? '' : 's'})`),
    textbook,
    source,
    measure(state) {
      const runs = finishedRuns(state);
      if (!runs || runs.some((r) => !r.f.testAcc?.length)) return null;
      const [s, l] = [runs[0], runs[runs.length - 1]];
      if (s.f.state === 'diverged' || l.f.state === 'diverged') return { answer: null, facts: `B = ${s.f.batch} ${ends(s.f)}, B = ${l.f.batch} ${ends(l.f)}` };
      const [as, al] = [last(s.f.testAcc), last(l.f.testAcc)];
      return {
        answer: larger(100 * as, 100 * al, points),
        facts: `test accuracy ${pct(as)} % for B = ${s.f.batch} against ${pct(al)} % for B = ${l.f.batch}; B = ${s.f.batch} ${ends(s.f)}, B = ${l.f.batch} ${ends(l.f)}`,
      };
    },
  };
}

/**
 * The quizzes, by scene key of scenes.js (a scene without one shows no question). `minRuns`
 * (default 2): the runs the comparison needs. `measure` returns null while it waits, and
 * `{ answer: null, facts }` when none of the answers applies (a run diverged).
 */
export const QUIZZES = {
  noisy: {
    question: (bs) => `Both runs see the same examples for the same epochs, so B = ${bs[0] ?? '?'} takes ${bs.length > 1 ? bs[bs.length - 1] / bs[0] : '?'}× as many steps as B = ${bs[bs.length - 1] ?? '?'}. Which run ends with the lower training loss?`,
    answers: threeWay('About the same (within 10 %)'),
    textbook: 'small',
    source: 'the usual account: at equal epochs the small batch makes more updates and fits further',
    measure(state) {
      const runs = finishedRuns(state);
      if (!runs) return null;
      const [s, l] = [runs[0], runs[runs.length - 1]];
      const [ls, ll] = [last(s.f.trainLoss), last(l.f.trainLoss)];
      // The lower loss wins; within 10 % of the larger one the two are about the same.
      const answer = s.f.state === 'diverged' || l.f.state === 'diverged'
        ? (s.f.state === 'diverged' ? 'large' : 'small')
        : Math.abs(ls - ll) <= 0.1 * Math.max(ls, ll) ? 'tie' : (ls < ll ? 'small' : 'large');
      return { answer, facts: `B = ${s.f.batch} ${ends(s.f)}, B = ${l.f.batch} ${ends(l.f)}` };
    },
  },
  cost: {
    question: (bs) => `A step of B = ${bs[bs.length - 1] ?? '?'} averages ${bs.length > 1 ? bs[bs.length - 1] / bs[0] : '?'}× as many examples as a step of B = ${bs[0] ?? '?'}. In this browser, how much longer does one step of B = ${bs[bs.length - 1] ?? '?'} take?`,
    answers: [
      { id: 'prop', label: (bs) => `About ${bs.length > 1 ? bs[bs.length - 1] / bs[0] : '?'}× as long or longer (at least three quarters of that)` },
      { id: 'less', label: () => 'Longer, but well short of that: more examples per second' },
      { id: 'same', label: () => 'About as long (less than 1.5×)' },
    ],
    textbook: 'less',
    source: 'the usual account: a computer does the examples of a step in parallel, so time per step grows slower than B',
    measure(state) {
      const runs = finishedRuns(state);
      if (!runs) return null;
      const [s, l] = [runs[0], runs[runs.length - 1]];
      if (!Number.isFinite(s.f.msPerStep) || !Number.isFinite(l.f.msPerStep) || s.f.msPerStep <= 0) return null;
      const ratio = l.f.msPerStep / s.f.msPerStep;
      const k = l.f.batch / s.f.batch;
      return {
        answer: ratio >= 0.75 * k ? 'prop' : ratio >= 1.5 ? 'less' : 'same',
        facts: `a step of B = ${l.f.batch} took ${fmt(l.f.msPerStep, 3)} ms against ${fmt(s.f.msPerStep, 3)} ms for B = ${s.f.batch}: ${fmt(ratio, 1)}× the time for ${k}× the examples`,
      };
    },
  },
  scaling: {
    question: (bs) => `The linear rule scales the learning rate in proportion to the batch size, so B = ${bs[bs.length - 1] ?? '?'} steps with ${bs.length > 1 ? bs[bs.length - 1] / bs[0] : '?'}× the η of B = ${bs[0] ?? '?'}. After the same epochs, how does the largest batch do?`,
    answers: [
      { id: 'keeps', label: (bs) => `It keeps up: training loss at most 10 % above B = ${bs[0] ?? '?'}'s, or lower` },
      { id: 'behind', label: (bs) => `It falls behind: training loss more than 10 % above B = ${bs[0] ?? '?'}'s` },
      { id: 'diverged', label: () => 'It diverges' },
    ],
    textbook: 'keeps',
    source: 'Goyal et al. 2017: with the linear scaling rule a large batch matches the small one',
    measure(state) {
      const runs = finishedRuns(state);
      if (!runs) return null;
      const [s, l] = [runs[0], runs[runs.length - 1]];
      const facts = runs.map(({ f }) => `B = ${f.batch} (η = ${showLr(f.lr)}) ${ends(f)}`).join('; ');
      if (l.f.state === 'diverged') return { answer: 'diverged', facts };
      return { answer: last(l.f.trainLoss) <= 1.1 * last(s.f.trainLoss) ? 'keeps' : 'behind', facts };
    },
  },
  sharp_epochs: sharperQuiz('Both runs train for the same 200 epochs with the same η.'),
  sharp_loss: accuracyQuiz('Both runs are now trained until their training loss is 0.5, however many steps that takes.', 1, 'tie',
    'Hoffer et al. 2017: given the updates it needs, the large batch closes the generalization gap'),
  sharp_noise: accuracyQuiz('Clean two moons, both runs trained to training loss 0.15 with the same η.', 0.5, 'small',
    'Keskar et al. 2017: small-batch noise finds minima that generalize better'),
  sharp_rescale: sharperQuiz('ReLU units instead of tanh, both runs trained to training loss 0.5.'),
  digits: accuracyQuiz('Real handwritten digits, the same 20 epochs and the same η for every batch size.', 1, 'small',
    'Keskar et al. 2017: large batches generalize worse'),
  parallel: {
    question: (bs) => `B = ${bs[bs.length - 1] ?? '?'} (${bs.length > 1 ? bs[bs.length - 1] / bs[0] : '?'} devices × ${bs[0] ?? '?'}) steps with ${bs.length > 1 ? bs[bs.length - 1] / bs[0] : '?'}× the η of B = ${bs[0] ?? '?'} (linear rule); both train to the same training loss. How many fewer steps does the large batch need?`,
    answers: [
      { id: 'linear', label: (bs) => `About ${bs.length > 1 ? bs[bs.length - 1] / bs[0] : '?'}× fewer (at least three quarters of that)` },
      { id: 'some', label: () => 'Fewer, but well short of that' },
      { id: 'none', label: () => 'Not fewer' },
      { id: 'diverged', label: () => 'It diverges' },
    ],
    textbook: 'linear',
    source: 'Goyal et al. 2017 and McCandlish et al. 2018: below the critical batch size, k× the batch takes about k× fewer steps',
    measure(state) {
      const runs = finishedRuns(state);
      if (!runs) return null;
      const [s, l] = [runs[0], runs[runs.length - 1]];
      const facts = `B = ${s.f.batch} (η = ${showLr(s.f.lr)}) ${ends(s.f)}; B = ${l.f.batch} (η = ${showLr(l.f.lr)}) ${ends(l.f)}`;
      if (l.f.state === 'diverged') return { answer: 'diverged', facts };
      const fewer = s.f.steps / Math.max(1, l.f.steps);
      const k = l.f.batch / s.f.batch;
      return { answer: fewer >= 0.75 * k ? 'linear' : fewer > 1 ? 'some' : 'none', facts: `${facts}: ${fmt(fewer, 1)}× fewer steps for ${k}× the batch` };
    },
  },
  eos: {
    minRuns: 1,
    question: () => 'Full-batch gradient descent is stable only while the sharpness λ_max stays below 2/η. Where is λ_max in the second half of training?',
    answers: [
      { id: 'below', label: () => 'Well below 2/η (under 80 % of it)' },
      { id: 'edge', label: () => 'At the edge: within 20 % of 2/η' },
      { id: 'above', label: () => 'Clearly above 2/η' },
    ],
    textbook: 'edge',
    source: 'Cohen et al. 2021: training sharpens until λ_max reaches 2/η and hovers there',
    measure(state) {
      const runs = finishedRuns(state, 1);
      const r = runs?.[runs.length - 1];
      const lams = (r?.a?.history?.lambda_max ?? []).filter(Number.isFinite);
      if (!r || !lams.length) return null;
      const limit = 2 / r.f.lr;
      const peak = Math.max(...lams.slice(Math.floor(lams.length / 2)));
      return {
        answer: peak < 0.8 * limit ? 'below' : peak <= 1.2 * limit ? 'edge' : 'above',
        facts: `B = ${r.f.batch}, η = ${showLr(r.f.lr)}: λ_max went from ${fmt(lams[0], 2)} to ${fmt(last(lams), 2)}, its late-training maximum ${fmt(peak, 2)} against 2/η = ${fmt(limit, 2)}`,
      };
    },
  },
};

/** The quiz of scene `key`, or null. */
export const quizFor = (key) => (key && Object.hasOwn(QUIZZES, key) ? QUIZZES[key] : null);

/** Whether the state has too few runs for the quiz's comparison (the learner removed one). */
export const tooFewRuns = (quiz, state) => quizBatches(state).length < (quiz.minRuns ?? 2);

/** The label of answer `id` of `quiz` for batch sizes `bs` ('?' when it is not one of its answers). */
export function answerLabel(quiz, id, bs) {
  const a = quiz.answers.find((x) => x.id === id);
  return a ? a.label(bs) : '?';
}

/**
 * The reveal: the learner's answer beside the measured one, the numbers and their comparison
 * (lesson-text.js comparisonOf), and whether the measurement agrees with the textbook answer.
 * Null while the runs (or their analyses) are not finished.
 */
export function revealText(quiz, chosen, state) {
  const m = quiz.measure(state);
  if (!m) return null;
  const bs = quizBatches(state);
  const said = (id) => `“${answerLabel(quiz, id, bs)}”`;
  if (m.answer === null) {
    return `You answered ${said(chosen)}. Measured at ${comparisonOf(state)}: ${m.facts}. None of the answers applies: a diverged run has no end point to compare.`;
  }
  const mine = chosen === m.answer
    ? `You answered ${said(chosen)}: the measurement agrees.`
    : `You answered ${said(chosen)}; the measured answer is ${said(m.answer)}.`;
  const book = m.answer === quiz.textbook
    ? `The textbook answer is the same (${quiz.source}).`
    : `This contradicts the textbook answer, ${said(quiz.textbook)} (${quiz.source}): here the right answer is what was measured.`;
  return `${mine} Measured at ${comparisonOf(state)}: ${m.facts}. ${book}`;
}
