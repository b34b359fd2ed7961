// The page's test surface: `window.batchscape`, a read-only API for the e2e tests and
// benchmarks. Every getter returns a snapshot (a structured clone, frozen where it can be),
// never a live store object; the tests read nothing else of the page but the DOM.
//
// | getter           | what                                                                       |
// | ---------------- | -------------------------------------------------------------------------- |
// | `runs`           | newest frame per run slot (`null`/absent: none): batch, lr, state, step,   |
// |                  | steps, fingerprint, divergence, history arrays (epoch, stepAt, trainLoss…) |
// | `batches`        | batch size per slot (`undefined`: slot unused)                             |
// | `gens`           | generation per slot (a restarted run gets a new one)                       |
// | `diag`           | per slot `{ slot, gen, analysis, slice }` from the analysis worker         |
// | `interp`         | the interpolation `{ a, b, gens, profile }` between the core's pair of runs  |
// | `cost`           | the core's cost table `{ target, rows }`                                   |
// | `facts`          | the core's facts of the scenario (batch stops, loss label, ranges…)       |
// | `work`           | the settings' work estimate (core work.rs `Work`: multiply-adds of a run and of the landscape, memory) |
// | `atlas`          | the newest shared landscape `{ fine, plane, gens, chart }` (`chart`: the core's landscape chart) |
// | `atlasFor`       | the runs (`slot:gen,…`) that landscape was computed for                    |
// | `runsKey`        | the current runs as `slot:gen,…` (equal to `atlasFor` when the map is theirs) |
// | `pendingScenario`| settings sent, not yet validated by the run worker                          |
// | `dirty`          | a view waits to be redrawn or a chart is still in the draw worker          |
// | `progress`       | a few small values to poll cheaply (the speed test, every 20 ms): `{ batches, gens, states, diagGens, atlas, atlasFine, atlasFor, runsKey, pendingScenario, dirty }` (`states`: each slot's run state or null; `diagGens`: the generation of each slot's diagnosis or null; `atlas`: a landscape arrived). `runs`, `diag` and `atlas` copy every history array and chart: ≈ 10 % of the main thread's start-up time when read that often |
// | `lr`             | the learning rate in effect                                                 |
// | `scene`          | the scene shown (`null`: none)                                             |
// | `chapter`        | the guided chapter shown, 0-based (`null`: the full lab)                   |
// | `embed`          | the panels shown in embed mode (`null`: not embedded)                      |
// | `quiz`           | `?quiz=1`: the scene's question `{ scene, pending, answer }` (`null`: none)  |
// | `hover`          | `{ source, records: { slot: record index } }` while a chart is hovered      |
// | `plotFrames`     | canvas id → plot frame `{ x0, y0, x1, y1, x_min, x_max, y_min, y_max, log_y }` |
// | `runWorkers`     | number of run workers                                                       |
// | `drawMs`, `viewMs`, `frames` | main-thread time per redraw, per view; number of redraws       |
// | `latencies`, `latencyParts` | slider-to-frame latency (ms); split `{ toFrame, toShown }`      |
// | `workerMs`       | the draw worker's time per drawing, per canvas id                           |
// | `exports`        | export clicks `{ panel, format, files }`                                   |
// | `settings`       | the validated settings in effect, as a plain object key → value text          |
// | `seeds`          | the scene's claims over seeds `{ gen, key, done, total, seeds, cells, verdicts }` (null: none) |
// | `rescale`        | the last rescale `{ slot, gen, alpha, comparison, error }` (null: none)       |
// | `failed`         | per slot `{ gen, reason }` of a run whose worker failed (null: none)          |
// | `replacedWorkers`| `{ run, analysis, draw }`: workers replaced after a fault                     |
// | `liveWorkers`    | names of the watched workers (`run:0`, `analysis`, `draw`, `sweep`, …)        |
//
// Methods: `workerMemory()` → Promise of { worker name: { bytes, live, peak } } (wasm memory, live allocations, their peak: the soak test);
// with `?test_faults=1` only, `injectFault(kind, target)` (www/faults.js: kinds 'trap', 'oom', 'throw',
// 'close', 'terminate'; targets 'run:<i>', 'analysis', 'draw', 'sweep', 'sweep:<k>', 'parallel', 'seeds') and
// `armFaultAtRetry(kind, target)` and `armFaultAtCell(kind, target)` (the same kinds, injected when the pool hands pool worker `target` a retried cell, or its next cell).
// | `sweep`          | the sweep view: `{ running, done, total, failed, results, explanation, ms, readyMs, drawMs, errors, drawnRuns, cells, perWorker, busyMs, cellMs, laws }` (null before it is mounted; `failed`: cells lost twice, left out); `laws`: the laws section (www/laws.js) — `{ running, workers, live, done, total, ms, readyMs, reportMs, plan, report, reportCells, partial, explanation, drawn, errors, parallel, parallelText, cells, perWorker, busyMs, cellMs, analyses, failedCells }` (per worker its cells and busy ms, per cell its ms, per analysis its ms: pool.js; `failedCells`: `{ index, reason }` of each cell lost twice, its worker and the fresh one it was retried on both failed) |
import { armFaultAtCell, armFaultAtRetry, injectFault, liveWorkers, workerMemory } from './faults.js';
import { pending as paintsPending, replacedDrawWorkers, workerMs } from './painter.js';
import { runsKey } from './store.js';
import { telemetry } from './telemetry.js';

/** A frozen deep copy of `value` (typed arrays are copies, which cannot be frozen). */
function snapshot(value) {
  const copy = structuredClone(value);
  const freeze = (x) => {
    if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x) || Object.isFrozen(x)) return x;
    if (!(x instanceof Map) && !(x instanceof Set)) for (const v of Object.values(x)) freeze(v);
    return Object.freeze(x);
  };
  return freeze(copy);
}

/**
 * Installs `window.batchscape`. `page`: { scheduler, nRunWorkers, sweep: () => sweep state }.
 */
export function installTestApi(store, { scheduler, nRunWorkers, sweep, replacedWorkers = () => ({}) }) {
  const s = () => store.get();
  const api = {};
  const getters = {
    runs: () => s().runs,
    batches: () => s().batches,
    gens: () => s().gens,
    diag: () => s().diag,
    interp: () => s().interp,
    cost: () => s().cost,
    facts: () => s().facts,
    pca: () => s().pca ?? null,
    work: () => s().work,
    atlas: () => s().atlas,
    atlasFor: () => s().atlasFor,
    runsKey: () => runsKey(s()),
    pendingScenario: () => s().pendingScenario,
    dirty: () => scheduler.dirty || paintsPending() > 0,
    progress: () => {
      const st = s();
      return {
        batches: st.batches, gens: st.gens, states: Array.from(st.runs, (r) => r?.state ?? null), diagGens: Array.from(st.diag, (d) => d?.gen ?? null),
        atlas: Boolean(st.atlas), atlasFine: Boolean(st.atlas?.fine), atlasFor: st.atlasFor, runsKey: runsKey(st),
        pendingScenario: st.pendingScenario, dirty: scheduler.dirty || paintsPending() > 0,
      };
    },
    lr: () => s().lr,
    scene: () => s().scene,
    chapter: () => s().chapter,
    embed: () => s().embed,
    quiz: () => s().quiz,
    hover: () => s().hover,
    plotFrames: () => s().plotFrames,
    runWorkers: () => nRunWorkers,
    drawMs: () => telemetry.drawMs,
    viewMs: () => telemetry.viewMs,
    frames: () => telemetry.frames,
    latencies: () => telemetry.latencies,
    latencyParts: () => telemetry.latencyParts,
    workerMs: () => workerMs,
    exports: () => telemetry.exports,
    sweep: () => sweep() ?? null,
    settings: () => Object.fromEntries(s().settings),
    seeds: () => s().seeds ?? null,
    rescale: () => s().rescale ?? null,
    failed: () => s().failed,
    replacedWorkers: () => ({ ...replacedWorkers(), draw: replacedDrawWorkers() }),
    liveWorkers: () => liveWorkers(),
  };
  for (const [name, get] of Object.entries(getters)) {
    Object.defineProperty(api, name, { get: () => snapshot(get()), enumerable: true });
  }
  api.workerMemory = workerMemory;
  if (new URLSearchParams(location.search).get('test_faults') === '1') Object.assign(api, { injectFault, armFaultAtRetry, armFaultAtCell });
  Object.defineProperty(window, 'batchscape', { value: Object.freeze(api), enumerable: true });
}
