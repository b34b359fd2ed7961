// End-to-end: print and slides (issue 15, item 6) in Debian's headless Chromium. A chapter
// printed is a handout (controls hidden, figures and words shown, a footer with the link and the
// settings; a PDF in A4 and Letter), and the slide figure is one 16:9 SVG and PNG of the chosen
// views, built from the same chart SVGs as the per-figure export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, artifactPath, openPage, useServedBrowser } from './lib/harness.mjs';
import { openMenu, waitSettled } from './lib/page-state.mjs';

const env = useServedBrowser();

/** Number of pages of a PDF made by Chromium (its page objects are plain text in the file). */
const pdfPages = (bytes) => (bytes.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;

/** What a user would see under print emulation: which parts are shown, and the figures' widths. */
const printedLayout = (page) => page.evaluate(() => {
  const shown = (sel) => [...document.querySelectorAll(sel)].some((el) => el.checkVisibility());
  const box = (sel) => { const r = document.querySelector(sel).getBoundingClientRect(); return { w: r.width, h: r.height }; };
  return {
    controls: shown('.controls'), menu: shown('#menu'), sliders: shown('input[type=range]'), buttons: shown('button:not(.term)'),
    chapterNav: shown('.chapter-nav'), chapterList: shown('#chapter-list'), selects: shown('select'),
    question: document.getElementById('chapter-question').checkVisibility(), verdict: document.getElementById('chapter-verdict').textContent,
    verdictShown: document.getElementById('chapter-verdict').checkVisibility(), text: document.getElementById('chapter-text').checkVisibility(),
    landscape: box('#landscape'), curves: box('#curves'), captions: shown('[data-panel=curves] figcaption p'),
    footer: document.getElementById('print-footer').checkVisibility(), footerText: document.getElementById('print-footer').textContent,
    figures: [...document.querySelectorAll('img.print-figure')].filter((i) => i.checkVisibility()).map((i) => ({ w: i.naturalWidth, h: i.naturalHeight })),
    canvasesShown: [...document.querySelectorAll('canvas[role=img]')].filter((c) => c.checkVisibility()).map((c) => c.id),
  };
});

test('a printed chapter is a handout: no controls, the question, text, verdict, figures and a footer with the link and settings; a PDF in A4 and Letter', async () => {
  const { page, context, consoleErrors } = await openPage(env.browser, `${env.srv.url}?chapter=1`);
  await waitSettled(page);
  const href = page.url();
  await page.emulateMedia({ media: 'print' });
  const printed = await printedLayout(page);
  for (const k of ['controls', 'menu', 'sliders', 'buttons', 'chapterNav', 'chapterList', 'selects']) assert.equal(printed[k], false, `${k} hidden in print`);
  assert.ok(printed.question && printed.text && printed.verdictShown, 'the question, text and verdict print');
  assert.match(printed.verdict, /equal epochs/, 'the verdict names its comparison');
  assert.ok(printed.captions, 'the captions print');
  // A4 and Letter leave 186 mm of width inside 12 mm margins: 703 CSS pixels.
  for (const k of ['landscape', 'curves']) assert.ok(printed[k].w > 200 && printed[k].w <= 703 && printed[k].h > 100, `${k} printed ${printed[k].w}×${printed[k].h}`);
  assert.ok(printed.footer, 'the footer prints');
  assert.ok(printed.footerText.includes(href), `the footer has the link ${href}`);
  assert.match(printed.footerText, /dataset=moons .*budget=epochs · epochs=\d+ · batch=1,256 · seed=1/);
  await page.screenshot({ path: artifactPath('print/chapter1-print.png'), fullPage: true });

  for (const format of ['A4', 'Letter']) {
    const file = artifactPath(`print/chapter1-${format}.pdf`);
    await page.pdf({ path: file, format, printBackground: true });
    const bytes = fs.readFileSync(file);
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    const pages = pdfPages(bytes);
    assert.ok(pages >= 1 && pages <= 6, `${format}: ${pages} pages`);
    console.log(`# ${format}: ${pages} pages, ${bytes.length} bytes (canvases)`);
  }

  // The menu's "Print handout": a vector copy of every shown chart prints instead of its canvas.
  await page.emulateMedia({ media: 'screen' });
  await page.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; });
  await openMenu(page);
  await page.click('#print-handout');
  await page.waitForFunction(() => window.__printed === 1, null, { timeout: 30_000 });
  const onScreen = await page.evaluate(() => [...document.querySelectorAll('img.print-figure')].filter((i) => i.checkVisibility()).length);
  assert.equal(onScreen, 0, 'the vector copies are not on the screen');
  await page.emulateMedia({ media: 'print' });
  const vector = await printedLayout(page);
  assert.deepEqual(vector.canvasesShown, [], 'no canvas prints');
  // Chapter 1 shows the landscape (its map and 3-D surface) and the curves.
  assert.deepEqual(vector.figures.map((f) => [f.w, f.h]), [[560, 480], [560, 440], [560, 340]]);
  await page.screenshot({ path: artifactPath('print/chapter1-print-vector.png'), fullPage: true });
  const file = artifactPath('print/chapter1-A4-vector.pdf');
  await page.pdf({ path: file, format: 'A4', printBackground: true });
  const bytes = fs.readFileSync(file);
  console.log(`# A4 with vector figures: ${pdfPages(bytes)} pages, ${bytes.length} bytes`);
  assert.ok(pdfPages(bytes) >= 1);
  // Chromium's PDF printing fires beforeprint and afterprint: after it, the canvases are back.
  assert.equal(await page.locator('img.print-figure').count(), 0);
  assert.equal(await page.locator('canvas.has-print-figure').count(), 0);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('the full lab prints on A4 and Letter: at their content width (186 mm) nothing overflows, every figure fits a page\'s height, dark theme or not', async () => {
  // 186 mm × 255 mm (the narrower and the shorter of A4 and Letter inside 12 mm margins) at 96 px per inch.
  const [width, height] = [Math.floor(186 / 25.4 * 96), Math.floor(255 / 25.4 * 96)];
  const { page, context, consoleErrors } = await openPage(env.browser, `${env.srv.url}?seed=1`, { viewport: { width, height } });
  await page.click('[data-scene=sharp_epochs]');
  await page.waitForFunction(() => window.batchscape.scene === 'sharp_epochs');
  await waitSettled(page);
  await page.waitForFunction(() => ['slices', 'interp', 'dyn-lambda'].every((id) => window.batchscape.workerMs[id]), null, { timeout: 60_000 });
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ media: 'print', colorScheme });
    const m = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      views: [...document.querySelectorAll('figure.view')].filter((f) => f.checkVisibility())
        .map((f) => { const r = f.getBoundingClientRect(); return { panel: f.dataset.panel, w: Math.round(r.width), h: Math.round(r.height), right: Math.round(r.right) }; }),
      tables: [...document.querySelectorAll('table')].filter((t) => t.checkVisibility()).map((t) => Math.round(t.getBoundingClientRect().right)),
      colour: getComputedStyle(document.body).color, background: getComputedStyle(document.documentElement).backgroundColor,
      scene: document.getElementById('scene-verdict').checkVisibility() && document.getElementById('scene-verdict').textContent,
    }));
    console.log(`# ${colorScheme}, ${width}×${height} px: ${m.views.map((v) => `${v.panel} ${v.w}×${v.h}`).join(', ')}; tables end at ${m.tables.join(', ')} px`);
    assert.ok(m.scrollWidth <= width, `nothing wider than the paper (${m.scrollWidth} px)`);
    assert.deepEqual(m.views.map((v) => v.panel), ['landscape', 'curves', 'sharpness', 'dynamics', 'boundaries', 'cost'], 'the measured views print; the sweep, never run, does not');
    for (const v of m.views) {
      assert.ok(v.right <= width, `${v.panel} within the width`);
      assert.ok(v.h <= height, `${v.panel} (${v.h} px) fits one page's height`);
    }
    for (const right of m.tables) assert.ok(right <= width, `a table ends at ${right} px`);
    assert.equal(m.colour, 'rgb(0, 0, 0)', 'black text');
    assert.equal(m.background, 'rgb(255, 255, 255)', 'on white');
    assert.match(m.scene, /equal epochs/, 'the scene\'s verdict prints');
    await page.screenshot({ path: artifactPath(`print/lab-print-${colorScheme}.png`), fullPage: true });
  }
  const file = artifactPath('print/lab-Letter.pdf');
  await page.pdf({ path: file, format: 'Letter', printBackground: true });
  console.log(`# lab, Letter: ${pdfPages(fs.readFileSync(file))} pages`);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

/** RGBA samples of a PNG file decoded by the browser: size, distinct colours, non-white share, and the mean darkness of rectangles. */
const pngStats = (page, bytes, rects) => page.evaluate(async ({ b64, rects }) => {
  // (The page's CSP allows no fetch of a data: URL: the bytes are decoded here.)
  const blob = new Blob([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], { type: 'image/png' });
  const bmp = await createImageBitmap(blob);
  const c = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(bmp, 0, 0);
  const px = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
  const colours = new Set();
  let nonWhite = 0;
  for (let i = 0; i < px.length; i += 4 * 7) {
    colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    if (px[i] + px[i + 1] + px[i + 2] < 720) nonWhite += 1;
  }
  const inked = rects.map(({ x, y, w, h }) => {
    const d = ctx.getImageData(x, y, w, h).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 600) n += 1;
    return n / (w * h);
  });
  return { width: bmp.width, height: bmp.height, colours: colours.size, nonWhite: nonWhite / (px.length / 28), inked };
}, { b64: bytes.toString('base64'), rects });

test('the slide figure: two chosen views in one 16:9 SVG (the per-figure SVGs inside, the caption, a source line) and a 1920×1080 PNG that is not blank', async () => {
  // The full lab (a link with settings), then the scene picked as a user does (its settings applied).
  const { page, context, consoleErrors } = await openPage(env.browser, `${env.srv.url}?seed=1`);
  await page.click('[data-scene=noisy]');
  await page.waitForFunction(() => window.batchscape.scene === 'noisy' && window.batchscape.batches.includes(1));
  await waitSettled(page);
  // The flat-vs-sharp charts are drawn once the analysis of both end points and the interpolation arrived.
  await page.waitForFunction(() => {
    const s = window.batchscape;
    const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
    return s.interp && slots.every((k) => s.diag[k]?.gen === s.runs[k].gen);
  }, null, { timeout: 120_000 });
  await page.waitForFunction(() => ['slices', 'interp', 'dyn-lambda'].every((id) => window.batchscape.workerMs[id]), null, { timeout: 60_000 });
  await openMenu(page);
  await page.click('#slides-open');
  const offered = await page.$$eval('#slide-panels input', (l) => l.map((i) => [i.value, i.checked]));
  console.log(`# offered: ${offered.map(([v, c]) => `${v}${c ? ' (ticked)' : ''}`).join(', ')}`);
  assert.deepEqual(offered.map(([v]) => v), ['landscape', 'curves', 'sharpness', 'dynamics', 'boundaries'], 'the lab\'s views with charts (not cost, a table; not the sweep, not run)');
  // Choose two: the curves and flat vs sharp (the landscape, ticked first, unticked).
  for (const [v, checked] of offered) if (checked) await page.uncheck(`#slide-panels input[value=${v}]`);
  for (const v of ['curves', 'sharpness']) await page.check(`#slide-panels input[value=${v}]`);
  await page.screenshot({ path: artifactPath('print/slides-dialog.png') });
  // The lab shows the per-figure export buttons; a chapter would hide them (then clicked from script).
  const save = async (button, name) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    const file = artifactPath(`print/${name}`);
    await download.saveAs(file);
    return fs.readFileSync(file);
  };
  const svg = (await save('#slides-svg', 'slide.svg')).toString();
  const png = await save('#slides-png', 'slide.png');
  assert.match(await page.textContent('#slides-status'), /PNG of Training curves, Flat vs sharp exported/);
  await page.click('#slides-close');
  // The per-figure SVG of the curves, exported on its own: the same drawing as on the slide.
  const curvesSvg = (await save('[data-panel=curves] .export button:nth-child(2)', 'curves.svg')).toString();
  const question = (await page.textContent('#scene-title')).trim().replace(/\s+/g, ' ');
  const parsed = await page.evaluate(({ svg, curvesSvg }) => {
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    const root = doc.documentElement;
    const charts = [...root.querySelectorAll(':scope > svg')];
    const alone = new DOMParser().parseFromString(curvesSvg, 'image/svg+xml').documentElement;
    const curves = charts.find((c) => c.getAttribute('data-chart') === 'curves');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null, name: root.nodeName,
      size: [root.getAttribute('width'), root.getAttribute('height')],
      charts: charts.map((c) => ({ id: c.getAttribute('data-chart'), elements: c.querySelectorAll('*').length,
        box: ['x', 'y', 'width', 'height'].map((k) => Number(c.getAttribute(k))) })),
      sameCurves: curves?.innerHTML === alone.innerHTML,
      // A text's lines are its tspans.
      texts: [...root.querySelectorAll(':scope > text')].map((t) => [...t.children].map((l) => l.textContent).join(' ')),
    };
  }, { svg, curvesSvg });
  assert.equal(parsed.error, null, 'the SVG parses');
  assert.equal(parsed.name, 'svg');
  assert.deepEqual(parsed.size, ['1920', '1080']);
  assert.deepEqual(parsed.charts.map((c) => c.id), ['curves', 'slices', 'interp'], 'both chosen views\' charts (flat vs sharp has two), nothing else');
  for (const c of parsed.charts) {
    assert.ok(c.elements > 20, `${c.id}: ${c.elements} elements drawn`);
    const [x, y, w, h] = c.box;
    assert.ok(x >= 0 && y >= 0 && x + w <= 1920 && y + h <= 1080, `${c.id} inside the slide`);
  }
  assert.ok(parsed.sameCurves, 'the curves on the slide are the per-figure SVG export');
  assert.equal(parsed.texts[0], question, 'the caption is the scene\'s title');
  assert.deepEqual(parsed.texts.slice(2), ['Training curves', 'Flat vs sharp'], 'each view\'s label');
  assert.ok(parsed.texts[1].startsWith('Batchscape · http') && parsed.texts[1].includes('scene=noisy') && parsed.texts[1].includes('batch=1,256'), `the source line: ${parsed.texts[1]}`);

  // The PNG: 16:9 at 1920 × 1080 (the IHDR chunk), and pixels drawn: the charts' colours, ink
  // in the caption band and in the middle of each chart.
  assert.equal(png.readUInt32BE(16), 1920);
  assert.equal(png.readUInt32BE(20), 1080);
  const mid = (c) => ({ x: Math.round(c.box[0] + c.box[2] * 0.3), y: Math.round(c.box[1] + c.box[3] * 0.3), w: Math.round(c.box[2] * 0.4), h: Math.round(c.box[3] * 0.4) });
  const stats = await pngStats(page, png, [{ x: 40, y: 40, w: 900, h: 60 }, ...parsed.charts.map(mid)]);
  console.log(`# slide PNG ${stats.width}×${stats.height}: ${stats.colours} colours sampled, ${(100 * stats.nonWhite).toFixed(1)} % not white, ink share caption/charts ${stats.inked.map((x) => x.toFixed(3)).join(', ')}`);
  assert.ok(stats.colours > 100, `${stats.colours} colours`);
  assert.ok(stats.nonWhite > 0.02, 'not blank');
  assert.ok(stats.inked[0] > 0.01, 'the caption is drawn');
  parsed.charts.forEach((c, k) => assert.ok(stats.inked[k + 1] > 0.002, `${c.id} is drawn (ink share ${stats.inked[k + 1]})`));
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('the slides dialog by keyboard and for axe-core: its views are labelled checkboxes, Escape closes it', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?chapter=1`, { contextOptions: { bypassCSP: true } });
  await waitSettled(page);
  await openMenu(page);
  await page.click('#slides-open');
  await page.addScriptTag({ path: path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
  const result = await page.evaluate(() => window.axe.run('#slides', { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
  const bad = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  console.log(`# axe slides dialog: ${result.violations.length} violations (${bad.length} serious/critical)`);
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`), []);
  // Tab reaches the checkboxes and the buttons; Space ticks; Escape closes the dialog.
  const reached = [];
  for (let k = 0; k < 6; k++) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate(() => document.activeElement.value || document.activeElement.id));
  }
  assert.ok(reached.includes('landscape') && reached.includes('curves') && reached.includes('slides-svg'), `Tab reached ${reached.join(', ')}`);
  await page.focus('#slide-panels input[value=curves]');
  await page.keyboard.press('Space');
  assert.equal(await page.isChecked('#slide-panels input[value=curves]'), false);
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#slides').evaluate((d) => d.open), false);
  await context.close();
});
