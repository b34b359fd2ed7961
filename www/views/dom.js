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

/**
 * A new `tag` element: `props.text` is its text (textContent, never HTML), `props.class` its
 * class, any other non-string value a property (`value`, `onclick`, `disabled`), any other
 * string an attribute; then `children` (elements or strings, appended as text).
 */
export function el(tag, props = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

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
