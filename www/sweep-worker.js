// Sweep worker, one of a pool (www/pool.js, for sweep.js and laws.js), on the sweeps' wasm module
// (batchscape_sweeps: fetched when the learner first runs a sweep, not with the page): owns a wasm SweepSession of the page's settings and
// trains the (B, seed) cells the page hands it, one at a time, in ~15 ms slices; posts progress,
// and each finished cell. The page asks one worker of the pool for the bands of the cells
// finished so far ('bands'). A 'cancel' (or a newer 'start') stops the current cell at the next
// slice boundary.
import init, { SweepSession, LawSession } from '../pkg/batchscape_sweeps.js';
import * as glue from '../pkg/batchscape_sweeps.js';
import { ensureDigits } from './digits-data.js';
import {
  errorMsg, lawsCellsMsg, lawsPlanMsg, lawsReportMsg, sweepCancelledMsg, sweepCellMsg, sweepPlanMsg, sweepProgressMsg, sweepResultsMsg,
} from './messages.js';
import { takeWasmModule, wasmSource } from './wasm-module.js';
import { failureText, testMessage, trapForTest } from './worker-faults.js';

const SLICE_MS = 15;          // training time between checks for messages
const PROGRESS_MS = 150;      // at most one progress-only message this often

let ready = null;
let session = null;
let gen = 0;                  // bumps on every start and cancel; a loop of an older one stops

const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));

// Set synchronously so no early message is lost; the wasm module is awaited inside.
// An exception or a trap in the work is `fatal`: the page drops this worker (sweep.js, laws.js);
// the settings' rejections (law.errors()) are plain 'error' messages.
const fail = (err) => failureText(err, ready).then((text) => self.postMessage({ ...errorMsg(text, gen), fatal: true }));
self.onmessage = (event) => {
  // The page's module: instantiated at once, before the first work arrives.
  if (takeWasmModule(event.data)) { ready ??= init(wasmSource('sweeps')); return; }
  if (testMessage(event.data, ready)) return;
  handle(event.data).catch(fail);
};

async function handle(msg) {
  if (msg.type === 'test-fault') {
    trapForTest(msg, await (ready ??= init(wasmSource('sweeps'))));
    return;
  }
  // A start's generation at once, before anything is awaited: a cancel that comes while the
  // digits load stops it.
  if (msg.type === 'start') gen = msg.gen;
  // The one guard for the messages that build a session from settings (start, laws-start:
  // those with `pairs`): the wasm, then the digits if the settings ask for them.
  if (msg.pairs) {
    await (ready ??= init(wasmSource('sweeps')));
    await ensureDigits(glue, msg.pairs.map((p) => p[0]), msg.pairs.map((p) => p[1]));
  }
  if (msg.type.startsWith('laws-')) return handleLaws(msg);
  if (msg.type === 'cancel') {
    gen = msg.gen ?? gen + 1;
    session?.free();
    session = null;
    self.postMessage(sweepCancelledMsg(gen));
    return;
  }
  if (msg.type === 'start') {
    const mine = msg.gen;
    if (mine !== gen) return;
    session?.free();
    session = new SweepSession(msg.pairs.map((p) => p[0]), msg.pairs.map((p) => p[1]), msg.seeds);
    const plan = sweepPlanMsg({
      gen: mine, total: session.n_cells(), batchSizes: session.batch_sizes(), seeds: session.seeds(),
      targetFraction: session.target_fraction(), errors: session.errors(),
    });
    self.postMessage(plan, [plan.batchSizes.buffer, plan.seeds.buffer]);
    return;
  }
  await ready;
  if (msg.gen !== gen || !session) return;
  if (msg.type === 'cell') {
    runCell(msg.gen, session, msg.index).catch(fail);
  } else if (msg.type === 'bands') {
    const b = session.bands(msg.cells);
    const r = sweepResultsMsg({
      gen: msg.gen, done: msg.cells.length, total: session.n_cells(),
      batchSizes: session.batch_sizes(), seeds: session.seeds(), targetFraction: session.target_fraction(),
      diverged: Float64Array.from(b.diverged), finished: Float64Array.from(b.finished), errors: session.errors(), bands: b.bands, ms: msg.ms,
    });
    self.postMessage(r, [r.batchSizes, r.seeds, r.diverged, r.finished].map((a) => a.buffer));
  }
}

/** Trains cell `index` to its end in slices; posts progress while it trains and the cell when done. */
async function runCell(mine, s, index) {
  if (!s.start(index)) return;
  let progress = s.advance(0);
  let lastPost = performance.now();
  let chunk = 8;
  while (mine === gen && session === s) {
    const start = performance.now();
    let cellDone = false;
    do {
      const t = performance.now();
      progress = s.advance(chunk);
      cellDone = progress.cells_done > 0;
      // Steps cost from microseconds (B = 1) to milliseconds (B = 4096): keep each call short.
      const ms = performance.now() - t;
      if (!cellDone && ms < 2 && chunk < 4096) chunk *= 2;
      else if (ms > 6 && chunk > 1) chunk = Math.max(1, chunk >> 1);
    } while (!cellDone && performance.now() - start < SLICE_MS);
    if (cellDone) {
      self.postMessage(sweepCellMsg({ gen: mine, ...s.take() }));
      return;
    }
    if (performance.now() - lastPost >= PROGRESS_MS) {
      self.postMessage(sweepProgressMsg({ gen: mine, index, cellStep: progress.cell_step, cellSteps: progress.cell_steps }));
      lastPost = performance.now();
    }
    await yieldToEvents();
  }
}

// BEGIN laws: the B × η law sweep (one worker of a pool, pool.js: the cells the page hands it,
// one at a time, in slices; the data-parallel check has its own worker, parallel-worker.js). A
// newer laws-start or a laws-cancel stops the cell in progress.
let lawGen = 0;
let law = null;       // the sweep's session: its plan, and the analysis of any finished cells
let lawArgs = null;   // what a cell's session is built from

async function handleLaws(msg) {
  if (msg.type === 'laws-cancel') {
    lawGen = msg.gen;
    law?.free();
    law = null;
    return;
  }
  ready ??= init(wasmSource('sweeps'));
  await ready;
  if (msg.type === 'laws-analyze') {
    if (msg.gen !== lawGen || !law) return;
    const t = performance.now();
    const report = law.analyze(msg.cells);
    self.postMessage(lawsReportMsg(msg.gen, msg.cells.length, report, performance.now() - t));
  } else if (msg.type === 'laws-start') {
    lawGen = msg.gen;
    law?.free();
    lawArgs = [msg.pairs.map((p) => p[0]), msg.pairs.map((p) => p[1]), Float64Array.from(msg.lrs), msg.seeds];
    // Worker 0 of 1: its share is the whole plan, so `n_cells` is the plan's.
    law = new LawSession(...lawArgs, 0, 1);
    for (const e of law.errors()) self.postMessage({ ...errorMsg(e, msg.gen), type: 'laws-error' });
    self.postMessage(lawsPlanMsg(msg.gen, law.plan(), law.advance(0).n_cells));
  } else if (msg.type === 'laws-cell') {
    if (msg.gen !== lawGen || !law) return;
    // The share of worker `index` of `total` is the one cell `index`: each cell is a function
    // of the settings and its index (the core's LawSweep), whoever trains it.
    const cell = new LawSession(...lawArgs, msg.index, msg.total);
    try {
      await runLawCell(msg.gen, cell);
    } finally {
      cell.free();
    }
  }
}

/** Trains a one-cell session to its end in slices; posts the cell (unless the sweep was stopped). */
async function runLawCell(mine, s) {
  let progress = s.advance(0);
  let chunk = 8;
  while (mine === lawGen && progress.cells_done < progress.n_cells) {
    const start = performance.now();
    do {
      const t = performance.now();
      progress = s.advance(chunk);
      const ms = performance.now() - t;
      if (ms < 2 && chunk < 4096) chunk *= 2;
      else if (ms > 6 && chunk > 1) chunk = Math.max(1, chunk >> 1);
    } while (progress.cells_done < progress.n_cells && performance.now() - start < SLICE_MS);
    if (progress.cells_done < progress.n_cells) await yieldToEvents();
  }
  if (mine === lawGen) self.postMessage(lawsCellsMsg({ gen: mine, cells: s.take_finished() }));
}
// END laws
