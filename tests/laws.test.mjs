// End-to-end: the laws section of the sweep view in Debian's headless Chromium. A small B × η
// sweep over two workers (cells handed out one at a time) runs to the end, gives the cells of one
// worker bit for bit, and draws the map and the trade-off with their text;
// a second one is cancelled midway and its workers stop; the data-parallel control answers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO_ROOT, artifactPath, canvasPixels, distinctColours, openPage, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();
const SMALL = 'n_train=64&n_test=64&hidden=8&target_loss=0.3&max_steps=2000';

test('a small B × η sweep on two workers draws the map and the trade-off, and its text names the slope and B_crit', async () => {
  const { page, context, consoleErrors, pageErrors } = await openPage(env.browser, `${env.srv.url}?${SMALL}&sweep_workers=2`);
  await page.waitForFunction(() => window.batchscape?.sweep?.laws && !document.getElementById('laws-run').disabled);
  assert.equal(await page.locator('#laws-cancel').isDisabled(), true);
  await page.locator('#laws-run').click();
  assert.equal(await page.locator('#laws-cancel').isDisabled(), false);
  await page.waitForFunction(() => {
    const l = window.batchscape.sweep.laws;
    return !l.running && l.total > 0 && l.reportCells === l.total && l.drawn.map === l.total && l.drawn.tradeoff === l.total;
  }, null, { timeout: 180_000 });
  const s = await page.evaluate(() => {
    const l = window.batchscape.sweep.laws;
    return { workers: l.workers, live: l.live, perWorker: l.perWorker, busyMs: l.busyMs, total: l.total, ms: l.ms, errors: l.errors, text: l.explanation, a: l.report.analysis, plan: l.plan,
      count: document.getElementById('laws-count').textContent, progress: document.getElementById('laws-progress').value };
  });
  // Partial results were analysed (and drawn) before the end.
  const partial = await page.evaluate(() => window.batchscape.sweep.laws.partial);
  assert.ok(partial && partial.cells > 0 && partial.cells < 91, JSON.stringify(partial));
  assert.match(partial.text, /^So far \(\d+ of 91 runs\)/);
  console.log(`laws: ${s.total} runs on ${s.workers} workers in ${(s.ms / 1000).toFixed(1)} s; ${s.text}`);
  assert.equal(s.workers, 2);
  assert.equal(s.live, 0, 'no worker holds a cell at the end');
  assert.deepEqual(s.plan.batch_sizes, [1, 2, 4, 8, 16, 32, 64]);
  assert.equal(s.total, 7 * 13, '7 batch sizes × 13 learning rates × 1 seed');
  assert.equal(s.progress, s.total);
  assert.match(s.count, /^91 of 91 runs on 2 workers — done in/);
  assert.deepEqual(s.errors, []);
  // The pool hands the cells out one at a time (pool.js): both workers trained some.
  assert.equal(s.perWorker.length, 2);
  assert.ok(s.perWorker.every((k) => k > 0) && s.perWorker[0] + s.perWorker[1] === s.total, `cells per worker ${s.perWorker}`);
  assert.ok(s.busyMs.every((ms) => ms > 0 && ms <= s.ms), `busy ${s.busyMs} of ${s.ms} ms`);
  assert.ok(s.a.best_lr.length >= 5, `best η at most batch sizes: ${JSON.stringify(s.a.best_lr)}`);
  assert.ok(s.a.n_diverged > 0, 'the top of the grid diverges');
  assert.ok(Number.isFinite(s.a.lr_slope.slope));
  assert.match(s.text, new RegExp(`slope ${s.a.lr_slope.slope.toPrecision(2).replace('.', '\\.').replace(/0+$/, '')}`));
  assert.match(s.text, /B_crit = E_min\/S_min ≈ [\d.,]+|finds no (plateau|scaling)/);
  assert.match(s.text, /B_crit/);
  assert.match(s.text, /equal training loss/);
  for (const sel of ['#laws-map', '#laws-tradeoff']) {
    const colours = distinctColours(await canvasPixels(page, sel));
    assert.ok(colours > 40, `${sel} shows a plot (${colours} colours)`);
  }
  await page.locator('#laws').screenshot({ path: artifactPath('laws.png') });
  await page.locator('#laws-map').screenshot({ path: '/tmp/laws-map.png' });
  await page.locator('#laws-tradeoff').screenshot({ path: '/tmp/laws-tradeoff.png' });
  // The data-parallel control: K = 8 × b = 32 by default, lowered to b = 8 for N = 64; then K = 4.
  await page.waitForFunction(() => /B = K·b = 64\b/.test(document.getElementById('parallel-text').textContent));
  assert.match(await page.locator('#parallel-text').textContent(), /^\(Lowered so that K·b fits in the 64 training examples/);
  const p = await page.evaluate(() => window.batchscape.sweep.laws.parallel);
  assert.ok(p.max_abs_diff < 1e-5 && p.max_abs_step > 1e-4, JSON.stringify(p));
  await page.locator('#parallel-k').fill('4');
  await page.locator('#parallel-b').fill('16');
  await page.waitForFunction(() => /B = K·b = 64\b/.test(document.getElementById('parallel-text').textContent) && /K = 4 devices/.test(document.getElementById('parallel-text').textContent));
  assert.match(await page.locator('#parallel-text').textContent(), /f32 rounding.*Time model/);
  await page.locator('#parallel-k').fill('0');
  await page.waitForFunction(() => /whole number/.test(document.getElementById('parallel-text').textContent));
  await page.locator('#parallel').screenshot({ path: '/tmp/laws-parallel.png' });
  // The same sweep on one worker gives the same cells, analysis and charts (each cell is a
  // function of the settings and its index, whichever worker runs it).
  const one = await openPage(env.browser, `${env.srv.url}?${SMALL}&sweep_workers=1`);
  await one.page.waitForFunction(() => window.batchscape?.sweep?.laws && !document.getElementById('laws-run').disabled);
  await one.page.locator('#laws-run').click();
  await one.page.waitForFunction(() => {
    const l = window.batchscape.sweep.laws;
    return !l.running && l.total > 0 && l.reportCells === l.total;
  }, null, { timeout: 180_000 });
  const json = (p) => p.evaluate(() => JSON.stringify(window.batchscape.sweep.laws.report));
  const [a2, a1] = [await json(page), await json(one.page)];
  assert.equal(await one.page.evaluate(() => window.batchscape.sweep.laws.workers), 1);
  assert.equal(a1, a2, 'one worker and two give the same report');
  const cellsOf = (p) => p.evaluate(() => JSON.stringify(window.batchscape.sweep.laws.cells));
  const [c2, c1] = [await cellsOf(page), await cellsOf(one.page)];
  assert.equal(JSON.parse(c1).length, 91);
  assert.equal(c1, c2, 'one worker and two train the same cells, bit for bit (θ fingerprints included)');
  assert.deepEqual(one.pageErrors, []);
  await one.context.close();
  // The native tool (debug build, as `cargo test` left it) trains the same cells bit for bit.
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'batchscape-laws-'));
  const sets = SMALL.split('&').flatMap((kv) => ['--set', kv]);
  execFileSync('cargo', ['run', '-q', '-p', 'batchscape', '--bin', 'batchscape', '--', 'sweep', ...sets, '--out', path.join(out, 'o')],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const native = JSON.parse(fs.readFileSync(path.join(out, 'o', 'sweep.json'), 'utf8'));
  const ours = await page.evaluate(() => window.batchscape.sweep.laws.cells);
  assert.equal(ours.length, native.cells.length);
  const key = (c) => [c.batch, c.lr, c.seed, c.steps, c.diverged, Number.isFinite(c.steps_to_target) ? c.steps_to_target : null].join(' ');
  ours.forEach((c, k) => {
    const n = native.cells[k];
    assert.equal(key(c), key(n), `cell ${k}`);
    assert.equal(c.fingerprint.toString(16).padStart(8, '0'), n.theta_fingerprint, `cell ${k} θ fingerprint`);
  });
  assert.equal(JSON.stringify(native.fit.b_crit), JSON.stringify(s.a.fit.b_crit));
  fs.rmSync(out, { recursive: true, force: true });
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('cancelling a B × η sweep stops its workers: no more cells arrive and Run is enabled again', async () => {
  const { page, context, consoleErrors, pageErrors } = await openPage(env.browser, `${env.srv.url}?sweep_workers=2`);
  await page.waitForFunction(() => window.batchscape?.sweep?.laws && !document.getElementById('laws-run').disabled);
  await page.locator('#laws-run').click();
  await page.waitForFunction(() => window.batchscape.sweep.laws.done >= 3, null, { timeout: 60_000 });
  await page.locator('#laws-cancel').click();
  const at = await page.evaluate(() => ({ ...window.batchscape.sweep.laws }));
  assert.equal(at.total, 9 * 13);
  assert.ok(at.done < at.total, `cancelled midway (${at.done} of ${at.total})`);
  assert.equal(at.live, 0, 'no worker trains its cells (the pool\'s workers stay for the next sweep)');
  assert.equal(at.running, false);
  assert.equal(await page.locator('#laws-run').isDisabled(), false);
  await page.waitForTimeout(1500);
  const later = await page.evaluate(() => ({ done: window.batchscape.sweep.laws.done, count: document.getElementById('laws-count').textContent }));
  assert.equal(later.done, at.done, 'no more cells after Cancel');
  assert.match(later.count, /cancelled/);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
