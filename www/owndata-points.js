// The drawing of the learner's own points, as pure functions (node tests them): the plane the
// canvas shows, pixel ↔ plane, the cursor's keys, and the `points` text the core parses
// (crate/core/src/custom.rs; the core validates it, this only writes it).

/** The input plane the drawing canvas shows: [−LIM, LIM]² (inside the core's ±10 limit). */
export const LIM = 2;
/** Cursor step of an arrow key (Shift: five steps). */
export const STEP = 0.1;

const round2 = (v) => Math.round(v * 100) / 100;
const clamp = (v) => Math.max(-LIM, Math.min(LIM, v));

/** Canvas pixel (px, py) of a canvas `size` CSS pixels wide and high → a point of the plane (y up, 2 decimals). */
export const toPlane = (px, py, size) => ({
  x1: round2(clamp((px / size) * 2 * LIM - LIM)),
  x2: round2(clamp(LIM - (py / size) * 2 * LIM)),
});

/** A plane point → its canvas pixel. */
export const toPixel = (x1, x2, size) => ({ px: ((x1 + LIM) / (2 * LIM)) * size, py: ((LIM - x2) / (2 * LIM)) * size });

/** The class menu's value of the regression mode: a click places (x, y), label null. */
export const REGRESSION = 'reg';

/** `[{x1, x2, label}]` → the core's `x1:x2:label;…` (a regression point, label null: `x:y`). */
export const pointsText = (points) => points.map((p) => (p.label === null ? `${p.x1}:${p.x2}` : `${p.x1}:${p.x2}:${p.label}`)).join(';');

/** The core's validated `points` text → `[{x1, x2, label}]` (`x:y`: label null). */
export const parseValidated = (text) => String(text).split(';').filter(Boolean).map((item) => {
  const [x1, x2, label] = item.split(':').map(Number);
  return { x1, x2, label: label === undefined ? null : label };
});

/** The data set for these points: regression if they are (x, y) points, three classes if any label is 2. */
export const datasetFor = (points) => {
  if (points.some((p) => p.label === null)) return 'custom_reg';
  return points.some((p) => p.label === 2) ? 'custom3' : 'custom';
};

/** The data sets of the learner's own points (the core's custom sets). */
export const OWN_DATASETS = ['custom', 'custom3', 'custom_reg'];

/**
 * Why a point of `label` (null: regression) may not join `points` (the core keeps a set of
 * one form: all class points or all (x, y) points), or null if it may.
 */
export function mixRefusal(points, label) {
  if (!points.length || (points[0].label === null) === (label === null)) return null;
  return points[0].label === null
    ? 'These are regression points (x, y): clear them to draw classes.'
    : 'These are class points: clear them to draw regression points (x, y).';
}

/** Points per class, e.g. [6, 6, 0]. */
export const classCounts = (points) => [0, 1, 2].map((c) => points.filter((p) => p.label === c).length);

/**
 * What a key does on the focused canvas: move the cursor (arrows), place a point of class
 * 0/1/2 (keys 0/1/2, as in the CSV and the boundary text; Enter or Space: the chosen class), undo (Backspace, Delete, z). Null: not ours.
 */
export function keyAction(key, shift) {
  const d = STEP * (shift ? 5 : 1);
  const moves = { ArrowLeft: [-d, 0], ArrowRight: [d, 0], ArrowUp: [0, d], ArrowDown: [0, -d] };
  if (moves[key]) return { move: moves[key] };
  if (key === '0' || key === '1' || key === '2') return { place: Number(key) };
  if (key === 'Enter' || key === ' ') return { place: null };
  if (key === 'Backspace' || key === 'Delete' || key === 'z') return { undo: true };
  return null;
}

/** The cursor moved by `move`, kept on the plane (2 decimals). */
export const moved = (cursor, [dx, dy]) => ({ x1: round2(clamp(cursor.x1 + dx)), x2: round2(clamp(cursor.x2 + dy)) });
