// Draw worker: paints every chart of the page with the wasm plotters code on an
// OffscreenCanvas per page canvas, and sends the picture back as an ImageBitmap (transferred,
// not copied). The main thread then only copies the bitmap onto its canvas, so drawing a chart
// (text, contours, thousands of line segments) never blocks the page. See www/painter.js.
import init, { draw, Target } from '../pkg/batchscape_draw.js';

import { takeWasmModule, wasmSource } from './wasm-module.js';
import { failureText, testMessage, trapForTest } from './worker-faults.js';

const canvases = new Map();  // page canvas id → its OffscreenCanvas
// The draw worker has its own wasm module (pkg/batchscape_draw_bg.wasm, only the drawing code),
// which the page compiles as it starts (wasm-module.js) and posts here: instantiated as soon as
// the worker's script runs, awaited in every message (set synchronously, so no early message
// is lost).
const ready = init(wasmSource('draw'));

self.onmessage = (event) => {
  if (takeWasmModule(event.data)) return;
  if (!testMessage(event.data, ready)) drawOne(event.data);
};

async function drawOne(msg) {
  const { id, seq, width, height, scale, chart } = msg;
  try {
    trapForTest(msg, await ready);
    let canvas = canvases.get(id);
    if (!canvas) canvases.set(id, (canvas = new OffscreenCanvas(width, height)));
    // Setting a size also clears the canvas, as a fresh page canvas would be.
    canvas.width = width;
    canvas.height = height;
    const t0 = performance.now();
    const target = Target.canvas(canvas, scale);
    let frame;
    try {
      ({ frame } = draw(target, chart));
    } finally {
      target.free();
    }
    const bitmap = canvas.transferToImageBitmap();
    self.postMessage({ id, seq, frame, bitmap, ms: performance.now() - t0 }, [bitmap]);
  } catch (err) {
    // A trap (a panic in the wasm code: a bug) may leave the module broken: the page then
    // replaces this worker.
    self.postMessage({ id, seq, error: await failureText(err, ready), fatal: err instanceof WebAssembly.RuntimeError });
  }
}
