// Analysis worker: receives every run's trajectory (θ snapshots) and computes the shared loss
// landscape they are drawn on — a coarse grid while runs train, the fine grid once all are
// done, a few rows at a time so newer trajectories preempt it — and the diagnoses of the
// finished runs. The page starts two (www/workers.js, issue 14): one with the role 'landscape'
// (maps and cost table), one with the role 'diagnoses' (flat vs sharp, dynamics, slices, the
// interpolation, rescale), so that on two cores the fine map and the diagnoses are computed at
// the same time once the runs end; with no role message a worker does both, in that order.
import init, { AtlasSession } from '../pkg/batchscape.js';
import * as glue from '../pkg/batchscape.js';
import {
  atlasMsg, costMsg, diagnosingMsg, diagnosisMsg, errorMsg, interpolationMsg, rescaleResultMsg,
} from './messages.js';
import { takeWasmModule, wasmSource } from './wasm-module.js';
import { ensureDigits } from './digits-data.js';
import { setTrajectory } from './atlas-trajectory.js';
import { announceBusy, failureText, testMessage, trapForTest } from './worker-faults.js';

const COARSE = 15;
// Grid rows are filled for about this long before the worker yields to its messages (at least
// one row): it then answers the page's watchdog (www/faults.js) however heavy a row is. A
// coarse pass filled in one call took 12 s at n_train 4096 with four layers of 64 and the
// watchdog declared the worker dead (tests/limits.test.mjs).
const FILL_SLICE_MS = 50;
// How long a diagnosis (one wasm call) may keep the worker silent before the watchdog gives up.
// At n_train 4096 with four layers of 64 one took over 120 s (hundreds of Hessian-vector
// products over the training set): with 120 s the worker was still replaced and the runs
// retrained, again and again. A trap or throw is still seen at once (an error event); only a
// worker closed or terminated during a diagnosis is found this much later.
const DIAGNOSE_BUSY_MS = 15 * 60_000;
// While runs train, the coarse landscape follows them at most this often (the page redraws
// it at most every 150 ms): recomputing it on every frame of four runs kept this worker busy
// all the time, taking a core from the page and the draw worker on a two-core machine.
const COARSE_EVERY_MS = 250;
// With no run's trajectory yet, the map is the one around θ0 alone: shown while a quiz holds the
// runs. It waits this long first, since the runs' first frames usually come within it and
// would abandon it (on the default page that map took ≈ 0.2 s of a core just before the runs
// ended, for nothing: issue 14's start-up trace).
const EMPTY_MAP_WAIT_MS = 1000;

let ready = null;
let atlas = null;
let plane = 'endpoints';
let grid = 51;
const running = new Set();   // slots still training
const diverged = new Set();  // slots whose run diverged: no minimum to diagnose
const gens = [0, 0, 0, 0];   // generation of each slot's trajectory (0: none)
const diagnosed = [0, 0, 0, 0]; // generation whose diagnosis was last posted, per slot
const claimed = [0, 0, 0, 0];   // generation whose diagnosis the other analysis worker took, per slot
let interpolated = '';       // 'a:gen,b:gen' of the last interpolation posted
let dirty = false;
let version = 0;             // bumps on every change; a fine pass aborts when it moves
let working = false;
let role = 'all';            // 'landscape', 'diagnoses' or 'all' (analysisRoleMsg)
let warmed = false;          // the diagnosis code has run once (AtlasSession.warm_up)

// Any error (a trap in the wasm code included) is reported; the page replaces this worker.
const fail = (err) => failureText(err, ready).then((text) => self.postMessage(errorMsg(text)));
self.onmessage = (event) => {
  // The page's module: instantiated at once, before the first work arrives.
  if (takeWasmModule(event.data)) { ready ??= init(wasmSource()); return; }
  if (testMessage(event.data, ready)) return;
  // One message at a time, in order: a scenario that first fetches the digits (digits-data.js)
  // must not be overtaken by the messages sent after it.
  queue = queue.then(() => handle(event.data)).catch(fail);
};
let queue = Promise.resolve();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let wake = () => {};
/** Resolves after `ms`, or at once when a message changes the work (`version`). */
const changeOr = (ms) => new Promise((resolve) => {
  const t = setTimeout(resolve, ms);
  wake = () => { clearTimeout(t); resolve(); };
});
const yieldToEvents = () => sleep(0);
let lastCoarse = -Infinity;

async function handle(msg) {
  ready ??= init(wasmSource());
  await ready;
  trapForTest(msg, await ready);
  if (msg.type === 'role') {
    role = msg.role;
    return;
  }
  if (msg.type === 'claimed') {
    claimed[msg.slot] = msg.gen;
    return;
  }
  if (msg.type === 'scenario') {
    const keys = msg.pairs.map((p) => p[0]);
    const values = msg.pairs.map((p) => p[1]);
    await ensureDigits(glue, keys, values);
    atlas?.free();
    atlas = new AtlasSession(keys, values);
    // Once per worker, while the first runs train: the diagnosis code run briefly at θ0, so that
    // V8 has optimized it (for every worker: they share the module) before the first diagnosis.
    if (role === 'diagnoses' && !warmed) {
      warmed = true;
      atlas.warm_up();
    }
    grid = msg.grid ?? grid;
    running.clear();
    diverged.clear();
    gens.fill(0);
    diagnosed.fill(0);
    claimed.fill(0);
    interpolated = '';
  } else if (msg.type === 'trajectory' && atlas) {
    setTrajectory(atlas, msg.slot, msg.snapshots, msg.steps ?? new Float64Array(0));
    if (msg.batch !== undefined) {
      atlas.set_losses(msg.slot, msg.batch, !msg.running && !msg.diverged, msg.lossSteps, msg.trainLoss);
    } else if (!msg.snapshots.length) {
      atlas.clear(msg.slot);
    }
    if (role !== 'diagnoses') self.postMessage(costMsg(atlas.cost()));
    gens[msg.slot] = msg.snapshots.length ? msg.gen : 0;
    if (msg.running) running.add(msg.slot); else running.delete(msg.slot);
    if (msg.diverged) diverged.add(msg.slot); else diverged.delete(msg.slot);
  } else if (msg.type === 'rescale') {
    // Dinh et al.'s rescale of one end point: answered at once, nothing else changes.
    let comparison = null;
    let error = '';
    try {
      comparison = atlas?.rescale(msg.slot, msg.layer, msg.alpha) ?? null;
    } catch (err) {
      error = String(err?.message || err);
    }
    self.postMessage(rescaleResultMsg({ slot: msg.slot, gen: msg.gen, alpha: msg.alpha, comparison, error }));
    return;
  } else if (msg.type === 'plane') {
    plane = msg.plane;
  } else {
    return;
  }
  dirty = true;
  version += 1;
  wake();
  if (!working) work().catch(fail);
}

/** Fills rows of the planned grid for about FILL_SLICE_MS (at least one); true when complete. */
function fillSlice() {
  const t0 = performance.now();
  let complete = false;
  do complete = atlas.fill(1); while (!complete && performance.now() - t0 < FILL_SLICE_MS);
  return complete;
}

function post(fine) {
  self.postMessage(atlasMsg({ fine, plane, gens: [...gens], chart: atlas.landscape() }));
}

async function work() {
  working = true;
  try {
    while (dirty && atlas) {
      if (role === 'diagnoses') {
        // Once every run has stopped (while they train, the cores are theirs).
        dirty = false;
        if (!running.size) await diagnose(version);
        continue;
      }
      if (running.size) {
        // Newer trajectories arriving meanwhile are all taken in by the next pass.
        await sleep(Math.max(0, lastCoarse + COARSE_EVERY_MS - performance.now()));
        if (!atlas) break;
      }
      dirty = false;
      const v = version;
      const session = atlas;
      if (running.size) {
        // The coarse pass is finished even if newer trajectories arrive meanwhile (they would
        // otherwise postpone it for as long as the runs train); a new scenario abandons it, and
        // so does the end of every run: the fine pass then replaces it (runs that finish within
        // a few frames, as the default page's do, get no coarse pass at all: issue 14).
        atlas.plan(plane, COARSE);
        let complete = false;
        while (!(complete = fillSlice()) && atlas === session && running.size) await yieldToEvents();
        if (atlas !== session) continue;
        if (complete) {
          post(false);
          lastCoarse = performance.now();
          await yieldToEvents();
        }
        if (running.size || v !== version) continue;
      }
      if (!gens.some(Boolean)) {
        await changeOr(EMPTY_MAP_WAIT_MS);
        if (v !== version || atlas !== session) continue;
      }
      atlas.plan(plane, grid);
      let complete = false;
      while (!complete && v === version) {
        complete = fillSlice();
        if (!complete) await yieldToEvents();
      }
      if (complete && v === version) post(true);
      // The landscape worker then helps with the diagnoses, from the last run backwards (the
      // diagnoses worker goes forwards; each skips the runs the other has claimed).
      if (v === version && role === 'all') await diagnose(v);
      else if (v === version) await diagnose(v, { backwards: true, interpolate: false });
    }
  } finally {
    working = false;
  }
}

/**
 * Flat vs sharp and dynamics for every finished run not yet diagnosed (λ_max, trace,
 * ε-sharpness, B_simple and their histories; a slice through its end point), then the
 * interpolation between the pair the core picks (ranges and pair: the core's `facts`).
 * Stops early when something newer arrives.
 */
async function diagnose(v, { backwards = false, interpolate = true } = {}) {
  const done = gens.flatMap((g, k) => (g && !running.has(k) && !diverged.has(k) ? [k] : []));
  for (const slot of backwards ? [...done].reverse() : done) {
    if (v !== version) return;
    if (diagnosed[slot] === gens[slot] || claimed[slot] === gens[slot]) continue;
    // Claimed first, so the other analysis worker skips it (the page passes the claim on).
    self.postMessage(diagnosingMsg(slot, gens[slot]));
    const t0 = performance.now();
    // One call, not sliced: at n_train 4096 with four layers of 64 it outlasted the watchdog's
    // 10 s, the worker was replaced and the runs retrained (seen in tests/limits.test.mjs).
    announceBusy(DIAGNOSE_BUSY_MS);
    const analysis = atlas.diagnose(slot) ?? null;
    const slice = atlas.slice(slot);
    diagnosed[slot] = gens[slot];
    self.postMessage(diagnosisMsg({ slot, gen: gens[slot], analysis, slice, ms: performance.now() - t0 }));
    await yieldToEvents();
  }
  if (v !== version || !interpolate) return;
  const key = done.map((k) => `${k}:${gens[k]}`).join(',');
  if (key === interpolated) return;
  announceBusy(DIAGNOSE_BUSY_MS);
  const ip = atlas.interpolation(Uint32Array.from(done));
  interpolated = key;
  if (ip) self.postMessage(interpolationMsg({ a: ip.a, b: ip.b, gens: [gens[ip.a], gens[ip.b]], profile: ip.profile }));
}
