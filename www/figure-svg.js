// The SVG of a chart on the page: the chart a canvas shows (painter.js `lastChart`) drawn again
// through the wasm `draw` with an SVG target (plotters' SVG backend), the same picture as
// vectors. The wasm module on the main thread is instantiated on first use, not while the page
// loads. Used by the per-figure SVG export (exports-ui.js), the slide figure (slides.js) and
// the handout's vector figures (print.js).
import { chartSize, lastChart } from './painter.js';
import { pageGlue } from './page-glue.js';

let wasmReady = null;
let glue = null;  // the draw glue's exports, once loaded
/** The draw glue and its wasm on the main thread (a promise), loaded on the first call. */
export const wasm = () => (wasmReady ??= pageGlue('draw').then((m) => { glue = m; }));

/** The SVG of what `canvas` shows, or null if nothing is drawn on it (call after `await wasm()`). */
export function svgOf(canvas) {
  const chart = lastChart(canvas.id);
  if (!chart) return null;
  const target = glue.Target.svg(...chartSize(canvas));
  try {
    return glue.draw(target, chart).svg;
  } finally {
    target.free();
  }
}

/** The chart canvases in `root` that are shown (not in a hidden view) and have a chart drawn. */
export function shownCharts(root) {
  return [...root.querySelectorAll('canvas[role="img"]')].filter((c) => lastChart(c.id) && c.checkVisibility());
}
