// End-to-end: the learner's own regression data (dataset=custom_reg, points x:y) and own data
// sets larger than the URL carries (issue 13, part 4). Regression points placed by mouse train
// with MSE and the native tool gives the same θ; a bad `x,y` CSV gets a message naming the line;
// a settings JSON of 500 points trains in the page, its URL leaves the points out (and the page
// says so), the exported settings carry all 500, and the native tool's --config of that file
// gives the page's fingerprints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT, artifactPath, canvasPixels, distinctColours, openPage, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();
const QUERY = 'hidden=8&n_train=128&n_test=64&epochs=30&lr=0.1&batch=8%2C64';
const BATCHES = [8, 64];

async function waitSettled(page, batches, dataset) {
  await page.waitForFunction(([want, ds]) => {
    const s = window.batchscape;
    if (!s || s.pendingScenario || s.dirty || s.settings.dataset !== ds) return false;
    const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
    return slots.length === want.length && slots.every((k, i) => s.runs[k]?.batch === want[i] && s.runs[k].state !== 'running');
  }, [batches, dataset], { timeout: 180_000 });
}

function native(args) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'batchscape-'));
  execFileSync('cargo', ['run', '-q', '-p', 'batchscape', '--bin', 'batchscape', '--', 'run', ...args, '--out', path.join(out, 'o')],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return JSON.parse(fs.readFileSync(path.join(out, 'o', 'metrics.json'), 'utf8'));
}

const runsOf = (page) => page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => ({
  batch: f.batch, state: f.state, fingerprint: f.fingerprint, first: f.trainLoss[0], last: f.trainLoss[f.trainLoss.length - 1],
})));

test('regression points placed by mouse train with MSE (custom_reg), the figure fits them, native ≡ browser', async () => {
  const { page, context, consoleErrors, pageErrors } = await openPage(env.browser, `${env.srv.url}?${QUERY}`);
  await waitSettled(page, BATCHES, 'moons');
  await page.click('#owndata summary');
  // A class point first: then the regression mode is refused until the points are cleared.
  const box = await page.locator('#own-canvas').boundingBox();
  await page.mouse.click(box.x + 10, box.y + 10);
  await page.waitForFunction(() => document.querySelector('#own-status').textContent.includes('1 points'));
  await page.selectOption('#own-class', 'reg');
  await page.mouse.click(box.x + 30, box.y + 30);
  await page.waitForFunction(() => document.querySelector('#own-status').textContent.includes('clear them'));
  assert.match(await page.textContent('#own-status'), /These are class points: clear them to draw regression points/);
  await page.click('#own-clear');
  // 16 points on y = x² − 1 over x in [−1.7, 1.7] (the canvas shows [−2, 2]², y up).
  for (let i = 0; i < 16; i++) {
    const x = -1.7 + (3.4 * i) / 15;
    const y = x * x - 1;
    await page.mouse.click(box.x + ((x + 2) / 4) * box.width, box.y + ((2 - y) / 4) * box.height);
  }
  await page.waitForFunction(() => document.querySelector('#own-status').textContent.includes('16 regression points'));
  assert.match(await page.textContent('#own-status'), /^Placed a regression point at \(1\.7, 1\.8\d?\)\. 16 regression points \(x, y\)\./);
  await page.screenshot({ path: artifactPath('owndata-reg-drawn.png'), clip: { x: box.x - 10, y: box.y - 10, width: 600, height: box.height + 20 } });
  await page.click('#own-train');
  await waitSettled(page, BATCHES, 'custom_reg');
  const settings = await page.evaluate(() => window.batchscape.settings);
  assert.equal(settings.points.split(';').length, 16);
  assert.ok(settings.points.split(';').every((p) => p.split(':').length === 2), `x:y points: ${settings.points}`);
  assert.equal(new URL(page.url()).searchParams.get('points'), settings.points, 'the points travel in the URL');
  assert.equal(new URL(page.url()).searchParams.get('dataset'), 'custom_reg');
  assert.equal(await page.evaluate(() => window.batchscape.facts.loss_label), 'loss (mean squared error)');
  assert.equal(await page.evaluate(() => window.batchscape.facts.input_dim), 1, 'one input: x');
  const runs = await runsOf(page);
  assert.deepEqual(runs.map((r) => r.state), ['finished', 'finished']);
  for (const r of runs) assert.ok(r.last < 0.5 * r.first, `B = ${r.batch}: the training loss falls (${r.first} → ${r.last})`);
  for (const k of [0, 1]) assert.ok(distinctColours(await canvasPixels(page, `#boundary-${k}`)) > 5, `fitted curve ${k} drawn`);
  await page.locator('[data-panel=boundaries]').screenshot({ path: artifactPath('owndata-reg-boundary.png') });
  assert.equal(await page.isVisible('#messages'), false, 'nothing rejected');
  assert.equal(await page.isVisible('#own-url-note'), false, '16 points fit in the URL');
  assert.equal(await page.textContent('[data-panel=boundaries] figcaption h2'), 'Fitted curves', 'a regression figure is captioned as one');
  assert.doesNotMatch(await page.textContent('[data-panel=boundaries] figcaption p'), /probability/);
  const metrics = native([...new URLSearchParams(QUERY), ['dataset', 'custom_reg'], ['points', settings.points]].flatMap(([k, v]) => ['--set', `${k}=${v}`]));
  assert.deepEqual(metrics.runs.map((r) => r.theta_fingerprint), runs.map((r) => r.fingerprint), 'browser ≡ native');
  console.log(`# owndata-reg: fingerprints ${runs.map((r) => r.fingerprint).join(', ')}; train loss ${runs.map((r) => `${r.first.toFixed(3)} → ${r.last.toFixed(4)}`).join(', ')}`);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a bad x,y CSV gets a message naming its line; a good one loads; a hostile URL value is named', async () => {
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?${QUERY}`);
  await waitSettled(page, BATCHES, 'moons');
  await page.click('#owndata summary');
  const load = async (name, text) => {
    await page.setInputFiles('#own-csv', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    await page.waitForFunction((n) => document.querySelector('#messages').textContent.includes(n) || document.querySelector('#own-status').textContent.includes(n), name);
  };
  await load('nan.csv', 'x,y\n0,1\n2,NaN\n');
  assert.match(await page.textContent('#messages'), /nan\.csv: line 3 \("2,NaN"\): y "NaN" is not a finite number/);
  await load('cols.csv', 'x,y\n0,1\n1,2,0\n');
  assert.match(await page.textContent('#messages'), /cols\.csv: line 3 \("1,2,0"\): expected 2 fields x, y/);
  await load('million.csv', '0,1\n'.repeat(1_000_000));
  assert.match(await page.textContent('#messages'), /million\.csv: larger than 262144 bytes/);
  await load('ok.csv', 'x,y\n-1,0.5\n0,0\n1,0.5\n2,2\n');
  assert.match(await page.textContent('#own-status'), /Loaded ok\.csv: 4 regression points \(x, y\)/);
  await page.click('#own-train');
  await waitSettled(page, BATCHES, 'custom_reg');
  assert.equal(await page.evaluate(() => window.batchscape.settings.points), '-1:0.5;0:0;1:0.5;2:2');
  // Points of the wrong form in the URL: named; the lenient page trains on the set of their form.
  await page.goto(`${env.srv.url}?dataset=custom_reg&points=${encodeURIComponent('0:0;1:1;2:NaN;3:3')}&${QUERY}`);
  await waitSettled(page, BATCHES, 'moons');
  assert.match(await page.textContent('#messages'), /point 3 \("2:NaN"\): y "NaN" is not a finite number/);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('500 points travel in a settings JSON: the page trains on them, the URL leaves them out and says so, --config agrees', async () => {
  const points = Array.from({ length: 500 }, (_, i) => {
    const x = Math.round((-2 + (4 * i) / 499) * 1000) / 1000;
    return `${x}:${Math.round(Math.sin(2 * x) * 1000) / 1000}`;
  }).join(';');
  const file = { dataset: 'custom_reg', points, hidden: [8], n_train: 128, n_test: 64, epochs: 30, lr: 0.1, batch: [8, 64] };
  const { page, context, consoleErrors, pageErrors } = await openPage(env.browser, `${env.srv.url}?${QUERY}`);
  await waitSettled(page, BATCHES, 'moons');
  await page.setInputFiles('#import-settings', { name: 'big.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  await waitSettled(page, BATCHES, 'custom_reg');
  const settings = await page.evaluate(() => window.batchscape.settings);
  assert.equal(settings.points, points, 'the page trains on all 500 points');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('dataset'), 'custom_reg');
  assert.equal(url.searchParams.has('points'), false, 'more than the URL limit: the points are not in the URL');
  assert.ok(page.url().length < 2000, `the URL stays short (${page.url().length} characters)`);
  assert.ok(await page.isVisible('#own-url-note'), 'the page says the link alone won\'t restore them');
  assert.match(await page.textContent('#own-url-note'), /These 500 points are more than the 200 a link carries: .*won't restore them/);
  assert.equal(await page.isVisible('#messages'), false, 'nothing rejected');
  const runs = await runsOf(page);
  assert.deepEqual(runs.map((r) => r.state), ['finished', 'finished']);
  // The exported settings carry every point; the native tool's --config of that file gives the page's θ.
  await page.click('#menu summary').catch(() => {});
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) if (d.querySelector('#export-settings')) d.open = true; });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-settings')]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batchscape-'));
  const saved = path.join(dir, 'settings.json');
  await download.saveAs(saved);
  const exported = JSON.parse(fs.readFileSync(saved, 'utf8'));
  assert.equal(exported.points, points, 'the settings JSON carries all 500 points');
  const metrics = native(['--config', saved]);
  assert.deepEqual(metrics.runs.map((r) => r.theta_fingerprint), runs.map((r) => r.fingerprint), 'browser ≡ native --config');
  // Loading the exported file back restores the same runs.
  await page.reload();
  await waitSettled(page, BATCHES, 'moons');
  assert.match(await page.textContent('#messages'), /at least 4 points for dataset=custom_reg \(there are 0\)/, 'the link alone does not restore the points');
  assert.equal(await page.textContent('[data-panel=boundaries] figcaption h2'), 'Decision boundaries', 'back on classes: the classification caption');
  await page.setInputFiles('#import-settings', saved);
  await waitSettled(page, BATCHES, 'custom_reg');
  assert.deepEqual((await runsOf(page)).map((r) => r.fingerprint), runs.map((r) => r.fingerprint));
  await page.locator('[data-panel=boundaries]').screenshot({ path: artifactPath('owndata-500.png') });
  console.log(`# owndata-500: URL ${page.url().length} characters, settings JSON ${fs.statSync(saved).size} bytes; fingerprints ${runs.map((r) => r.fingerprint).join(', ')}`);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
