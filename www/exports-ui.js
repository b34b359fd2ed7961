// Exports and imports the user asks for: each figure as PNG (the canvas) or SVG (the same
// chart through the wasm `draw` with an SVG target: figure-svg.js), the
// runs as CSV/JSON (export.js), the settings as a JSON file the native tool reads, and loading
// such a file back. The main thread's wasm modules are instantiated when first needed (not while
// the page loads): the draw module is figure-svg.js's `wasm()` (SVG), the compute one (settings
// JSON ↔ pairs) `compute()` here (owndata.js instantiates it too, for its CSV).
import { download, runsCsv, runsJson, slug } from './export.js';
import { svgOf, wasm } from './figure-svg.js';
import { mountPrint } from './print.js';
import { mountSlides } from './slides.js';
import { telemetry } from './telemetry.js';
import { $, showMessages } from './views/dom.js';
import { pageGlue } from './page-glue.js';

let computeReady = null;
/** The compute glue on the main thread (a promise of its exports), loaded on the first call. */
const compute = () => (computeReady ??= pageGlue('compute'));

async function exportFigure(store, fig, format) {
  if (format === 'SVG') await wasm();
  const canvases = [...fig.querySelectorAll('canvas:not(.overlay)')];
  let n = 0;
  for (const c of canvases) {
    const name = `${slug(store.get())}-${c.id}`;
    if (format === 'PNG') {
      c.toBlob((blob) => blob && download(`${name}.png`, 'image/png', blob));
      n += 1;
    } else {
      const svg = svgOf(c);
      if (svg) { download(`${name}.svg`, 'image/svg+xml', svg); n += 1; }
    }
  }
  if (!n) showMessages([`Nothing to export as ${format} in this view yet.`]);
  telemetry.exports.push({ panel: fig.dataset.panel, format, files: n });
}

/** Adds PNG and SVG buttons under every figure that draws on canvases. */
function addExportButtons(store) {
  for (const fig of document.querySelectorAll('figure[data-panel]')) {
    const name = fig.dataset.panel;
    if (name === 'cost') continue;
    const bar = document.createElement('div');
    bar.className = 'export';
    for (const format of ['PNG', 'SVG']) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = format;
      b.setAttribute('aria-label', `Export the ${fig.querySelector('h2')?.textContent ?? name} view as ${format}`);
      b.addEventListener('click', () => exportFigure(store, fig, format).catch((err) => showMessages([`Export failed: ${err.message || err}`])));
      bar.append(b);
    }
    fig.querySelector('figcaption').after(bar);
  }
}

/** A settings file → its settings as URL pairs (through the core's settings table). */
async function pairsFromFile(file) {
  const text = await file.text();
  const glue = await compute();
  return new URLSearchParams(glue.pairs_from_settings_json(text));
}

/**
 * The menu's exports, the handout (print.js) and the slide figure (slides.js).
 * `onImport(params)`: a settings file was loaded (its settings as URLSearchParams).
 */
export function mountExports(store, { onImport }) {
  addExportButtons(store);
  mountPrint(store);
  mountSlides(store, $('slides'));
  $('export-csv').addEventListener('click', () => download(`${slug(store.get())}.csv`, 'text/csv', runsCsv(store.get())));
  $('export-json').addEventListener('click', () => download(`${slug(store.get())}.json`, 'application/json', runsJson(store.get())));
  $('export-settings').addEventListener('click', async () => {
    const glue = await compute();
    const pairs = [...store.get().settings];
    download(`${slug(store.get())}-settings.json`, 'application/json', glue.settings_json_from_pairs(pairs.map((p) => p[0]), pairs.map((p) => p[1])));
  });
  $('import-settings').addEventListener('change', (e) => {
    const file = e.target.files[0];
    if (file) {
      pairsFromFile(file).then(onImport).catch((err) => showMessages([`Settings file not loaded: ${err.message || err}`]));
    }
    e.target.value = '';
  });
}
