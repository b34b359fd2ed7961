// End-to-end: worker faults, injected through the test-only hook (`?test_faults=1`,
// window.batchscape.injectFault(kind, target), www/faults.js). A run worker that traps, throws,
// closes itself, is terminated or runs out of memory marks only its unfinished runs "failed: <reason>" with a Retry
// button; a fresh worker takes its place and the other runs finish. The analysis and draw
// workers are replaced likewise, and the page says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactPath, openPage, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();

// Two run workers: slots 0 and 2 on worker 0, slots 1 and 3 on worker 1. Slot 0 is the long
// run (B = 1: 153 600 steps), slot 1 a shorter one (B = 4: 38 400), slots 2 and 3 short ones.
// Slot 0 must still be training when the fault arrives: a worker with no unfinished run has
// nothing to fail (the test then timed out waiting for the failure). 2 048 examples × 600 epochs
// train for about 5 s on an idle machine; with the default 256 examples the four runs were done
// in about 1 s, and with 200 epochs, before the kernels got faster, slot 0 sometimes finished first.
const URL_RUNS = 'batch=1,4,256,128&epochs=600&n_train=2048&run_workers=2&test_faults=1';

const state = (page) => page.evaluate(() => {
  const s = window.batchscape;
  return {
    runs: s.runs.map((f) => (f ? { state: f.state, step: f.step, steps: f.steps, gen: f.gen, batch: f.batch } : null)),
    gens: s.gens, failed: s.failed, replaced: s.replacedWorkers, live: s.liveWorkers,
  };
});

for (const kind of ['trap', 'throw', 'close', 'terminate', 'oom']) {
  test(`a run worker that faults (${kind}) fails only its unfinished runs; Retry restarts them; the others finish`, async (t) => {
    const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?${URL_RUNS}`);
    // Both long runs are training.
    await page.waitForFunction(() => {
      const r = window.batchscape?.runs;
      return r?.[0]?.state === 'running' && r[0].step > 0 && r[1]?.state === 'running';
    }, null, { timeout: 60_000 });
    const before = await state(page);
    assert.ok(before.runs[0].step < before.runs[0].steps / 2, `run 1 is early in its training when the fault comes: ${JSON.stringify(before.runs[0])}`);
    await page.evaluate((k) => window.batchscape.injectFault(k, 'run:0'), kind);
    const t0 = Date.now();
    await page.waitForFunction(() => window.batchscape.failed[0], null, { timeout: 60_000 });
    const detectMs = Date.now() - t0;
    // The status text is written once per animation frame, after the store changed.
    await page.waitForFunction(() => /^failed: /.test(document.getElementById('run-status-0').textContent), null, { timeout: 30_000 });
    const after = await state(page);
    const status0 = await page.textContent('#run-status-0');
    console.log(`# ${kind}: detected in ${detectMs} ms; run 1 says "${status0}"; replaced ${JSON.stringify(after.replaced)}`);
    assert.match(status0, /^failed: .+Retry$/, 'the failed run says why, with a Retry button');
    if (kind === 'trap') assert.match(status0, /trapped/);
    if (kind === 'throw') assert.match(status0, /test fault: thrown/);
    if (kind === 'close' || kind === 'terminate') assert.match(status0, /stopped answering/);
    // A real allocation failure (the worker allocated until its wasm memory could not grow):
    // reported as out of memory with the refused size, not as a bare trap.
    if (kind === 'oom') assert.match(status0, /^failed: out of memory \(an allocation of \d+ MB failed with \d+ MB of wasm memory in use\)/);
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
    }, before.gens[1], { timeout: 240_000 });
    // Retry: the run trains again in the fresh worker (to the end, once: it is the longest run).
    await page.getByRole('button', { name: 'Retry run 1' }).click();
    if (kind === 'trap') {
      await page.waitForFunction(() => !window.batchscape.failed[0] && window.batchscape.runs[0]?.state === 'finished', null, { timeout: 240_000 });
      const done = await state(page);
      assert.equal(done.runs[0].step, done.runs[0].steps);
      // The status text is written once per animation frame, after the store changed.
      await page.waitForFunction(() => /done, \d+ steps/.test(document.getElementById('run-status-0').textContent), null, { timeout: 30_000 });
      await page.screenshot({ path: artifactPath('faults-run-retried.png') });
    } else {
      // The retried run is alone in the fresh worker and trains fast: it can go from its first
      // frame (step 0) to finished between two polls, so "restarted" is a newer generation
      // that trained (running or finished), not a 'running' state seen in passing.
      await page.waitForFunction((g) => {
        const s = window.batchscape;
        const f = s.runs[0];
        return !s.failed[0] && s.gens[0] > g && f?.gen === s.gens[0] && f.step > 0 && ['running', 'finished'].includes(f.state);
      }, after.gens[0], { timeout: 120_000 });
      await page.waitForFunction(() => /step \d+ of \d+|done, \d+ steps/.test(document.getElementById('run-status-0').textContent), null, { timeout: 30_000 });
    }
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
}

const settled = (page) => page.waitForFunction(() => {
  const s = window.batchscape;
  const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
  return slots.length && slots.every((k) => s.runs[k] && s.runs[k].state !== 'running')
    && s.atlas?.fine && s.atlasFor === s.runsKey && !s.dirty && !s.pendingScenario;
}, null, { timeout: 120_000, polling: 200 });
const messages = (page) => page.textContent('#message-list');
const replacedOf = (page) => page.evaluate(() => window.batchscape.replacedWorkers);
const inject = (page, kind, target) => page.evaluate(([k, t]) => window.batchscape.injectFault(k, t), [kind, target]);

test('the analysis and draw workers are replaced after a fault; the page says so and keeps working', { timeout: 600_000 }, async () => {
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?batch=16,256&epochs=20&test_faults=1`);
  await settled(page);
  // Analysis worker, a trap: a fresh one, the runs retrained for it, the fine map and diagnoses back.
  await inject(page, 'trap', 'analysis');
  await page.waitForFunction(() => window.batchscape.replacedWorkers.analysis === 1, null, { timeout: 30_000 });
  assert.match(await messages(page), /The analysis worker failed: the wasm code trapped \(unreachable\)\. A fresh one took its place/);
  console.log(`# analysis trap: "${await messages(page)}"`);
  await page.screenshot({ path: artifactPath('faults-analysis-trap.png') });
  await settled(page);
  await page.waitForFunction(() => [0, 1].every((k) => window.batchscape.diag[k]?.gen === window.batchscape.gens[k]), null, { timeout: 60_000 });
  // Analysis worker, closed: found by the watchdog.
  await inject(page, 'close', 'analysis');
  await page.waitForFunction(() => window.batchscape.replacedWorkers.analysis === 2, null, { timeout: 30_000 });
  assert.match(await messages(page), /The analysis worker failed: it stopped answering/);
  console.log(`# analysis close: "${await messages(page)}"`);
  await settled(page);
  // Draw worker: throw, then terminate; each time a fresh one paints the next charts.
  for (const [kind, want] of [['throw', /The draw worker failed: Uncaught Error: test fault/], ['terminate', /The draw worker failed: it stopped answering/], ['trap', /The draw worker failed: the wasm code trapped/]]) {
    const before = (await replacedOf(page)).draw;
    await inject(page, kind, 'draw');
    await page.waitForFunction((n) => window.batchscape.replacedWorkers.draw === n + 1, before, { timeout: 30_000 });
    assert.match(await messages(page), want);
    console.log(`# draw ${kind}: "${await messages(page)}"`);
    const drawn = await page.evaluate(() => window.batchscape.workerMs.curves?.length ?? 0);
    // A slider change: the restarted run is drawn by the fresh worker.
    const slider = page.getByRole('slider', { name: 'Run 1: Batch size' });
    await slider.focus();
    await page.keyboard.press(kind === 'terminate' ? 'ArrowLeft' : 'ArrowRight');
    await settled(page);
    const after = await page.evaluate(() => window.batchscape.workerMs.curves?.length ?? 0);
    assert.ok(after > drawn || after === 500, `the curves were drawn again (${drawn} → ${after} drawings)`);
    if (kind === 'terminate') await page.screenshot({ path: artifactPath('faults-draw-terminate.png') });
  }
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('the sweep, laws, data-parallel and seeds workers: a fault is shown in their view, the rest of the page works', { timeout: 600_000 }, async () => {
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?n_train=64&n_test=64&hidden=8&target_loss=0.3&max_steps=2000&epochs=20&sweep_workers=1&test_faults=1`);
  await settled(page);
  // The first sweep: its worker throws while it starts its session (the sweeps module is still
  // being compiled, so the throw comes before its plan), holding no cell. A fresh worker takes
  // its place and the sweep finishes every cell (it used to stop: the pool was empty).
  await page.evaluate(() => { document.getElementById('sweep-run').click(); window.batchscape.injectFault('throw', 'sweep'); });
  await page.waitForFunction(() => /done in|stopped/.test(document.getElementById('sweep-count').textContent), null, { timeout: 300_000 });
  const first = await page.evaluate(() => {
    const s = window.batchscape.sweep;
    return { done: s.done, total: s.total, failed: s.failed, errors: s.errors, text: document.getElementById('sweep-count').textContent };
  });
  console.log(`# sweep, a throw while starting: ${JSON.stringify(first)}`);
  assert.ok(first.errors.some((e) => /thrown in the message handler/.test(e)), 'the fault landed');
  assert.ok(first.total > 0);
  assert.deepEqual({ done: first.done, failed: first.failed }, { done: first.total, failed: 0 }, first.text);
  // The sweep: a trap while it trains a cell (armed for the next cell the pool hands it: on the
  // warm worker the whole sweep takes ≈ 0.2 s, and a CI run waiting for a state in between to
  // inject it from here never saw one); a fresh worker takes its place, trains that cell once
  // more, and the sweep finishes with every cell.
  await page.evaluate(() => window.batchscape.armFaultAtCell('trap', 'sweep'));
  await page.locator('#sweep-run').click();
  // Read in the same poll that sees it: the fresh worker's progress overwrites it within ms.
  const sweepText = await (await page.waitForFunction(() => {
    const t = document.getElementById('sweep-count').textContent;
    return /The sweep worker failed/.test(t) && t;
  }, null, { timeout: 30_000, polling: 5 })).jsonValue();
  console.log(`# sweep trap: "${sweepText}"`);
  assert.match(sweepText, /The sweep worker failed: the wasm code trapped \(unreachable\)\. Its run is retried on a fresh worker\./);
  await page.waitForFunction(() => /done in/.test(document.getElementById('sweep-count').textContent), null, { timeout: 300_000 });
  const sweep = await page.evaluate(() => ({ done: window.batchscape.sweep.done, total: window.batchscape.sweep.total, failed: window.batchscape.sweep.failed }));
  console.log(`# sweep after the retry: "${await page.textContent('#sweep-count')}" ${JSON.stringify(sweep)}`);
  assert.deepEqual(sweep, { done: sweep.total, total: sweep.total, failed: 0 }, 'the lost cell was trained again');
  assert.equal(await page.locator('#sweep-run').isDisabled(), false);
  // The laws on the same pool (one worker): it traps while training a cell; the cell is retried
  // on a fresh worker, which the page terminates as it hands it that cell (armed beforehand: a
  // cell takes ≈ 10 ms, too short to hit from here); that cell alone is left out, and a fresh
  // worker finishes the rest.
  await page.locator('#laws-run').click();
  await page.waitForFunction(() => {
    const l = window.batchscape.sweep.laws;
    return l.running && l.plan && l.done >= 1 && l.done < l.total - 10;
  }, null, { timeout: 120_000, polling: 50 });
  await page.evaluate(() => window.batchscape.armFaultAtRetry('terminate', 'sweep'));
  await inject(page, 'trap', 'sweep');
  await page.waitForFunction(() => /worker 1 failed/.test(document.getElementById('laws-count').textContent), null, { timeout: 30_000 });
  const retryText = await page.textContent('#laws-count');
  console.log(`# laws trap: "${retryText}"`);
  assert.match(retryText, /worker 1 failed: the wasm code trapped \(unreachable\); its run \(B = \d+, η = [\d.]+, seed \d+\) is retried on a fresh worker/);
  assert.equal(await page.evaluate(() => window.batchscape.sweep.laws.running), true, 'the sweep goes on');
  await page.waitForFunction(() => /done in/.test(document.getElementById('laws-count').textContent), null, { timeout: 300_000 });
  const lawsText = await page.textContent('#laws-count');
  console.log(`# laws retry terminated: "${lawsText}"`);
  const laws = await page.evaluate(() => {
    const l = window.batchscape.sweep.laws;
    return { done: l.done, total: l.total, failed: l.failedCells, reportCells: l.reportCells, running: l.running };
  });
  assert.equal(laws.failed.length, 1, JSON.stringify(laws.failed));
  assert.equal(laws.done, laws.total - 1, 'every other cell finished');
  assert.equal(laws.reportCells, laws.done, 'the last analysis read every finished cell');
  assert.equal(laws.running, false);
  assert.match(lawsText, new RegExp(`^${laws.done} of ${laws.total} runs on 1 worker — done in [\\d.]+ s \\(the run B = \\d+, η = [\\d.]+, seed \\d+ failed twice and is left out: it stopped answering \\(closed or terminated\\)\\)$`));
  await page.locator('#sweep-view').screenshot({ path: artifactPath('faults-sweep-laws.png') });
  // The data-parallel worker: a throw; the next K or b asks a fresh one.
  await page.waitForFunction(() => window.batchscape.liveWorkers.includes('parallel'));
  await inject(page, 'throw', 'parallel');
  await page.waitForFunction(() => /data-parallel worker failed/.test(window.batchscape.sweep.laws.parallelText), null, { timeout: 30_000 });
  console.log(`# parallel throw: "${await page.evaluate(() => window.batchscape.sweep.laws.parallelText)}"`);
  // The seeds worker (a scene's claims over seeds, once its runs have finished): closed.
  await page.locator('[data-scene="sharp_epochs"]').click();
  await page.waitForFunction(() => window.batchscape.liveWorkers.includes('seeds'), null, { timeout: 300_000, polling: 250 });
  await inject(page, 'close', 'seeds');
  await page.waitForFunction(() => /The seeds worker failed/.test(document.getElementById('message-list').textContent), null, { timeout: 30_000 });
  console.log(`# seeds close: "${await messages(page)}"`);
  assert.match(await messages(page), /The seeds worker failed: it stopped answering \(closed or terminated\)/);
  // The page's runs still train: a slider change runs to the end.
  const slider = page.getByRole('slider', { name: 'Run 1: Batch size' });
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await settled(page);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
