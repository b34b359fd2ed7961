// Dynamics: λ_max against 2/η and B_simple against each run's B along training (analysis worker).
import { explainDynamics } from '../explain.js';
import { activeSlots, diagOf } from '../store.js';
import { line, linesChart, paint } from './chart.js';
import { setText } from './dom.js';

const dynSlots = (s) => activeSlots(s).filter((k) => diagOf(s, k)?.analysis?.history?.step?.length);

/** A dynamics chart: each run's `pick(history)` and its dashed guide line at `guide(frame)`. */
function dynamicsChart(s, slots, pick, guide, yLabel) {
  const series = slots.flatMap((slot) => {
    const h = s.diag[slot].analysis.history;
    const f = s.runs[slot];
    const g = guide(f);
    const y = pick(h).map((v) => (v === null || v === undefined ? NaN : v));
    return [line(h.step, y, slot, { label: `B=${f.batch}` }), line([0, Math.max(1, h.step.at(-1))], [g, g], slot, { dashed: true })];
  });
  return linesChart(series, 'step', yLabel, true);
}

/** The λ_max chart. */
export const lambdaChart = (s, slots) => dynamicsChart(s, slots, (h) => h.lambda_max, (f) => 2 / f.lr, 'λ_max (dashed: 2/η)');
/** The B_simple chart. */
export const noiseChart = (s, slots) => dynamicsChart(s, slots, (h) => h.b_simple, (f) => f.batch, 'B_simple (dashed: the run\'s B)');

export function mountDynamics(figure, store, scheduler) {
  function draw() {
    const s = store.get();
    const slots = dynSlots(s);
    if (!slots.length) return;
    paint(store, figure.querySelector('#dyn-lambda'), lambdaChart(s, slots));
    paint(store, figure.querySelector('#dyn-noise'), noiseChart(s, slots));
    setText('dynamics-text', explainDynamics(slots.map((slot) => ({ f: s.runs[slot], a: s.diag[slot].analysis })), s.nTrain));
  }
  scheduler.register('dynamics', draw);
  store.subscribe(['diag', 'batches'], () => scheduler.mark('dynamics'));
}
