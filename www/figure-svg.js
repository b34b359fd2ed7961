// The SVG of a chart on the page: the chart a canvas shows (painter.js `lastChart`) drawn again
// through the wasm `draw` with an SVG target (plotters' SVG backend), the same picture as
// vectors. The wasm module on the main thread is instantiated on first use, not while the page
// loads. Used by the per-figure SVG export (exports-ui.js), the slide figure (slides.js) and
// the handout's vector figures (print.js).
import init, { Target, draw } from '../pkg/batchscape_draw.js';
import { chartSize, lastChart } from './painter.js';

let wasmReady = null;
/** The wasm module on the main thread (a promise), instantiated on the first call. */
export const wasm = () => (wasmReady ??= init());

/** The SVG of what `canvas` shows, or null if nothing is drawn on it (call after `await wasm()`). */
export function svgOf(canvas) {
  const chart = lastChart(canvas.id);
  if (!chart) return null;
  const target = Target.svg(...chartSize(canvas));
  try {
    return draw(target, chart).svg;
  } finally {
    target.free();
  }
}

/** The chart canvases in `root` that are shown (not in a hidden view) and have a chart drawn. */
export function shownCharts(root) {
  return [...root.querySelectorAll('canvas[role="img"]')].filter((c) => lastChart(c.id) && c.checkVisibility());
}
