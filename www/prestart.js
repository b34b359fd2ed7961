// The workers, started before the page's modules have loaded (issue 14). index.html runs this
// small module first, `async` (it runs as soon as it has arrived, before the document is parsed
// and laid out, not after it like a deferred module), while the page's modules (main.js and its
// imports) are still being fetched: the run, analysis and draw workers then fetch their code, and
// the page compiles the wasm once (wasm-module.js), at the same time, and are instantiated by the
// time main.js sends the first scenario. workers.js and painter.js `adopt` these workers instead
// of starting their own (a worker replaced after a fault is started there as before). main.js
// imports this module too, so the single-file build (scripts/single.mjs, one bundle) and a page
// without the early tag still get every worker.
//
// Served bundled (scripts/bundle.mjs), this module is a file of its own, with no imports (so
// nothing delays it), and main.js's bundle holds a second copy: both copies keep the early
// workers in one global (EARLY), and whichever runs first starts them; the other finds them.
import { pageModule, sendWasmModule } from './wasm-module.js';
import { earlyRunsMsg } from './messages.js';
import { MAX_RUNS } from './store.js';
import { pairsOf, scenarioPairs } from './url.js';

/**
 * Run workers: one per spare core, at most one per run; `?run_workers=N` (a test hook, 1 to
 * MAX_RUNS) overrides it. The one place this number is decided (workers.js uses it).
 */
export function runWorkerCount(search = location.search, cores = navigator.hardwareConcurrency) {
  const asked = Number(new URLSearchParams(search).get('run_workers'));
  return Number.isInteger(asked) && asked >= 1 && asked <= MAX_RUNS ? asked : Math.max(1, Math.min(MAX_RUNS, (cores || 2) - 1));
}

// kind → workers started early, not adopted yet; on `globalThis` so the two bundled copies of
// this module (see above) share it. Null until the workers have been started.
const EARLY = Symbol.for('batchscape.earlyWorkers');

function keep(started, kind, worker) {
  // The draw worker gets the drawing module; the others the compute one.
  sendWasmModule(worker, kind === 'draw' ? 'draw' : 'compute');
  if (!started.has(kind)) started.set(kind, []);
  started.get(kind).push(worker);
}

// The URLs stay literal `new Worker(new URL(…))` calls: scripts/single.mjs rewrites them.
if (typeof Worker === 'function' && typeof location === 'object' && !globalThis[EARLY]) {
  const started = (globalThis[EARLY] = new Map());
  for (let k = 0; k < runWorkerCount(); k++) keep(started, 'run', new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));
  keep(started, 'analysis', new Worker(new URL('./analysis-worker.js', import.meta.url), { type: 'module' }));
  keep(started, 'analysis', new Worker(new URL('./analysis-worker.js', import.meta.url), { type: 'module' }));
  keep(started, 'draw', new Worker(new URL('./draw-worker.js', import.meta.url), { type: 'module' }));
  // A lab link's runs start now (issue 14): its settings are the URL's (a chapter or a scene
  // sets its own, and a quiz holds the runs until it is answered: those wait for main.js).
  // Each run worker trains its slots without posting frames until the page's `run` adopts them
  // (worker.js); settings the page then sends differently replace them.
  const params = new URLSearchParams(location.search);
  if (!params.has('chapter') && !params.has('scene') && params.get('quiz') !== '1') {
    const pairs = scenarioPairs(pairsOf(location.search), new Map());
    const runWorkers = started.get('run');
    runWorkers.forEach((w, index) => w.postMessage(earlyRunsMsg(pairs, index, runWorkers.length)));
  }
}

// main.js imports this module first, so the rest of the page's code (≈ 0.1 s of the main
// thread to evaluate and mount) waits here until the page's compiled wasm modules have been
// posted to the workers, at most 0.3 s: that posting runs on the main thread, and behind
// main.js it came ≈ 0.15 s after the compile had finished, the workers idle meanwhile (issue 14).
if (globalThis[EARLY]) {
  await Promise.race([Promise.all([pageModule('compute'), pageModule('draw')]), new Promise((resolve) => { setTimeout(resolve, 300); })]);
}

/**
 * A worker of `kind` ('run', 'analysis', 'draw') started early (each already sent the page's wasm module), or null (none left: the caller starts one).
 */
export function adopt(kind) {
  return globalThis[EARLY]?.get(kind)?.shift() ?? null;
}
