// End-to-end: worker faults, injected through the test-only hook (`?test_faults=1`,
// window.batchscape.injectFault(kind, target), www/faults.js). A run worker that traps, throws,
// closes itself or is terminated marks only its unfinished runs "failed: <reason>" with a Retry
// button; a fresh worker takes its place and the other runs finish. The analysis and draw
// workers are replaced likewise, and the page says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactPath, openPage, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();

// Two run workers: slots 0 and 2 on worker 0, slots 1 and 3 on worker 1. Slots 0 and 1 are
// long runs (B = 1, 2), slots 2 and 3 short ones.
const URL_RUNS = 'batch=1,2,256,128&epochs=200&run_workers=2&test_faults=1';

const state = (page) => page.evaluate(() => {
  const s = window.batchscape;
  return {
    runs: s.runs.map((f) => (f ? { state: f.state, step: f.step, steps: f.steps, gen: f.gen, batch: f.batch } : null)),
    gens: s.gens, failed: s.failed, replaced: s.replacedWorkers, live: s.liveWorkers,
  };
});

for (const kind of ['trap', 'throw', 'close', 'terminate']) {
  test(`a run worker that faults (${kind}) fails only its unfinished runs; Retry restarts them; the others finish`, async () => {
    const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?${URL_RUNS}`);
    // Both long runs are training.
    await page.waitForFunction(() => {
      const r = window.batchscape?.runs;
      return r?.[0]?.state === 'running' && r[0].step > 0 && r[1]?.state === 'running';
    }, null, { timeout: 60_000 });
    const before = await state(page);
    await page.evaluate((k) => window.batchscape.injectFault(k, 'run:0'), kind);
    const t0 = Date.now();
    await page.waitForFunction(() => window.batchscape.failed[0], null, { timeout: 30_000 });
    const detectMs = Date.now() - t0;
    const after = await state(page);
    const status0 = await page.textContent('#run-status-0');
    console.log(`# ${kind}: detected in ${detectMs} ms; run 1 says "${status0}"; replaced ${JSON.stringify(after.replaced)}`);
    assert.match(status0, /^failed: .+Retry$/, 'the failed run says why, with a Retry button');
    if (kind === 'trap') assert.match(status0, /trapped/);
    if (kind === 'throw') assert.match(status0, /test fault: thrown/);
    if (kind === 'close' || kind === 'terminate') assert.match(status0, /stopped answering/);
    assert.equal(after.replaced.run, 1, 'one fresh run worker');
    assert.ok(after.live.includes('run:0') && after.live.includes('run:1'));
    // Only worker 0's unfinished runs failed; the others are unaffected (same generation).
    assert.equal(after.failed[1] ?? null, null);
    assert.equal(after.failed[3] ?? null, null);
    assert.equal(after.gens[1], before.gens[1], 'run 2 was not restarted');
    assert.match(await page.textContent('#messages, body'), /Run worker 1 failed/);
    await page.screenshot({ path: artifactPath(`faults-run-${kind}.png`) });
    // The other worker's runs finish, untouched.
    await page.waitForFunction((g) => {
      const r = window.batchscape.runs;
      return r[1]?.state === 'finished' && r[1].gen === g && r[3]?.state === 'finished';
    }, before.gens[1], { timeout: 120_000 });
    // Retry: the run trains again in the fresh worker (to the end, once: it is the longest run).
    await page.getByRole('button', { name: 'Retry run 1' }).click();
    if (kind === 'trap') {
      await page.waitForFunction(() => !window.batchscape.failed[0] && window.batchscape.runs[0]?.state === 'finished', null, { timeout: 240_000 });
      const done = await state(page);
      assert.equal(done.runs[0].step, done.runs[0].steps);
      assert.match(await page.textContent('#run-status-0'), /done, \d+ steps/);
      await page.screenshot({ path: artifactPath('faults-run-retried.png') });
    } else {
      await page.waitForFunction(() => !window.batchscape.failed[0] && window.batchscape.runs[0]?.state === 'running' && window.batchscape.runs[0].step > 0, null, { timeout: 60_000 });
      assert.match(await page.textContent('#run-status-0'), /step \d+ of \d+/);
    }
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
}
