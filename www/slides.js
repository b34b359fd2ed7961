// "Figure for slides": the views the user ticks, composed into one 16:9 SVG and PNG with the
// page's title and a source line. Each chart is its own SVG (figure-svg.js: the chart on the
// canvas drawn again with an SVG target), placed in the rectangles of slide-layout.js; the PNG
// is that SVG rasterised at 1920 × 1080. Text goes in as text nodes only.
import { download, slug } from './export.js';
import { shownCharts, svgOf, wasm } from './figure-svg.js';
import { slideTitle, sourceLine } from './handout.js';
import { chartSize } from './painter.js';
import { SLIDE, panelRects, panelSize, slideLayout, wrapLines } from './slide-layout.js';
import { telemetry } from './telemetry.js';
import { shareUrl } from './url.js';
import { $, showMessages } from './views/dom.js';

const NS = 'http://www.w3.org/2000/svg';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** The views that can go on a slide: shown, with at least one chart drawn. */
function slidePanels() {
  return [...document.querySelectorAll('figure[data-panel]')]
    .map((fig) => ({ fig, name: fig.dataset.panel, label: fig.querySelector('h2')?.textContent.trim() ?? fig.dataset.panel, charts: shownCharts(fig) }))
    .filter((p) => p.charts.length);
}

/** The title the page shows: the chapter's question, else the scene's title. */
function pageTitle() {
  const text = (id) => { const el = $(id); return el && el.checkVisibility() ? el.textContent.trim() : ''; };
  return slideTitle({ kicker: text('chapter-kicker'), question: text('chapter-question'), scene: text('scene-title') });
}

function textEl(doc, lines, { x, y, size, weight = 400, fill = '#1d1d1f', lineHeight = 1.25 }) {
  const t = doc.createElementNS(NS, 'text');
  for (const [k, v] of Object.entries({ x, y, 'font-size': size, 'font-weight': weight, 'font-family': FONT, fill })) t.setAttribute(k, String(v));
  lines.forEach((line, k) => {
    const span = doc.createElementNS(NS, 'tspan');
    span.setAttribute('x', String(x));
    span.setAttribute('dy', k ? String(size * lineHeight) : '0');
    span.textContent = line;
    t.append(span);
  });
  return t;
}

/** The slide as an SVG document string: `panels` ({label, charts}) on a 16:9 grid, `title` on top, `source` below. */
export function composeSlide(panels, { title, source }) {
  const doc = document.implementation.createDocument(NS, 'svg', null);
  const root = doc.documentElement;
  const { width, height } = SLIDE;
  for (const [k, v] of Object.entries({ width, height, viewBox: `0 0 ${width} ${height}` })) root.setAttribute(k, String(v));
  const bg = doc.createElementNS(NS, 'rect');
  for (const [k, v] of Object.entries({ width, height, fill: '#fff' })) bg.setAttribute(k, String(v));
  root.append(bg);
  const sized = panels.map((p) => ({ ...p, sizes: p.charts.map((c) => chartSize(c)) }));
  const layout = slideLayout(sized.map((p) => panelSize(p.sizes)));
  const { caption, footer } = layout;
  root.append(textEl(doc, wrapLines(title, 64, 2), { x: caption.x, y: caption.y + 46, size: 46, weight: 700 }));
  root.append(textEl(doc, wrapLines(source, 170, 2), { x: footer.x, y: footer.y + 16, size: 17, fill: '#555' }));
  const parser = new DOMParser();
  sized.forEach((p, k) => {
    const { label, charts } = panelRects(layout.cells[k], p.sizes);
    root.append(textEl(doc, [p.label], { x: label.x, y: label.y + 24, size: 26, weight: 600 }));
    p.charts.forEach((canvas, j) => {
      const svg = svgOf(canvas);
      if (!svg) return;
      const chart = parser.parseFromString(svg, 'image/svg+xml').documentElement;
      if (chart.nodeName !== 'svg') throw new Error(`the ${p.label} chart is not valid SVG`);
      const [w, h] = p.sizes[j];
      if (!chart.hasAttribute('viewBox')) chart.setAttribute('viewBox', `0 0 ${w} ${h}`);
      const r = charts[j];
      for (const [key, v] of Object.entries({ x: r.x, y: r.y, width: r.w, height: r.h })) chart.setAttribute(key, v.toFixed(1));
      chart.setAttribute('data-chart', canvas.id);
      root.append(doc.importNode(chart, true));
    });
  });
  return new XMLSerializer().serializeToString(doc);
}

/** The slide's SVG rasterised at its own size (1920 × 1080) as a PNG blob. */
async function pngOf(svg) {
  const img = new Image(SLIDE.width, SLIDE.height);
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = SLIDE.width;
  canvas.height = SLIDE.height;
  canvas.getContext('2d').drawImage(img, 0, 0, SLIDE.width, SLIDE.height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png'));
}

/** The dialog's checkboxes: one per view that can go on a slide (the first two ticked). */
function fillChoices(box, panels) {
  for (const el of box.querySelectorAll('label')) el.remove();
  panels.forEach((p, k) => {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.name = 'slide-panel';
    input.value = p.name;
    input.checked = k < 2;
    label.append(input, ` ${p.label}`);
    box.append(label);
  });
}

export function mountSlides(store, dialog) {
  const box = $('slide-panels');
  const status = (text) => { $('slides-status').textContent = text; };
  $('slides-open').addEventListener('click', () => {
    const panels = slidePanels();
    fillChoices(box, panels);
    status(panels.length ? '' : 'No view has a chart drawn yet.');
    dialog.showModal();
  });
  $('slides-close').addEventListener('click', () => dialog.close());
  async function exportSlide(format) {
    const chosen = new Set([...box.querySelectorAll('input:checked')].map((i) => i.value));
    const panels = slidePanels().filter((p) => chosen.has(p.name));
    if (!panels.length) { status('Tick at least one view.'); return; }
    await wasm();
    const svg = composeSlide(panels, { title: pageTitle(), source: sourceLine(shareUrl(location.href), store.get()) });
    const name = `${slug(store.get())}-slide`;
    if (format === 'SVG') download(`${name}.svg`, 'image/svg+xml', svg);
    else download(`${name}.png`, 'image/png', await pngOf(svg));
    status(`${format} of ${panels.map((p) => p.label).join(', ')} exported.`);
    telemetry.exports.push({ panel: 'slide', format, files: 1, panels: panels.map((p) => p.name) });
  }
  for (const format of ['SVG', 'PNG']) {
    $(`slides-${format.toLowerCase()}`).addEventListener('click', () => exportSlide(format).catch((err) => showMessages([`Slide export failed: ${err.message || err}`])));
  }
}
