// End-to-end: URL state, embedding, sharing and export, offline and accessibility — the
// course-material side of the page (issue 7), in Debian's headless Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { DIST_DIR, REPO_ROOT, artifactPath, canvasPixels, openPage, serveDir, useServedBrowser } from './lib/harness.mjs';
import { openMenu, waitSettled } from './lib/page-state.mjs';

const env = useServedBrowser();

const fingerprints = (target) => target.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => f.fingerprint));

/** Every setting away from its default, plus the page's own keys. */
const EVERY_KEY = 'seed=7&dataset=circles&n_train=128&n_test=64&noise=0.1&label_noise=0.1&hidden=8%2C8&act=relu'
  + '&optimizer=momentum&momentum=0.8&weight_decay=0.001&lr=0.05&lr_rule=sqrt&base_batch=8&warmup=10'
  + '&budget=steps&epochs=40&steps=200&batch=4%2C32&grid=21&plane=pca&x=step';

const sortedEntries = (query) => [...new URLSearchParams(query)].sort(([a], [b]) => a.localeCompare(b));

/** Runs the native tool (debug build, as `cargo test` left it) and returns its metrics.json. */
function native(args) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'batchscape-'));
  execFileSync('cargo', ['run', '-q', '-p', 'batchscape', '--bin', 'batchscape', '--', 'run', ...args, '--out', path.join(out, 'o')],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return JSON.parse(fs.readFileSync(path.join(out, 'o', 'metrics.json'), 'utf8'));
}

test('a URL with every key round-trips: same URL back, same numbers in a second page and in the native tool', async () => {
  const { page, context, consoleErrors } = await openPage(env.browser, `${env.srv.url}?${EVERY_KEY}`);
  await waitSettled(page);
  assert.deepEqual(sortedEntries(new URL(page.url()).search), sortedEntries(EVERY_KEY));
  assert.equal(await page.isVisible('#messages'), false, 'no setting was rejected');
  assert.equal(await page.inputValue('#s-dataset'), 'circles');
  assert.equal(await page.inputValue('#s-optimizer'), 'momentum');
  assert.equal(await page.inputValue('#plane'), 'pca');
  const first = await fingerprints(page);
  // The settings JSON the page exports is accepted unchanged by the native tool, which
  // computes the very same runs (bit-identical parameters).
  const [download] = await Promise.all([page.waitForEvent('download'), openMenu(page).then(() => page.click('#export-settings'))]);
  const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bs-')), 'settings.json');
  await download.saveAs(config);
  const metrics = native(['--config', config]);
  assert.deepEqual(metrics.runs.map((r) => r.theta_fingerprint), first, 'browser ≡ native');
  console.log(`# every-key scenario: browser and native fingerprints ${first.join(', ')}`);
  const again = await openPage(env.browser, page.url());
  await waitSettled(again.page);
  assert.deepEqual(await fingerprints(again.page), first);
  assert.deepEqual(consoleErrors, []);
  await again.context.close();
  await context.close();
});

test('the native tool\'s settings load back into the page (and give the same runs)', async () => {
  const metrics = native(['--set', 'dataset=xor', '--set', 'batch=8,64', '--set', 'epochs=10', '--set', 'seed=3']);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bs-')), 'settings.json');
  fs.writeFileSync(file, JSON.stringify(metrics.settings));
  const { page, context } = await openPage(env.browser, env.srv.url);
  await waitSettled(page);   // the page is wired (wasm initialised) before the file is chosen
  await page.setInputFiles('#import-settings', file);
  await page.waitForFunction(() => new URLSearchParams(location.search).get('dataset') === 'xor');
  await waitSettled(page);
  assert.deepEqual(await fingerprints(page), metrics.runs.map((r) => r.theta_fingerprint));
  await context.close();
});

test('the native tool draws the page\'s pictures: the same shared plane, paths and interpolation pair, number for number', async () => {
  const metrics = native(['--set', 'batch=8,256']);
  const { page, context } = await openPage(env.browser, `${env.srv.url}?batch=8,256`);
  await waitSettled(page);
  await page.waitForFunction(() => {
    const s = window.batchscape;
    return s.interp && s.interp.gens[0] === s.gens[s.interp.a] && s.interp.gens[1] === s.gens[s.interp.b];
  }, null, { timeout: 60_000 });
  const { chart, ip } = await page.evaluate(() => ({ chart: window.batchscape.atlas.chart, ip: window.batchscape.interp }));
  const land = metrics.landscape;
  // Relative agreement: the grid is f32 in both (the tool's JSON prints the shortest f32 form).
  const close = (a, b, tol) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
  const allClose = (xs, ys, tol, what) => {
    assert.equal(xs.length, ys.length, `${what}: lengths`);
    const bad = xs.findIndex((x, k) => !close(x, ys[k], tol));
    assert.equal(bad, -1, `${what}: index ${bad}: page ${xs[bad]} vs tool ${ys[bad]}`);
  };
  assert.equal(chart.n, land.n);
  allClose([...chart.alpha, ...chart.beta], [...land.alpha, ...land.beta], 1e-12, 'extent');
  assert.equal(chart.alpha_label, land.alpha_label);
  allClose(Array.from(chart.values), land.values, 1e-6, 'landscape values');
  assert.deepEqual(chart.paths.map((p) => p.run), land.paths.map((p) => p.run), 'every run\'s path, by run');
  chart.paths.forEach((p, k) => allClose(Array.from(p.points), land.paths[k].points, 1e-9, `path ${k}`));
  // The same pair in the same order: B = 8 (α = 0) → B = 256 (α = 1), over the same α.
  assert.deepEqual([ip.a, ip.b], [metrics.interpolation.a, metrics.interpolation.b]);
  assert.deepEqual([metrics.interpolation.batch_a, metrics.interpolation.batch_b], [8, 256]);
  for (const col of ['alpha', 'train_loss', 'test_loss', 'train_acc', 'test_acc']) {
    allClose(Array.from(ip.profile[col]), metrics.interpolation.profile[col], 1e-9, `interpolation ${col}`);
  }
  console.log(`# page ≡ tool: ${chart.n}×${chart.n} landscape, ${chart.paths.length} paths, interpolation B=8 → B=256 (${ip.profile.alpha.length} points)`);
  await context.close();
});

test('rejected URL values are named with the value used instead, and the URL shows what is in effect', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?lr=-3&dataset=%3Cscript%3E&colour=red&batch=16`);
  await waitSettled(page);
  const text = await page.textContent('#messages');
  assert.match(text, /`lr` = "-3" is not allowed.*using lr = 0\.2 instead/);
  assert.match(text, /`dataset` = "<script>" is not allowed.*using dataset = moons instead/);
  assert.match(text, /unknown setting `colour`.*ignored/);
  assert.deepEqual(sortedEntries(new URL(page.url()).search), sortedEntries('lr=0.2&dataset=moons&batch=16'));
  await context.close();
});

test('embed mode in an iframe on another origin: only the chosen panels, working', async () => {
  const parentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-parent-'));
  const src = `${env.srv.url}?batch=16,256&embed=controls,landscape,curves`;
  fs.writeFileSync(path.join(parentDir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>Course page</title>
<h1>Lesson 4: batch size</h1><iframe id="bs" src="${src}" width="640" height="400" title="Batchscape" style="border:0"></iframe>`);
  const parent = await serveDir(parentDir);
  assert.notEqual(new URL(parent.url).origin, new URL(env.srv.url).origin);
  const { page, context, requests } = await openPage(env.browser, parent.url, { viewport: { width: 800, height: 560 } });
  const frame = page.frame({ url: /embed=/ });
  await waitSettled(frame);
  assert.equal(await frame.isVisible('#landscape'), true);
  assert.equal(await frame.isVisible('#curves'), true);
  for (const hidden of ['header', '.scenes', '#slices', '#boundaries', '#scenario', '.toolbar']) {
    assert.equal(await frame.isVisible(hidden), false, `${hidden} is hidden in embed mode`);
  }
  assert.equal(await frame.getByRole('slider', { name: 'Run 1: Batch size' }).count(), 1);
  // Moving a slider inside the iframe re-runs that run there.
  await frame.getByRole('slider', { name: 'Run 1: Batch size' }).focus();
  await page.keyboard.press('ArrowRight');
  await frame.waitForFunction(() => window.batchscape.runs[0]?.batch === 32 && window.batchscape.runs[0].state === 'finished');
  const land = await frame.locator('#landscape').evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 16) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  });
  assert.ok(land > 100, `the embedded landscape is drawn (${land} colours)`);
  await page.screenshot({ path: artifactPath('embed-640x400.png') });
  for (const r of requests) assert.match(r, /^(http:\/\/127\.0\.0\.1:\d+\/|data:|blob:)/, `request stays local: ${r}`);
  await context.close();
  await parent.close();
});

test('exports: SVG from the plotters SVG backend, PNG, CSV and JSON of the runs', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?batch=16,256`);
  await waitSettled(page);
  const read = async (trigger) => {
    const [d] = await Promise.all([page.waitForEvent('download'), trigger()]);
    return { name: d.suggestedFilename(), text: fs.readFileSync(await d.path(), 'utf8'), path: await d.path() };
  };
  const svg = await read(() => page.getByRole('button', { name: /Export the Loss landscape.*as SVG/ }).click());
  assert.match(svg.name, /landscape\.svg$/);
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.nodeName,
      rects: doc.querySelectorAll('rect').length, texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
    };
  }, svg.text);
  assert.equal(parsed.error, null);
  assert.equal(parsed.root, 'svg');
  assert.ok(parsed.rects >= 51 * 51, `${parsed.rects} rectangles: one per grid cell`);
  assert.ok(parsed.texts.some((t) => t.includes('θ0')), 'axis label present');
  const png = await read(() => page.getByRole('button', { name: /Export the Training curves.*as PNG/ }).click());
  assert.equal(fs.readFileSync(png.path).subarray(1, 4).toString(), 'PNG');
  const csv = await read(() => openMenu(page).then(() => page.click('#export-csv')));
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'run,batch,lr,state,step,epoch,train_loss,test_loss,train_acc,test_acc');
  assert.ok(lines.length > 100, `${lines.length} CSV rows`);
  const json = JSON.parse((await read(() => openMenu(page).then(() => page.click('#export-json')))).text);
  assert.deepEqual(json.runs.map((r) => r.batch_size), [16, 256]);
  assert.deepEqual(json.runs.map((r) => r.theta_fingerprint), await fingerprints(page));
  await context.close();
});

test('keyboard only: every control is reachable by Tab, with a visible focus ring', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?batch=16,256`);
  await waitSettled(page);
  await page.locator('#scenario summary').click();
  await openMenu(page);
  const controls = await page.$$eval('button, input, select, summary, textarea', (els) => els
    // A radio group is one Tab stop (its checked radio); the arrow keys move within it.
    // Controls inside a closed <details> (the own-data drawing) are reachable once it is opened, not before.
    .filter((e) => e.offsetParent !== null && !e.disabled && !e.closest('dialog') && e.type !== 'file' && !(e.type === 'radio' && !e.checked)
      && !(e.tagName !== 'SUMMARY' && e.closest('details:not([open])')))
    .map((e) => e.id || e.textContent.trim() || e.getAttribute('aria-label')));
  const reached = new Set();
  await page.evaluate(() => document.activeElement?.blur());
  for (let k = 0; k < 200; k++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const cs = getComputedStyle(e);
      return { key: e.id || e.textContent.trim() || e.getAttribute('aria-label'), outline: cs.outlineStyle, width: parseFloat(cs.outlineWidth) };
    });
    if (!f) continue;
    if (f.key !== 'import-settings') assert.ok(f.outline !== 'none' && f.width >= 2, `${f.key} shows focus (${f.outline} ${f.width}px)`);
    reached.add(f.key);
  }
  const missed = controls.filter((c) => !reached.has(c));
  assert.deepEqual(missed, [], 'controls never reached by Tab');
  // The share dialog opens, traps focus inside and closes with Escape.
  await openMenu(page);
  await page.click('#share-open');
  assert.equal(await page.evaluate(() => document.activeElement.closest('dialog')?.id), 'share');
  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('#share'), false);
  await context.close();
});

test('accessibility audit (axe-core): no serious or critical violations, light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context } = await openPage(env.browser, `${env.srv.url}?batch=16,256`, { contextOptions: { bypassCSP: true, colorScheme } });
    await waitSettled(page);
    await page.addScriptTag({ path: path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
    const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
    const bad = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
    console.log(`# axe (${colorScheme}): ${result.violations.length} violations (${bad.length} serious/critical), ${result.passes.length} rules passed`);
    for (const v of result.violations) console.log(`#   ${v.impact}: ${v.id} (${v.nodes.length}) ${v.help}`);
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`), []);
    await context.close();
  }
});

test('on a 360 px touch screen the page fits and a batch-size slider can be dragged by touch', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?batch=16,256`,
    { viewport: { width: 360, height: 780 }, contextOptions: { hasTouch: true, isMobile: true } });
  await waitSettled(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow} px wider than the screen`);
  await page.screenshot({ path: artifactPath('page-360.png'), fullPage: true });
  // A finger drags Run 1's slider to the right end: the full batch.
  await page.locator('#batch-0').scrollIntoViewIfNeeded();
  const box = await page.locator('#batch-0').boundingBox();
  const cdp = await context.newCDPSession(page);
  const y = box.y + box.height / 2;
  const x0 = box.x + box.width / 2;
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: x0, y }] });
  for (let k = 1; k <= 8; k++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: x0 + ((box.width / 2 - 2) * k) / 8, y }] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.waitForFunction(() => window.batchscape.runs[0]?.batch === 256 && window.batchscape.runs[0].state === 'finished');
  await context.close();
});

test('strict CSP: no \'unsafe-inline\', and no violation while the page loads, trains, hovers, shares and exports', async () => {
  // The policy itself: only 'wasm-unsafe-eval' beyond 'self' (and data: images for the icon).
  for (const file of ['index.html', 'bench.html']) {
    const html = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    assert.ok(csp, `${file} has a CSP`);
    assert.doesNotMatch(csp, /unsafe-inline/, `${file}: ${csp}`);
    const quoted = [...csp.matchAll(/'[^']+'/g)].map((m) => m[0]);
    assert.deepEqual([...new Set(quoted)].sort(), ["'none'", "'self'", "'wasm-unsafe-eval'"], `${file}: ${csp}`);
  }
  const { page, context, consoleErrors, pageErrors, cspViolations } = await openPage(env.browser, `${env.srv.url}?batch=16,256&scene=noisy`);
  await waitSettled(page);
  await page.locator('#curves').hover();
  await openMenu(page);
  await page.getByRole('button', { name: 'Share or embed…' }).click();
  await page.getByRole('button', { name: 'Close' }).click();
  await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Export the Training curves.*as SVG/ }).click()]);
  await page.waitForTimeout(300);
  assert.deepEqual(await cspViolations(), []);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  // The listener does see a violation: an inline style attribute is blocked and reported.
  await page.evaluate(() => document.body.setAttribute('style', 'outline: 1px solid red'));
  await page.waitForFunction(() => window.__cspViolations.length > 0);
  assert.deepEqual((await cspViolations()).map((v) => v.directive), ['style-src-attr']);
  await context.close();
});

test('offline: every request stays on 127.0.0.1; sizes of a first load (printed)', async () => {
  const { page, context, requests } = await openPage(env.browser, env.srv.url);
  await waitSettled(page);
  const local = requests.filter((r) => r.startsWith(env.srv.url));
  assert.deepEqual(requests.filter((r) => !r.startsWith(env.srv.url) && !r.startsWith('data:') && !r.startsWith('blob:')), []);
  const files = [...new Set(local.map((r) => new URL(r).pathname))].map((p) => (p.endsWith('/') ? `${p}index.html` : p));
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const bytes = fs.readFileSync(path.join(DIST_DIR, f));
    raw += bytes.length;
    gz += zlib.gzipSync(bytes, { level: 9 }).length;
  }
  // The page's wasm modules (scripts/build.sh: compute for the workers, draw for the draw worker
  // and SVG figures; bench.html's own module is not part of the page).
  const modules = ['batchscape_bg.wasm', 'batchscape_draw_bg.wasm'].map((f) => {
    const bytes = fs.readFileSync(path.join(DIST_DIR, 'pkg', f));
    return { f, raw: bytes.length, gz: zlib.gzipSync(bytes, { level: 9 }).length };
  });
  const wasmGz = modules.reduce((sum, m) => sum + m.gz, 0);
  console.log(`# first load: ${files.length} files, ${(raw / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzipped; `
    + modules.map((m) => `${m.f} ${(m.raw / 1024).toFixed(1)} KB raw, ${(m.gz / 1024).toFixed(1)} KB gzipped`).join('; '));
  for (const m of modules) assert.ok(files.includes(`/pkg/${m.f}`), `${m.f} is part of the first load`);
  // The 300 KB target is a benchmark reported in the notes; the test only guards against a
  // gross regression (a debug or unstripped build is several times larger). The two modules
  // were 301 + 153 KB gzipped when this guard was set (one module of 510 KB before the split).
  console.log(`# size target: first load ≤ 300 KB gzipped — ${gz <= 300 * 1024 ? 'met' : `missed by ${((gz - 300 * 1024) / 1024).toFixed(1)} KB`}`);
  assert.ok(wasmGz <= 512 * 1024, `wasm ${wasmGz} B gzipped in all: an optimized, stripped build is far smaller`);
  await context.close();
});
