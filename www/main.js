// The page's wiring: URL and controls → workers (training, analysis) → frames → views.
// The only module that imports the wasm package on the main thread, and only instantiates it
// when first needed (settings files and SVG exports); all numbers come from the workers,
// charts are painted in the draw worker (painter.js), and all text reaches the DOM through
// textContent.
import init, {
  pairs_from_settings_json, settings_json_from_pairs, svg_boundary, svg_landscape, svg_lines, svg_sweep,
} from '../pkg/batchscape.js';
import {
  chartSize, lastPainted, paint as paintInWorker, pending as paintsPending, reportErrorsTo, sizeCanvas, workerMs,
} from './painter.js';
import { download, runsCsv, runsJson } from './export.js';
import {
  costRows, explainBoundaries, explainCost, explainCurves, explainDynamics, explainLandscape, explainSharpness, formatBytes, showLr,
} from './explain.js';
import { SCENES } from './scenes.js';
import { mountSweep } from './sweep.js';

const MAX_RUNS = 4;
// URL keys that belong to the page, not to the scenario settings.
const PAGE_KEYS = new Set(['plane', 'x', 'scene', 'embed']);
const $ = (id) => document.getElementById(id);

const state = {
  pairs: [],            // settings from the URL, as [key, value]
  overrides: new Map(), // settings changed in the page (batch, lr), sent instead of the URL's
  settings: new Map(),  // the validated settings in effect (from the run worker)
  nTrain: 256,
  grid: 51,
  lr: 0.2,
  batches: [],          // batch size per run slot (undefined: slot unused)
  extraStops: new Set(),// batch sizes from the URL that are not powers of two
  scene: null,          // name of the scene shown, if any
  runs: [],             // newest frame per slot
  gens: [0, 0, 0, 0],   // generation per slot: frames of an older generation are dropped
  atlas: null,          // newest shared landscape
  plotFrames: {},       // canvas id → plot frame of its last drawing (pixels ↔ data)
  hover: null,          // { source, records: { slot: record index } } while a chart is hovered
  exports: [],          // export clicks (panel, format, files) for the tests
  embed: null,          // panels shown in embed mode
  diag: [],             // per slot: { gen, analysis, slice } from the analysis worker
  interp: null,         // { a, b, gens, profile }: interpolation between two runs' ends
  xAxis: 'epoch',
  plane: 'endpoints',
  stale: new Set(),     // views waiting to be redrawn
  lastDrawn: {},        // view → time of its last redraw
  rafPending: false,
  pendingInput: null,   // { slot, gen, at }: a slider moved at `at`, restarting run `slot`
  scenarioId: 0,        // id of the newest scenario sent to the run workers
  frames: 0,
  drawMs: [],           // main-thread time of each redraw, for the tests to report
  viewMs: {},           // the same per view
  workerMs,             // the draw worker's time per drawing, per canvas id
  latencies: [],         // slider-to-frame latency (ms) of each slider change
  latencyParts: [],      // the same split: until the run's first frame arrives, then until it is shown
};
state.atlasFor = '';
/** Some view waits to be redrawn, or a drawing is still in the draw worker. */
Object.defineProperty(state, 'dirty', { get: () => state.stale.size > 0 || state.rafPending || paintsPending() > 0 });
/** The current runs as `slot:generation` pairs, to compare with `atlasFor`. */
state.runsKey = () => activeSlots().map((k) => `${k}:${state.gens[k]}`).join(',');
window.batchscape = state;

// ---------------------------------------------------------------- workers
// Runs train in parallel: one run worker per spare core (at most one per run), each owning
// the slots k with k mod n = its index. Every worker builds the same scenario from the same
// settings, so a run's numbers do not depend on which worker trains it.
const N_RUN_WORKERS = Math.max(1, Math.min(MAX_RUNS, (navigator.hardwareConcurrency || 2) - 1));
const runWorkers = Array.from({ length: N_RUN_WORKERS },
  () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));
const workerOf = (slot) => runWorkers[slot % N_RUN_WORKERS];
state.runWorkers = N_RUN_WORKERS;
const analysisWorker = new Worker(new URL('./analysis-worker.js', import.meta.url), { type: 'module' });

/** Slider stops: powers of two below N, N itself, and any other size a link asked for. */
function batchStops(n) {
  const stops = new Set([n]);
  for (let b = 1; b < n; b *= 2) stops.add(b);
  for (const b of state.extraStops) if (b >= 1 && b <= n) stops.add(b);
  return [...stops].sort((a, b) => a - b);
}

function urlPairs() {
  const pairs = [];
  for (const [k, v] of new URLSearchParams(location.search)) pairs.push([k, v]);
  return pairs;
}

/** Settings for the workers: the URL's, with the page's overrides. Page-only keys stay here. */
function scenarioPairs() {
  const pageKeys = PAGE_KEYS;
  const pairs = state.pairs.filter(([k]) => !state.overrides.has(k) && !pageKeys.has(k)).slice(0, 200);
  for (const [k, v] of state.overrides) pairs.push([k, v]);
  return pairs;
}

function sendScenario() {
  const pairs = scenarioPairs();
  state.pendingScenario = true;   // until the run worker has validated these settings
  state.scenarioId += 1;
  for (const w of runWorkers) w.postMessage({ type: 'scenario', pairs, id: state.scenarioId });
  analysisWorker.postMessage({ type: 'scenario', pairs, grid: state.grid });
}

function startRun(slot) {
  state.gens[slot] += 1;
  state.runs[slot] = null;
  workerOf(slot).postMessage({ type: 'run', slot, gen: state.gens[slot], batch: state.batches[slot] });
}

function stopRun(slot) {
  state.gens[slot] += 1;
  state.runs[slot] = null;
  workerOf(slot).postMessage({ type: 'stop', slot });
  analysisWorker.postMessage({ type: 'trajectory', slot, gen: state.gens[slot], snapshots: new Float32Array(0), running: false });
}

// ---------------------------------------------------------------- messages and URL
function showMessages(list) {
  $('message-list').replaceChildren(...list.map((text) => {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  }));
  $('messages').hidden = list.length === 0;
}

function syncUrl() {
  const params = new URLSearchParams(location.search);
  for (const [k, v] of state.overrides) params.set(k, v);
  params.set('batch', state.batches.filter((b) => b !== undefined).join(','));
  if (state.plane !== 'endpoints') params.set('plane', state.plane); else params.delete('plane');
  if (state.xAxisChosen) params.set('x', state.xAxis); else params.delete('x');
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

/** A rejection message from the settings, plus the value used instead (or "ignored"). */
function describeRejection(error, settings) {
  const key = /^`([a-z_0-9]+)`/.exec(error)?.[1];
  if (key && settings.has(key)) {
    const used = settings.get(key);
    return `${error} — using ${key} = ${used === '' ? '(empty)' : used} instead.`;
  }
  return `${error} — ignored.`;
}

/**
 * Rewrites the URL to the state in effect: every setting the URL named gets its validated
 * value (a rejected one the value used instead), unknown keys are dropped (they were
 * reported), page keys stay. A link copied afterwards restores exactly this state.
 */
function canonicalizeUrl(settings) {
  const params = new URLSearchParams();
  const seen = new Set();
  for (const [k] of [...state.pairs.slice(0, 200), ...state.overrides]) {
    if (seen.has(k)) continue;
    seen.add(k);
    if (settings.has(k)) params.set(k, settings.get(k));
  }
  const current = new URLSearchParams(location.search);
  for (const k of PAGE_KEYS) if (current.has(k)) params.set(k, current.get(k));
  history.replaceState(null, '', `${location.pathname}?${params}`);
  syncUrl();
}

// ---------------------------------------------------------------- controls
const lrFromSlider = (v) => Number((10 ** v).toPrecision(2));
const activeSlots = () => state.batches.flatMap((b, k) => (b === undefined ? [] : [k]));

function runLabel(slot) { return `Run ${slot + 1}`; }

function renderRunControls() {
  const stops = batchStops(state.nTrain);
  const list = $('runs');
  list.replaceChildren();
  for (const slot of activeSlots()) {
    const b = state.batches[slot];
    const row = document.createElement('li');
    row.className = `run run-${slot}`;
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.setAttribute('aria-hidden', 'true');
    const label = document.createElement('label');
    label.htmlFor = `batch-${slot}`;
    label.textContent = `${runLabel(slot)}: Batch size `;
    const out = document.createElement('output');
    out.id = `batch-out-${slot}`;
    label.append(out);
    const input = document.createElement('input');
    input.type = 'range';
    input.id = `batch-${slot}`;
    input.min = '0';
    input.max = String(stops.length - 1);
    input.step = '1';
    input.value = String(Math.max(0, stops.findIndex((s) => s >= b)));
    input.addEventListener('input', () => {
      const at = performance.now();
      state.batches[slot] = stops[+input.value];
      updateRunLabel(slot);
      syncUrl();
      startRun(slot);
      state.pendingInput = { slot, gen: state.gens[slot], at };
    });
    const status = document.createElement('small');
    status.id = `run-status-${slot}`;
    status.className = 'run-status';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove ${runLabel(slot)}`);
    remove.disabled = activeSlots().length <= 1;
    remove.addEventListener('click', () => {
      state.batches[slot] = undefined;
      stopRun(slot);
      renderRunControls();
      syncUrl();
      scheduleDraw();
    });
    row.append(swatch, label, input, status, remove);
    list.append(row);
    updateRunLabel(slot);
    updateRunStatus(slot);
  }
  $('add-run').disabled = activeSlots().length >= MAX_RUNS;
}

function updateRunLabel(slot) {
  const b = state.batches[slot];
  const full = b === state.nTrain;
  const steps = Math.floor(state.nTrain / b);
  $(`batch-out-${slot}`).textContent = `B = ${b}${full ? ' (full batch)' : ''}`;
  $(`batch-${slot}`).setAttribute('aria-valuetext', `${b} examples per step${full ? ', full batch' : ''}, ${steps} step${steps === 1 ? '' : 's'} per epoch`);
}

function updateRunStatus(slot) {
  const f = state.runs[slot];
  const el = $(`run-status-${slot}`);
  if (!el) return;
  el.classList.toggle('diverged', f?.state === 'diverged');
  if (!f) el.textContent = 'starting…';
  else if (f.state === 'diverged') el.textContent = `η = ${showLr(f.lr)}: ${f.divergence}`;
  else if (f.state === 'running') el.textContent = `η = ${showLr(f.lr)}: step ${f.step} of ${f.steps}…`;
  else el.textContent = `η = ${showLr(f.lr)}: done, ${f.steps} steps`;
}

function updateLrLabel() {
  $('lr-out').textContent = `η = ${state.lr}`;
  $('lr').setAttribute('aria-valuetext', `learning rate ${state.lr}`);
}

/** Puts the controls where the validated settings say. */
function applySettings(settings) {
  state.settings = settings;
  state.nTrain = Number(settings.get('n_train'));
  state.grid = Number(settings.get('grid'));
  state.lr = Number(settings.get('lr'));
  $('lr').value = String(Math.log10(state.lr));
  updateLrLabel();
  const wanted = settings.get('batch').split(',').map(Number).slice(0, MAX_RUNS);
  state.extraStops = new Set(wanted);
  state.batches = wanted.map((b) => Math.min(b, state.nTrain));
  for (const el of document.querySelectorAll('[data-key]')) {
    const v = settings.get(el.dataset.key);
    if (v === undefined) continue;
    if (el.tagName === 'SELECT' && ![...el.options].some((o) => o.value === v)) {
      const o = document.createElement('option');
      o.value = v;
      o.textContent = v === '' ? 'none' : v.replaceAll(',', ', ');
      el.append(o);
    }
    el.value = v;
  }
  // Equal steps: epochs differ wildly between runs, so steps are the natural x axis.
  if (!state.xAxisChosen) {
    state.xAxis = settings.get('budget') === 'steps' ? 'step' : 'epoch';
    $('x-axis').value = state.xAxis;
  }
  $('s-steps').disabled = settings.get('budget') !== 'steps';
  $('s-epochs').disabled = settings.get('budget') !== 'epochs';
  renderRunControls();
}

// ---------------------------------------------------------------- drawing
// DOM text written by views waits until every canvas of the frame is drawn: plotters measures
// each label with a DOM element (a forced layout), and a layout after fresh DOM writes costs
// the whole page's, once per label. With the writes batched there is one such layout a frame.
const domWrites = [];
const later = (fn) => domWrites.push(fn);
const setText = (id, text) => later(() => { const el = $(id); if (el.textContent !== text) el.textContent = text; });

function flushWrites() {
  for (const fn of domWrites.splice(0)) fn();
}

/** `x` rounded to `digits` decimals, thousands separated by commas (1,234,567.8). */
function formatNumber(x, digits) {
  const [int, frac] = String(Number(x.toFixed(digits))).split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''}`;
}

/** The wasm module on the main thread, instantiated on first use (not while the page loads). */
let wasmReady = null;
const wasm = () => (wasmReady ??= init());

const SVG_PAINTERS = { landscape: svg_landscape, lines: svg_lines, boundary: svg_boundary, sweep: svg_sweep };

/**
 * Draws on a canvas with the wasm painter `kind` (in the draw worker; painter.js remembers the
 * arguments, so the same picture can be exported as SVG by the same drawing code).
 * `shown()` runs once the picture is on the page; an `urgent` chart is drawn before the others.
 */
function paint(canvas, kind, args, { shown = () => {}, urgent = false } = {}) {
  paintInWorker(canvas, kind, args, {
    urgent,
    shown: (frame) => {
      if (frame) state.plotFrames[canvas.id] = frame;
      drawHover();
      shown();
    },
  });
}

// ---------------------------------------------------------------- hover linking
// Hovering a chart picks, for every run, the record nearest to the pointer's x (in that
// chart's units: epochs, steps or time); every other chart marks those records: a dot on each
// path in the landscape, on each loss curve and on each λ_max / B_simple curve.

const HOVER_CHARTS = ['landscape', 'curves', 'dyn-lambda', 'dyn-noise'];

/** Data coordinates → canvas pixels through a plot frame `[x0, y0, x1, y1, xmin, xmax, ymin, ymax, logY]`. */
function toPixel(frame, x, y) {
  const [px0, py0, px1, py1, x0, x1, y0, y1, logY] = frame;
  const fy = logY ? (Math.log(y) - Math.log(y0)) / (Math.log(y1) - Math.log(y0)) : (y - y0) / (y1 - y0);
  return [px0 + ((x - x0) / (x1 - x0)) * (px1 - px0), py1 - fy * (py1 - py0)];
}

function nearestIndex(xs, x) {
  let best = 0;
  for (let k = 1; k < xs.length; k++) if (Math.abs(xs[k] - x) < Math.abs(xs[best] - x)) best = k;
  return best;
}

/** Sets the hovered record of each run from a pointer event over chart `id` (null: none). */
function hoverFrom(id, event) {
  const canvas = $(id);
  const frame = state.plotFrames[id];
  if (!event || !frame) { state.hover = null; drawHover(); return; }
  const r = canvas.getBoundingClientRect();
  const px = ((event.clientX - r.left) * chartSize(canvas)[0]) / r.width;
  const [px0, , px1, , x0, x1] = frame;
  if (px < px0 || px > px1) { state.hover = null; drawHover(); return; }
  const x = x0 + ((px - px0) / (px1 - px0)) * (x1 - x0);
  const hover = {};
  for (const slot of activeSlots()) {
    const f = state.runs[slot];
    if (!f?.stepAt.length) continue;
    const xs = id === 'curves' ? xOf(f) : f.stepAt;
    hover[slot] = nearestIndex(xs, x);
  }
  state.hover = { source: id, records: hover };
  drawHover();
}

function drawHover() {
  for (const id of HOVER_CHARTS) {
    const overlay = $(`${id}-overlay`);
    const base = $(id);
    if (!overlay) continue;
    if (overlay.width !== base.width) { overlay.width = base.width; overlay.height = base.height; }
    const frame = state.plotFrames[id];
    // An untouched canvas costs nothing to composite: clear only what was drawn on.
    if (!(state.hover && frame) && !overlayInked.has(id)) continue;
    const g = overlayContext(overlay);
    // Marks are placed in chart pixels, like the plot frames; the overlay is as fine as the chart.
    g.setTransform(overlay.width / chartSize(base)[0], 0, 0, overlay.height / chartSize(base)[1], 0, 0);
    g.clearRect(0, 0, ...chartSize(base));
    overlayInked.delete(id);
    if (!state.hover || !frame) continue;
    overlayInked.add(id);
    for (const [slotKey, k] of Object.entries(state.hover.records)) {
      const slot = Number(slotKey);
      const point = hoverPoint(id, slot, k);
      if (!point) continue;
      const [x, y] = toPixel(frame, ...point);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      g.beginPath();
      g.arc(x, y, 7, 0, 2 * Math.PI);
      g.fillStyle = RUN_CSS[slot];
      g.strokeStyle = '#000';
      g.lineWidth = 2;
      g.fill();
      g.stroke();
    }
  }
}

const overlayInked = new Set();   // overlays with marks on them
const overlayContexts = new Map();
function overlayContext(canvas) {
  if (!overlayContexts.has(canvas)) overlayContexts.set(canvas, canvas.getContext('2d'));
  return overlayContexts.get(canvas);
}

const RUN_CSS = ['#d55e00', '#0072b2', '#009e73', '#cc79a7'];

/** Where record k of run `slot` sits on chart `id`, in data coordinates (or null). */
function hoverPoint(id, slot, k) {
  const f = state.runs[slot];
  if (!f) return null;
  if (id === 'curves') return [xOf(f)[k], f.trainLoss[k]];
  if (id === 'landscape') {
    const a = state.atlas;
    if (!a) return null;
    let at = 0;
    for (let s = 0; s < slot; s++) at += a.lengths[s] ?? 0;
    const len = a.lengths[slot] ?? 0;
    if (!len) return null;
    const i = at + Math.min(k, len - 1);
    return [a.paths[2 * i], a.paths[2 * i + 1]];
  }
  const h = state.diag[slot]?.gen === state.gens[slot] ? state.diag[slot].analysis?.history : null;
  if (!h?.step?.length) return null;
  const j = nearestIndex(h.step, f.stepAt[k]);
  return [h.step[j], id === 'dyn-lambda' ? h.lambda_max[j] : h.b_simple[j]];
}

function wireHover() {
  for (const id of ['curves', 'dyn-lambda', 'dyn-noise']) {
    $(id).addEventListener('pointermove', (e) => hoverFrom(id, e));
    $(id).addEventListener('pointerleave', () => hoverFrom(id, null));
  }
}

/** The SVG of what canvas `id` shows (plotters' SVG backend), or null if nothing is drawn. */
function svgOf(canvas) {
  const p = lastPainted(canvas.id);
  return p ? SVG_PAINTERS[p.kind](...chartSize(canvas), ...p.args) : null;
}

function colorsOf(slots) { return Uint32Array.from(slots); }

function drawLandscape() {
  const a = state.atlas;
  if (!a || !a.values.length) return;
  const slots = [];
  const lengths = [];
  const parts = [];
  let at = 0;
  a.lengths.forEach((len, slot) => {
    if (len && state.batches[slot] !== undefined) {
      slots.push(slot);
      lengths.push(len);
      parts.push(a.paths.subarray(at * 2, (at + len) * 2));
    }
    at += len;
  });
  const paths = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { paths.set(p, o); o += p.length; }
  paint($('landscape'), 'landscape', [a.values, a.extent, paths, Uint32Array.from(lengths), colorsOf(slots), a.labels[0], a.labels[1]]);
  setText('landscape-text', explainLandscape(state, a));
}

function xOf(f) {
  if (state.xAxis === 'step') return f.stepAt;
  if (state.xAxis === 'time') return f.stepAt.map((s) => s * f.msPerStep);
  return f.epoch;
}

const X_LABELS = { epoch: 'epoch (passes over the data)', step: 'step (updates)', time: 'measured training time (ms)' };

function drawCurves() {
  const xs = [];
  const ys = [];
  const lengths = [];
  const colors = [];
  const dashed = [];
  const labels = [];
  for (const slot of activeSlots()) {
    const f = state.runs[slot];
    if (!f || !f.trainLoss.length) continue;
    const x = xOf(f);
    for (const [y, dash, kind] of [[f.trainLoss, 0, 'train'], [f.testLoss, 1, 'test']]) {
      xs.push(...x); ys.push(...y); lengths.push(y.length); colors.push(slot); dashed.push(dash);
      labels.push(`${kind} B=${f.batch}`);
    }
  }
  if (!lengths.length) return;
  // Slider-to-frame latency: measured when the first picture with the restarted run is shown.
  const p = state.pendingInput;
  const restarted = p && state.runs[p.slot]?.gen === p.gen ? p : null;
  if (restarted) state.pendingInput = null;
  paint($('curves'), 'lines', [Float64Array.from(xs), Float64Array.from(ys), Uint32Array.from(lengths),
    Uint32Array.from(colors), Uint8Array.from(dashed), labels, X_LABELS[state.xAxis], lossLabel(), false],
  {
    urgent: Boolean(restarted),
    shown: () => {
      if (!restarted || state.gens[restarted.slot] !== restarted.gen) return;
      const now = performance.now();
      state.latencies.push(now - restarted.at);
      state.latencyParts.push({ toFrame: restarted.frameAt - restarted.at, toShown: now - restarted.frameAt });
    },
  });
  setText('curves-text', explainCurves(state));
}

const boundaryDrawn = new WeakMap();   // canvas → the frame it shows

/** One small canvas per active run, created and removed as runs come and go. */
function drawBoundaries() {
  const host = $('boundaries');
  const slots = activeSlots().filter((k) => state.runs[k]?.boundary?.length);
  const want = new Set(slots.map((k) => `boundary-${k}`));
  for (const c of [...host.children]) if (!want.has(c.id)) c.remove();
  for (const slot of slots) {
    let canvas = $(`boundary-${slot}`);
    if (!canvas) {
      canvas = document.createElement('canvas');
      canvas.id = `boundary-${slot}`;
      sizeCanvas(canvas, 260, 260);
      canvas.setAttribute('role', 'img');
      host.append(canvas);
    }
    const f = state.runs[slot];
    // Only runs with a new frame since this canvas was last drawn are redrawn.
    if (boundaryDrawn.get(canvas) === f) continue;
    boundaryDrawn.set(canvas, f);
    canvas.setAttribute('aria-label', `Decision boundary of ${runLabel(slot)}, batch size ${f.batch}`);
    const acc = f.testAcc.length ? ` · test acc ${(100 * f.testAcc[f.testAcc.length - 1]).toFixed(1)} %` : '';
    paint(canvas, 'boundary', [f.boundary, state.inputFrame, state.inputs, state.labels, `${runLabel(slot)}: B = ${f.batch}${acc}`, slot]);
  }
  // Keep canvases in slot order.
  for (const slot of slots) {
    const c = $(`boundary-${slot}`);
    if (c) host.append(c);
  }
  setText('boundary-text', explainBoundaries(state));
}

/** Layer widths (input, hidden…, output) of the scenario's network. */
function layerWidths() {
  const hidden = String(state.settings.get?.('hidden') ?? '').split(',').filter(Boolean).map(Number);
  return [2, ...hidden, 1];
}

const OPTIMIZER_STATE = { sgd: 0, momentum: 1, adam: 2 };

function drawCost() {
  const slots = OPTIMIZER_STATE[state.settings.get?.('opt')] ?? 0;
  const table = costRows(state, layerWidths(), slots);
  const fmtNum = (x, d = 0) => (Number.isFinite(x) ? formatNumber(x, d) : '—');
  const body = $('cost').tBodies[0];
  later(() => body.replaceChildren(...table.rows.map((r) => tableRow(r.slot, [r.batch, showLr(r.lr), fmtNum(r.msPerStep, 3), fmtNum(r.examplesPerSecond),
    formatBytes(r.memory), fmtNum(r.steps), fmtNum(r.examples)]))));
  setText('cost-text', explainCost(table));
}

/** Current diagnosis of a slot (null if stale or missing). */
function diagOf(slot) {
  const d = state.diag[slot];
  return d && d.gen === state.gens[slot] && state.batches[slot] !== undefined ? d : null;
}

/** Splits a profile `[α…, train…, test…, trainAcc…, testAcc…]` into its five columns. */
function profileColumns(p) {
  const n = p.length / 5;
  return [0, 1, 2, 3, 4].map((k) => Array.from(p.subarray(k * n, (k + 1) * n)));
}

function lossLabel() {
  return ['sine', 'linear'].includes(state.settings.get?.('dataset')) ? 'loss (mean squared error)' : 'loss (binary cross-entropy)';
}

function drawSharpness() {
  // A diverged run has no minimum to measure: the analysis worker skips it, and it is left
  // out here (its status line says where and why it diverged).
  const slots = activeSlots().filter((k) => diagOf(k) && state.runs[k]?.state === 'finished');
  const xs = []; const ys = []; const lengths = []; const colors = []; const dashed = []; const labels = [];
  for (const slot of slots) {
    const [alpha, train, test] = profileColumns(state.diag[slot].slice);
    const b = state.runs[slot]?.batch;
    for (const [y, dash, kind] of [[train, 0, 'train'], [test, 1, 'test']]) {
      xs.push(...alpha); ys.push(...y); lengths.push(y.length); colors.push(slot); dashed.push(dash);
      labels.push(`${kind} B=${b}`);
    }
  }
  if (lengths.length) {
    paint($('slices'), 'lines', [Float64Array.from(xs), Float64Array.from(ys), Uint32Array.from(lengths), Uint32Array.from(colors),
      Uint8Array.from(dashed), labels, 'α along a filter-normalized direction (0 = end point)', lossLabel(), true]);
  }
  const ip = state.interp;
  if (ip && ip.gens[0] === state.gens[ip.a] && ip.gens[1] === state.gens[ip.b]) {
    const [alpha, train, test] = profileColumns(ip.profile);
    const [ba, bb] = [state.runs[ip.a]?.batch, state.runs[ip.b]?.batch];
    paint($('interp'), 'lines', [Float64Array.from([...alpha, ...alpha]), Float64Array.from([...train, ...test]), Uint32Array.from([alpha.length, alpha.length]),
      Uint32Array.from([4, 4]), Uint8Array.from([0, 1]), ['train', 'test'], `α: (1−α)·θ(B=${ba}) + α·θ(B=${bb})`, lossLabel(), true]);
  }
  const body = $('sharpness').tBodies[0];
  const fmtNum = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  later(() => body.replaceChildren(...slots.map((slot) => {
    const a = state.diag[slot].analysis ?? {};
    const f = state.runs[slot];
    const eps = (e) => a.eps_sharpness?.find((x) => x.eps === e)?.phi;
    const trainL = f.trainLoss.at(-1); const testL = f.testLoss.at(-1);
    return tableRow(slot, [f.batch, fmtNum(a.lambda_max, 2), fmtNum(a.hessian_trace, 1), fmtNum(eps(1e-3), 3), fmtNum(eps(5e-4), 3),
      fmtNum(trainL, 3), fmtNum(testL, 3), fmtNum(testL - trainL, 3), `${fmtNum(100 * f.testAcc.at(-1), 1)} %`]);
  })));
  setText('sharpness-text', explainSharpness(state, slots.map((slot) => ({ f: state.runs[slot], a: state.diag[slot].analysis ?? {} }))));
}

function drawDynamics() {
  const slots = activeSlots().filter((k) => diagOf(k)?.analysis?.history?.step?.length);
  if (!slots.length) return;
  const series = (pick, guide) => {
    const xs = []; const ys = []; const lengths = []; const colors = []; const dashed = []; const labels = [];
    for (const slot of slots) {
      const h = state.diag[slot].analysis.history;
      const f = state.runs[slot];
      const y = pick(h).map((v) => (v === null ? NaN : v));
      xs.push(...h.step); ys.push(...y); lengths.push(y.length); colors.push(slot); dashed.push(0); labels.push(`B=${f.batch}`);
      const g = guide(f);
      const end = Math.max(1, h.step.at(-1));
      xs.push(0, end); ys.push(g, g); lengths.push(2); colors.push(slot); dashed.push(1); labels.push('');
    }
    return [Float64Array.from(xs), Float64Array.from(ys), Uint32Array.from(lengths), Uint32Array.from(colors), Uint8Array.from(dashed), labels];
  };
  paint($('dyn-lambda'), 'lines', [...series((h) => h.lambda_max, (f) => 2 / f.lr), 'step', 'λ_max (dashed: 2/η)', true]);
  paint($('dyn-noise'), 'lines', [...series((h) => h.b_simple, (f) => f.batch), 'step', 'B_simple (dashed: the run\'s B)', true]);
  setText('dynamics-text', explainDynamics(slots.map((slot) => ({ f: state.runs[slot], a: state.diag[slot].analysis })), state.nTrain));
}

/** A table row: the run's swatch and name, then `cells`. */
function tableRow(slot, cells) {
  const tr = document.createElement('tr');
  tr.className = `run-${slot}`;
  const th = document.createElement('th');
  th.scope = 'row';
  const sw = document.createElement('span');
  sw.className = 'swatch';
  sw.setAttribute('aria-hidden', 'true');
  th.append(sw, ` ${runLabel(slot)}`);
  tr.append(th);
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = String(c);
    tr.append(td);
  }
  return tr;
}

const VIEWS = {
  landscape: drawLandscape, curves: drawCurves, sharpness: drawSharpness, dynamics: drawDynamics,
  boundaries: drawBoundaries, cost: drawCost, scene: drawScene, announce,
  status: () => { for (const slot of activeSlots()) later(() => updateRunStatus(slot)); },
};
// Views prepare their data and hand the charts to the draw worker (painter.js), which keeps
// each redraw short; still, views left over when this budget is spent wait for the next
// animation frame, so no single task blocks the page for long.
const FRAME_BUDGET_MS = 12;
// While runs stream frames, a view is redrawn at most this often (the last frame always is).
const MIN_REDRAW_MS = matchMedia('(prefers-reduced-motion: reduce)').matches ? 600 : 150;
// Views that change slowly while runs train (four decision maps, the cost table) are redrawn
// less often: fewer canvases and tables to lay out, paint and hand to the compositor per second.
const SLOW_VIEWS = new Set(['boundaries', 'cost']);
const minRedrawMs = (name) => (SLOW_VIEWS.has(name) ? 4 * MIN_REDRAW_MS : MIN_REDRAW_MS);

/** The animation-frame entry point. */
function draw() {
  state.rafPending = false;
  drawNow();
}

/** Redraws the stale views that are due (called directly for an urgent frame). */
function drawNow() {
  const t0 = performance.now();
  let waitMs = 0;
  for (const name of Object.keys(VIEWS)) {
    if (!state.stale.has(name)) continue;
    if (performance.now() - t0 > FRAME_BUDGET_MS) break;
    const since = t0 - (state.lastDrawn[name] ?? -Infinity);
    // The first frame of a run the user just restarted is drawn at once (slider-to-frame
    // latency); drawCurves consumes pendingInput, so the views after it wait their turn.
    const p = state.pendingInput;
    const urgent = p && state.runs[p.slot]?.gen === p.gen;
    if (since < minRedrawMs(name) && !urgent) {
      // Wake up when the first waiting view is due.
      const due = minRedrawMs(name) - since;
      waitMs = waitMs > 0 ? Math.min(waitMs, due) : due;
      continue;
    }
    state.stale.delete(name);
    state.lastDrawn[name] = performance.now();
    const v0 = performance.now();
    try {
      VIEWS[name]();
    } catch (err) {
      showMessages([`Drawing failed: ${err.message || err}`]);
    }
    (state.viewMs[name] ??= []).push(performance.now() - v0);
  }
  const w0 = performance.now();
  flushWrites();
  (state.viewMs.domWrites ??= []).push(performance.now() - w0);
  state.drawMs.push(performance.now() - t0);
  state.frames += 1;
  if (state.stale.size > 0) {
    if (waitMs > 0) setTimeout(requestDraw, waitMs);
    else requestDraw();
  }
}

/** For tests and benchmarks: redraw the named views now-ish. */
state.redraw = (...views) => scheduleDraw(...views);

function requestDraw() {
  if (state.rafPending) return;
  state.rafPending = true;
  requestAnimationFrame(draw);
}

/** Marks views as needing a redraw (all of them if none is named). */
function scheduleDraw(...views) {
  for (const v of views.length ? views : Object.keys(VIEWS)) state.stale.add(v);
  requestDraw();
}

// ---------------------------------------------------------------- worker messages
function onRunMessage(event, index) {
  const msg = event.data;
  if (msg.type === 'settings') {
    // Every worker validates the same settings; the first one speaks for all. A reply to an
    // older scenario (the user is still dragging) would put the controls back: it is dropped.
    if (index !== 0 || msg.id !== state.scenarioId) return;
    state.pendingScenario = false;
    const settings = new Map();
    for (let i = 0; i + 1 < msg.settings.length; i += 2) settings.set(msg.settings[i], msg.settings[i + 1]);
    state.inputFrame = msg.inputFrame;
    state.inputs = msg.inputs;
    state.labels = msg.labels;
    applySettings(settings);
    const extra = state.pairs.length > 200 ? ['Only the first 200 URL parameters were read.'] : [];
    showMessages([...msg.errors.map((e) => describeRejection(e, settings)), ...extra]);
    canonicalizeUrl(settings);
    for (const slot of activeSlots()) startRun(slot);
  } else if (msg.type === 'frame') {
    if (msg.gen !== state.gens[msg.slot]) return;
    analysisWorker.postMessage(
      { type: 'trajectory', slot: msg.slot, gen: msg.gen, snapshots: msg.snapshots, steps: msg.stepAt, running: msg.state === 'running', diverged: msg.state === 'diverged' },
      [msg.snapshots.buffer],
    );
    delete msg.snapshots;
    state.runs[msg.slot] = msg;
    scheduleDraw('status', 'curves', 'boundaries', 'cost', 'scene', 'announce');
    const p = state.pendingInput;
    if (p?.slot === msg.slot && p.gen === msg.gen && p.frameAt === undefined) {
      // The first frame of the run the user just restarted: drawn now, not at the next
      // animation frame (the chart is painted in the draw worker; this task stays short).
      p.frameAt = performance.now();
      drawNow();
    }
  } else if (msg.type === 'error') {
    showMessages([`Training failed: ${msg.message}`]);
  }
}
runWorkers.forEach((w, index) => { w.onmessage = (event) => onRunMessage(event, index); });

analysisWorker.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === 'atlas') {
    state.atlas = msg;
    // Which runs (slot:generation) this landscape was computed for: tests and explanations
    // compare it with runsKey() to know the map shows the current runs.
    state.atlasFor = msg.gens.flatMap((g, k) => (g ? [`${k}:${g}`] : [])).join(',');
    scheduleDraw('landscape');
  } else if (msg.type === 'diagnosis') {
    if (msg.gen !== state.gens[msg.slot]) return;
    state.diag[msg.slot] = msg;
    scheduleDraw('sharpness', 'dynamics', 'scene');
  } else if (msg.type === 'interpolation') {
    if (msg.gens[0] !== state.gens[msg.a] || msg.gens[1] !== state.gens[msg.b]) return;
    state.interp = msg;
    scheduleDraw('sharpness');
  } else if (msg.type === 'error') {
    showMessages([`Analysis failed: ${msg.message}`]);
  }
};

for (const w of [...runWorkers, analysisWorker]) w.onerror = (e) => showMessages([`A worker failed: ${e.message}`]);

// ---------------------------------------------------------------- scenes
/** Shows (or hides, with null) a scene's guided text and marks its button. */
function showScene(name) {
  state.scene = name;
  const scene = SCENES[name];
  $('scene-box').hidden = !scene;
  for (const b of document.querySelectorAll('[data-scene]')) b.setAttribute('aria-pressed', String(b.dataset.scene === name));
  if (!scene) return;
  $('scene-title').textContent = scene.title;
  $('scene-text').textContent = scene.text;
  $('scene-verdict').textContent = '';
}

/** Restores a scene's full state: its settings replace the page's, as a new history entry. */
function loadScene(name) {
  const scene = SCENES[name];
  if (!scene) return;
  state.pairs = Object.entries(scene.pairs);
  state.overrides.clear();
  const params = new URLSearchParams(scene.pairs);
  params.set('scene', name);
  if (state.plane !== 'endpoints') params.set('plane', state.plane);
  history.pushState(null, '', `${location.pathname}?${params}`);
  showScene(name);
  sendScenario();
}

function drawScene() {
  const scene = SCENES[state.scene];
  if (scene) setText('scene-verdict', scene.verdict(state));
}

// ---------------------------------------------------------------- share, export, embed
const PANELS = ['controls', 'landscape', 'curves', 'sharpness', 'dynamics', 'boundaries', 'cost', 'sweep'];

/** The page's URL without embed parameters (the link to share). */
function shareUrl() {
  const u = new URL(location.href);
  u.searchParams.delete('embed');
  return u.href;
}

function updateShare() {
  $('share-link').value = shareUrl();
  const panels = [...document.querySelectorAll('#share input[name=panel]:checked')].map((c) => c.value);
  const u = new URL(shareUrl());
  u.searchParams.set('embed', panels.join(',') || 'landscape');
  const w = Math.round(Math.min(2000, Math.max(280, Number($('embed-width').value) || 640)));
  const h = Math.round(Math.min(3000, Math.max(200, Number($('embed-height').value) || 400)));
  const title = 'Batchscape: what batch size does to training';
  // Attribute values are escaped: the URL is ours, but it carries user-chosen settings.
  const esc = (t) => t.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
  $('embed-code').value = `<iframe src="${esc(u.href)}" width="${w}" height="${h}" title="${esc(title)}" loading="lazy" style="border:0"></iframe>`;
}

async function copyText(text, what) {
  try {
    await navigator.clipboard.writeText(text);
    $('copy-status').textContent = `${what} copied.`;
  } catch {
    $('copy-status').textContent = `Select the ${what.toLowerCase()} and copy it (Ctrl+C): the browser did not allow copying.`;
  }
}

function slug() {
  const b = state.batches.filter((x) => x !== undefined).join('-');
  return `batchscape-${state.settings.get?.('dataset') ?? 'run'}-b${b}`;
}

/** Adds PNG and SVG buttons under every figure that draws on canvases. */
function addExportButtons() {
  for (const fig of document.querySelectorAll('figure[data-panel]')) {
    const name = fig.dataset.panel;
    if (name === 'cost') continue;
    const bar = document.createElement('div');
    bar.className = 'export';
    for (const format of ['PNG', 'SVG']) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = format;
      b.setAttribute('aria-label', `Export the ${fig.querySelector('h2')?.textContent ?? name} view as ${format}`);
      b.addEventListener('click', () => exportFigure(fig, format).catch((err) => showMessages([`Export failed: ${err.message || err}`])));
      bar.append(b);
    }
    fig.querySelector('figcaption').after(bar);
  }
}

async function exportFigure(fig, format) {
  if (format === 'SVG') await wasm();
  const canvases = [...fig.querySelectorAll('canvas:not(.overlay)')];
  let n = 0;
  for (const c of canvases) {
    const name = `${slug()}-${c.id}`;
    if (format === 'PNG') {
      c.toBlob((blob) => blob && download(`${name}.png`, 'image/png', blob));
      n += 1;
    } else {
      const svg = svgOf(c);
      if (svg) { download(`${name}.svg`, 'image/svg+xml', svg); n += 1; }
    }
  }
  if (!n) showMessages([`Nothing to export as ${format} in this view yet.`]);
  state.exports.push({ panel: fig.dataset.panel, format, files: n });
}

async function importSettings(file) {
  try {
    const text = await file.text();
    await wasm();
    const flat = pairs_from_settings_json(text);
    const params = new URLSearchParams();
    for (let i = 0; i + 1 < flat.length; i += 2) params.set(flat[i], flat[i + 1]);
    state.pairs = [...params];
    state.overrides.clear();
    history.pushState(null, '', `${location.pathname}?${params}`);
    showScene(null);
    sendScenario();
  } catch (err) {
    showMessages([`Settings file not loaded: ${err.message || err}`]);
  }
}

/** Embed mode (`?embed=landscape,curves`): only the listed panels, no page chrome. */
function applyEmbed(params) {
  if (!params.has('embed')) return;
  const wanted = params.get('embed').split(',').filter((p) => PANELS.includes(p));
  const shown = wanted.length ? wanted : ['landscape'];
  document.body.classList.add('embed');
  document.body.classList.toggle('no-controls', !shown.includes('controls'));
  for (const el of document.querySelectorAll('[data-panel]')) el.classList.toggle('shown', shown.includes(el.dataset.panel));
  state.embed = shown;
  $('open-full').href = shareUrl();
}

function wireShareAndExport() {
  addExportButtons();
  $('share-open').addEventListener('click', () => { updateShare(); $('copy-status').textContent = ''; $('share').showModal(); });
  $('share-close').addEventListener('click', () => $('share').close());
  for (const el of document.querySelectorAll('#share input')) el.addEventListener('input', updateShare);
  $('copy-link').addEventListener('click', () => copyText($('share-link').value, 'Link'));
  $('copy-embed').addEventListener('click', () => copyText($('embed-code').value, 'Snippet'));
  $('export-csv').addEventListener('click', () => download(`${slug()}.csv`, 'text/csv', runsCsv(state)));
  $('export-json').addEventListener('click', () => download(`${slug()}.json`, 'application/json', runsJson(state)));
  $('export-settings').addEventListener('click', async () => {
    await wasm();
    const pairs = [...state.settings];
    download(`${slug()}-settings.json`, 'application/json', settings_json_from_pairs(pairs.map((p) => p[0]), pairs.map((p) => p[1])));
  });
  $('import-settings').addEventListener('change', (e) => { if (e.target.files[0]) importSettings(e.target.files[0]); e.target.value = ''; });
}

/** One calm sentence for screen readers when every run has finished (not on every frame). */
function announce() {
  const runs = activeSlots().map((k) => state.runs[k]);
  if (!runs.length || runs.some((f) => !f || f.state === 'running')) return;
  const text = runs.map((f) => (f.state === 'diverged' ? `B = ${f.batch} diverged`
    : `B = ${f.batch}: training loss ${f.trainLoss.at(-1).toFixed(3)}, test accuracy ${(100 * f.testAcc.at(-1)).toFixed(1)} %`)).join('; ');
  const summary = `All ${runs.length} runs finished. ${text}.`;
  if ($('live-summary').textContent !== summary) $('live-summary').textContent = summary;
}

// ---------------------------------------------------------------- start
async function start() {
  reportErrorsTo((message) => showMessages([message]));
  // The page's chart canvases, as fine as the screen's pixels (their width and height
  // attributes are the chart sizes in CSS pixels).
  for (const c of document.querySelectorAll('canvas[role="img"]')) sizeCanvas(c, c.width, c.height);
  mountSweep(document.getElementById('sweep-view'), { scenarioPairs });
  state.pairs = urlPairs();
  const params = new URLSearchParams(location.search);
  if (['endpoints', 'random', 'pca'].includes(params.get('plane'))) state.plane = params.get('plane');
  $('plane').value = state.plane;
  applyEmbed(params);
  wireShareAndExport();
  wireHover();
  analysisWorker.postMessage({ type: 'plane', plane: state.plane });
  $('lr').addEventListener('input', () => {
    state.lr = lrFromSlider(+$('lr').value);
    state.overrides.set('lr', String(state.lr));
    updateLrLabel();
    syncUrl();
    sendScenario();
  });
  $('add-run').addEventListener('click', () => {
    const slot = state.batches.findIndex((b) => b === undefined);
    const free = slot >= 0 ? slot : state.batches.length;
    if (free >= MAX_RUNS) return;
    const used = new Set(state.batches);
    state.batches[free] = batchStops(state.nTrain).find((b) => !used.has(b)) ?? 1;
    renderRunControls();
    syncUrl();
    startRun(free);
    $(`batch-${free}`).focus();
  });
  $('plane').addEventListener('change', () => {
    state.plane = $('plane').value;
    analysisWorker.postMessage({ type: 'plane', plane: state.plane });
    syncUrl();
  });
  $('x-axis').addEventListener('change', () => {
    state.xAxis = $('x-axis').value;
    state.xAxisChosen = true;
    syncUrl();
    scheduleDraw('curves');
  });
  $('dismiss').addEventListener('click', () => { $('messages').hidden = true; });
  for (const el of document.querySelectorAll('[data-key]')) {
    el.addEventListener('change', () => {
      if (el.type === 'number' && !el.checkValidity()) {
        showMessages([`${el.labels[0]?.textContent ?? el.dataset.key}: ${el.validationMessage}`]);
        return;
      }
      state.overrides.set(el.dataset.key, el.value);
      syncUrl();
      sendScenario();
    });
  }
  for (const button of document.querySelectorAll('[data-scene]')) {
    button.addEventListener('click', () => loadScene(button.dataset.scene));
  }
  const x = params.get('x');
  if (['epoch', 'step', 'time'].includes(x)) { state.xAxis = x; state.xAxisChosen = true; $('x-axis').value = x; }
  showScene(SCENES[params.get('scene')] ? params.get('scene') : null);
  // Back and forward between scenes (or shared links) restore that URL's state.
  window.addEventListener('popstate', () => {
    state.pairs = urlPairs();
    state.overrides.clear();
    const p = new URLSearchParams(location.search);
    showScene(SCENES[p.get('scene')] ? p.get('scene') : null);
    sendScenario();
  });
  sendScenario();
}

start().catch((err) => showMessages([`Batchscape could not start: ${err.message || err}`]));
