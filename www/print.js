// Printing a handout (the layout is www/print.css, media="print"): the footer line (the link
// and the settings in effect, handout.js) kept current, and "Print handout" in the menu, which
// puts a vector copy of every shown chart (its SVG, figure-svg.js) in place of its canvas, then
// prints; the copies go after printing. Printing with the browser's own command prints the
// canvases themselves (sharp on a high-density screen, at screen resolution otherwise).
import { settingsSummary } from './handout.js';
import { shownCharts, svgOf, wasm } from './figure-svg.js';
import { chartSize } from './painter.js';
import { shareUrl } from './url.js';
import { $, showMessages } from './views/dom.js';

/** Writes the footer: the link to this state and the settings summary (text only). */
function updateFooter(store) {
  const set = (id, text) => { const el = $(id); if (el.textContent !== text) el.textContent = text; };
  set('print-link', `Batchscape · ${shareUrl(location.href)}`);
  set('print-settings', `Settings: ${settingsSummary(store.get())}`);
}

/** Removes the vector copies: the canvases print again. */
export function removePrintFigures() {
  for (const img of document.querySelectorAll('img.print-figure')) img.remove();
  for (const c of document.querySelectorAll('canvas.has-print-figure')) c.classList.remove('has-print-figure');
}

/** Puts an SVG copy after every shown chart canvas (hidden on screen, printed instead of it); resolves to their number once decoded. */
export async function preparePrintFigures() {
  await wasm();
  removePrintFigures();
  const decoded = [];
  for (const canvas of shownCharts(document)) {
    const svg = svgOf(canvas);
    if (!svg) continue;
    const img = new Image(...chartSize(canvas));
    img.className = 'print-figure';
    img.alt = canvas.getAttribute('aria-label') ?? '';
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    canvas.after(img);
    canvas.classList.add('has-print-figure');
    decoded.push(img.decode());
  }
  await Promise.all(decoded);
  return decoded.length;
}

export function mountPrint(store) {
  // The link follows the URL, which the page rewrites after the state changed.
  const refresh = () => setTimeout(() => updateFooter(store), 0);
  store.subscribe(['settings', 'batches', 'controls', 'chapter', 'scene', 'plane', 'xAxis'], refresh);
  refresh();
  window.addEventListener('beforeprint', () => updateFooter(store));
  window.addEventListener('afterprint', removePrintFigures);
  $('print-handout').addEventListener('click', () => {
    preparePrintFigures()
      .then(() => { updateFooter(store); window.print(); })
      .catch((err) => { removePrintFigures(); showMessages([`Printing failed: ${err.message || err}`]); });
  });
}
