// Drawing without blocking the page: a chart is painted in the draw worker
// (www/draw-worker.js) and comes back as a bitmap, which is copied onto the page's canvas
// (about a millisecond). The canvas stays an ordinary 2-D canvas: PNG export, pixel reads and
// hover overlays work as before.
//
// One drawing is in the worker at a time, and each canvas has at most one waiting: a newer
// request replaces the waiting one, so a fast stream of frames never queues up stale work.
// Waiting canvases are drawn oldest first, except that an urgent request (the chart that
// answers the user's last input) goes before the others.

import { adopt } from './prestart.js';
import { sendWasmModule } from './wasm-module.js';
import { reasonOf, watchWorker } from './faults.js';
import { Recent } from './telemetry.js';

let worker = null;
let unwatch = () => {};
let replaced = 0;           // draw workers replaced after a fault
const waiting = new Map();  // canvas id → its newest request (Map order: oldest waiting first)
let busy = null;            // the request in the worker
let seq = 0;
let onError = (message) => console.error(message);

/** Per canvas id: the draw worker's time for each of its newest drawings (ms), for tests and benchmarks. */
export const workerMs = {};
// Per canvas id: the chart of the newest drawing asked for (what an SVG export redraws).
const latest = new Map();

/** The chart (see `paint`) of the newest drawing of the canvas `id`, or undefined. */
export function lastChart(id) { return latest.get(id); }

/**
 * Device pixels per chart pixel: charts are laid out in CSS pixels and drawn this many times
 * finer, so they stay sharp on a high-density screen (capped at 2: 4× the pixels is plenty).
 */
export const SCALE = Math.min(2, Math.max(1, globalThis.devicePixelRatio || 1));

/**
 * Gives `canvas` a chart size of `width × height` CSS pixels: its bitmap is SCALE times that,
 * and its displayed size stays the chart size (CSS scales it down).
 */
export function sizeCanvas(canvas, width, height) {
  canvas.dataset.chartWidth = String(width);
  canvas.dataset.chartHeight = String(height);
  canvas.width = Math.round(width * SCALE);
  canvas.height = Math.round(height * SCALE);
}

/** The chart size of `canvas` in CSS pixels (its bitmap size for a canvas never sized). */
export function chartSize(canvas) {
  return [Number(canvas.dataset.chartWidth) || canvas.width, Number(canvas.dataset.chartHeight) || canvas.height];
}

/** Where drawing errors are reported (a function of the message). */
export function reportErrorsTo(fn) { onError = fn; }

/**
 * Paints `canvas` with `chart`, a plain object in the shape of the Rust type
 * `batchscape_render::Chart` (crate/render/src/spec.rs), tagged by `kind`:
 * - `{kind: 'lines', series: [{x, y, run, dashed, label}], x_label, y_label, log_y}`
 * - `{kind: 'landscape', n, alpha: [lo, hi], beta: [lo, hi], values, paths: [{run, points}], alpha_label, beta_label}`
 * - `{kind: 'boundary', map: {dim, n, x, y, values}, points, labels, title, run}`
 * - `{kind: 'sweep', series: [{run, label, batch_sizes, mean, min, max}], y_label, band_label, log_y}`
 * (`run`: a run slot 0–3 for its colour, null for the reference colour). `shown(frame)` is
 * called once the picture is on the canvas, with the plot frame in chart pixels
 * (`{x0, y0, x1, y1, x_min, x_max, y_min, y_max, log_y}`); it is not called for a request that
 * a newer one for the same canvas replaced. `failed(message)` is called instead if drawing
 * fails (default: the function given to `reportErrorsTo`).
 */
export function paint(canvas, chart, { shown = () => {}, failed = null, urgent = false } = {}) {
  if (!canvas.id) throw new Error('paint: the canvas needs an id');
  const scale = canvas.width / chartSize(canvas)[0];
  const request = { id: canvas.id, seq: ++seq, chart, width: canvas.width, height: canvas.height, scale, shown, failed, urgent };
  latest.set(canvas.id, chart);
  // A replaced request keeps its place in the line (and its urgency).
  const old = waiting.get(canvas.id);
  if (old) request.urgent ||= old.urgent;
  waiting.set(canvas.id, request);
  if (!busy) sendNext();
}

/** Number of drawings in the worker or waiting for it (0: everything is shown). */
export function pending() {
  return waiting.size + (busy ? 1 : 0);
}

function sendNext() {
  let next = null;
  for (const r of waiting.values()) {
    if (r.urgent) { next = r; break; }
    next ??= r;
  }
  busy = next;
  if (!next) return;
  waiting.delete(next.id);
  const { id, seq: s, width, height, scale, chart } = next;
  (worker ??= startWorker()).postMessage({ id, seq: s, width, height, scale, chart });
}

/** Number of draw workers replaced after a fault (tests). */
export const replacedDrawWorkers = () => replaced;

function startWorker() {
  // The worker started early (prestart.js) first; a replacement is started here.
  let w = adopt('draw');
  if (!w) {
    w = new Worker(new URL('./draw-worker.js', import.meta.url), { type: 'module' });
    sendWasmModule(w, 'draw');
  }
  w.onmessage = (event) => onMessage(event, w);
  // The worker failed (its script did not load, it threw, or it stopped answering: closed or
  // terminated, see faults.js): a fresh worker takes its place.
  w.onerror = (e) => { e.preventDefault(); workerFailed(w, reasonOf(e)); };
  unwatch = watchWorker('draw', w, (reason) => workerFailed(w, reason));
  return w;
}

/**
 * Replaces the failed worker `w` with a fresh one and reports it; the drawing that was in it is
 * asked of the fresh worker once more (unless that drawing already failed once: then dropped).
 */
function workerFailed(w, reason, { retry = true } = {}) {
  if (worker !== w) return;
  unwatch();
  w.terminate();
  replaced += 1;
  onError(`The draw worker failed: ${reason}. A fresh one took its place.`);
  const r = busy;
  busy = null;
  if (retry && r && !r.retried && !waiting.has(r.id)) {
    r.retried = true;
    waiting.set(r.id, r);
  }
  worker = startWorker();
  sendNext();
}

function onMessage(event, w) {
  const data = event.data;
  if (data?.type === 'pong' || data?.type === 'test-memory') return;
  const { id, seq: s, frame, bitmap, error, fatal, ms } = data;
  if (fatal && s === undefined) {
    // A trap outside any drawing (the tests' injected fault).
    workerFailed(w, reasonOf(error));
    return;
  }
  const request = busy;
  if (fatal) {
    // The wasm module trapped in this drawing and may be unusable: the next drawing gets a
    // fresh worker; this one is reported below, not retried.
    busy = null;
    workerFailed(w, reasonOf(error), { retry: false });
  } else {
    busy = null;
  }
  if (ms !== undefined) (workerMs[id] ??= new Recent()).push(ms);
  if (request?.seq === s) {
    const canvas = document.getElementById(id);
    if (error) (request.failed ?? onError)(`Drawing failed: ${error}`);
    else if (canvas) {
      const ctx = canvas.getContext('2d');
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(bitmap, 0, 0);
      request.shown(frame);
    }
  }
  bitmap?.close();
  if (!busy) sendNext();
}

// Started at once, so that its wasm module (the draw module, which only this worker uses) is
// compiled before the first chart is due.
worker = startWorker();
