// DOM helpers for the views. Text goes in through textContent only.
//
// DOM text written by views waits until every view of the frame is prepared (`later`; the
// scheduler calls `flushWrites`): a layout after fresh DOM writes costs the whole page's, and
// with the writes batched there is at most one such layout a frame.
import { runLabel } from '../store.js';

export const $ = (id) => document.getElementById(id);

const domWrites = [];
/** Runs `fn` (a DOM write) when the frame's views are prepared. */
export const later = (fn) => domWrites.push(fn);
/** Sets the text of element `id` when the frame's views are prepared (if it changed). */
export const setText = (id, text) => later(() => { const el = $(id); if (el.textContent !== text) el.textContent = text; });

export function flushWrites() {
  for (const fn of domWrites.splice(0)) fn();
}

/** A table row: the run's swatch and name, then `cells`. */
export function tableRow(slot, cells) {
  const tr = document.createElement('tr');
  tr.className = `run-${slot}`;
  const th = document.createElement('th');
  th.scope = 'row';
  const sw = document.createElement('span');
  sw.className = 'swatch';
  sw.setAttribute('aria-hidden', 'true');
  th.append(sw, ` ${runLabel(slot)}`);
  tr.append(th);
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = String(c);
    tr.append(td);
  }
  return tr;
}

/** Shows `list` (strings) in the messages box, or hides it when empty. */
export function showMessages(list) {
  $('message-list').replaceChildren(...list.map((text) => {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  }));
  $('messages').hidden = list.length === 0;
}
