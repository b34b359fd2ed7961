// The training curves: train and test loss of every run against epochs, steps or time; the
// slider-to-frame latency is measured here, when the restarted run's first picture is shown.
import { explainCurves } from '../explain.js';
import { activeSlots } from '../store.js';
import { telemetry } from '../telemetry.js';
import { lossLabel, paint } from './chart.js';
import { setText } from './dom.js';

const X_LABELS = { epoch: 'epoch (passes over the data)', step: 'step (updates)', time: 'measured training time (ms)' };

/** A run's x values on the curves chart for the chosen axis. */
export function xOf(s, f) {
  if (s.xAxis === 'step') return f.stepAt;
  if (s.xAxis === 'time') return f.stepAt.map((t) => t * f.msPerStep);
  return f.epoch;
}

/** The positional arguments of the `lines` chart of the curves (null: nothing to draw). */
export function curvesArgs(s) {
  const xs = [];
  const ys = [];
  const lengths = [];
  const colors = [];
  const dashed = [];
  const labels = [];
  for (const slot of activeSlots(s)) {
    const f = s.runs[slot];
    if (!f || !f.trainLoss.length) continue;
    const x = xOf(s, f);
    for (const [y, dash, kind] of [[f.trainLoss, 0, 'train'], [f.testLoss, 1, 'test']]) {
      xs.push(...x); ys.push(...y); lengths.push(y.length); colors.push(slot); dashed.push(dash);
      labels.push(`${kind} B=${f.batch}`);
    }
  }
  if (!lengths.length) return null;
  return [Float64Array.from(xs), Float64Array.from(ys), Uint32Array.from(lengths),
    Uint32Array.from(colors), Uint8Array.from(dashed), labels, X_LABELS[s.xAxis], lossLabel(s.settings), false];
}

export function mountCurves(figure, store, scheduler) {
  const canvas = figure.querySelector('#curves');
  function draw() {
    const s = store.get();
    const args = curvesArgs(s);
    if (!args) return;
    // Slider-to-frame latency: measured when the first picture with the restarted run is shown.
    const p = s.pendingInput;
    const restarted = p && s.runs[p.slot]?.gen === p.gen ? p : null;
    if (restarted) store.update([], (st) => { st.pendingInput = null; });
    paint(store, canvas, 'lines', args, {
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
