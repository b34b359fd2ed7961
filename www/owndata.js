// The learner's own data (issue 13): points drawn on a canvas (click or tap; keyboard: arrows
// move a cursor, 1/2/3 or Enter place a point), undo and clear, or a CSV file read by the
// core's parser (wasm `points_from_csv`, which names the bad line). Classes are 0, 1, 2 as in
// the CSV and the boundary figure's text; keys 0/1/2 place them. "Train on these points"
// sets dataset=custom/custom3 and points= as overrides; the run worker validates them (the
// core's one `points` parser) and reports rejections through the page's messages.
import init, { class_colors as classColors, points_from_csv as pointsFromCsv, points_limits as pointsLimits } from '../pkg/batchscape.js';
import { toPlane, toPixel, pointsText, parseValidated, datasetFor, classCounts, keyAction, moved } from './owndata-points.js';
import { $, showMessages } from './views/dom.js';

let wasmReady = null;
const wasm = () => (wasmReady ??= init());

/** Mounts the drawing. `hooks`: { apply(pairs) } sets overrides, syncs the URL and trains. */
export function mountOwnData(store, { apply }) {
  const canvas = $('own-canvas');
  if (!canvas) return;
  const size = canvas.width;
  const ctx = canvas.getContext('2d');
  let points = [];
  let cursor = { x1: 0, x2: 0 };
  let focused = false;
  const chosen = () => Number($('own-class').value);

  let colors = null;   // the decision maps' class colours (the core's), once the wasm is in
  function draw() {
    if (!colors) return;
    ctx.clearRect(0, 0, size, size);
    ctx.strokeStyle = '#ccc';
    ctx.beginPath();
    const o = toPixel(0, 0, size);
    ctx.moveTo(o.px, 0); ctx.lineTo(o.px, size); ctx.moveTo(0, o.py); ctx.lineTo(size, o.py);
    ctx.stroke();
    for (const p of points) {
      const { px, py } = toPixel(p.x1, p.x2, size);
      ctx.fillStyle = colors[p.label];
      ctx.beginPath();
      ctx.arc(px, py, 4, 0, 2 * Math.PI);
      ctx.fill();
    }
    if (focused) {
      const { px, py } = toPixel(cursor.x1, cursor.x2, size);
      ctx.strokeStyle = '#000';
      ctx.strokeRect(px - 6, py - 6, 12, 12);
    }
  }

  function say(text) {
    $('own-status').textContent = text;
  }

  function summary() {
    const c = classCounts(points);
    return `${points.length} points (class 0: ${c[0]}, class 1: ${c[1]}, class 2: ${c[2]}).`;
  }

  /** Places a point once the wasm (the limits) is in; points placed while it loads wait, in order. */
  function place(label, at) {
    ensure().then(() => placeNow(label, at));
  }

  function placeNow(label, at) {
    const [max] = pointsLimits();
    if (points.length >= max) { say(`At most ${max} points.`); return; }
    points.push({ ...at, label });
    draw();
    say(`Placed class ${label} at (${at.x1}, ${at.x2}). ${summary()}`);
  }

  canvas.addEventListener('pointerdown', (e) => {
    const r = canvas.getBoundingClientRect();
    const at = toPlane(((e.clientX - r.left) / r.width) * size, ((e.clientY - r.top) / r.height) * size, size);
    cursor = at;
    place(chosen(), at);
  });
  canvas.addEventListener('focus', () => { focused = true; draw(); });
  canvas.addEventListener('blur', () => { focused = false; draw(); });
  canvas.addEventListener('keydown', (e) => {
    const a = keyAction(e.key, e.shiftKey);
    if (!a) return;
    e.preventDefault();
    if (a.move) { cursor = moved(cursor, a.move); draw(); say(`Cursor at (${cursor.x1}, ${cursor.x2}).`); }
    else if (a.undo) ensure().then(undo);
    else place(a.place ?? chosen(), cursor);
  });

  function undo() {
    points.pop();
    draw();
    say(`Removed the last point. ${summary()}`);
  }
  // Every edit waits for the wasm as placing does, so a sequence of edits keeps its order.
  $('own-undo').addEventListener('click', () => ensure().then(undo));
  $('own-clear').addEventListener('click', () => ensure().then(() => { points = []; draw(); say('Cleared. 0 points.'); }));
  $('own-train').addEventListener('click', () => ensure().then(train));
  function train() {
    if (points.length < 4) { showMessages([`Draw at least 4 points to train on your own data (there are ${points.length}).`]); return; }
    const [, urlMax] = pointsLimits();
    apply([['dataset', datasetFor(points)], ['points', pointsText(points)]]);
    say(`Training on ${summary()}${points.length > urlMax ? ` More than ${urlMax} points: not kept in the URL (use the settings file).` : ''}`);
  }
  $('own-csv').addEventListener('change', async (e) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    await ensure();
    const [maxPoints, , maxBytes] = pointsLimits();
    if (file.size > maxBytes) { showMessages([`${file.name}: larger than ${maxBytes} bytes; a CSV of at most ${maxPoints} points x1,x2,label is expected.`]); return; }
    try {
      points = parseValidated(pointsFromCsv(await file.text()));
      draw();
      say(`Loaded ${file.name}: ${summary()}`);
    } catch (err) {
      showMessages([`${file.name}: ${err.message || err}`]);
    }
  });

  // Points in effect (a shared link, a settings file) appear on the canvas.
  store.subscribe(['settings'], () => {
    const s = store.get().settings;
    const ds = s?.get?.('dataset');
    if ((ds === 'custom' || ds === 'custom3') && s.get('points') !== pointsText(points)) {
      points = parseValidated(s.get('points'));
      ensure();
      say(summary());
    }
  });
  // The wasm (limits, colours, CSV parser) only once the drawing is opened or shows points.
  function ensure() {
    return wasm().then(() => { colors ??= classColors(); draw(); }, (err) => showMessages([`Own data: ${err.message || err}`]));
  }
  $('owndata').addEventListener('toggle', () => { if ($('owndata').open) ensure(); });
}
