// Measurement, not a timing assertion (issue 13, part 6): the main thread's long tasks
// (PerformanceObserver 'longtask', installed by the harness before the page's scripts) while
// four digits runs train (QUERY below). Entries arrive late, so each is
// placed by its start time: before the first run was seen training (the load: module scripts,
// the first layout of the page and the digits views), or from then until every run ended.
// Prints the longest of each; asserts only that the runs finish and the figures appear.
// A Chromium trace of the same load gives each main-thread task's CPU time beside its wall time:
// on a shared machine a task may be long because the thread waited for a core, not because the
// page computed (the printed "CPU" says which).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPage, useServedBrowser } from './lib/harness.mjs';

/** Main-thread tasks of a Chromium trace longer than 50 ms (wall): [{ wall, cpu }] in ms, by wall time. */
function tracedLongTasks(file) {
  const events = JSON.parse(fs.readFileSync(file, 'utf8')).traceEvents;
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && e.dur > 50_000 && main.has(`${e.pid}:${e.tid}`))
    .map((e) => ({ wall: e.dur / 1000, cpu: (e.tdur ?? NaN) / 1000 })).sort((a, b) => b.wall - a.wall);
}

// The network of the issue (64 → 32 → 10) on 1 024 training digits, the settings of the note's
// five-seed table, long enough (200 epochs: 204 800 steps at B = 1) that "while the runs train" is
// seconds, not the fraction of a second the default digits runs take.
const QUERY = 'dataset=digits&hidden=32&n_train=1024&n_test=512&lr=0.1&epochs=200&batch=1,32,128,512';

const env = useServedBrowser();

test('long tasks on the main thread while four digits runs train (printed)', async () => {
  const { page, context, pageErrors } = await openPage(env.browser, null, { goto: false });
  const trace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'batchscape-')), 'trace.json');
  await env.browser.startTracing(page, { path: trace, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  await page.goto(`${env.srv.url}?${QUERY}`);
  await page.waitForFunction(() => window.batchscape?.runs?.some((f) => f?.state === 'running'), null, { timeout: 120_000, polling: 'raf' });
  const t0 = await page.evaluate(() => performance.now());
  await page.waitForFunction(() => {
    const s = window.batchscape;
    return s && !s.pendingScenario && s.settings.dataset === 'digits' && s.runs.filter(Boolean).length === 4 && s.runs.filter(Boolean).every((f) => f.state !== 'running');
  }, null, { timeout: 300_000, polling: 100 });
  const t1 = await page.evaluate(() => performance.now());
  await page.waitForTimeout(1000);  // the last frames' views, and late entries
  const all = await page.evaluate(() => window.__longTaskEntries ?? []);
  const load = all.filter(([start]) => start < t0).map(([, d]) => d);
  const during = all.filter(([start]) => start >= t0 && start <= t1).map(([, d]) => d);
  const after = all.filter(([start]) => start > t1).map(([, d]) => d);
  const show = (a) => `${a.length}, longest ${a.length ? Math.max(...a).toFixed(0) : 0} ms (${[...a].sort((x, y) => y - x).slice(0, 5).map((x) => x.toFixed(0)).join(', ') || 'none'})`;
  console.log(`# digits long tasks: while four runs train (${((t1 - t0) / 1000).toFixed(1)} s): ${show(during)}; during the load (0–${(t0 / 1000).toFixed(1)} s): ${show(load)}; after: ${show(after)}`);
  await env.browser.stopTracing();
  const traced = tracedLongTasks(trace);
  console.log(`# traced main-thread tasks over 50 ms (wall / CPU, ms): ${traced.map((t) => `${t.wall.toFixed(0)} / ${t.cpu.toFixed(0)}`).join(', ') || 'none'}; `
    + `the most CPU any of them took: ${traced.length ? Math.max(...traced.map((t) => t.cpu)).toFixed(0) : 0} ms`);
  assert.deepEqual(await page.evaluate(() => [window.batchscape.settings.n_train, window.batchscape.settings.batch]), ['1024', '1,32,128,512'], 'the settings asked for are the ones trained');
  const states = await page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => f.state));
  assert.deepEqual(states, ['finished', 'finished', 'finished', 'finished']);
  assert.ok(await page.isVisible('#digits-views'), 'the digits views are on the page');
  assert.deepEqual(pageErrors, []);
  await context.close();
});
