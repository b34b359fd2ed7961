// Charts of the views: `paint` hands a chart to the draw worker (painter.js) and records the
// plot frame of the picture shown (for hover linking), plus the few facts the chart arguments share.
import { paint as paintInWorker } from '../painter.js';

/**
 * Draws on a canvas with the wasm painter `kind` (in the draw worker; painter.js remembers the
 * arguments, so the same picture can be exported as SVG by the same drawing code).
 * `shown()` runs once the picture is on the page; an `urgent` chart is drawn before the others.
 * The plot frame of the picture shown goes to the store ('plotFrames').
 */
export function paint(store, canvas, kind, args, { shown = () => {}, urgent = false } = {}) {
  paintInWorker(canvas, kind, args, {
    urgent,
    shown: (frame) => {
      store.update('plotFrames', (s) => { if (frame) s.plotFrames[canvas.id] = frame; });
      shown();
    },
  });
}

/** Palette indices of runs (the colour of a run is its slot). */
export const colorsOf = (slots) => Uint32Array.from(slots);

/** The y label of loss charts. */
export function lossLabel(settings) {
  return ['sine', 'linear'].includes(settings.get?.('dataset')) ? 'loss (mean squared error)' : 'loss (binary cross-entropy)';
}

/** Splits a profile `[α…, train…, test…, trainAcc…, testAcc…]` into its five columns. */
export function profileColumns(p) {
  const n = p.length / 5;
  return [0, 1, 2, 3, 4].map((k) => Array.from(p.subarray(k * n, (k + 1) * n)));
}
