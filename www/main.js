// The page's wiring: controls → worker (training) → frames → wasm drawing on the canvases.
// The only module that imports the wasm package on the main thread; all numbers come from
// the worker, and all text that reaches the DOM goes through textContent.
import init, { draw_landscape, draw_curves } from '../pkg/batchscape.js';

const LR_STOPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50];
const $ = (id) => document.getElementById(id);

const state = {
  pairs: [],        // settings from the URL, as [key, value]; batch and lr are overridden by the sliders
  nTrain: 256,
  grid: 51,
  batchStops: [],
  runId: 0,
  pending: null,    // newest frame not yet drawn
  frames: 0,
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
function currentLr() { return LR_STOPS[+$('lr').value]; }

function updateLabels() {
  const b = currentBatch();
  const full = b === state.nTrain;
  $('batch-out').textContent = `B = ${b}${full ? ' (full batch)' : ''}`;
  $('batch').setAttribute('aria-valuetext', `${b} examples per step${full ? ', full batch' : ''}`);
  $('batch-note').textContent = `${Math.floor(state.nTrain / b)} steps per epoch over N = ${state.nTrain} examples`;
  $('lr-out').textContent = `η = ${currentLr()}`;
  $('lr').setAttribute('aria-valuetext', `learning rate ${currentLr()}`);
}

function syncUrl() {
  const params = new URLSearchParams(location.search);
  params.set('batch', String(currentBatch()));
  params.set('lr', String(currentLr()));
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

function requestRun() {
  state.runId += 1;
  const pairs = state.pairs.filter(([k]) => k !== 'batch' && k !== 'lr');
  pairs.push(['lr', String(currentLr())]);
  worker.postMessage({ type: 'run', id: state.runId, pairs, batch: currentBatch(), grid: state.grid });
}

function onSliderInput() {
  state.inputAt = performance.now();
  updateLabels();
  syncUrl();
  requestRun();
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
  try {
    if (f.landscape && f.landscape.values.length) {
      const [alphaLabel, betaLabel] = f.landscape.labels;
      draw_landscape($('landscape'), f.landscape.values, f.landscape.extent, f.landscape.path, 0, alphaLabel, betaLabel);
    }
    draw_curves($('curves'), f.epoch, f.trainLoss, f.testLoss, 0, 'epoch');
  } catch (err) {
    showMessages([`Drawing failed: ${err.message || err}`]);
  }
  setStatus(f);
  setSummary(f);
  state.frames += 1;
  state.last = {
    id: f.id, state: f.state, phase: f.phase, step: f.step, steps: f.steps, batch: f.batch, lr: f.lr,
    fingerprint: f.fingerprint, divergence: f.divergence,
    trainLoss: f.trainLoss[f.trainLoss.length - 1], testLoss: f.testLoss[f.testLoss.length - 1],
    latencyMs: state.inputAt ? performance.now() - state.inputAt : null,
  };
  state.inputAt = 0;
}

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === 'settings') {
    const settings = new Map();
    for (let i = 0; i + 1 < msg.settings.length; i += 2) settings.set(msg.settings[i], msg.settings[i + 1]);
    const n = Number(settings.get('n_train'));
    state.grid = Number(settings.get('grid'));
    if (n !== state.nTrain) {
      state.nTrain = n;
      state.batchStops = batchStops(n);
      $('batch').max = String(state.batchStops.length - 1);
      updateLabels();
    }
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
  // Initial slider positions from the URL when valid (the worker reports invalid values).
  const params = new URLSearchParams(location.search);
  const b = Number(params.get('batch'));
  const bIdx = state.batchStops.indexOf(b);
  $('batch').max = String(state.batchStops.length - 1);
  $('batch').value = String(bIdx >= 0 ? bIdx : 4);
  const lrIdx = LR_STOPS.indexOf(Number(params.get('lr')));
  $('lr').value = String(lrIdx >= 0 ? lrIdx : LR_STOPS.indexOf(0.2));
  updateLabels();
  $('batch').addEventListener('input', onSliderInput);
  $('lr').addEventListener('input', onSliderInput);
  $('dismiss').addEventListener('click', () => { $('messages').hidden = true; });
  requestRun();
}

start().catch((err) => showMessages([`Batchscape could not start: ${err.message || err}`]));
