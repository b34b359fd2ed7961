// The store: the page's only mutable state, and who to tell when part of it changes.
//
//   const store = createStore(initialState());
//   store.get()                      the state object (read it; never write it outside update)
//   store.update(keys, (s) => {…})   change the state in `fn`, then tell the subscribers of `keys`
//   store.set({ key: value, … })     shorthand: assign top-level fields and notify their keys
//   store.subscribe(keys, fn)        fn(changedKeys) after every update naming one of `keys`;
//                                    returns the unsubscribe function
//
// Keys name what changed, so each view redraws only for what it shows (see main.js, where the
// views subscribe). Subscribers run synchronously, in subscription order. An update naming no
// key changes state that no view shows yet: a restarted run keeps its old picture until its
// first frame arrives (then 'runs' is notified).
//
// Keys: 'pairs' (the URL's settings), 'settings' (validated settings in effect), 'batches'
// (the set of runs shown: a run was removed), 'controls' (a run's batch size or the set of
// run slots changed in the controls), 'runs' (a run's newest frame), 'atlas', 'diag',
// 'interp', 'cost', 'seeds', 'rescale', 'xAxis', 'plane', 'scene', 'chapter', 'hover', 'plotFrames', 'embed', 'quiz'.

export const MAX_RUNS = 4;

/** The state a page starts with. */
export function initialState() {
  return {
    pairs: [],            // settings from the URL, as [key, value]
    overrides: new Map(), // settings changed in the page (batch, lr), sent instead of the URL's
    settings: new Map(),  // the validated settings in effect (from the run worker)
    nTrain: 256,
    grid: 51,
    lr: 0.2,
    batches: [],          // batch size per run slot (undefined: slot unused)
    palette: null,        // the run palette (CSS colours by slot, then the reference colour), the core's
    facts: null,          // the core's facts of the scenario (batch stops, loss label, ranges…)
    work: null,           // the settings' work estimate (core work.rs `Work`: multiply-adds, memory)
    scene: null,          // name of the scene shown, if any
    chapter: null,        // index of the guided chapter shown (chapters.js), null: the full lab
    quiz: null,           // `?quiz=1`: { scene, pending, answer } of the scene's question (quizzes.js); pending: runs wait
    runs: [],             // newest frame per slot
    gens: [0, 0, 0, 0],   // generation per slot: frames of an older generation are dropped
    failed: [],           // per slot: { gen, reason } when its run worker failed (null: none)
    atlas: null,          // newest shared landscape
    atlasFor: '',         // the runs (slot:generation) the atlas was computed for
    plotFrames: {},       // canvas id → plot frame of its last drawing (pixels ↔ data)
    hover: null,          // { source, records: { slot: record index } } while a chart is hovered
    embed: null,          // panels shown in embed mode
    diag: [],             // per slot: { gen, analysis, slice } from the analysis worker
    interp: null,         // { a, b, gens, profile }: interpolation between two runs' ends
    cost: null,           // the core's cost table { target, rows } (analysis worker)
    seeds: null,          // the scene's claims over seeds { gen, key, done, total, seeds, cells, verdicts } (seeds worker)
    rescale: null,        // { slot, gen, alpha, comparison, error }: Dinh et al.'s rescale (analysis worker)
    xAxis: 'epoch',
    xAxisChosen: false,   // the x axis was chosen by the user or the URL (not by the budget)
    plane: 'endpoints',
    pendingInput: null,   // { slot, gen, at, frameAt }: a slider moved at `at`, restarting run `slot`
    pendingScenario: false, // settings sent, not yet validated by the run worker
    scenarioId: 0,        // id of the newest scenario sent to the run workers
    inputs: null,         // the data set's training points and labels (decision maps)
    labels: null,
    shownImages: null,    // the test images the digit grid shows (data without an input plane)
    shownLabels: null,
    pca: null,            // the test images on their first two principal components (core `input_pca::Projection`)
  };
}

/** A store around `state`: the only place the page's state changes. */
export function createStore(state) {
  const subscribers = [];
  const notify = (keys) => {
    if (!keys.length) return;
    for (const s of [...subscribers]) if (keys.some((k) => s.keys.has(k))) s.fn(keys);
  };
  const asList = (keys) => (typeof keys === 'string' ? [keys] : [...keys]);
  return {
    get: () => state,
    update(keys, fn) {
      const result = fn(state);
      notify(asList(keys));
      return result;
    },
    set(patch) {
      Object.assign(state, patch);
      notify(Object.keys(patch));
    },
    subscribe(keys, fn) {
      const s = { keys: new Set(asList(keys)), fn };
      subscribers.push(s);
      return () => { const i = subscribers.indexOf(s); if (i >= 0) subscribers.splice(i, 1); };
    },
  };
}

// ---------------------------------------------------------------- reading the state
// Small pure functions of a state, shared by the views (no view keeps its own copy).

/** Slots of the runs shown, in order. */
export const activeSlots = (s) => s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));

/** The current runs as `slot:generation` pairs, to compare with `atlasFor`. */
export const runsKey = (s) => activeSlots(s).map((k) => `${k}:${s.gens[k]}`).join(',');

/**
 * The page's analyses are complete for the runs shown (issue 14's "complete picture", less the
 * drawing): settings validated, every run stopped (or failed), the fine landscape computed for
 * these very runs, every finished run diagnosed. Background work (the seeds study, the
 * data-parallel check) waits for it, so on a two-core machine it never competes with the picture.
 */
export function analysesDone(s) {
  if (s.pendingScenario || !s.facts) return false;
  const slots = activeSlots(s);
  const over = (k) => failedOf(s, k) || (s.runs[k] && s.runs[k].state !== 'running' && s.runs[k].gen === s.gens[k]);
  if (!slots.every(over)) return false;
  if (!s.atlas?.fine || s.atlasFor !== runsKey(s)) return false;
  return slots.every((k) => failedOf(s, k) || s.runs[k].state !== 'finished' || diagOf(s, k));
}

/** Why run `slot` failed (its worker trapped, threw or stopped answering), or null. */
export const failedOf = (s, slot) => (s.failed[slot]?.gen === s.gens[slot] ? s.failed[slot] : null);

/** Current diagnosis of a slot (null if stale or missing). */
export function diagOf(s, slot) {
  const d = s.diag[slot];
  return d && d.gen === s.gens[slot] && s.batches[slot] !== undefined ? d : null;
}

/** Slider stops (the core's `facts::batch_stops`: powers of two below N, N, and any other size
 * the settings ask for); just N before the first settings arrive. */
export const batchStops = (s) => s.facts?.batch_stops ?? [s.nTrain];

export const runLabel = (slot) => `Run ${slot + 1}`;
