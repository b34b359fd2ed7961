// Charts of the views: `paint` hands a chart to the draw worker (painter.js) and records the
// plot frame of the picture shown (for hover linking), plus the few facts the chart arguments share.
import { paint as paintInWorker } from '../painter.js';

/**
 * Draws `chart` (a typed chart object, see painter.js) on a canvas in the draw worker;
 * painter.js remembers it, so the same picture can be exported as SVG by the same drawing
 * code. `shown()` runs once the picture is on the page; an `urgent` chart is drawn before the
 * others. The plot frame of the picture shown goes to the store ('plotFrames').
 */
export function paint(store, canvas, chart, { shown = () => {}, urgent = false } = {}) {
  paintInWorker(canvas, chart, {
    urgent,
    shown: (frame) => {
      store.update('plotFrames', (s) => { if (frame) s.plotFrames[canvas.id] = frame; });
      shown();
    },
  });
}

/** The y label of loss charts (the core's `facts::loss_label`). */
export const lossLabel = (s) => s.facts?.loss_label ?? 'loss';

/** One line of a `lines` chart, in run `run`'s colour (null: the reference colour). */
export const line = (x, y, run, { dashed = false, label = '' } = {}) => ({ x, y, run, dashed, label });

/** A `lines` chart. */
export const linesChart = (series, xLabel, yLabel, logY) => ({ kind: 'lines', series, x_label: xLabel, y_label: yLabel, log_y: logY });
