// Flat vs sharp: 1-D slices through each finished run's end point, the interpolation between
// two runs' ends, and the table of λ_max, trace, ε-sharpness and losses (analysis worker).
import { explainSharpness } from '../explain.js';
import { activeSlots, diagOf } from '../store.js';
import { line, linesChart, lossLabel, paint } from './chart.js';
import { $, later, setText, tableRow } from './dom.js';

/** Finished runs with a current diagnosis. A diverged run has no minimum to measure: the
 * analysis worker skips it, and it is left out here (its status line says where and why). */
const sharpSlots = (s) => activeSlots(s).filter((k) => diagOf(s, k) && s.runs[k]?.state === 'finished');

/** The slices chart (null: nothing to draw). */
export function slicesChart(s, slots) {
  const series = slots.flatMap((slot) => {
    const p = s.diag[slot].slice;
    const b = s.runs[slot]?.batch;
    return [line(p.alpha, p.train_loss, slot, { label: `train B=${b}` }), line(p.alpha, p.test_loss, slot, { dashed: true, label: `test B=${b}` })];
  });
  return series.length ? linesChart(series, 'α along a filter-normalized direction (0 = end point)', lossLabel(s), true) : null;
}

/** The interpolation chart (null: none for the current runs); the pair is the core's. */
export function interpChart(s) {
  const ip = s.interp;
  if (!(ip && ip.gens[0] === s.gens[ip.a] && ip.gens[1] === s.gens[ip.b])) return null;
  const p = ip.profile;
  const [ba, bb] = [s.runs[ip.a]?.batch, s.runs[ip.b]?.batch];
  return linesChart([line(p.alpha, p.train_loss, null, { label: 'train' }), line(p.alpha, p.test_loss, null, { dashed: true, label: 'test' })],
    `α: (1−α)·θ(B=${ba}) + α·θ(B=${bb})`, lossLabel(s), true);
}

/** The table's cells of run `slot`. */
function rowCells(s, slot) {
  const fmtNum = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const a = s.diag[slot].analysis ?? {};
  const f = s.runs[slot];
  const eps = (e) => a.eps_sharpness?.find((x) => x.eps === e)?.phi;
  const first = a.eps_sharpness?.find((x) => x.eps === 1e-3)?.phi_first_order;
  const trainL = f.trainLoss.at(-1); const testL = f.testLoss.at(-1);
  return [f.batch, fmtNum(a.lambda_max, 2), fmtNum(a.hessian_trace, 1), fmtNum(a.grad_norm, 4), fmtNum(eps(1e-3), 3), fmtNum(first, 3), fmtNum(eps(5e-4), 3),
    fmtNum(trainL, 3), fmtNum(testL, 3), fmtNum(testL - trainL, 3), `${fmtNum(100 * f.testAcc.at(-1), 1)} %`];
}

export function mountSharpness(figure, store, scheduler) {
  const body = $('sharpness').tBodies[0];
  function draw() {
    const s = store.get();
    const slots = sharpSlots(s);
    const slices = slicesChart(s, slots);
    if (slices) paint(store, $('slices'), slices);
    const interp = interpChart(s);
    if (interp) paint(store, $('interp'), interp);
    later(() => body.replaceChildren(...slots.map((slot) => tableRow(slot, rowCells(s, slot)))));
    setText('sharpness-text', explainSharpness(s, slots.map((slot) => ({ f: s.runs[slot], a: s.diag[slot].analysis ?? {} }))));
  }
  scheduler.register('sharpness', draw);
  store.subscribe(['diag', 'interp', 'batches'], () => scheduler.mark('sharpness'));
}
