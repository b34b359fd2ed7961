// End-to-end: the 8×8 digits in the page (issue 13). `?dataset=digits` trains four runs; the
// decision-boundary figure, which has no input plane to draw, shows a confusion matrix per run
// the grid of test digits with each run's predicted label, and one panel per run of the test
// digits on their first two principal components coloured by its predictions; the numbers
// (parameters, confusion matrices, the projection) are the native tool's, bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT, artifactPath, canvasPixels, distinctColours, openPage, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();

const QUERY = 'dataset=digits&hidden=32&n_train=512&n_test=256&lr=0.1&epochs=20&batch=4%2C16%2C64%2C256';
const BATCHES = [4, 16, 64, 256];

/** The render crate's `DIGIT_COLORS` (crate/render/src/pca.rs), digit by digit. */
const DIGIT_COLORS = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207]];

/**
 * Per digit, the pixels of `px` (RGBA) in the colour of a right prediction's square: the digit's
 * colour at 75 % over white (±2 for rounding). The legend's swatches are the pure colours, so
 * these pixels are the points.
 */
function pointPixelsPerDigit(px) {
  const want = DIGIT_COLORS.map((c) => c.map((v) => 0.75 * v + 0.25 * 255));
  const counts = new Array(10).fill(0);
  for (let i = 0; i < px.length; i += 4) {
    const d = want.findIndex((c) => Math.abs(px[i] - c[0]) <= 2 && Math.abs(px[i + 1] - c[1]) <= 2 && Math.abs(px[i + 2] - c[2]) <= 2);
    if (d >= 0) counts[d] += 1;
  }
  return counts;
}

/** Waits until the runs of `batches` have stopped and nothing waits to be drawn. */
async function waitSettled(page, batches) {
  await page.waitForFunction((want) => {
    const s = window.batchscape;
    if (!s || s.pendingScenario || s.dirty) return false;
    const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
    return slots.length === want.length && slots.every((k, i) => s.runs[k]?.batch === want[i] && s.runs[k].state !== 'running');
  }, batches, { timeout: 180_000 });
}

/** Waits until the downloads' names satisfy `done` (gives up after 60 s, naming what came). */
async function expectDownloads(downloads, done) {
  for (let i = 0; !done(downloads.map((d) => d.suggestedFilename())); i++) {
    if (i > 600) throw new Error(`downloads: ${downloads.map((d) => d.suggestedFilename()).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs the native tool (debug build, as `cargo test` left it) and returns its metrics.json. */
function native(args) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'batchscape-'));
  execFileSync('cargo', ['run', '-q', '-p', 'batchscape', '--bin', 'batchscape', '--', 'run', ...args, '--out', path.join(out, 'o')],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return JSON.parse(fs.readFileSync(path.join(out, 'o', 'metrics.json'), 'utf8'));
}

test('?dataset=digits trains four runs, shows their confusion matrices, the digit grid and the PCA panels, and matches the native tool', async () => {
  const { page, context, consoleErrors, pageErrors, worstLongTask } = await openPage(env.browser, `${env.srv.url}?${QUERY}`);
  await waitSettled(page, BATCHES);
  console.log(`# digits: worst main-thread long task since navigation (the load included; tests/longtask-digits.test.mjs separates load and training): ${await worstLongTask()} ms`);
  assert.equal(await page.inputValue('#s-dataset'), 'digits');
  assert.equal(await page.isVisible('#messages'), false, 'no setting was rejected');
  const runs = await page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => ({
    batch: f.batch, state: f.state, fingerprint: f.fingerprint, testAcc: f.testAcc[f.testAcc.length - 1], images: f.images,
  })));
  assert.deepEqual(runs.map((r) => [r.batch, r.state]), BATCHES.map((b) => [b, 'finished']));
  // The confusion matrices: one canvas per run, drawn, and the core's counts add up.
  for (let k = 0; k < 4; k++) {
    assert.ok(await page.isVisible(`#confusion-${k}`), `confusion matrix of run ${k + 1} shown`);
    const colours = distinctColours(await canvasPixels(page, `#confusion-${k}`));
    assert.ok(colours > 20, `confusion matrix ${k} has ${colours} colours`);
    const r = runs[k].images;
    assert.equal(r.classes, 10);
    assert.equal(r.confusion.reduce((a, b) => a + b, 0) + r.unpredicted, 256, 'every test image counted once');
    // Accuracy from the matrix is the history's final test accuracy.
    const diag = r.confusion.filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(diag / 256 - runs[k].testAcc) < 1e-9, `run ${k}: ${diag}/256 vs ${runs[k].testAcc}`);
  }
  assert.ok(runs[0].testAcc > 0.8, `B = 4 learns the digits: test accuracy ${runs[0].testAcc}`);
  // The grid of test digits with each run's predictions.
  assert.ok(await page.isVisible('#digit-grid'));
  assert.ok(distinctColours(await canvasPixels(page, '#digit-grid')) > 20, 'digit grid drawn');
  const chart = await page.getAttribute('#digit-grid', 'aria-label');
  assert.match(chart, /^40 test digits/);
  // The plane's own view is empty (no input plane) and the sentence reads the matrices.
  assert.equal(await page.locator('#boundaries canvas').count(), 0);
  const text = await page.textContent('#digits-text');
  for (const r of runs) assert.ok(text.includes(`B = ${r.batch}: ${r.images.errors} of 256 test digits wrong`), text);
  assert.match(text, /At equal epochs \(\d+ epochs each\), /);
  const worst = runs[3].images.confused[0];
  if (worst.count > 1) assert.ok(text.includes(`${worst.actual} → ${worst.predicted} (${worst.count}×)`), 'names the most confused pair');
  // The PCA panels: the projection came with the settings, one panel per run, coloured by its
  // predictions (one per test image), the wrong ones counted in the label and the sentence.
  const pca = await page.evaluate(() => window.batchscape.pca);
  assert.equal(pca.labels.length, 256);
  assert.equal(pca.coords.length, 512);
  assert.ok(pca.explained[0] >= pca.explained[1] && pca.explained[1] > 0, `shares ${pca.explained}`);
  for (let k = 0; k < 4; k++) {
    assert.ok(await page.isVisible(`#pca-${k}`), `PCA panel of run ${k + 1} shown`);
    const r = runs[k].images;
    assert.equal(r.predicted.length, 256, 'a prediction per test image');
    const wrong = pca.labels.filter((t, i) => r.predicted[i] !== t).length;
    assert.equal(wrong, r.errors + r.unpredicted);
    const label = await page.getAttribute(`#pca-${k}`, 'aria-label');
    assert.match(label, /^The 256 test digits on their first two principal components/);
    assert.ok(label.includes(`(batch size ${runs[k].batch})`) && label.includes(`; ${wrong} predicted wrong, ringed`), label);
    const perDigit = pointPixelsPerDigit(await canvasPixels(page, `#pca-${k}`));
    console.log(`# digits: PCA panel ${k + 1} (B = ${runs[k].batch}): point pixels per predicted digit ${perDigit.join(' ')}`);
    if (k === 0) assert.ok(perDigit.filter((n) => n >= 20).length >= 8, `B = 4 predicts most digits somewhere: ${perDigit}`);
    else assert.ok(perDigit.filter((n) => n >= 20).length >= 3, `points of several colours: ${perDigit}`);
  }
  const pcaText = await page.textContent('#pca-text');
  const pct = (x) => `${(100 * x).toFixed(1)} %`;
  assert.ok(pcaText.startsWith(`PC1 and PC2 explain ${pct(pca.explained[0])} and ${pct(pca.explained[1])} of the test digits' pixel variance`), pcaText);
  for (const r of runs) {
    const wrong = r.images.errors + r.images.unpredicted;
    const said = new RegExp(`of the ${wrong} digits? B = ${r.batch} got wrong, \\d+ lies? nearer|B = ${r.batch}: \\d+ of ${wrong}[;.]`);
    assert.ok(wrong ? said.test(pcaText) : new RegExp(`B = ${r.batch}[ a-zB=\\d]* got no digit wrong`).test(pcaText), pcaText);
  }
  console.log(`# digits: ${pcaText}`);
  // The figure's SVG export holds the PCA panels (the same chart through the SVG backend).
  const downloads = [];
  page.on('download', (d) => downloads.push(d));
  await page.locator('figure:has(#pcas) .export button', { hasText: 'SVG' }).click();
  await expectDownloads(downloads, (names) => names.some((n) => n.endsWith('-pca-3.svg')));
  const svgName = downloads.map((d) => d.suggestedFilename()).find((n) => n.endsWith('-pca-0.svg'));
  const svg = fs.readFileSync(await downloads.find((d) => d.suggestedFilename() === svgName).path(), 'utf8');
  assert.ok(svg.includes(`PC1 (${pct(pca.explained[0])} of variance)`) && svg.includes('Run 1: B = 4'), 'the exported SVG is run 1\'s PCA panel');
  await page.locator('#digits-views').screenshot({ path: artifactPath('digits-views.png') });
  await page.screenshot({ path: artifactPath('digits-page.png'), fullPage: true });
  // Native ≡ browser: the same settings give bit-identical parameters in the tool.
  const metrics = native([...new URLSearchParams(QUERY)].flatMap(([k, v]) => ['--set', `${k}=${v}`]));
  assert.deepEqual(metrics.runs.map((r) => r.theta_fingerprint), runs.map((r) => r.fingerprint), 'browser ≡ native');
  assert.deepEqual(metrics.runs.map((r) => r.test_confusion.confusion), runs.map((r) => Array.from(r.images.confusion)));
  assert.deepEqual(metrics.runs.map((r) => r.test_confusion.predicted), runs.map((r) => Array.from(r.images.predicted)));
  assert.deepEqual([metrics.pca.fingerprint, metrics.pca.explained], [pca.fingerprint, pca.explained], 'projection: browser ≡ native');
  console.log(`# digits: browser and native fingerprints ${runs.map((r) => r.fingerprint).join(', ')}; ` +
    `test accuracy ${runs.map((r) => `B=${r.batch} ${(100 * r.testAcc).toFixed(1)} %`).join(', ')}`);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('too many digits asked for: the page says so and trains on what fits', async () => {
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?dataset=digits&n_train=1700&n_test=1000&batch=32&epochs=2`);
  await waitSettled(page, [32]);
  const messages = await page.textContent('#messages');
  assert.match(messages, /n_test/);
  const settings = await page.evaluate(() => Object.fromEntries(window.batchscape.facts ? [['n', window.batchscape.facts.n_train]] : []));
  assert.ok(settings.n <= 1797 - 64, `n_train shrunk to fit: ${settings.n}`);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('the digits scene checks its claims over 5 seeds and reads them (k of 5), naming the comparison', async () => {
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?batch=16,256`);
  await page.getByRole('button', { name: 'Real digits', exact: true }).click();
  assert.match(page.url(), /scene=digits/);
  await waitSettled(page, [8, 64, 512]);
  await page.waitForFunction(() => {
    const st = window.batchscape.seeds;
    return st && st.done === st.total && /Over seeds \d+–\d+ at equal epochs: /.test(document.getElementById('scene-verdict').textContent);
  }, null, { timeout: 300_000 });
  const text = await page.textContent('#scene-verdict');
  console.log(`# digits scene over seeds: ${text}`);
  assert.match(text, /^Measured at equal epochs \(20 epochs each\), fixed learning-rate rule: B = 8 /);
  for (const claim of ['lower test accuracy', 'lower training loss', 'more jagged']) {
    assert.match(text, new RegExp(`${claim}[^;]*: holds in [0-5] of 5 seeds`), claim);
  }
  // the per-seed numbers are one click away, one row per seed and batch size
  assert.equal(await page.locator('#seeds-table tbody tr').count(), 15);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
