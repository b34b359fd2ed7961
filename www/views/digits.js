// The views for images (data without an input plane, the 8×8 digits), in the decision-boundary
// figure: one confusion matrix per run and a grid of test digits with each run's predicted
// label. The numbers are the core's (`images::ImageReport` in each run's frame); this module
// only arranges them into `confusion` and `digit_grid` charts.
import { explainDigits } from '../explain-digits.js';
import { activeSlots, runLabel } from '../store.js';
import { sizeCanvas } from '../painter.js';
import { paint } from './chart.js';
import { $, setText } from './dom.js';

/** Images per row of the grid. */
export const GRID_COLUMNS = 10;
/** Side of an image in pixels of the data (8×8 digits). */
const SIDE = 8;

/** Run `slot`'s `confusion` chart. */
export function confusionChart(s, slot) {
  const f = s.runs[slot];
  const r = f.images;
  return { kind: 'confusion', classes: r.classes, counts: Array.from(r.confusion), title: `${runLabel(slot)}: B = ${f.batch}`, run: slot };
}

/** The `digit_grid` chart: the shown test images with the predictions of runs `slots`. */
export function digitGridChart(s, slots) {
  const labels = Array.from(s.shownLabels);
  const predictions = slots.map((slot) => ({
    run: slot, label: `${runLabel(slot)} (B = ${s.runs[slot].batch})`, predicted: Array.from(s.runs[slot].images.predicted),
  })).filter((p) => p.predicted.length === labels.length);
  return {
    kind: 'digit_grid', side: SIDE, images: Array.from(s.shownImages), labels, predictions, columns: GRID_COLUMNS,
    title: 'Test digits: true label (black), then each run\u2019s prediction (boxed when wrong)',
  };
}

export function mountDigits(figure, store, scheduler) {
  const block = figure.querySelector('#digits-views');
  const host = figure.querySelector('#confusions');
  const grid = $('digit-grid');
  const planeCaption = figure.querySelector('figcaption p:not(.digits-caption)');
  const caption = figure.querySelector('.digits-caption');
  const setHidden = (el, hidden) => { if (el.hidden !== hidden) el.hidden = hidden; };
  sizeCanvas(grid, 560, 276);
  const drawn = new WeakMap();
  let gridKey = '';
  function draw() {
    const s = store.get();
    const images = Boolean(s.shownImages?.length);
    // Written only on change: a DOM write, even of the same value or the same child order,
    // invalidates the layout, and this view is marked on every run frame.
    setHidden(block, !images);
    if (planeCaption) setHidden(planeCaption, images);
    setHidden(caption, !images);
    if (!images) {
      host.replaceChildren();
      gridKey = '';
      return;
    }
    const slots = activeSlots(s).filter((k) => s.runs[k]?.images?.confusion?.length);
    const want = new Set(slots.map((k) => `confusion-${k}`));
    for (const c of [...host.children]) if (!want.has(c.id)) c.remove();
    for (const slot of slots) {
      let canvas = $(`confusion-${slot}`);
      if (!canvas) {
        canvas = document.createElement('canvas');
        canvas.id = `confusion-${slot}`;
        sizeCanvas(canvas, 260, 280);
        canvas.setAttribute('role', 'img');
        host.append(canvas);
      }
      const f = s.runs[slot];
      if (drawn.get(canvas) === f) continue;
      drawn.set(canvas, f);
      canvas.setAttribute('aria-label', `Confusion matrix of ${runLabel(slot)}, batch size ${f.batch}: rows true digit, columns predicted`);
      paint(store, canvas, confusionChart(s, slot));
    }
    const order = slots.map((k) => `confusion-${k}`);
    if ([...host.children].some((c, i) => c.id !== order[i])) for (const id of order) host.append($(id));
    // The grid: redrawn when any shown run has a new frame.
    const key = slots.map((k) => `${k}:${s.runs[k].gen}:${s.runs[k].step}`).join(',');
    if (key !== gridKey) {
      gridKey = key;
      const label = `${s.shownLabels.length} test digits with each run's predicted label`;
      if (grid.getAttribute('aria-label') !== label) grid.setAttribute('aria-label', label);
      paint(store, grid, digitGridChart(s, slots));
    }
    setText('digits-text', explainDigits(s));
  }
  scheduler.register('digits', draw, { slow: true });
  store.subscribe(['runs', 'batches', 'settings'], () => scheduler.mark('digits'));
}
