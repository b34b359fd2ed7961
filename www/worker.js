// Training worker: owns the wasm Session, trains in short slices, and posts frames (typed
// arrays, transferred) so the main thread only draws. A newer 'run' message preempts the
// current one at the next slice boundary.
import init, { Session } from '../pkg/batchscape.js';

const SLICE_MS = 12;          // training between checks for newer messages
const FRAME_MS = 100;         // at most one progress frame this often
const COARSE_GRID = 15;       // landscape grid while training (follows the current point)
const FINE_ROWS_PER_SLICE = 3;

let ready = null;
let session = null;
let sessionKey = '';
let current = 0;

// Set synchronously so no early message is lost; the wasm module is awaited inside.
self.onmessage = (event) => {
  const msg = event.data;
  if (msg && msg.type === 'run') {
    current = msg.id;
    run(msg).catch((err) => self.postMessage({ type: 'error', id: msg.id, message: String(err && err.message || err) }));
  }
};

const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));

function landscapeFrame(s) {
  return {
    values: s.landscape_values(),
    extent: s.landscape_extent(),
    path: s.landscape_path(),
    labels: s.landscape_labels(),
  };
}

function frame(s, id, state, landscape, phase) {
  const [step, steps, batch, lr] = s.progress();
  const f = {
    type: 'frame', id, state, phase, step, steps, batch, lr,
    divergence: s.divergence(),
    fingerprint: s.fingerprint(),
    epoch: s.history('epoch'),
    trainLoss: s.history('train_loss'),
    testLoss: s.history('test_loss'),
    testAcc: s.history('test_acc'),
    trainAcc: s.history('train_acc'),
    landscape,
  };
  const transfer = [f.epoch.buffer, f.trainLoss.buffer, f.testLoss.buffer, f.testAcc.buffer, f.trainAcc.buffer];
  if (landscape) transfer.push(landscape.values.buffer, landscape.extent.buffer, landscape.path.buffer);
  self.postMessage(f, transfer);
}

const STATES = ['running', 'finished', 'diverged'];

async function run(msg) {
  ready ??= init();
  await ready;
  if (msg.id !== current) return;
  const key = JSON.stringify(msg.pairs);
  if (key !== sessionKey) {
    if (session) session.free();
    session = new Session(msg.pairs.map((p) => p[0]), msg.pairs.map((p) => p[1]));
    sessionKey = key;
    self.postMessage({ type: 'settings', id: msg.id, errors: session.errors(), settings: session.settings() });
  }
  const s = session;
  const settings = s.settings();
  const batch = Number(settings[settings.indexOf('batch') + 1].split(',')[0]);
  s.start(batch);
  let code = 0;
  let lastFrame = -Infinity;
  for (;;) {
    const t0 = performance.now();
    do { code = s.advance(4); } while (code === 0 && performance.now() - t0 < SLICE_MS);
    if (code !== 0 || performance.now() - lastFrame >= FRAME_MS) {
      s.plan_landscape(COARSE_GRID);
      s.fill_landscape(COARSE_GRID);
      frame(s, msg.id, STATES[code], landscapeFrame(s), 'training');
      lastFrame = performance.now();
    }
    if (code !== 0) break;
    await yieldToEvents();
    if (msg.id !== current) return;
  }
  // The fine landscape of the finished (or diverged) run, filled a few rows at a time.
  s.plan_landscape(msg.grid);
  while (!s.fill_landscape(FINE_ROWS_PER_SLICE)) {
    await yieldToEvents();
    if (msg.id !== current) return;
  }
  frame(s, msg.id, STATES[code], landscapeFrame(s), 'done');
}
