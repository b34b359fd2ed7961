// Dynamics: λ_max against 2/η and B_simple against each run's B along training (analysis worker).
import { explainDynamics } from '../explain.js';
import { activeSlots, diagOf } from '../store.js';
import { paint } from './chart.js';
import { setText } from './dom.js';

const dynSlots = (s) => activeSlots(s).filter((k) => diagOf(s, k)?.analysis?.history?.step?.length);

/** The six leading arrays of a dynamics chart: each run's `pick(history)` and its dashed guide line. */
function series(s, slots, pick, guide) {
  const xs = []; const ys = []; const lengths = []; const colors = []; const dashed = []; const labels = [];
  for (const slot of slots) {
    const h = s.diag[slot].analysis.history;
    const f = s.runs[slot];
    const y = pick(h).map((v) => (v === null ? NaN : v));
    xs.push(...h.step); ys.push(...y); lengths.push(y.length); colors.push(slot); dashed.push(0); labels.push(`B=${f.batch}`);
    const g = guide(f);
    const end = Math.max(1, h.step.at(-1));
    xs.push(0, end); ys.push(g, g); lengths.push(2); colors.push(slot); dashed.push(1); labels.push('');
  }
  return [Float64Array.from(xs), Float64Array.from(ys), Uint32Array.from(lengths), Uint32Array.from(colors), Uint8Array.from(dashed), labels];
}

/** The positional arguments of the λ_max chart. */
export const lambdaArgs = (s, slots) => [...series(s, slots, (h) => h.lambda_max, (f) => 2 / f.lr), 'step', 'λ_max (dashed: 2/η)', true];
/** The positional arguments of the B_simple chart. */
export const noiseArgs = (s, slots) => [...series(s, slots, (h) => h.b_simple, (f) => f.batch), 'step', 'B_simple (dashed: the run\'s B)', true];

export function mountDynamics(figure, store, scheduler) {
  function draw() {
    const s = store.get();
    const slots = dynSlots(s);
    if (!slots.length) return;
    paint(store, figure.querySelector('#dyn-lambda'), 'lines', lambdaArgs(s, slots));
    paint(store, figure.querySelector('#dyn-noise'), 'lines', noiseArgs(s, slots));
    setText('dynamics-text', explainDynamics(slots.map((slot) => ({ f: s.runs[slot], a: s.diag[slot].analysis })), s.nTrain));
  }
  scheduler.register('dynamics', draw);
  store.subscribe(['diag', 'batches'], () => scheduler.mark('dynamics'));
}
