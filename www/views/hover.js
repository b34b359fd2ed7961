// Hover linking: hovering a chart picks, for every run, the record nearest to the pointer's x
// (in that chart's units: epochs, steps or time); every linked chart marks those records on
// its overlay canvas: a dot on each path in the landscape, on each loss curve and on each
// λ_max / B_simple curve.
import { chartSize } from '../painter.js';
import { activeSlots } from '../store.js';
import { xOf } from './curves.js';
import { $ } from './dom.js';

const HOVER_CHARTS = ['landscape', 'curves', 'dyn-lambda', 'dyn-noise'];
const HOVER_SOURCES = ['curves', 'dyn-lambda', 'dyn-noise'];

/** Data coordinates → canvas pixels through a plot frame `{x0, y0, x1, y1, x_min, x_max, y_min, y_max, log_y}`. */
export function toPixel(frame, x, y) {
  const { x0: px0, y0: py0, x1: px1, y1: py1, x_min: x0, x_max: x1, y_min: y0, y_max: y1, log_y: logY } = frame;
  const fy = logY ? (Math.log(y) - Math.log(y0)) / (Math.log(y1) - Math.log(y0)) : (y - y0) / (y1 - y0);
  return [px0 + ((x - x0) / (x1 - x0)) * (px1 - px0), py1 - fy * (py1 - py0)];
}

export function nearestIndex(xs, x) {
  let best = 0;
  for (let k = 1; k < xs.length; k++) if (Math.abs(xs[k] - x) < Math.abs(xs[best] - x)) best = k;
  return best;
}

/** Where record k of run `slot` sits on chart `id`, in data coordinates (or null). */
function hoverPoint(s, id, slot, k) {
  const f = s.runs[slot];
  if (!f) return null;
  if (id === 'curves') return [xOf(s, f)[k], f.trainLoss[k]];
  if (id === 'landscape') {
    const points = s.atlas?.chart?.paths.find((p) => p.run === slot)?.points;
    if (!points?.length) return null;
    const i = Math.min(k, points.length / 2 - 1);
    return [points[2 * i], points[2 * i + 1]];
  }
  const h = s.diag[slot]?.gen === s.gens[slot] ? s.diag[slot].analysis?.history : null;
  if (!h?.step?.length) return null;
  const j = nearestIndex(h.step, f.stepAt[k]);
  return [h.step[j], id === 'dyn-lambda' ? h.lambda_max[j] : h.b_simple[j]];
}

export function mountHover(store) {
  const inked = new Set();   // overlays with marks on them
  const contexts = new Map();
  const contextOf = (canvas) => {
    if (!contexts.has(canvas)) contexts.set(canvas, canvas.getContext('2d'));
    return contexts.get(canvas);
  };

  function drawHover() {
    const s = store.get();
    for (const id of HOVER_CHARTS) {
      const overlay = $(`${id}-overlay`);
      const base = $(id);
      if (!overlay) continue;
      if (overlay.width !== base.width) { overlay.width = base.width; overlay.height = base.height; }
      const frame = s.plotFrames[id];
      // An untouched canvas costs nothing to composite: clear only what was drawn on.
      if (!(s.hover && frame) && !inked.has(id)) continue;
      const g = contextOf(overlay);
      // Marks are placed in chart pixels, like the plot frames; the overlay is as fine as the chart.
      g.setTransform(overlay.width / chartSize(base)[0], 0, 0, overlay.height / chartSize(base)[1], 0, 0);
      g.clearRect(0, 0, ...chartSize(base));
      inked.delete(id);
      if (!s.hover || !frame) continue;
      inked.add(id);
      for (const [slotKey, k] of Object.entries(s.hover.records)) {
        const slot = Number(slotKey);
        const point = hoverPoint(s, id, slot, k);
        if (!point) continue;
        const [x, y] = toPixel(frame, ...point);
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        g.beginPath();
        g.arc(x, y, 7, 0, 2 * Math.PI);
        g.fillStyle = s.palette?.[slot] ?? '#000';
        g.strokeStyle = '#000';
        g.lineWidth = 2;
        g.fill();
        g.stroke();
      }
    }
  }

  /** The hovered record of each run from a pointer event over chart `id` (null: none). */
  function hoverFrom(id, event) {
    const s = store.get();
    const canvas = $(id);
    const frame = s.plotFrames[id];
    if (!event || !frame) { store.set({ hover: null }); return; }
    const r = canvas.getBoundingClientRect();
    const px = ((event.clientX - r.left) * chartSize(canvas)[0]) / r.width;
    const { x0: px0, x1: px1, x_min: x0, x_max: x1 } = frame;
    if (px < px0 || px > px1) { store.set({ hover: null }); return; }
    const x = x0 + ((px - px0) / (px1 - px0)) * (x1 - x0);
    const records = {};
    for (const slot of activeSlots(s)) {
      const f = s.runs[slot];
      if (!f?.stepAt.length) continue;
      const xs = id === 'curves' ? xOf(s, f) : f.stepAt;
      records[slot] = nearestIndex(xs, x);
    }
    store.set({ hover: { source: id, records } });
  }

  for (const id of HOVER_SOURCES) {
    $(id).addEventListener('pointermove', (e) => hoverFrom(id, e));
    $(id).addEventListener('pointerleave', () => hoverFrom(id, null));
  }
  store.subscribe(['hover', 'plotFrames'], drawHover);
}
