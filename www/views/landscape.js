// The landscape view: the shared loss landscape (analysis worker) with every shown run's
// projected path, and the sentence that reads it.
import { explainLandscape } from '../explain.js';
import { paint } from './chart.js';
import { setText } from './dom.js';

/** The `landscape` chart: the atlas's (the core's chart) with the shown runs' paths only. */
export function landscapeChart(s) {
  const c = s.atlas.chart;
  return { ...c, paths: c.paths.filter((p) => s.batches[p.run] !== undefined) };
}

export function mountLandscape(figure, store, scheduler) {
  const canvas = figure.querySelector('#landscape');
  function draw() {
    const s = store.get();
    const a = s.atlas;
    if (!a?.chart?.values.length) return;
    paint(store, canvas, landscapeChart(s));
    setText('landscape-text', explainLandscape(s, a));
  }
  scheduler.register('landscape', draw);
  store.subscribe(['atlas', 'batches'], () => scheduler.mark('landscape'));
}
