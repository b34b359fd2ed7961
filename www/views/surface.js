// The 3-D surface view: the landscape view's chart (the same object, views/landscape.js
// `landscapeChart`, no second computation) drawn as a surface of log loss by the core's
// `surface` chart (crate/render/src/surface.rs) in the draw worker. Drag or the arrow keys
// turn it; the angle is kept in the URL as the page keys `yaw` and `pitch` (url.js).
import { surfaceAngle, SURFACE } from '../url.js';
import { paint } from './chart.js';
import { landscapeChart } from './landscape.js';

/** Degrees per arrow key press (Shift: three times as many) and per dragged CSS pixel. */
const KEY_STEP = 5;
const DRAG_STEP = 0.5;

/** The `surface` chart of the page's state `s` seen from `angle`. */
export const surfaceChart = (s, { yaw, pitch }) => ({ kind: 'surface', landscape: landscapeChart(s), yaw, pitch });

const label = ({ yaw, pitch }) =>
  `3-D loss surface with each run's path, seen from yaw ${Math.round(yaw)}°, pitch ${Math.round(pitch)}°. Drag or use the arrow keys to turn it.`;

// Messages about a bad `yaw`/`pitch` in the URL, until the page shows them (with the settings' own).
let urlMessages = [];
/** The messages about the URL's angle not shown yet (then none). */
export function takeSurfaceMessages() {
  const m = urlMessages;
  urlMessages = [];
  return m;
}

export function mountSurface(figure, store, scheduler) {
  const canvas = figure.querySelector('#surface');
  if (!canvas) return;
  const start = surfaceAngle(location.search);
  let angle = { yaw: start.yaw, pitch: start.pitch };

  function show(urgent) {
    canvas.setAttribute('aria-label', label(angle));
    canvas.dataset.yaw = String(angle.yaw);
    canvas.dataset.pitch = String(angle.pitch);
    const s = store.get();
    if (!s.atlas?.chart?.values.length) return;
    paint(store, canvas, surfaceChart(s, angle), { urgent });
  }

  /** Turns the view to `yaw`, `pitch` (wrapped/clamped as the core does), redraws, keeps it in the URL. */
  function turn(yaw, pitch) {
    angle = SURFACE.clamp(Math.round(yaw), Math.round(pitch));
    show(true);
    keepInUrl();
  }

  function keepInUrl() {
    const params = new URLSearchParams(location.search);
    params.set('yaw', String(Math.round(angle.yaw)));
    params.set('pitch', String(Math.round(angle.pitch)));
    history.replaceState(history.state, '', `${location.pathname}?${params}`);
  }

  let drag = null;
  canvas.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY, ...angle };
    canvas.setPointerCapture(e.pointerId);
    canvas.focus();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drag) return;
    turn(drag.yaw + (e.clientX - drag.x) * DRAG_STEP, drag.pitch + (e.clientY - drag.y) * DRAG_STEP);
  });
  const end = () => { drag = null; };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('keydown', (e) => {
    const step = e.shiftKey ? 3 * KEY_STEP : KEY_STEP;
    const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[e.key];
    if (!d) return;
    e.preventDefault();
    turn(angle.yaw + d[0], angle.pitch + d[1]);
  });

  canvas.setAttribute('aria-label', label(angle));
  // A bad angle: reported once, and the URL gets the angle used instead.
  if (start.messages.length) {
    urlMessages = start.messages;
    keepInUrl();
  }
  scheduler.register('surface', () => show(false));
  store.subscribe(['atlas', 'batches'], () => scheduler.mark('surface'));
}
