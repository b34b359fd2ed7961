// The learner's own data (issue 13): points drawn on a canvas (click or tap; keyboard: arrows
// move a cursor, 1/2/3 or Enter place a point), undo and clear, or a CSV file read by the
// core's parser (wasm `points_from_csv`, which names the bad line). Classes are 0, 1, 2 as in
// the CSV and the boundary figure's text; keys 0/1/2 place them. The class menu's
// "regression (x, y)" mode places regression points instead (dataset=custom_reg, CSV `x,y`). "Train on these points"
// sets dataset=custom/custom3 and points= as overrides; the run worker validates them (the
// core's one `points` parser) and reports rejections through the page's messages.
import {
  toPlane, toPixel, pointsText, parseValidated, datasetFor, classCounts, keyAction, moved, REGRESSION, OWN_DATASETS, mixRefusal,
} from './owndata-points.js';
import { pointCount } from './url.js';
import { $, showMessages } from './views/dom.js';
import { pageGlue } from './page-glue.js';

let wasmReady = null;
let glue = null;  // the compute glue's exports, once loaded (`wasm()`)
/** The compute glue on the main thread, loaded on first use (not with the page). */
const wasm = () => (wasmReady ??= pageGlue('compute').then((m) => { glue = m; }));
const pointsLimits = () => glue.points_limits();
const pointsFromCsv = (text) => glue.points_from_csv(text);
const classColors = () => glue.class_colors();

/** Mounts the drawing. `hooks`: { apply(pairs) } sets overrides, syncs the URL and trains. */
export function mountOwnData(store, { apply }) {
  const canvas = $('own-canvas');
  if (!canvas) return;
  const size = canvas.width;
  const ctx = canvas.getContext('2d');
  let points = [];
  let cursor = { x1: 0, x2: 0 };
  let focused = false;
  const chosen = () => ($('own-class').value === REGRESSION ? null : Number($('own-class').value));

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
      ctx.fillStyle = p.label === null ? '#333' : colors[p.label];
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
    if (points[0]?.label === null) return `${points.length} regression points (x, y).`;
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
    const refusal = mixRefusal(points, label);
    if (refusal) { say(refusal); return; }
    points.push({ ...at, label });
    draw();
    say(`Placed ${label === null ? 'a regression point' : `class ${label}`} at (${at.x1}, ${at.x2}). ${summary()}`);
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
    if (file.size > maxBytes) { showMessages([`${file.name}: larger than ${maxBytes} bytes; a CSV of at most ${maxPoints} points x1,x2,label (or x,y) is expected.`]); return; }
    try {
      points = parseValidated(pointsFromCsv(await file.text()));
      draw();
      say(`Loaded ${file.name}: ${summary()}`);
    } catch (err) {
      showMessages([`${file.name}: ${err.message || err}`]);
    }
  });

  // Points in effect (a shared link, a settings file) appear on the canvas; a set too large
  // for the URL (the core's limit, from the facts) gets a note that the link alone won't bring it.
  store.subscribe(['settings'], () => {
    const { settings: s, facts } = store.get();
    const ds = s?.get?.('dataset');
    const own = OWN_DATASETS.includes(ds);
    if (own && s.get('points') !== pointsText(points)) {
      points = parseValidated(s.get('points'));
      ensure();
      say(summary());
    }
    const n = own ? pointCount(s.get('points')) : 0;
    const max = facts?.url_max_points;
    const note = $('own-url-note');
    if (note) {
      note.hidden = !(own && max !== undefined && n > max);
      note.textContent = note.hidden ? '' : `These ${n} points are more than the ${max} a link carries: the page's URL leaves them out, so the link alone won't restore them. Save them with “Share, export, load” → Settings JSON and load that file (Load settings JSON), or give it to the native tool's --config.`;
    }
  });
  // The wasm (limits, colours, CSV parser) only once the drawing is opened or shows points.
  function ensure() {
    return wasm().then(() => { colors ??= classColors(); draw(); }, (err) => showMessages([`Own data: ${err.message || err}`]));
  }
  $('owndata').addEventListener('toggle', () => { if ($('owndata').open) ensure(); });
}
