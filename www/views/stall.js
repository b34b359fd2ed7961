// The note under the runs when no run learned anything (advice.js reads the numbers), with a
// button that applies the suggested settings (`apply(pairs)`, main.js).
import { stallNote } from '../advice.js';
import { $, later } from './dom.js';

export function mountStall(store, scheduler, { apply }) {
  let pairs = [];
  $('stall-apply').addEventListener('click', () => { if (pairs.length) apply(pairs); });
  scheduler.register('stall', () => {
    const note = stallNote(store.get());
    pairs = note?.pairs ?? [];
    later(() => {
      $('stall-note').hidden = !note;
      if (note && $('stall-text').textContent !== note.text) $('stall-text').textContent = note.text;
      $('stall-apply').hidden = !pairs.length;
      $('stall-apply').textContent = `Try it: ${pairs.map(([k, v]) => `${k} = ${v}`).join(', ')}`;
    });
  });
  store.subscribe(['runs', 'batches', 'settings'], () => scheduler.mark('stall'));
}
