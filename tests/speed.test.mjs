// End-to-end, measured and PRINTED (issue 14, "a complete picture in one second"): how long the
// default page takes from navigation until every view is complete (every run stopped, the fine
// landscape of those very runs drawn, every run diagnosed, nothing left to draw), and from a
// batch-size slider release until the updated picture is complete. It prints the milestones on
// the way (first run frame, first landscape picture, fine landscape, diagnoses, complete).
//
// Times are never asserted (project rule 5: speed lives in benchmarks); the test only checks
// that the page does reach a complete picture and that every milestone came in order. The
// milestones are sampled in the page every POLL_MS through `window.batchscape` (each read is a
// snapshot, so sampling costs some main-thread time itself): each time is exact to ± POLL_MS.
import fs from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();
const POLL_MS = 20;

/**
 * Installed before the page's own scripts: samples the test API every `poll` ms and records,
 * in ms since `window.__speedT0` (navigation start, or the slider release), when each
 * milestone was first seen. `window.__speedReset()` starts a new measurement.
 */
function milestoneProbe(poll) {
  const marks = {};
  // Resolved with the marks once 'complete' is seen: the test awaits it with one evaluate, not
  // with waitForFunction, whose first use injects Playwright's selector engine into the page
  // (≈ 95 ms of parsing on the main thread, in the middle of the start-up being measured).
  let resolve;
  const arm = () => { window.__speedComplete = new Promise((r) => { resolve = r; }); };
  arm();
  window.__speedT0 = 0;
  window.__speedMarks = marks;
  window.__speedReset = (gens) => {
    for (const k of Object.keys(marks)) delete marks[k];
    window.__speedT0 = performance.now();
    window.__speedOldGens = gens;
    arm();
  };
  const mark = (name) => {
    if (!(name in marks)) marks[name] = performance.now() - window.__speedT0;
  };
  setInterval(() => {
    // One small read per poll (`progress`: no history arrays or charts copied).
    const p = window.batchscape?.progress;
    if (!p?.batches) return;
    const slots = p.batches.flatMap((b, k) => (b === undefined || b === null ? [] : [k]));
    if (!slots.length) return;
    const old = window.__speedOldGens;
    const started = (k) => p.states[k] != null;
    // After a slider release, only a run of a new generation counts as the first frame.
    if (slots.some((k) => started(k) && (!old || p.gens[k] !== old[k]))) mark('firstRunFrame');
    const stopped = slots.every((k) => started(k) && p.states[k] !== 'running');
    const changed = !old || slots.some((k) => p.gens[k] !== old[k]);
    if (!changed || p.pendingScenario) return;
    if (stopped) mark('runsStopped');
    const mine = p.atlasFor === p.runsKey;
    if (p.atlas && (!old || mine)) mark('firstLandscape');
    if (p.atlasFine && mine && stopped) mark('fineLandscape');
    if (stopped && slots.every((k) => p.states[k] === 'diverged' || p.diagGens[k] === p.gens[k])) mark('diagnosed');
    if ('fineLandscape' in marks && 'diagnosed' in marks && !p.dirty && !('complete' in marks)) {
      mark('complete');
      resolve({ ...marks });
    }
  }, poll);
}

const ORDER = ['firstRunFrame', 'firstLandscape', 'runsStopped', 'fineLandscape', 'diagnosed', 'complete'];

async function waitComplete(page) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('no complete picture within 120 s')), 120_000); });
  try {
    return await Promise.race([page.evaluate(() => window.__speedComplete), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One line per measurement: the time to the complete picture, every milestone, and what
 * followed the first landscape picture (the fine map, the diagnoses, the last drawing) and when.
 */
function report(label, marks) {
  const parts = ORDER.filter((k) => k in marks).map((k) => `${k} ${marks[k].toFixed(0)} ms`);
  const first = marks.firstLandscape;
  const after = ['fineLandscape', 'diagnosed', 'complete'].filter((k) => k in marks && first !== undefined)
    .map((k) => `${k} +${(marks[k] - first).toFixed(0)}`);
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(`${label}: complete in ${marks.complete?.toFixed(0) ?? '–'} ms — ${parts.join(', ')}; after the first landscape: ${after.join(', ')} ms (± ${POLL_MS} ms, load ${load})`);
}

test('the default page: navigation → complete picture, and slider release → complete updated picture (printed)', async () => {
  const { page, context, consoleErrors, pageErrors } = await openPage(env.browser, env.srv.url, { goto: false });
  await page.addInitScript(milestoneProbe, POLL_MS);
  await page.goto(env.srv.url);
  const load = await waitComplete(page);
  report('navigation → complete picture', load);
  for (const k of ORDER) assert.ok(k in load, `milestone ${k} was reached`);
  assert.ok(load.firstRunFrame <= load.runsStopped && load.runsStopped <= load.complete, JSON.stringify(load));
  assert.ok(load.fineLandscape <= load.complete && load.diagnosed <= load.complete, JSON.stringify(load));

  // A slider release: the keyboard changes the value in one step (a release, no drag).
  const slider = page.getByRole('slider', { name: 'Run 1: Batch size' });
  await slider.focus();
  const gens = await page.evaluate(() => window.batchscape.gens);
  await page.evaluate((g) => window.__speedReset(g), gens);
  await page.keyboard.press('ArrowRight');
  const moved = await waitComplete(page);
  report('slider release → complete updated picture', moved);
  for (const k of ['runsStopped', 'fineLandscape', 'diagnosed', 'complete']) assert.ok(k in moved, `milestone ${k} was reached`);
  const after = await page.evaluate(() => window.batchscape.gens);
  assert.notDeepEqual(after, gens, 'the slider started a new run');
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
