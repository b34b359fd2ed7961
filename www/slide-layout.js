// The "figure for slides" layout, pure: where n panels go on a 16:9 slide with a caption band
// on top and a source line at the bottom, how a panel's charts share its cell, and the caption
// text broken into lines. Rectangles are {x, y, w, h} in slide pixels (y down). No DOM: the
// composing (www/slides.js) places each chart's SVG in the rectangles given here.

/** The slide's size and bands, in pixels (1920 × 1080: 16:9). */
export const SLIDE = Object.freeze({
  width: 1920, height: 1080, margin: 40, gap: 28, captionHeight: 120, footerHeight: 44, labelHeight: 34,
});

/** The largest rectangle of aspect `aspect` (width / height) inside `box`, centred in it. */
export function fitRect(box, aspect) {
  const w = Math.min(box.w, box.h * aspect);
  const h = w / aspect;
  return { x: box.x + (box.w - w) / 2, y: box.y + (box.h - h) / 2, w, h };
}

/** The cells of `n` items on `rows` rows of at most `cols` in `box`; the last row centred. */
function gridCells(box, n, cols, gap) {
  const rows = Math.ceil(n / cols);
  const w = (box.w - gap * (cols - 1)) / cols;
  const h = (box.h - gap * (rows - 1)) / rows;
  return Array.from({ length: n }, (_, k) => {
    const row = Math.floor(k / cols);
    const inRow = row === rows - 1 ? n - row * cols : cols;
    const offset = (box.w - (inRow * w + (inRow - 1) * gap)) / 2;
    return { x: box.x + offset + (k % cols) * (w + gap), y: box.y + row * (h + gap), w, h };
  });
}

/**
 * The slide's layout for panels of the given sizes ([width, height] of each panel's content at
 * scale 1, its label band included: `panelSize`): the caption band, the source line and one
 * cell per panel. The number of columns is the one whose smallest panel scale (a panel fitted
 * into its cell, over its own size) is largest, since the smallest panel's text is the one that
 * must stay legible; ties go to the larger total area, then to fewer columns. So two wide
 * panels stack and two square ones sit side by side.
 */
export function slideLayout(sizes, slide = SLIDE) {
  const { width, height, margin, gap, captionHeight, footerHeight } = slide;
  const caption = { x: margin, y: margin, w: width - 2 * margin, h: captionHeight };
  const footer = { x: margin, y: height - margin - footerHeight, w: width - 2 * margin, h: footerHeight };
  const top = caption.y + captionHeight + gap / 2;
  const area = { x: margin, y: top, w: width - 2 * margin, h: footer.y - gap / 2 - top };
  const n = sizes.length;
  if (!n) return { caption, footer, area, cols: 0, rows: 0, cells: [] };
  const better = (a, b) => a.scale > b.scale * (1 + 1e-9) || (a.scale >= b.scale * (1 - 1e-9) && a.shown > b.shown * (1 + 1e-9));
  let best = null;
  for (let cols = 1; cols <= n; cols++) {
    const cells = gridCells(area, n, cols, gap);
    const fitted = cells.map((c, k) => fitRect(c, sizes[k][0] / sizes[k][1]));
    const candidate = {
      cols, cells,
      scale: Math.min(...fitted.map((f, k) => f.w / sizes[k][0])),
      shown: fitted.reduce((sum, f) => sum + f.w * f.h, 0),
    };
    if (!best || better(candidate, best)) best = candidate;
  }
  return { caption, footer, area, cols: best.cols, rows: Math.ceil(n / best.cols), cells: best.cells };
}

/**
 * A panel's content in its cell: the label band on top, then its charts side by side, all
 * scaled by one factor so that they fill the cell's width or height (centred). `sizes` are the
 * charts' [width, height]; returns {label, charts, scale}.
 */
export function panelRects(cell, sizes, { labelHeight = SLIDE.labelHeight, gap = SLIDE.gap / 2 } = {}) {
  const rowW = sizes.reduce((s, [w]) => s + w, 0);
  const rowH = Math.max(...sizes.map(([, h]) => h));
  const gaps = gap * (sizes.length - 1);
  const scale = Math.min((cell.w - gaps) / rowW, (cell.h - labelHeight) / rowH);
  const usedW = rowW * scale + gaps;
  const usedH = rowH * scale + labelHeight;
  let x = cell.x + (cell.w - usedW) / 2;
  const top = cell.y + (cell.h - usedH) / 2;
  const charts = sizes.map(([w, h]) => {
    const r = { x, y: top + labelHeight + (rowH - h) * scale / 2, w: w * scale, h: h * scale };
    x += r.w + gap;
    return r;
  });
  return { label: { x: cell.x + (cell.w - usedW) / 2, y: top, w: usedW, h: labelHeight }, charts, scale };
}

/** The [width, height] of a panel of charts `sizes` laid out by `panelRects` at scale 1. */
export function panelSize(sizes, { labelHeight = SLIDE.labelHeight, gap = SLIDE.gap / 2 } = {}) {
  const rowW = sizes.reduce((s, [w]) => s + w, 0) + gap * (sizes.length - 1);
  return [rowW, Math.max(...sizes.map(([, h]) => h)) + labelHeight];
}

/**
 * `text` broken at spaces into lines of at most `maxChars` characters, at most `maxLines` of
 * them (the last one cut with "…" if the text is longer). A word longer than a line is cut.
 */
export function wrapLines(text, maxChars, maxLines = Infinity) {
  const lines = [];
  let line = '';
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= maxChars) { line = next; continue; }
    if (line) lines.push(line);
    line = word.length > maxChars ? `${word.slice(0, maxChars - 1)}…` : word;
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1];
  kept[maxLines - 1] = `${last.length < maxChars ? last : last.slice(0, maxChars - 1)}…`;
  return kept;
}
