// The cost table: per run, time per step, examples per second, memory per step, and the
// steps and examples to a common training-loss target (explain.js `costRows`).
import { costRows, explainCost } from '../explain.js';
import { formatBytes, formatNumber, showLr } from '../format.js';
import { $, later, setText, tableRow } from './dom.js';

const OPTIMIZER_STATE = { sgd: 0, momentum: 1, adam: 2 };

/**
 * What memory per step is computed from, as the page does today: layer widths (input,
 * hidden…, output) with the input width taken as 2, and the optimizer's state vectors per
 * parameter read from the setting `opt`.
 */
export function memoryInputs(settings) {
  const hidden = String(settings.get?.('hidden') ?? '').split(',').filter(Boolean).map(Number);
  const widths = [2, ...hidden, 1];
  const stateSlots = OPTIMIZER_STATE[settings.get?.('opt')] ?? 0;
  return { widths, stateSlots };
}

export function mountCost(figure, store, scheduler) {
  const body = $('cost').tBodies[0];
  function draw() {
    const s = store.get();
    const { widths, stateSlots } = memoryInputs(s.settings);
    const table = costRows(s, widths, stateSlots);
    const fmtNum = (x, d = 0) => (Number.isFinite(x) ? formatNumber(x, d) : '—');
    later(() => body.replaceChildren(...table.rows.map((r) => tableRow(r.slot, [r.batch, showLr(r.lr), fmtNum(r.msPerStep, 3), fmtNum(r.examplesPerSecond),
      formatBytes(r.memory), fmtNum(r.steps), fmtNum(r.examples)]))));
    setText('cost-text', explainCost(table));
  }
  scheduler.register('cost', draw, { slow: true });
  store.subscribe(['runs', 'batches'], () => scheduler.mark('cost'));
}
