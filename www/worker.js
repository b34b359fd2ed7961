// Run worker: owns a wasm Session holding up to four runs, trains the active ones in turn in
// short slices, and posts a frame per run (typed arrays, transferred) so the main thread only
// draws. A newer request for a run replaces it at the next slice boundary.
import init, { Session } from '../pkg/batchscape.js';
import * as glue from '../pkg/batchscape.js';
import { ensureDigits } from './digits-data.js';
import { errorMsg, frameMsg, settingsMsg } from './messages.js';
import { MAX_RUNS } from './store.js';
import { takeWasmModule, wasmSource } from './wasm-module.js';
import { failureText, testMessage, trapForTest } from './worker-faults.js';

const SLICE_MS = 12;     // training time between checks for new messages
const FRAME_MS = 120;    // at most one progress frame per run this often
// ... and at most this share of the worker's time spent on frames: a frame of a large network
// (a 41 × 41 decision map, every θ snapshot copied) can cost 30 ms, and four runs posting every
// 120 ms then left training under a tenth of the time (tests/limits.test.mjs: 2 246 of 245 760
// steps in 4 minutes). So a run's next frame waits at least FRAME_COST_SHARE⁻¹ × (runs × its
// last frame's cost).
const FRAME_COST_SHARE = 0.25;
const BOUNDARY_N = 41;   // decision-map grid points per axis

let ready = null;
let session = null;
let sessionKey = '';
const runs = new Map();  // slot → { gen, batch, lastFrame, ms, steps }
let looping = false;

const STATES = ['running', 'finished', 'diverged'];
const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));

// Set synchronously so no early message is lost; the wasm module is awaited inside.
// Any error here (a trap in the wasm code included) is reported; the page then replaces this
// worker and marks its unfinished runs failed (www/workers.js).
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

/** The session of `pairs`: the current one if they are its settings, else a new one (no runs). */
async function useScenario(pairs) {
  const key = JSON.stringify(pairs);
  if (key === sessionKey) return;
  const keys = pairs.map((p) => p[0]);
  const values = pairs.map((p) => p[1]);
  await ensureDigits(glue, keys, values);
  session?.free();
  session = new Session(keys, values);
  sessionKey = key;
  runs.clear();
  early.clear();
}

// Runs started before the page asked (prestart.js, `early-runs`: issue 14, the page's main
// thread took ≈ 0.2 s to mount, validate and ask): they train but post no frame, since the page
// would drop frames of a generation it has not started. The page's first `run` of the slot
// with the same generation and batch adopts the run (its frame at once, the final one if it
// already ended); any other message about the slot, or new settings, replaces it.
const early = new Map();  // slot → { gen, batch, run (while training) or code (once ended) }

function startEarlyRuns(msg) {
  const settings = new Map(session.settings());
  const nTrain = Number(settings.get('n_train'));
  const batches = String(settings.get('batch')).split(',').map(Number).slice(0, MAX_RUNS).map((b) => Math.min(b, nTrain));
  batches.forEach((batch, slot) => {
    if (slot % msg.n !== msg.index || !Number.isFinite(batch) || runs.has(slot)) return;
    session.start(slot, batch);
    const run = { gen: 1, lastFrame: performance.now(), ms: 0, steps: 0, frameMs: 0, early: true };
    runs.set(slot, run);
    early.set(slot, { gen: 1, batch, run });
  });
  if (runs.size && !looping) loop().catch(fail);
}

/** The page's `run` for a slot an early run holds: true if that run was adopted. */
function adopt(msg) {
  const e = early.get(msg.slot);
  early.delete(msg.slot);
  if (!e || e.gen !== msg.gen || e.batch !== msg.batch) return false;
  if (e.run) {
    e.run.early = false;
    post(msg.slot, e.run, 0);
  } else {
    post(msg.slot, { gen: e.gen, ms: e.ms, steps: e.steps }, e.code);
  }
  return true;
}

async function handle(msg) {
  ready ??= init(wasmSource());
  await ready;
  trapForTest(msg, await ready);
  if (msg.type === 'early-runs') {
    await useScenario(msg.pairs);
    startEarlyRuns(msg);
  } else if (msg.type === 'scenario') {
    await useScenario(msg.pairs);
    self.postMessage(settingsMsg({
      id: msg.id, errors: session.errors(), settings: session.settings(), facts: session.facts(),
      palette: session.palette(), inputs: session.train_points(), labels: session.train_labels(),
      shownImages: session.shown_images(), shownLabels: session.shown_labels(), pca: session.test_projection(), work: session.work(),
    }));
  } else if (msg.type === 'run' && session) {
    if (adopt(msg)) return;
    session.start(msg.slot, msg.batch);
    const run = { gen: msg.gen, lastFrame: performance.now(), ms: 0, steps: 0, frameMs: 0 };
    runs.set(msg.slot, run);
    // A frame at once (step 0: the initial loss), so the page shows the restarted run without
    // waiting for the other runs' training slices.
    post(msg.slot, run, 0);
    if (!looping) loop().catch(fail);
  } else if (msg.type === 'stop' && session) {
    early.delete(msg.slot);
    session.stop(msg.slot);
    runs.delete(msg.slot);
  }
}

function post(slot, run, code) {
  const s = session;
  const {
    step, steps, batch, lr, n_params: nParams, memory_per_step: memory, divergence, fingerprint, target_message: targetMessage,
  } = s.progress(slot);
  const f = frameMsg({
    slot, gen: run.gen, state: STATES[code] ?? 'stopped', step, steps, batch, lr, nParams, memory, targetMessage,
    divergence,
    fingerprint,
    msPerStep: run.steps ? run.ms / run.steps : NaN,
    epoch: s.history(slot, 'epoch'),
    stepAt: s.history(slot, 'step'),
    trainLoss: s.history(slot, 'train_loss'),
    testLoss: s.history(slot, 'test_loss'),
    trainAcc: s.history(slot, 'train_acc'),
    testAcc: s.history(slot, 'test_acc'),
    snapshots: s.snapshots(slot),
    boundary: s.decision_map(slot, BOUNDARY_N),
    images: s.image_report(slot),
  });
  const arrays = [f.epoch, f.stepAt, f.trainLoss, f.testLoss, f.trainAcc, f.testAcc, f.snapshots];
  self.postMessage(f, arrays.map((a) => a.buffer));
}

async function loop() {
  looping = true;
  try {
    while (runs.size) {
      const slots = [...runs.keys()];
      const budget = SLICE_MS / slots.length;
      for (const slot of slots) {
        const run = runs.get(slot);
        if (!run) continue;
        const t0 = performance.now();
        let code = 0;
        let done = 0;
        do {
          code = session.advance(slot, 2);
          done += 2;
        } while (code === 0 && performance.now() - t0 < budget);
        run.ms += performance.now() - t0;
        run.steps += done;
        const wait = Math.max(FRAME_MS, (slots.length * run.frameMs) / FRAME_COST_SHARE);
        if (run.early) {
          // Not adopted yet: no frame; an ended run keeps its last state for the page's `run`.
          if (code !== 0) early.set(slot, { gen: run.gen, batch: early.get(slot)?.batch, code, ms: run.ms, steps: run.steps });
        } else if (code !== 0 || performance.now() - run.lastFrame >= wait) {
          const t1 = performance.now();
          post(slot, run, code);
          run.lastFrame = performance.now();
          run.frameMs = run.lastFrame - t1;
        }
        if (code !== 0) runs.delete(slot);
      }
      await yieldToEvents();
    }
  } finally {
    looping = false;
  }
}
