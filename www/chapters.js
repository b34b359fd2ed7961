// The guided path: the lessons as chapters, in order. Each chapter is a question, a short
// text, the views that matter for it, a "try this" prompt, and its states: scene keys of
// scenes.js (the measured verdict is the scene's). Pure data and pure functions of query
// strings and states (no DOM), tested in node; views/chapter.js shows them.
//
// A chapter's `states` list is data: a key missing from the scenes is skipped, and when none
// of `states` exists, `fallback` is used (chapter 4 names the three sharp-minimum scenes of
// the lesson work, with the older `sharp` scene as its fallback).
//
// Text segments: a string, or `{ term, text }` for a glossary term (glossary.js), so the
// chapter text is built with DOM nodes, never markup.

const N = (state) => state.nTrain ?? 256;
const batches = (state) => (state.batches ?? []).filter((b) => b !== undefined).sort((a, b) => a - b);
const examples = (b) => `${b} example${b === 1 ? '' : 's'}`;

export const CHAPTERS = [
  {
    slug: 'batch',
    title: 'What a batch is',
    short: 'What a batch is',
    question(state) {
      const bs = batches(state);
      const [small, large] = [bs[0] ?? 1, bs[bs.length - 1] ?? N(state)];
      return `What changes when each update sees ${examples(small)} instead of ${large === N(state) ? `all ${large}` : large}?`;
    },
    text: [
      'A step of gradient descent needs a gradient; a batch is the set of examples it is averaged over. A small batch gives many cheap, noisy steps per ',
      { term: 'epoch_step', text: 'epoch' },
      '; the full batch one exact, smooth step. Both runs below start at the same point and see the same data.',
    ],
    tryThis: 'Drag Run 1\'s batch size up from 1 and watch its path on the landscape straighten and its curve smooth out.',
    views: ['landscape', 'curves'],
    states: ['noisy'],
  },
  {
    slug: 'cost',
    title: 'What it costs',
    short: 'What it costs',
    question: () => 'What does a larger batch cost per step, per example, and in memory?',
    text: [
      'A step of B examples costs about B times the arithmetic, but a computer does it in parallel: time per step grows slower than B, so examples per second rise. Memory per step grows with B (the activations kept for the backward pass). Compare the runs at equal ',
      { term: 'epoch_step', text: 'epochs' },
      '.',
    ],
    tryThis: 'Add a run at B = 32, or switch the curves\' x axis to "measured time": who reaches a low loss first on the clock?',
    views: ['cost', 'curves'],
    states: ['cost'],
  },
  {
    slug: 'scaling',
    title: 'The learning rate must follow',
    short: 'Learning rate',
    question: () => 'When the batch grows, how must the learning rate change?',
    text: [
      'At equal epochs a batch 16× larger takes 16× fewer steps. The linear scaling rule makes each step 16× longer (η = η₀·B/B₀), so the large batch can keep up, until η outgrows the curvature: gradient descent is stable only while the sharpness stays below 2/η (the ',
      { term: 'eos', text: 'edge of stability' },
      ').',
    ],
    tryThis: 'In the scenario settings switch the learning-rate rule to "fixed": the large batch crawls. Then push η up until one run diverges.',
    views: ['curves', 'landscape'],
    states: ['scaling'],
  },
  {
    slug: 'sharpness',
    title: 'Sharp and flat minima, and the fair comparison',
    short: 'Sharp and flat',
    question: () => 'Do large batches end in sharper minima, and does that hurt on new data?',
    text: [
      'A minimum is sharp when the loss rises fast around it: a large ',
      { term: 'lambda_max', text: 'λ_max' },
      ' or ',
      { term: 'eps_sharpness', text: 'ε-sharpness' },
      '. Whether a large batch ends sharper depends on what the runs share: the same epochs, the same steps or the same training loss. The slices go along a ',
      { term: 'filter_normalized', text: 'filter-normalized direction' },
      '.',
    ],
    tryThis: 'Switch between the states of this chapter: does the large batch stay the sharper one when the comparison is fair?',
    // While the chapter has one state (the older `sharp` scene), the prompt asks for the rule switch instead.
    tryThisOne: 'In the scenario settings switch the learning-rate rule to "linear": with η scaled up for the large batch, is its minimum still the sharper one?',
    views: ['sharpness', 'curves'],
    states: ['sharp_epochs', 'sharp_loss', 'sharp_noise', 'sharp_rescale'],
    fallback: ['sharp'],
  },
  {
    slug: 'critical',
    title: 'The critical batch size and data parallelism',
    short: 'Critical batch',
    question: () => 'Up to what batch size does adding examples per step still save steps?',
    text: [
      'Below the gradient noise scale (',
      { term: 'b_simple', text: 'B_simple' },
      ') McCandlish et al. (2018) predict that doubling the batch nearly halves the steps needed, if the learning rate is tuned for each batch size; that is what lets many machines train one model in parallel. Far above it, the extra examples are mostly wasted. The runs here share one learning-rate rule, so read their steps as measured, not as the law.',
    ],
    tryThis: 'Compare each run\'s batch size with B_simple in the dynamics view and read the steps and examples to the target in the cost table. Then open the full lab and run the B × η sweep: it finds the best η for every batch size and measures the critical batch size itself.',
    views: ['dynamics', 'cost'],
    states: ['critical', 'parallel'],
  },
];

/** Chapter k's "try this" prompt: `tryThisOne` when it has fewer than two states (if it has one). */
export function tryThisOf(k, scenes) {
  const c = CHAPTERS[k];
  return chapterStates(k, scenes).length < 2 && c.tryThisOne ? c.tryThisOne : c.tryThis;
}

/** The chapter index (0-based) a `chapter` URL value names: a number 1…n or a slug; else -1. */
export function chapterIndex(value) {
  if (value === null || value === undefined) return -1;
  const v = String(value).trim().toLowerCase();
  if (/^[1-9][0-9]?$/.test(v)) {
    const k = Number(v) - 1;
    return k < CHAPTERS.length ? k : -1;
  }
  return CHAPTERS.findIndex((c) => c.slug === v);
}

/** The scene keys of chapter `k` that exist in `scenes` (its fallback when none does). */
export function chapterStates(k, scenes) {
  const c = CHAPTERS[k];
  if (!c) return [];
  const have = c.states.filter((key) => Object.hasOwn(scenes, key));
  return have.length ? have : (c.fallback ?? []).filter((key) => Object.hasOwn(scenes, key));
}

/**
 * The chapter a page `search` shows: `{ index, mode }`, where mode is 'link' (a valid
 * `chapter`), 'start' (an empty query: the first chapter) or 'lab' (anything else: the full lab).
 */
export function chapterOf(search) {
  const params = new URLSearchParams(search);
  if (params.has('chapter')) {
    const index = chapterIndex(params.get('chapter'));
    return index >= 0 ? { index, mode: 'link' } : { index: -1, mode: 'lab' };
  }
  return [...params.keys()].length === 0 ? { index: 0, mode: 'start' } : { index: -1, mode: 'lab' };
}

/**
 * The state a chapter link restores: the URL's scene if it is one of the chapter's states and
 * the URL carries settings (a shared state), else the chapter's first state (null: none exists).
 * `{ scene, fromUrl }`: fromUrl true when the URL's own settings are kept.
 */
export function chapterScene(search, k, scenes) {
  const states = chapterStates(k, scenes);
  const params = new URLSearchParams(search);
  const scene = params.get('scene');
  const hasSettings = [...params.keys()].some((key) => !['chapter', 'scene', 'embed', 'plane', 'x', 'quiz'].includes(key));
  if (states.includes(scene) && hasSettings) return { scene, fromUrl: true };
  return { scene: states[0] ?? null, fromUrl: false };
}

/** A chapter's query: the scene's settings, the scene, the chapter number, the plane if set. */
export function chapterQuery(k, sceneQueryString) {
  const params = new URLSearchParams(sceneQueryString);
  params.set('chapter', String(k + 1));
  return params.toString();
}

/** The full lab's query: `search` without the chapter. */
export function labQuery(search) {
  const params = new URLSearchParams(search);
  params.delete('chapter');
  return params.toString();
}
