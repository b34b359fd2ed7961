// End-to-end: the 8×8 digits in the page (issue 13). `?dataset=digits` trains four runs; the
// decision-boundary figure, which has no input plane to draw, shows a confusion matrix per run
// and the grid of test digits with each run's predicted label; the numbers are the native
// tool's, bit for bit.
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

/** Waits until the runs of `batches` have stopped and nothing waits to be drawn. */
async function waitSettled(page, batches) {
  await page.waitForFunction((want) => {
    const s = window.batchscape;
    if (!s || s.pendingScenario || s.dirty) return false;
    const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
    return slots.length === want.length && slots.every((k, i) => s.runs[k]?.batch === want[i] && s.runs[k].state !== 'running');
  }, batches, { timeout: 180_000 });
}

/** Runs the native tool (debug build, as `cargo test` left it) and returns its metrics.json. */
function native(args) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'batchscape-'));
  execFileSync('cargo', ['run', '-q', '-p', 'batchscape', '--bin', 'batchscape', '--', 'run', ...args, '--out', path.join(out, 'o')],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return JSON.parse(fs.readFileSync(path.join(out, 'o', 'metrics.json'), 'utf8'));
}

test('?dataset=digits trains four runs, shows their confusion matrices and the digit grid, and matches the native tool', async () => {
  const { page, context, consoleErrors, pageErrors, worstLongTask } = await openPage(env.browser, `${env.srv.url}?${QUERY}`);
  await waitSettled(page, BATCHES);
  console.log(`# digits: worst main-thread long task while four runs trained: ${await worstLongTask()} ms`);
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
  await page.screenshot({ path: artifactPath('digits-page.png'), fullPage: true });
  // Native ≡ browser: the same settings give bit-identical parameters in the tool.
  const metrics = native([...new URLSearchParams(QUERY)].flatMap(([k, v]) => ['--set', `${k}=${v}`]));
  assert.deepEqual(metrics.runs.map((r) => r.theta_fingerprint), runs.map((r) => r.fingerprint), 'browser ≡ native');
  assert.deepEqual(metrics.runs.map((r) => r.test_confusion.confusion), runs.map((r) => Array.from(r.images.confusion)));
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
