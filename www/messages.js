// Every message between the page and its workers, as typed constructors: the page and the
// workers build them here, so a message's shape is written once. Typed arrays are transferred
// by the sender (the list is built beside the postMessage call). The draw worker's messages
// belong to painter.js.
//
//   page → run worker        scenarioMsg, runMsg, stopMsg
//   run worker → page        settingsMsg, frameMsg, errorMsg
//   page → analysis worker   atlasScenarioMsg, trajectoryMsg, planeMsg
//   analysis worker → page   atlasMsg, diagnosisMsg, interpolationMsg, errorMsg
//   page → sweep worker      sweepStartMsg, sweepCancelMsg
//   sweep worker → page      sweepResultsMsg, sweepProgressMsg, sweepDoneMsg, sweepCancelledMsg, errorMsg

/** @typedef {[string, string][]} Pairs settings as [key, value] */

// ---------------------------------------------------------------- page → run worker
/** New settings for every run worker (`id` orders the replies). @param {Pairs} pairs @param {number} id */
export const scenarioMsg = (pairs, id) => ({ type: 'scenario', pairs, id });
/** (Re)start run `slot` with batch size `batch`. @param {number} slot @param {number} gen @param {number} batch */
export const runMsg = (slot, gen, batch) => ({ type: 'run', slot, gen, batch });
/** Stop run `slot`. @param {number} slot */
export const stopMsg = (slot) => ({ type: 'stop', slot });

// ---------------------------------------------------------------- run worker → page
/**
 * The validated settings of scenario `id`: `errors` (rejections), `settings` as a flat
 * `[k, v, k, v…]` list, the data set's input frame, training points and labels.
 * @param {{ id: number, errors: string[], settings: string[], inputFrame: Float64Array, inputs: Float64Array, labels: Float64Array }} m
 */
export const settingsMsg = ({ id, errors, settings, inputFrame, inputs, labels }) => ({ type: 'settings', id, errors, settings, inputFrame, inputs, labels });

/** `[k, v, k, v…]` → Map. @param {string[]} flat */
export function settingsMap(flat) {
  const settings = new Map();
  for (let i = 0; i + 1 < flat.length; i += 2) settings.set(flat[i], flat[i + 1]);
  return settings;
}

/**
 * A run's progress: its state, step counts, history (typed arrays), θ snapshots and decision map.
 * @param {{ slot: number, gen: number, state: 'running'|'finished'|'diverged'|'stopped', step: number, steps: number,
 *   batch: number, lr: number, nParams: number, divergence: string, fingerprint: string, msPerStep: number,
 *   epoch: Float64Array, stepAt: Float64Array, trainLoss: Float64Array, testLoss: Float64Array,
 *   trainAcc: Float64Array, testAcc: Float64Array, snapshots: Float32Array, boundary: Float64Array }} f
 */
export const frameMsg = (f) => ({
  type: 'frame', slot: f.slot, gen: f.gen, state: f.state, step: f.step, steps: f.steps, batch: f.batch, lr: f.lr, nParams: f.nParams,
  divergence: f.divergence, fingerprint: f.fingerprint, msPerStep: f.msPerStep,
  epoch: f.epoch, stepAt: f.stepAt, trainLoss: f.trainLoss, testLoss: f.testLoss, trainAcc: f.trainAcc, testAcc: f.testAcc,
  snapshots: f.snapshots, boundary: f.boundary,
});

/** A worker's failure (`gen`: the sweep it belongs to, if any). @param {string} message @param {number} [gen] */
export const errorMsg = (message, gen) => (gen === undefined ? { type: 'error', message } : { type: 'error', gen, message });

// ---------------------------------------------------------------- page → analysis worker
/** New settings for the analysis worker, with the fine grid's size. @param {Pairs} pairs @param {number} grid */
export const atlasScenarioMsg = (pairs, grid) => ({ type: 'scenario', pairs, grid });
/**
 * Run `slot`'s θ snapshots (empty: the run is gone) and the steps they were taken at.
 * @param {{ slot: number, gen: number, snapshots: Float32Array, steps?: Float64Array, running: boolean, diverged?: boolean }} t
 */
export function trajectoryMsg({ slot, gen, snapshots, steps, running, diverged }) {
  const m = { type: 'trajectory', slot, gen, snapshots };
  if (steps !== undefined) m.steps = steps;
  m.running = running;
  if (diverged !== undefined) m.diverged = diverged;
  return m;
}
/** The landscape plane. @param {'endpoints'|'random'|'pca'} plane */
export const planeMsg = (plane) => ({ type: 'plane', plane });

// ---------------------------------------------------------------- analysis worker → page
/**
 * The shared landscape: grid values, extent `[n, a0, a1, b0, b1]`, projected paths (x, y per
 * point, run after run), path lengths per slot, axis labels; `gens`: the runs it is for.
 * @param {{ fine: boolean, plane: string, gens: number[], values: Float64Array, extent: Float64Array,
 *   paths: Float64Array, lengths: Uint32Array, labels: string[] }} a
 */
export const atlasMsg = ({ fine, plane, gens, values, extent, paths, lengths, labels }) => ({ type: 'atlas', fine, plane, gens, values, extent, paths, lengths, labels });
/**
 * A finished run's diagnosis (λ_max, trace, ε-sharpness, B_simple and their histories) and its slice.
 * @param {{ slot: number, gen: number, analysis: object|null, slice: Float64Array, ms: number }} d
 */
export const diagnosisMsg = ({ slot, gen, analysis, slice, ms }) => ({ type: 'diagnosis', slot, gen, analysis, slice, ms });
/** The loss along (1−α)·θ_a + α·θ_b. @param {{ a: number, b: number, gens: number[], profile: Float64Array }} p */
export const interpolationMsg = ({ a, b, gens, profile }) => ({ type: 'interpolation', a, b, gens, profile });

// ---------------------------------------------------------------- page ↔ sweep worker
/** Start sweep `gen` over the page's settings with `seeds` seeds per batch size. @param {number} gen @param {Pairs} pairs @param {number} seeds */
export const sweepStartMsg = (gen, pairs, seeds) => ({ type: 'start', gen, pairs, seeds });
/** Cancel the sweep (a newer `gen`). @param {number} gen */
export const sweepCancelMsg = (gen) => ({ type: 'cancel', gen });
/**
 * The bands so far (`[mean…, min…, max…, count…]` per metric) after `done` of `total` runs.
 * @param {{ gen: number, done: number, total: number, batchSizes: Uint32Array, seeds: Uint32Array, targetFraction: number,
 *   diverged: Uint32Array, errors: string[], bands: Object<string, Float64Array>, ms: number }} r
 */
export const sweepResultsMsg = ({ gen, done, total, batchSizes, seeds, targetFraction, diverged, errors, bands, ms }) => ({
  type: 'results', gen, done, total, batchSizes, seeds, targetFraction, diverged, errors, bands, ms,
});
/** Progress within the current run. @param {{ gen: number, done: number, total: number, cellStep: number, cellSteps: number }} p */
export const sweepProgressMsg = ({ gen, done, total, cellStep, cellSteps }) => ({ type: 'progress', gen, done, total, cellStep, cellSteps });
/** The sweep ran to the end in `ms`. @param {number} gen @param {number} ms */
export const sweepDoneMsg = (gen, ms) => ({ type: 'done', gen, ms });
/** The sweep was cancelled. @param {number} gen */
export const sweepCancelledMsg = (gen) => ({ type: 'cancelled', gen });
