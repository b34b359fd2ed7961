// The page's wiring: controls → worker (training) → frames → wasm drawing on the canvases.
// The only module that imports the wasm package on the main thread; all numbers come from
// the worker, and all text that reaches the DOM goes through textContent.
import init, { draw_landscape, draw_curves } from '../pkg/batchscape.js';

const $ = (id) => document.getElementById(id);

const state = {
  pairs: [],        // settings from the URL, as [key, value]; the sliders override batch and lr once moved
  overrides: new Map(),
  lr: 0.2,          // the effective learning rate (from the worker's validated settings, then the slider)
  nTrain: 256,
  grid: 51,
  batchStops: [],
  runId: 0,
  pending: null,    // newest frame not yet drawn
  frames: 0,
  drawMs: [],       // time spent drawing each frame (main thread), for the tests to report
  last: null,       // summary of the newest frame, for tests and the status line
  inputAt: 0,       // time of the last slider input, to report slider-to-frame latency
};
window.batchscape = state;

function batchStops(n) {
  const stops = [];
  for (let b = 1; b < n; b *= 2) stops.push(b);
  stops.push(n);
  return stops;
}

function urlPairs() {
  const pairs = [];
  for (const [k, v] of new URLSearchParams(location.search)) pairs.push([k, v]);
  return pairs.slice(0, 200); // a hostile URL with thousands of keys is cut here; the rest is reported
}

function showMessages(list) {
  const box = $('messages');
  const ul = $('message-list');
  ul.replaceChildren(...list.map((text) => { const li = document.createElement('li'); li.textContent = text; return li; }));
  box.hidden = list.length === 0;
}

function currentBatch() { return state.batchStops[+$('batch').value]; }
function currentLr() { return state.lr; }
/** Two significant digits of 10^v: slider positions give round learning rates. */
function lrFromSlider(v) { return Number((10 ** v).toPrecision(2)); }

function updateLabels() {
  const b = currentBatch();
  const full = b === state.nTrain;
  $('batch-out').textContent = `B = ${b}${full ? ' (full batch)' : ''}`;
  $('batch').setAttribute('aria-valuetext', `${b} examples per step${full ? ', full batch' : ''}`);
  const steps = Math.floor(state.nTrain / b);
  $('batch-note').textContent = `${steps} step${steps === 1 ? '' : 's'} per epoch over N = ${state.nTrain} examples`;
  $('lr-out').textContent = `η = ${currentLr()}`;
  $('lr').setAttribute('aria-valuetext', `learning rate ${currentLr()}`);
}

function syncUrl() {
  const params = new URLSearchParams(location.search);
  params.set('batch', String(currentBatch()));
  params.set('lr', String(currentLr()));
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

// The URL's settings go to the worker as they are (it validates them and reports what it
// rejected); a slider the user has moved overrides its key.
function requestRun() {
  state.runId += 1;
  const pairs = state.pairs.filter(([k]) => !state.overrides.has(k));
  for (const [k, v] of state.overrides) pairs.push([k, v]);
  worker.postMessage({ type: 'run', id: state.runId, pairs, grid: state.grid });
}

function onSliderInput(event) {
  state.inputAt = performance.now();
  if (event.target.id === 'lr') state.lr = lrFromSlider(+$('lr').value);
  state.overrides.set('batch', String(currentBatch()));
  state.overrides.set('lr', String(state.lr));
  updateLabels();
  syncUrl();
  requestRun();
}

/** Puts the sliders where the validated settings say, without starting a run. */
function applySettings(settings) {
  const n = Number(settings.get('n_train'));
  state.grid = Number(settings.get('grid'));
  state.nTrain = n;
  state.batchStops = batchStops(n);
  $('batch').max = String(state.batchStops.length - 1);
  const b = Number(settings.get('batch').split(',')[0]);
  const idx = state.batchStops.findIndex((s) => s >= b);
  $('batch').value = String(idx >= 0 ? idx : state.batchStops.length - 1);
  state.lr = Number(settings.get('lr'));
  $('lr').value = String(Math.log10(state.lr));
  updateLabels();
}

function setStatus(f) {
  const el = $('status');
  el.classList.toggle('diverged', f.state === 'diverged');
  if (f.state === 'diverged') {
    el.textContent = `B = ${f.batch}, η = ${f.lr}: ${f.divergence}`;
  } else if (f.state === 'running') {
    el.textContent = `Training B = ${f.batch}, η = ${f.lr}: step ${f.step} of ${f.steps}…`;
  } else if (f.phase === 'training') {
    el.textContent = `B = ${f.batch}, η = ${f.lr}: trained ${f.steps} steps; computing the fine landscape…`;
  } else {
    el.textContent = `B = ${f.batch}, η = ${f.lr}: done, ${f.steps} steps.`;
  }
}

function setSummary(f) {
  const n = f.trainLoss.length;
  if (!n) return;
  const pct = (x) => `${(100 * x).toFixed(1)} %`;
  const epochs = f.epoch[n - 1];
  $('summary').textContent =
    `After ${f.step} steps (${epochs.toFixed(1)} epochs) with B = ${f.batch}: ` +
    `train loss ${f.trainLoss[n - 1].toFixed(3)}, test loss ${f.testLoss[n - 1].toFixed(3)} ` +
    `(gap ${(f.testLoss[n - 1] - f.trainLoss[n - 1]).toFixed(3)}); ` +
    `test accuracy ${pct(f.testAcc[n - 1])}.`;
}

function draw() {
  const f = state.pending;
  state.pending = null;
  if (!f || f.id !== state.runId) return;
  const t0 = performance.now();
  try {
    if (f.landscape && f.landscape.values.length) {
      const [alphaLabel, betaLabel] = f.landscape.labels;
      draw_landscape($('landscape'), f.landscape.values, f.landscape.extent, f.landscape.path, 0, alphaLabel, betaLabel);
    }
    draw_curves($('curves'), f.epoch, f.trainLoss, f.testLoss, 0, 'epoch');
  } catch (err) {
    showMessages([`Drawing failed: ${err.message || err}`]);
  }
  state.drawMs.push(performance.now() - t0);
  setStatus(f);
  setSummary(f);
  state.frames += 1;
  state.last = {
    id: f.id, state: f.state, phase: f.phase, step: f.step, steps: f.steps, batch: f.batch, lr: f.lr,
    fingerprint: f.fingerprint, divergence: f.divergence,
    trainLoss: f.trainLoss[f.trainLoss.length - 1], testLoss: f.testLoss[f.testLoss.length - 1],
    latencyMs: state.inputAt ? performance.now() - state.inputAt : null,
  };
  if (f.landscape) state.lastLandscape = f.landscape;
  state.inputAt = 0;
}

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === 'settings') {
    const settings = new Map();
    for (let i = 0; i + 1 < msg.settings.length; i += 2) settings.set(msg.settings[i], msg.settings[i + 1]);
    if (state.overrides.size === 0) applySettings(settings);
    const extra = state.pairs.length >= 200 ? ['Only the first 200 URL parameters were read.'] : [];
    showMessages([...msg.errors.map((e) => `Setting ignored, default used: ${e}`), ...extra]);
  } else if (msg.type === 'frame') {
    if (!state.pending || state.pending.phase !== 'done' || msg.id !== state.pending.id) state.pending = msg;
    requestAnimationFrame(draw);
  } else if (msg.type === 'error') {
    showMessages([`Training failed: ${msg.message}`]);
  }
};
worker.onerror = (e) => showMessages([`The training worker failed: ${e.message}`]);

async function start() {
  await init();
  state.pairs = urlPairs();
  state.batchStops = batchStops(state.nTrain);
  $('batch').max = String(state.batchStops.length - 1);
  updateLabels();
  $('batch').addEventListener('input', onSliderInput);
  $('lr').addEventListener('input', onSliderInput);
  $('dismiss').addEventListener('click', () => { $('messages').hidden = true; });
  requestRun();
}

start().catch((err) => showMessages([`Batchscape could not start: ${err.message || err}`]));
