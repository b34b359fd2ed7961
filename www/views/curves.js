// The training curves: train and test loss of every run against epochs, steps or time; the
// slider-to-frame latency is measured here, when the restarted run's first picture is shown.
import { explainCurves } from '../explain.js';
import { activeSlots } from '../store.js';
import { telemetry } from '../telemetry.js';
import { line, linesChart, lossLabel, paint } from './chart.js';
import { setText } from './dom.js';

const X_LABELS = { epoch: 'epoch (passes over the data)', step: 'step (updates)', time: 'measured training time (ms)' };

/** A run's x values on the curves chart for the chosen axis. */
export function xOf(s, f) {
  if (s.xAxis === 'step') return f.stepAt;
  if (s.xAxis === 'time') return f.stepAt.map((t) => t * f.msPerStep);
  return f.epoch;
}

/** The `lines` chart of the curves (null: nothing to draw). */
export function curvesChart(s) {
  const series = [];
  for (const slot of activeSlots(s)) {
    const f = s.runs[slot];
    if (!f || !f.trainLoss.length) continue;
    const x = xOf(s, f);
    series.push(line(x, f.trainLoss, slot, { label: `train B=${f.batch}` }), line(x, f.testLoss, slot, { dashed: true, label: `test B=${f.batch}` }));
  }
  return series.length ? linesChart(series, X_LABELS[s.xAxis], lossLabel(s), false) : null;
}

export function mountCurves(figure, store, scheduler) {
  const canvas = figure.querySelector('#curves');
  function draw() {
    const s = store.get();
    const chart = curvesChart(s);
    if (!chart) return;
    // Slider-to-frame latency: measured when the first picture with the restarted run is shown.
    const p = s.pendingInput;
    const restarted = p && s.runs[p.slot]?.gen === p.gen ? p : null;
    if (restarted) store.update([], (st) => { st.pendingInput = null; });
    paint(store, canvas, chart, {
      urgent: Boolean(restarted),
      shown: () => {
        if (!restarted || store.get().gens[restarted.slot] !== restarted.gen) return;
        const now = performance.now();
        telemetry.latencies.push(now - restarted.at);
        telemetry.latencyParts.push({ toFrame: restarted.frameAt - restarted.at, toShown: now - restarted.frameAt });
      },
    });
    setText('curves-text', explainCurves(s));
  }
  scheduler.register('curves', draw);
  store.subscribe(['runs', 'xAxis', 'batches'], () => scheduler.mark('curves'));
}
