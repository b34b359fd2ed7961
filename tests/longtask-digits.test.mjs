// Measurement, not a timing assertion (issue 13, part 6): the main thread's long tasks
// (PerformanceObserver 'longtask', installed by the harness before the page's scripts) while
// four digits runs train (`?dataset=digits&batch=1,32,128,512`). Prints the longest task during
// training and during the load; asserts only that the runs finish and the figures appear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();

test('long tasks on the main thread while four digits runs train (printed)', async () => {
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?dataset=digits&batch=1,32,128,512`);
  await page.waitForFunction(() => window.batchscape?.runs?.some((f) => f?.state === 'running'), null, { timeout: 120_000 });
  const atStart = await page.evaluate(() => (window.__longTasks ?? []).length);
  await page.waitForFunction(() => {
    const s = window.batchscape;
    return s && !s.pendingScenario && s.settings.dataset === 'digits' && s.runs.filter(Boolean).length === 4 && s.runs.filter(Boolean).every((f) => f.state !== 'running');
  }, null, { timeout: 300_000, polling: 1000 });
  await page.waitForTimeout(1000);  // the last frames' views
  const all = await page.evaluate(() => window.__longTasks ?? []);
  const load = all.slice(0, atStart);
  const during = all.slice(atStart);
  const top = (a) => [...a].sort((x, y) => y - x).slice(0, 5).map((x) => x.toFixed(0)).join(', ') || 'none';
  console.log(`# long tasks while four digits runs train: ${during.length}, longest ${during.length ? Math.max(...during).toFixed(0) : 0} ms (top 5: ${top(during)}); during the load: ${load.length}, longest ${load.length ? Math.max(...load).toFixed(0) : 0} ms (top 5: ${top(load)})`);
  const states = await page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => f.state));
  assert.deepEqual(states, ['finished', 'finished', 'finished', 'finished']);
  assert.ok(await page.isVisible('#digits-views'), 'the digits views are on the page');
  assert.deepEqual(pageErrors, []);
  await context.close();
});
