// End-to-end: the sweep view in Debian's headless Chromium. Runs a small sweep to completion
// (progress, charts, numbers, the generated summary), then cancels a second one midway.
import fs from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactPath, canvasPixels, distinctColours, openPage, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();

const CANVASES = ['#sweep-acc', '#sweep-gap', '#sweep-lambda', '#sweep-steps'];

/** Waits (up to 10 s) until `ok()` holds in this process. */
async function expect(ok) {
  for (let t = 0; t < 200 && !ok(); t++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(ok(), 'condition not met within 10 s');
}

test('a small sweep runs to the end, draws four charts with bands and explains them from its numbers', async () => {
  const { page, context, consoleErrors, pageErrors, worstLongTask } = await openPage(env.browser, `${env.srv.url}?n_train=64&n_test=128&epochs=20`);
  await page.waitForFunction(() => window.batchscape?.sweep && !document.getElementById('sweep-run').disabled);
  assert.equal(await page.locator('#sweep-cancel').isDisabled(), true);
  assert.equal(await page.locator('#sweep-progress').getAttribute('aria-label'), 'Sweep progress');
  const tasksBefore = await page.evaluate(() => window.__longTasks.length);
  await page.locator('#sweep-run').click();
  assert.equal(await page.locator('#sweep-run').isDisabled(), true);
  assert.equal(await page.locator('#sweep-cancel').isDisabled(), false);
  await page.waitForFunction(() => {
    const s = window.batchscape.sweep;
    return !s.running && s.total > 0 && s.done === s.total;
  }, null, { timeout: 120_000 });
  // The charts of the last results are drawn over the next few animation frames.
  await page.waitForFunction(() => window.batchscape.sweep.drawnRuns === window.batchscape.sweep.total);
  const s = await page.evaluate(() => {
    const st = window.batchscape.sweep;
    const r = st.results;
    return {
      done: st.done, total: st.total, ms: st.ms, errors: st.errors, drawMs: st.drawMs,
      batchSizes: Array.from(r.batchSizes), seeds: Array.from(r.seeds),
      acc: r.bands.test_acc, lambda: r.bands.lambda_max, gap: r.bands.gap,
      explanation: st.explanation,
      progress: [document.getElementById('sweep-progress').value, document.getElementById('sweep-progress').max],
      count: document.getElementById('sweep-count').textContent,
    };
  });
  const during = await page.evaluate((k) => window.__longTasks.slice(k), tasksBefore);
  console.log(`sweep: ${s.total} runs in ${(s.ms / 1000).toFixed(2)} s; draw of 4 charts ${s.drawMs.map((x) => x.toFixed(1)).join(', ')} ms; ` +
    `long tasks during the sweep ${during.map((x) => x.toFixed(0)).join(', ') || 'none'} ms; worst on the page ${(await worstLongTask()).toFixed(0)} ms`);
  console.log(`summary: ${s.explanation}`);
  assert.deepEqual(s.batchSizes, [1, 2, 4, 8, 16, 32, 64]);
  assert.deepEqual(s.seeds, [1, 2, 3]);
  assert.equal(s.total, 21);
  assert.deepEqual(s.progress, [21, 21]);
  assert.match(s.count, /^21 of 21 runs/);
  assert.deepEqual(s.errors, []);
  const n = s.batchSizes.length;
  const { mean, min, max, count: counts } = s.acc;
  assert.deepEqual([mean.length, min.length, max.length, counts.length], [n, n, n, n]);
  for (let k = 0; k < n; k++) {
    assert.ok(mean[k] >= 0 && mean[k] <= 1, `test accuracy at B = ${s.batchSizes[k]}: ${mean[k]}`);
    assert.ok(min[k] <= mean[k] && mean[k] <= max[k], `band at B = ${s.batchSizes[k]}`);
    assert.equal(counts[k], 3);
  }
  assert.ok(s.lambda.mean.every((v) => v > 0), `λ_max ${s.lambda.mean}`);
  assert.match(s.explanation, /Test accuracy peaks at B = \d+ \(\d+\.\d %/);
  assert.match(s.explanation, /generalization gap/);
  assert.match(s.explanation, /21 runs \(7 batch sizes × 3 seeds\)/);
  for (const sel of CANVASES) {
    const colours = distinctColours(await canvasPixels(page, sel));
    assert.ok(colours > 40, `${sel} shows a plot (${colours} colours)`);
  }
  await page.locator('#sweep-view').screenshot({ path: artifactPath('sweep-view.png') });
  // SVG export: the same plotters drawing through the SVG backend, one file per chart.
  const downloads = [];
  page.on('download', (d) => downloads.push(d));
  await page.getByRole('button', { name: /Export the Sweep.*as SVG/ }).click();
  await page.waitForFunction(() => window.batchscape.exports.at(-1)?.panel === 'sweep');
  assert.equal(await page.evaluate(() => window.batchscape.exports.at(-1).files), 4);
  await expect(() => downloads.length === 4);
  const acc = downloads.find((d) => d.suggestedFilename().endsWith('sweep-acc.svg'));
  assert.ok(acc, `sweep-acc.svg among ${downloads.map((d) => d.suggestedFilename())}`);
  const svg = fs.readFileSync(await acc.path(), 'utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.nodeName,
      polygons: doc.querySelectorAll('polygon').length, texts: [...doc.querySelectorAll('text')].map((t) => t.textContent.trim()) };
  }, svg);
  assert.equal(parsed.error, null);
  assert.equal(parsed.root, 'svg');
  assert.ok(parsed.polygons >= 1, 'the min–max band is a polygon');
  for (const t of ['batch size B (log scale)', 'mean of 3 seeds', 'min–max across seeds', '64']) {
    assert.ok(parsed.texts.includes(t), `"${t}" in the SVG (${parsed.texts.join(' | ')})`);
  }
  await page.setViewportSize({ width: 390, height: 800 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.locator('#sweep-view').screenshot({ path: artifactPath('sweep-view-390.png') });
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('the sweeps module is fetched only when the sweep view comes near the screen, once; the first Run then uses it', async () => {
  const { page, context, requests, pageErrors } = await openPage(env.browser, `${env.srv.url}?n_train=64&n_test=128&epochs=20`);
  const sweepsWasm = () => requests.filter((u) => new URL(u).pathname.endsWith('/batchscape_sweeps_bg.wasm'));
  await page.waitForFunction(() => {
    const p = window.batchscape?.progress;
    return p && p.atlasFine && p.states.every((s) => s === null || s === 'finished') && p.diagGens.every((g, k) => p.states[k] === null || g === p.gens[k]);
  }, null, { timeout: 60_000, polling: 100 });
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(sweepsWasm(), [], 'not fetched while the sweep view is far below the screen');
  await page.locator('#sweep-view').scrollIntoViewIfNeeded();
  await expect(() => sweepsWasm().length === 1);
  await page.locator('#sweep-run').click();
  await page.waitForFunction(() => {
    const s = window.batchscape.sweep;
    return !s.running && s.total > 0 && s.done === s.total;
  }, null, { timeout: 120_000 });
  const readyMs = await page.evaluate(() => window.batchscape.sweep.readyMs);
  console.log(`# sweeps module prefetched when the view came near; the first Run's first worker ready after ${readyMs.toFixed(0)} ms`);
  assert.equal(sweepsWasm().length, 1, 'fetched once: the pool\'s worker was sent the compiled module');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a sweep can be cancelled midway: progress stops, Run is enabled again and Cancel disabled', async () => {
  const { page, context, consoleErrors, pageErrors } = await openPage(env.browser, `${env.srv.url}?n_train=256&epochs=60`);
  await page.waitForFunction(() => window.batchscape?.sweep && !document.getElementById('sweep-run').disabled);
  await page.locator('#sweep-seeds').selectOption('5');
  await page.locator('#sweep-run').click();
  await page.waitForFunction(() => window.batchscape.sweep.done >= 2, null, { timeout: 60_000 });
  await page.locator('#sweep-cancel').click();
  const at = await page.evaluate(() => ({ done: window.batchscape.sweep.done, total: window.batchscape.sweep.total }));
  assert.equal(at.total, 45, '9 batch sizes × 5 seeds');
  assert.ok(at.done < at.total, `cancelled midway (${at.done} of ${at.total})`);
  assert.equal(await page.locator('#sweep-cancel').isDisabled(), true);
  assert.equal(await page.locator('#sweep-run').isDisabled(), false);
  await page.waitForTimeout(1500);
  const later = await page.evaluate(() => ({
    done: window.batchscape.sweep.done, running: window.batchscape.sweep.running,
    value: document.getElementById('sweep-progress').value, count: document.getElementById('sweep-count').textContent,
  }));
  assert.equal(later.done, at.done, 'no more runs arrive after Cancel');
  assert.equal(later.value, at.done);
  assert.equal(later.running, false);
  assert.match(later.count, /cancelled/);
  await page.locator('#sweep-view').screenshot({ path: artifactPath('sweep-view-cancelled.png') });
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

/** Runs the sweep of `query` on a pool of `n` workers to its end; its cells, bands and text, and the page's runs. */
async function sweepOn(n, query) {
  const { page, context, consoleErrors, pageErrors } = await openPage(env.browser, `${env.srv.url}?${query}&sweep_workers=${n}`);
  await page.waitForFunction(() => {
    const s = window.batchscape;
    return s?.sweep && !document.getElementById('sweep-run').disabled && s.batches.length && s.runs.length === s.batches.length
      && s.runs.every((r) => r && r.state !== 'running');
  }, null, { timeout: 60_000 });
  await page.locator('#sweep-run').click();
  await page.waitForFunction(() => { const s = window.batchscape.sweep; return !s.running && s.total > 0 && s.done === s.total; }, null, { timeout: 120_000 });
  const r = await page.evaluate(() => {
    const st = window.batchscape.sweep;
    return {
      workers: st.workers, perWorker: st.perWorker, ms: st.ms, cells: st.cells, bands: st.results.bands,
      diverged: Array.from(st.results.diverged), finished: Array.from(st.results.finished), batchSizes: Array.from(st.results.batchSizes),
      explanation: st.explanation, errors: st.errors,
      runs: window.batchscape.runs.map((f) => ({ batch: f.batch, fingerprint: f.fingerprint })),
    };
  });
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
  await context.close();
  return r;
}

test('a sweep on 2 workers gives exactly the cells and bands of 1 worker, and cell (B, seed) is the page\'s run of B', async () => {
  const query = 'n_train=64&n_test=64&epochs=8&batch=4,32';
  const one = await sweepOn(1, query);
  const two = await sweepOn(2, query);
  console.log(`sweep of ${one.cells.length} runs: 1 worker ${(one.ms / 1000).toFixed(2)} s, 2 workers ${(two.ms / 1000).toFixed(2)} s (cells per worker ${two.perWorker.join(', ')})`);
  assert.equal(one.workers, 1);
  assert.equal(two.workers, 2);
  assert.equal(two.perWorker.length, 2);
  assert.ok(two.perWorker.every((k) => k > 0), `both workers trained cells: ${two.perWorker}`);
  assert.equal(one.cells.length, 21);
  assert.deepEqual(one.errors, []);
  assert.deepEqual(two.errors, []);
  // Bit for bit: every cell's numbers and θ fingerprint, the bands (sums in cell order), the text.
  assert.deepEqual(two.cells, one.cells);
  assert.deepEqual(two.bands, one.bands);
  assert.deepEqual([two.diverged, two.finished], [one.diverged, one.finished]);
  const untimed = (t) => t.replace(/ took \d+\.\d s\.$/, '');
  assert.equal(untimed(two.explanation), untimed(one.explanation));
  assert.deepEqual(one.finished, one.batchSizes.map(() => 3));
  // Cell (B, first seed) is the page's ordinary run of batch size B: the same θ at the end.
  for (const run of one.runs) {
    const b = one.batchSizes.indexOf(run.batch);
    assert.ok(b >= 0, `B = ${run.batch} is in the sweep`);
    const cell = one.cells[b];
    assert.equal(cell.batch_size, run.batch);
    assert.equal(cell.fingerprint.toString(16).padStart(8, '0'), run.fingerprint, `B = ${run.batch}: sweep cell ≡ the page's run`);
  }
});
