// The landscape view: the shared loss landscape (analysis worker) with every shown run's
// projected path, and the sentence that reads it.
import { explainLandscape } from '../explain.js';
import { colorsOf, paint } from './chart.js';
import { setText } from './dom.js';

/** The positional arguments of the `landscape` chart: the atlas with the shown runs' paths only. */
export function landscapeArgs(s) {
  const a = s.atlas;
  const slots = [];
  const lengths = [];
  const parts = [];
  let at = 0;
  a.lengths.forEach((len, slot) => {
    if (len && s.batches[slot] !== undefined) {
      slots.push(slot);
      lengths.push(len);
      parts.push(a.paths.subarray(at * 2, (at + len) * 2));
    }
    at += len;
  });
  const paths = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { paths.set(p, o); o += p.length; }
  return [a.values, a.extent, paths, Uint32Array.from(lengths), colorsOf(slots), a.labels[0], a.labels[1]];
}

export function mountLandscape(figure, store, scheduler) {
  const canvas = figure.querySelector('#landscape');
  function draw() {
    const s = store.get();
    const a = s.atlas;
    if (!a || !a.values.length) return;
    paint(store, canvas, 'landscape', landscapeArgs(s));
    setText('landscape-text', explainLandscape(s, a));
  }
  scheduler.register('landscape', draw);
  store.subscribe(['atlas', 'batches'], () => scheduler.mark('landscape'));
}
