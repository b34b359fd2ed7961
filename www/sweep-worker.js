// Sweep worker: owns a wasm SweepSession (batch size over powers of two × seeds), trains it in
// ~15 ms slices and posts progress and the bands so far after every finished run. A 'cancel'
// (or a newer 'start') stops the current sweep at the next slice boundary.
import init, { SweepSession, LawSession, data_parallel as dataParallel } from '../pkg/batchscape.js';
import {
  errorMsg, lawsCellsMsg, lawsDoneMsg, lawsReportMsg, parallelResultMsg, sweepCancelledMsg, sweepDoneMsg, sweepProgressMsg, sweepResultsMsg,
} from './messages.js';
import { takeWasmModule, wasmSource } from './wasm-module.js';
import { failureText, testMessage, trapForTest } from './worker-faults.js';

const SLICE_MS = 15;          // training time between checks for messages
const PROGRESS_MS = 150;      // at most one progress-only message this often
const METRICS = ['test_acc', 'test_loss', 'train_loss', 'gap', 'lambda_max', 'steps_to_target'];

let ready = null;
let session = null;
let gen = 0;                  // bumps on every start and cancel; a loop of an older one stops

const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));

// Set synchronously so no early message is lost; the wasm module is awaited inside.
// An exception or a trap in the work is `fatal`: the page drops this worker (sweep.js, laws.js);
// the settings' rejections (law.errors()) are plain 'error' messages.
const fail = (err) => failureText(err, ready).then((text) => self.postMessage({ ...errorMsg(text, gen), fatal: true }));
self.onmessage = (event) => {
  if (takeWasmModule(event.data)) return;
  if (testMessage(event.data, ready)) return;
  handle(event.data).catch(fail);
};

async function handle(msg) {
  if (msg.type === 'test-fault') {
    trapForTest(msg, await (ready ??= init(wasmSource())));
    return;
  }
  if (msg.type.startsWith('laws-') || msg.type === 'parallel') return handleLaws(msg);
  if (msg.type === 'cancel') {
    gen = msg.gen ?? gen + 1;
    session?.free();
    session = null;
    self.postMessage(sweepCancelledMsg(gen));
    return;
  }
  if (msg.type !== 'start') return;
  gen = msg.gen;
  const mine = gen;
  ready ??= init(wasmSource());
  await ready;
  if (mine !== gen) return;
  session?.free();
  session = new SweepSession(msg.pairs.map((p) => p[0]), msg.pairs.map((p) => p[1]), msg.seeds);
  run(mine, session).catch(fail);
}

function results(s, mine, progress, t0) {
  const bands = {};
  for (const m of METRICS) bands[m] = s.band(m);
  const r = sweepResultsMsg({
    gen: mine, done: progress.cells_done, total: progress.n_cells,
    batchSizes: s.batch_sizes(), seeds: s.seeds(), targetFraction: s.target_fraction(),
    diverged: s.diverged(), errors: s.errors(), bands, ms: performance.now() - t0,
  });
  const buffers = [r.batchSizes, r.seeds, r.diverged].map((a) => a.buffer);
  self.postMessage(r, buffers);
}

async function run(mine, s) {
  const t0 = performance.now();
  let progress = s.progress();
  results(s, mine, progress, t0);
  let lastPost = performance.now();
  let chunk = 8;
  while (mine === gen && progress.cells_done < progress.n_cells) {
    const start = performance.now();
    let cellDone = false;
    do {
      const before = progress.cells_done;
      const t = performance.now();
      progress = s.advance(chunk);
      cellDone = progress.cells_done > before;
      // Steps cost from microseconds (B = 1) to milliseconds (B = 4096): keep each call short.
      const ms = performance.now() - t;
      if (!cellDone && ms < 2 && chunk < 4096) chunk *= 2;
      else if (ms > 6 && chunk > 1) chunk = Math.max(1, chunk >> 1);
    } while (!cellDone && performance.now() - start < SLICE_MS);
    if (cellDone) {
      chunk = 8; // the next run has another batch size, so another cost per step
      results(s, mine, progress, t0);
      lastPost = performance.now();
    } else if (performance.now() - lastPost >= PROGRESS_MS) {
      self.postMessage(sweepProgressMsg({ gen: mine, done: progress.cells_done, total: progress.n_cells, cellStep: progress.cell_step, cellSteps: progress.cell_steps }));
      lastPost = performance.now();
    }
    await yieldToEvents();
  }
  if (mine === gen) self.postMessage(sweepDoneMsg(mine, performance.now() - t0));
}

// BEGIN laws: the B × η law sweep (one worker of a pool: its share of the cells, in slices)
// and the data-parallel check. A newer laws-start or a laws-cancel stops the loop.
let lawGen = 0;
let law = null;

async function handleLaws(msg) {
  if (msg.type === 'laws-cancel') {
    lawGen = msg.gen;
    law?.free();
    law = null;
    return;
  }
  ready ??= init(wasmSource());
  await ready;
  if (msg.type === 'parallel') {
    self.postMessage(parallelResultMsg(msg.id, dataParallel(msg.pairs.map((p) => p[0]), msg.pairs.map((p) => p[1]), msg.devices, msg.perDevice)));
  } else if (msg.type === 'laws-analyze') {
    if (msg.gen === lawGen && law) self.postMessage(lawsReportMsg(msg.gen, msg.cells.length, law.analyze(msg.cells)));
  } else if (msg.type === 'laws-start') {
    lawGen = msg.gen;
    law?.free();
    law = new LawSession(msg.pairs.map((p) => p[0]), msg.pairs.map((p) => p[1]), Float64Array.from(msg.lrs), msg.seeds, msg.worker, msg.nWorkers);
    for (const e of law.errors()) self.postMessage(errorMsg(e, msg.gen));
    runLaws(msg.gen, msg.worker, law).catch((err) => self.postMessage({ ...errorMsg(String(err?.message || err), msg.gen), fatal: true }));
  }
}

async function runLaws(mine, worker, s) {
  const t0 = performance.now();
  const plan = s.plan();
  let progress = s.advance(0);
  self.postMessage(lawsCellsMsg({ gen: mine, worker, cells: [], done: 0, total: progress.n_cells, plan }));
  let chunk = 8;
  while (mine === lawGen && progress.cells_done < progress.n_cells) {
    const start = performance.now();
    let before = progress.cells_done;
    do {
      const t = performance.now();
      progress = s.advance(chunk);
      const ms = performance.now() - t;
      if (ms < 2 && chunk < 4096) chunk *= 2;
      else if (ms > 6 && chunk > 1) chunk = Math.max(1, chunk >> 1);
    } while (progress.cells_done === before && progress.cells_done < progress.n_cells && performance.now() - start < SLICE_MS);
    if (progress.cells_done > before) {
      self.postMessage(lawsCellsMsg({ gen: mine, worker, cells: s.take_finished(), done: progress.cells_done, total: progress.n_cells, plan }));
      before = progress.cells_done;
    }
    await yieldToEvents();
  }
  if (mine === lawGen) self.postMessage(lawsDoneMsg(mine, worker, performance.now() - t0));
}
// END laws
