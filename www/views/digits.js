// The views for images (data without an input plane, the 8×8 digits), in the decision-boundary
// figure: one confusion matrix per run, a grid of test digits with each run's predicted
// label, and one PCA panel per run (the test digits on their first two principal components,
// coloured by that run's predictions). The numbers are the core's (`images::ImageReport` in
// each run's frame, `input_pca::Projection` with the settings); this module only arranges
// them into `confusion`, `digit_grid` and `pca` charts.
import { explainDigits } from '../explain-digits.js';
import { explainPca } from '../explain-pca.js';
import { activeSlots, runLabel } from '../store.js';
import { sizeCanvas } from '../painter.js';
import { paint } from './chart.js';
import { $, setText } from './dom.js';

/** Images per row of the grid. */
export const GRID_COLUMNS = 10;
/** Side of an image in pixels of the data (8×8 digits). */
const SIDE = 8;
/** A PCA panel's chart size (the tool's `pca.svg` panels). */
export const PCA_SIZE = [300, 330];

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
    run: slot, label: `${runLabel(slot)} (B = ${s.runs[slot].batch})`, predicted: Array.from(s.runs[slot].images.predicted).slice(0, labels.length),
  })).filter((p) => p.predicted.length === labels.length);
  return {
    kind: 'digit_grid', side: SIDE, images: Array.from(s.shownImages), labels, predictions, columns: GRID_COLUMNS,
    title: 'Test digits: true label (black), then each run\u2019s prediction (boxed when wrong)',
  };
}

/**
 * Run `slot`'s `pca` chart: the test digits at their PC1/PC2 coordinates, coloured by its
 * predictions. One panel per run, like the confusion matrices, not one panel with a run
 * selector: the points sit at the same places in every panel (the projection is of the
 * inputs), so side by side the eye compares where each batch size's rings are without a click.
 */
export function pcaChart(s, slot) {
  const f = s.runs[slot];
  return {
    kind: 'pca', coords: Array.from(s.pca.coords), labels: Array.from(s.pca.labels), predicted: Array.from(f.images.predicted),
    explained: [s.pca.explained[0], s.pca.explained[1]], title: `${runLabel(slot)}: B = ${f.batch}`, run: slot,
  };
}

/**
 * Keeps one canvas per slot of `slots` in `host` (id `${prefix}-${slot}`, chart size `size`),
 * in slot order, and paints a slot's chart when its frame changed. Written only on change.
 */
function panels(store, host, drawn, prefix, size, slots, chartOf, labelOf) {
  const s = store.get();
  const want = new Set(slots.map((k) => `${prefix}-${k}`));
  for (const c of [...host.children]) if (!want.has(c.id)) c.remove();
  for (const slot of slots) {
    let canvas = $(`${prefix}-${slot}`);
    if (!canvas) {
      canvas = document.createElement('canvas');
      canvas.id = `${prefix}-${slot}`;
      sizeCanvas(canvas, ...size);
      canvas.setAttribute('role', 'img');
      host.append(canvas);
    }
    const f = s.runs[slot];
    if (drawn.get(canvas) === f) continue;
    drawn.set(canvas, f);
    canvas.setAttribute('aria-label', labelOf(slot, f));
    paint(store, canvas, chartOf(s, slot));
  }
  const order = slots.map((k) => `${prefix}-${k}`);
  if ([...host.children].some((c, i) => c.id !== order[i])) for (const id of order) host.append($(id));
}

export function mountDigits(figure, store, scheduler) {
  const block = figure.querySelector('#digits-views');
  const host = figure.querySelector('#confusions');
  const pcaHost = figure.querySelector('#pcas');
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
      pcaHost.replaceChildren();
      gridKey = '';
      return;
    }
    const slots = activeSlots(s).filter((k) => s.runs[k]?.images?.confusion?.length);
    panels(store, host, drawn, 'confusion', [260, 280], slots, confusionChart,
      (slot, f) => `Confusion matrix of ${runLabel(slot)}, batch size ${f.batch}: rows true digit, columns predicted`);
    const n = s.pca?.labels?.length ?? 0;
    const pcaSlots = slots.filter((k) => s.runs[k].images.predicted?.length === n && n > 0);
    panels(store, pcaHost, drawn, 'pca', PCA_SIZE, pcaSlots, pcaChart, (slot, f) => {
      const wrong = s.pca.labels.filter((t, i) => f.images.predicted[i] !== t).length;
      return `The ${n} test digits on their first two principal components, coloured by the digit ${runLabel(slot)} (batch size ${f.batch}) ` +
        `predicts; ${wrong} predicted wrong, ringed`;
    });
    // The grid: redrawn when any shown run has a new frame.
    const key = slots.map((k) => `${k}:${s.runs[k].gen}:${s.runs[k].step}`).join(',');
    if (key !== gridKey) {
      gridKey = key;
      const label = `${s.shownLabels.length} test digits with each run's predicted label`;
      if (grid.getAttribute('aria-label') !== label) grid.setAttribute('aria-label', label);
      paint(store, grid, digitGridChart(s, slots));
    }
    setText('digits-text', explainDigits(s));
    setText('pca-text', explainPca(s));
  }
  scheduler.register('digits', draw, { slow: true });
  store.subscribe(['runs', 'batches', 'settings'], () => scheduler.mark('digits'));
}
