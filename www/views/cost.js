// The cost table: per run, time per step, examples per second (measured here), memory per
// step, and the steps and examples to a common training-loss target (the core's numbers,
// arranged by explain.js `costRows`).
import { costRows, explainCost } from '../explain.js';
import { formatBytes, formatNumber, showLr } from '../format.js';
import { $, later, setText, tableRow } from './dom.js';

export function mountCost(figure, store, scheduler) {
  const body = $('cost').tBodies[0];
  function draw() {
    const s = store.get();
    const table = costRows(s);
    const fmtNum = (x, d = 0) => (Number.isFinite(x) ? formatNumber(x, d) : '—');
    later(() => body.replaceChildren(...table.rows.map((r) => tableRow(r.slot, [r.batch, showLr(r.lr), fmtNum(r.msPerStep, 3), fmtNum(r.examplesPerSecond),
      formatBytes(r.memory), fmtNum(r.steps), fmtNum(r.examples)]))));
    setText('cost-text', explainCost(table));
  }
  scheduler.register('cost', draw, { slow: true });
  store.subscribe(['runs', 'batches', 'cost'], () => scheduler.mark('cost'));
}
