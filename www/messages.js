// Every message between the page and its workers, as typed constructors: the page and the
// workers build them here, so a message's shape is written once. Typed arrays are transferred
// by the sender (the list is built beside the postMessage call). The draw worker's messages
// belong to painter.js.
//
//   page → run worker        scenarioMsg, runMsg, stopMsg, earlyRunsMsg (prestart.js)
//   run worker → page        settingsMsg, frameMsg, errorMsg
//   page → analysis workers  analysisRoleMsg, atlasScenarioMsg, trajectoryMsg, planeMsg, rescaleMsg
//   analysis worker → page   atlasMsg, diagnosisMsg, interpolationMsg, costMsg, errorMsg
//   page → sweep workers     sweepStartMsg, sweepCellStartMsg, sweepBandsMsg, sweepCancelMsg
//   sweep workers → page     sweepPlanMsg, sweepCellMsg, sweepProgressMsg, sweepResultsMsg, sweepCancelledMsg, errorMsg
//   page → law workers       lawsStartMsg, lawsCellStartMsg, lawsAnalyzeMsg, lawsCancelMsg, parallelMsg
//   law workers → page       lawsPlanMsg, lawsCellsMsg, lawsReportMsg, parallelResultMsg, errorMsg
//   page → every worker      wasmModuleMsg (the page's compiled wasm: www/wasm-module.js)

/** @typedef {[string, string][]} Pairs settings as [key, value] */

// ---------------------------------------------------------------- page → every worker
/** The page's compiled wasm (`WebAssembly.Module`, or null: the worker fetches it). @param {WebAssembly.Module|null} module */
export const wasmModuleMsg = (module) => ({ type: 'wasm-module', module });

// ---------------------------------------------------------------- page → run worker
/** New settings for every run worker (`id` orders the replies). @param {Pairs} pairs @param {number} id */
export const scenarioMsg = (pairs, id) => ({ type: 'scenario', pairs, id });
/** (Re)start run `slot` with batch size `batch`. @param {number} slot @param {number} gen @param {number} batch */
export const runMsg = (slot, gen, batch) => ({ type: 'run', slot, gen, batch });
/**
 * prestart.js, before main.js has run: the URL's settings (`pairs`, as scenarioPairs gives them
 * with no overrides), so that run worker `index` of `n` builds the scenario and starts its runs
 * (generation 1, the slots k with k mod n = index) at once; the page's first `run` of each slot
 * then adopts the run already under way (worker.js). No reply.
 * @param {Pairs} pairs @param {number} index @param {number} n
 */
export const earlyRunsMsg = (pairs, index, n) => ({ type: 'early-runs', pairs, index, n });
/** Stop run `slot`. @param {number} slot */
export const stopMsg = (slot) => ({ type: 'stop', slot });

// ---------------------------------------------------------------- run worker → page
/**
 * @typedef {{ batch_stops: number[], loss_label: string, input_dim: number, n_train: number, n_params: number,
 *   max_runs: number, slice: {lo: number, hi: number, n: number}, interpolation: {lo: number, hi: number, n: number},
 *   url_max_points: number }} Facts
 * the core's `facts::ScenarioFacts`: what the views show of a scenario, computed once in Rust
 */
/**
 * The validated settings of scenario `id`: `errors` (rejections), `settings` as `[key, value]`
 * pairs, the core's facts of the scenario, the run palette (CSS colours by slot, then the
 * reference colour), the training points and labels (decision maps).
 * With data that has no input plane (the digits), also the test images the digit grid shows
 * and their labels (empty otherwise).
 * `pca`: the core's `input_pca::Projection` of the test images (data without an input plane only).
 * @param {{ id: number, errors: string[], settings: Pairs, facts: Facts, palette: string[], inputs: Float32Array, labels: Float32Array, shownImages?: Float32Array, shownLabels?: Float32Array,
 *   pca?: {coords: number[], labels: number[], explained: number[], fingerprint: string} }} m
 */
export const settingsMsg = ({ id, errors, settings, facts, palette, inputs, labels, shownImages, shownLabels, pca, work }) => ({
  type: 'settings', id, errors, settings, facts, palette, inputs, labels, shownImages, shownLabels, pca, work,
});

/** `[[k, v], …]` → Map. @param {Pairs} pairs */
export const settingsMap = (pairs) => new Map(pairs);

/**
 * A run's progress: its state, step counts, memory per step (bytes, from the core), under
 * budget=loss whether it reached the target (`targetMessage`, the core's words), history
 * (typed arrays), θ snapshots and decision map (the core's `DecisionMap`: `{dim, n, x, y, values, classes}`;
 * empty `values` without an input plane) and, for data without an input plane (the digits), the
 * core's `ImageReport` (`images`: confusion matrix, most confused pairs, shown predictions).
 * @param {{ slot: number, gen: number, state: 'running'|'finished'|'diverged'|'stopped', step: number, steps: number,
 *   batch: number, lr: number, nParams: number, memory: number, targetMessage: string, divergence: string, fingerprint: string, msPerStep: number,
 *   epoch: Float64Array, stepAt: Float64Array, trainLoss: Float64Array, testLoss: Float64Array,
 *   trainAcc: Float64Array, testAcc: Float64Array, snapshots: Float32Array,
 *   boundary: {dim: number, n: number, x: number[], y: number[], values: number[], classes: number},
 *   images?: {classes: number, confusion: number[], unpredicted: number, n: number, errors: number,
 *     confused: {actual: number, predicted: number, count: number}[], predicted: number[] (one per test image)} }} f
 */
export const frameMsg = (f) => ({
  type: 'frame', slot: f.slot, gen: f.gen, state: f.state, step: f.step, steps: f.steps, batch: f.batch, lr: f.lr, nParams: f.nParams, memory: f.memory, targetMessage: f.targetMessage,
  divergence: f.divergence, fingerprint: f.fingerprint, msPerStep: f.msPerStep,
  epoch: f.epoch, stepAt: f.stepAt, trainLoss: f.trainLoss, testLoss: f.testLoss, trainAcc: f.trainAcc, testAcc: f.testAcc,
  snapshots: f.snapshots, boundary: f.boundary, images: f.images,
});

/** A worker's failure (`gen`: the sweep it belongs to, if any). @param {string} message @param {number} [gen] */
export const errorMsg = (message, gen) => (gen === undefined ? { type: 'error', message } : { type: 'error', gen, message });

// ---------------------------------------------------------------- page → analysis worker
/**
 * What an analysis worker computes (sent once, first): 'landscape' (the coarse and fine maps and
 * the cost table), 'diagnoses' (flat vs sharp, dynamics, slices, the interpolation, rescale) or
 * 'all' (the default: both, one after the other). @param {'landscape'|'diagnoses'|'all'} role
 */
export const analysisRoleMsg = (role) => ({ type: 'role', role });
/** New settings for the analysis worker, with the fine grid's size. @param {Pairs} pairs @param {number} grid */
export const atlasScenarioMsg = (pairs, grid) => ({ type: 'scenario', pairs, grid });
/**
 * Run `slot`'s θ snapshots (empty: the run is gone) and the steps they were taken at, and for
 * the cost table its batch size and training-loss history (`lossSteps`, `trainLoss`).
 * @param {{ slot: number, gen: number, snapshots: Float32Array, steps?: Float64Array, running: boolean, diverged?: boolean,
 *   batch?: number, lossSteps?: Float64Array, trainLoss?: Float64Array }} t
 */
export function trajectoryMsg({ slot, gen, snapshots, steps, running, diverged, batch, lossSteps, trainLoss }) {
  const m = { type: 'trajectory', slot, gen, snapshots };
  if (steps !== undefined) m.steps = steps;
  m.running = running;
  if (diverged !== undefined) m.diverged = diverged;
  if (batch !== undefined) Object.assign(m, { batch, lossSteps, trainLoss });
  return m;
}
/** The landscape plane. @param {'endpoints'|'random'|'pca'} plane */
export const planeMsg = (plane) => ({ type: 'plane', plane });

// ---------------------------------------------------------------- analysis worker → page
/**
 * @typedef {{ alpha: number[], train_loss: number[], test_loss: number[], train_acc: number[], test_acc: number[] }} Profile
 * the core's `landscape::Profile`: losses and accuracies along α
 */
/**
 * The shared landscape as a ready `landscape` chart (the render crate's `LandscapeChart`:
 * `{n, alpha, beta, values, paths: [{run, points}], alpha_label, beta_label}`, paths by slot);
 * `gens`: the runs it is for.
 * @param {{ fine: boolean, plane: string, gens: number[], chart: object }} a
 */
export const atlasMsg = ({ fine, plane, gens, chart }) => ({ type: 'atlas', fine, plane, gens, chart });
/**
 * A finished run's diagnosis (λ_max, trace, ε-sharpness, B_simple and their histories) and its slice.
 * @param {{ slot: number, gen: number, analysis: object|null, slice: Profile, ms: number }} d
 */
/** Run `slot`'s diagnosis (generation `gen`) is being computed by the worker that says so. */
export const diagnosingMsg = (slot, gen) => ({ type: 'diagnosing', slot, gen });
/** Page → the other analysis worker: run `slot`'s diagnosis (generation `gen`) is taken, skip it. */
export const claimedMsg = (slot, gen) => ({ type: 'claimed', slot, gen });
export const diagnosisMsg = ({ slot, gen, analysis, slice, ms }) => ({ type: 'diagnosis', slot, gen, analysis, slice, ms });
/** The loss along (1−α)·θ_a + α·θ_b (the core picks the pair). @param {{ a: number, b: number, gens: number[], profile: Profile }} p */
export const interpolationMsg = ({ a, b, gens, profile }) => ({ type: 'interpolation', a, b, gens, profile });
/** The core's cost table: `{target, rows: [{slot, batch, steps, examples}]}` (null: not reached). @param {object} table */
export const costMsg = (table) => ({ type: 'cost', table });

// ---------------------------------------------------------------- page ↔ sweep workers (a pool)
/** Start sweep `gen` over the page's settings with `seeds` seeds per batch size. @param {number} gen @param {Pairs} pairs @param {number} seeds */
export const sweepStartMsg = (gen, pairs, seeds) => ({ type: 'start', gen, pairs, seeds });
/** Train cell `index` of sweep `gen` (cell k: batch size k mod n_B of seed k div n_B). @param {number} gen @param {number} index */
export const sweepCellStartMsg = (gen, index) => ({ type: 'cell', gen, index });
/** The bands of `cells` (finished cells `{index, cell}`, any order) of sweep `gen`, `ms` since it started. */
export const sweepBandsMsg = (gen, cells, ms) => ({ type: 'bands', gen, cells, ms });
/** Cancel the sweep (a newer `gen`). @param {number} gen */
export const sweepCancelMsg = (gen) => ({ type: 'cancel', gen });
/**
 * The plan of sweep `gen` (every worker answers 'start' with it): `total` cells, the batch sizes
 * and seeds, the target fraction, the settings' rejections.
 */
export const sweepPlanMsg = ({ gen, total, batchSizes, seeds, targetFraction, errors }) => ({ type: 'plan', gen, total, batchSizes, seeds, targetFraction, errors });
/** Cell `index` of sweep `gen` ended: `cell` the core's `CellResult`. */
export const sweepCellMsg = ({ gen, index, cell }) => ({ type: 'cell', gen, index, cell });
/**
 * The bands so far (per metric the core's `BandColumns`: `{mean, min, max, count}`) of `done` of
 * `total` runs; per batch size the runs `finished` and `diverged`.
 * @param {{ gen: number, done: number, total: number, batchSizes: Float64Array, seeds: Float64Array, targetFraction: number,
 *   diverged: Float64Array, finished: Float64Array, errors: string[], bands: Object<string, {mean: number[], min: number[], max: number[], count: number[]}>, ms: number }} r
 */
export const sweepResultsMsg = ({ gen, done, total, batchSizes, seeds, targetFraction, diverged, finished, errors, bands, ms }) => ({
  type: 'results', gen, done, total, batchSizes, seeds, targetFraction, diverged, finished, errors, bands, ms,
});
/** Progress within cell `index`. @param {{ gen: number, index: number, cellStep: number, cellSteps: number }} p */
export const sweepProgressMsg = ({ gen, index, cellStep, cellSteps }) => ({ type: 'progress', gen, index, cellStep, cellSteps });
/** The sweep was cancelled. @param {number} gen */
export const sweepCancelledMsg = (gen) => ({ type: 'cancelled', gen });

// ---- seeds worker (verdicts over seeds; www/lesson.js) ---------------------------------

/** Page → seeds worker: check the scene's claims on `seeds` seeds of `pairs` (`key` names them). */
export const seedsStartMsg = ({ gen, key, pairs, seeds }) => ({ type: 'start', gen, key, pairs, seeds });
/** Page → seeds worker: stop. */
export const seedsCancelMsg = (gen) => ({ type: 'cancel', gen });
/** Seeds worker → page: the runs done so far (the core's SeedCell) and every claim's Verdict. */
export const seedsMsg = ({ gen, key, done, total, seeds, cells, verdicts }) => ({ type: 'seeds', gen, key, done, total, seeds, cells, verdicts });

/** Page → analysis worker: Dinh et al.'s rescale of run `slot`'s end point. */
export const rescaleMsg = ({ slot, gen, layer, alpha }) => ({ type: 'rescale', slot, gen, layer, alpha });
/** Analysis worker → page: the core's rescale Comparison, or why there is none. */
export const rescaleResultMsg = ({ slot, gen, alpha, comparison, error }) => ({ type: 'rescaled', slot, gen, alpha, comparison, error });

// BEGIN laws ------------------------------------------------- page ↔ law workers (sweep-worker.js)
/**
 * Start law sweep `gen` on this worker: the plan of `pairs`, `lrs` (empty: the default grid)
 * and `seeds`; the worker answers with `lawsPlanMsg` and then trains the cells it is handed.
 * @param {{ gen: number, pairs: Pairs, lrs: number[], seeds: number }} p
 */
export const lawsStartMsg = ({ gen, pairs, lrs, seeds }) => ({ type: 'laws-start', gen, pairs, lrs, seeds });
/** Train cell `index` (of `total`) of law sweep `gen`. @param {number} gen @param {number} index @param {number} total */
export const lawsCellStartMsg = (gen, index, total) => ({ type: 'laws-cell', gen, index, total });
/** Analyse these finished cells (the core's `LawCell` objects) of sweep `gen`. @param {number} gen @param {object[]} cells */
export const lawsAnalyzeMsg = (gen, cells) => ({ type: 'laws-analyze', gen, cells });
/** Stop law sweep work (a newer `gen`). @param {number} gen */
export const lawsCancelMsg = (gen) => ({ type: 'laws-cancel', gen });
/** The plan of law sweep `gen` (the core's `LawPlan`) and its `total` cells. @param {number} gen @param {object} plan @param {number} total */
export const lawsPlanMsg = (gen, plan, total) => ({ type: 'laws-plan', gen, plan, total });
/** A cell this worker finished: `cells` = `[{index, cell}]`. @param {{ gen: number, cells: object[] }} p */
export const lawsCellsMsg = ({ gen, cells }) => ({ type: 'laws-cells', gen, cells });
/** The core's analysis of `n` cells: `{analysis, map, tradeoff, regime_factor}`, computed in `ms`. @param {number} gen @param {number} n @param {object} report @param {number} ms */
export const lawsReportMsg = (gen, n, report, ms) => ({ type: 'laws-report', gen, n, report, ms });
/** K simulated devices × b against one device with K·b. @param {number} id @param {Pairs} pairs @param {number} devices @param {number} perDevice */
export const parallelMsg = (id, pairs, devices, perDevice) => ({ type: 'parallel', id, pairs, devices, perDevice });
/** The core's `ParallelReport`. @param {number} id @param {object} report */
export const parallelResultMsg = (id, report) => ({ type: 'parallel-result', id, report });
// END laws
