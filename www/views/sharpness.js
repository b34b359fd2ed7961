// Flat vs sharp: 1-D slices through each finished run's end point, the interpolation between
// two runs' ends, and the table of λ_max, trace, ε-sharpness and losses (analysis worker).
import { explainSharpness } from '../explain.js';
import { activeSlots, diagOf } from '../store.js';
import { lossLabel, paint, profileColumns } from './chart.js';
import { $, later, setText, tableRow } from './dom.js';

/** Finished runs with a current diagnosis. A diverged run has no minimum to measure: the
 * analysis worker skips it, and it is left out here (its status line says where and why). */
const sharpSlots = (s) => activeSlots(s).filter((k) => diagOf(s, k) && s.runs[k]?.state === 'finished');

/** The positional arguments of the slices chart (null: nothing to draw). */
export function slicesArgs(s, slots) {
  const xs = []; const ys = []; const lengths = []; const colors = []; const dashed = []; const labels = [];
  for (const slot of slots) {
    const [alpha, train, test] = profileColumns(s.diag[slot].slice);
    const b = s.runs[slot]?.batch;
    for (const [y, dash, kind] of [[train, 0, 'train'], [test, 1, 'test']]) {
      xs.push(...alpha); ys.push(...y); lengths.push(y.length); colors.push(slot); dashed.push(dash);
      labels.push(`${kind} B=${b}`);
    }
  }
  if (!lengths.length) return null;
  return [Float64Array.from(xs), Float64Array.from(ys), Uint32Array.from(lengths), Uint32Array.from(colors),
    Uint8Array.from(dashed), labels, 'α along a filter-normalized direction (0 = end point)', lossLabel(s.settings), true];
}

/** The positional arguments of the interpolation chart (null: none for the current runs). */
export function interpArgs(s) {
  const ip = s.interp;
  if (!(ip && ip.gens[0] === s.gens[ip.a] && ip.gens[1] === s.gens[ip.b])) return null;
  const [alpha, train, test] = profileColumns(ip.profile);
  const [ba, bb] = [s.runs[ip.a]?.batch, s.runs[ip.b]?.batch];
  return [Float64Array.from([...alpha, ...alpha]), Float64Array.from([...train, ...test]), Uint32Array.from([alpha.length, alpha.length]),
    Uint32Array.from([4, 4]), Uint8Array.from([0, 1]), ['train', 'test'], `α: (1−α)·θ(B=${ba}) + α·θ(B=${bb})`, lossLabel(s.settings), true];
}

/** The table's cells of run `slot`. */
function rowCells(s, slot) {
  const fmtNum = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const a = s.diag[slot].analysis ?? {};
  const f = s.runs[slot];
  const eps = (e) => a.eps_sharpness?.find((x) => x.eps === e)?.phi;
  const trainL = f.trainLoss.at(-1); const testL = f.testLoss.at(-1);
  return [f.batch, fmtNum(a.lambda_max, 2), fmtNum(a.hessian_trace, 1), fmtNum(eps(1e-3), 3), fmtNum(eps(5e-4), 3),
    fmtNum(trainL, 3), fmtNum(testL, 3), fmtNum(testL - trainL, 3), `${fmtNum(100 * f.testAcc.at(-1), 1)} %`];
}

export function mountSharpness(figure, store, scheduler) {
  const body = $('sharpness').tBodies[0];
  function draw() {
    const s = store.get();
    const slots = sharpSlots(s);
    const slices = slicesArgs(s, slots);
    if (slices) paint(store, $('slices'), 'lines', slices);
    const interp = interpArgs(s);
    if (interp) paint(store, $('interp'), 'lines', interp);
    later(() => body.replaceChildren(...slots.map((slot) => tableRow(slot, rowCells(s, slot)))));
    setText('sharpness-text', explainSharpness(s, slots.map((slot) => ({ f: s.runs[slot], a: s.diag[slot].analysis ?? {} }))));
  }
  scheduler.register('sharpness', draw);
  store.subscribe(['diag', 'interp', 'batches'], () => scheduler.mark('sharpness'));
}
