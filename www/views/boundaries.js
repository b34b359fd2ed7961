// Decision boundaries: one small canvas per shown run (created and removed as runs come and
// go) with its predictions over the input plane and the training points.
import { explainBoundaries } from '../explain.js';
import { activeSlots, runLabel } from '../store.js';
import { sizeCanvas } from '../painter.js';
import { paint } from './chart.js';
import { $, setText } from './dom.js';

/** Run `slot`'s `boundary` chart: its decision map (which carries its dimension) and the points. */
export function boundaryChart(s, slot) {
  const f = s.runs[slot];
  // Regression (a fitted curve, no accuracy): the test loss instead.
  const lastAcc = f.testAcc[f.testAcc.length - 1];
  const acc = !f.testAcc.length ? ''
    : Number.isFinite(lastAcc) ? ` · test acc ${(100 * lastAcc).toFixed(1)} %`
      : ` · test loss ${Number(f.testLoss[f.testLoss.length - 1]).toPrecision(3)}`;
  return { kind: 'boundary', map: f.boundary, points: s.inputs, labels: s.labels, title: `${runLabel(slot)}: B = ${f.batch}${acc}`, run: slot };
}

export function mountBoundaries(figure, store, scheduler) {
  const host = figure.querySelector('#boundaries');
  const drawn = new WeakMap();   // canvas → the frame it shows
  function draw() {
    const s = store.get();
    const slots = activeSlots(s).filter((k) => s.runs[k]?.boundary?.values.length);
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
      const f = s.runs[slot];
      // Only runs with a new frame since this canvas was last drawn are redrawn.
      if (drawn.get(canvas) === f) continue;
      drawn.set(canvas, f);
      canvas.setAttribute('aria-label', `${s.facts?.input_dim === 1 ? 'Fitted curve' : 'Decision boundary'} of ${runLabel(slot)}, batch size ${f.batch}`);
      paint(store, canvas, boundaryChart(s, slot));
    }
    // Keep canvases in slot order.
    for (const slot of slots) {
      const c = $(`boundary-${slot}`);
      if (c) host.append(c);
    }
    // Data without an input plane (the digits) has its own views (digits.js).
    setText('boundary-text', s.shownImages?.length ? '' : explainBoundaries(s));
  }
  // The caption names what the figure shows: for regression (the core's input_dim 1: a curve
  // over x, no classes) the fitted curve, not a class tint and a boundary at probability ½.
  const [heading, caption] = [figure.querySelector('figcaption h2'), figure.querySelector('figcaption p')];
  const classText = [heading?.textContent, caption?.textContent];
  const regressionText = ['Fitted curves', "What each run's network predicts along the input x: line = the prediction ŷ(x), dots = training points (x, y)."];
  store.subscribe(['settings'], () => {
    const [h, p] = store.get().facts?.input_dim === 1 ? regressionText : classText;
    if (heading && heading.textContent !== h) heading.textContent = h;
    if (caption && caption.textContent !== p) caption.textContent = p;
  });
  scheduler.register('boundaries', draw, { slow: true });
  store.subscribe(['runs', 'batches'], () => scheduler.mark('boundaries'));
}
