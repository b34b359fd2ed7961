// Measures the page's two sweeps with 1 and with 2 workers (the `sweep_workers` URL hook), in
// Debian's headless Chromium, and prints the times: the batch-size × seeds sweep (sweep.js) and
// the default B × η sweep (the laws section). Writes screenshots of the sweep view and of the
// laws charts to /tmp/sweep-*.png and /tmp/laws-*.png. A measurement, not a test:
//   make build && node scripts/laws-timing.mjs [extra=query&pairs] [--only=sweep|laws] [--repeat=N]
// Each measurement waits for the page's own picture first (its runs, landscape and diagnoses),
// so the sweep does not share the cores with them. The machine's load average is printed with
// each line: on a shared machine the numbers vary with it, so each line also says where the time
// went: each worker's cells and busy time (pool.js: dispatch → result; busy ≈ wall means no
// worker waited), and for the B × η sweep the first worker's start, the last report, the
// analyses' and drawings' time, the cells' cost spread, and when these cells would end on 2
// uncontended workers (list scheduling of the measured costs) under the old static share (cells
// k ≡ w mod 2), one at a time in plan order, and one at a time largest batch first (the pool).
import fs from 'node:fs';
import { launchBrowser, openPage, serveDist } from '../tests/lib/harness.mjs';
import { lawsOrder } from '../www/laws-explain.js';

/** The end of list scheduling: cells of `costs` handed out in `order`, each to the first free of `n` workers. */
function makespan(costs, order, n) {
  const free = new Array(n).fill(0);
  for (const k of order) { const w = free.indexOf(Math.min(...free)); free[w] += costs[k]; }
  return Math.max(...free);
}

const args = process.argv.slice(2);
const flag = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const extra = args.find((a) => !a.startsWith('--')) ? `&${args.find((a) => !a.startsWith('--'))}` : '';
const only = flag('only');
const repeat = Number(flag('repeat') ?? 1);
const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const tag = extra ? 'extra' : 'default';

async function settled(page) {
  await page.waitForFunction(() => {
    const s = window.batchscape;
    return s?.sweep && s.batches.length && s.runs.length === s.batches.length && s.runs.every((r) => r && r.state !== 'running')
      && s.atlas?.fine && s.atlasFor === s.runsKey && !s.dirty && !s.pendingScenario;
  }, null, { timeout: 120_000, polling: 100 });
}

async function sweep(browser, url, n, shoot) {
  const { page, context } = await openPage(browser, `${url}?sweep_workers=${n}${extra}`);
  await settled(page);
  await page.locator('#sweep-run').click();
  await page.waitForFunction(() => { const s = window.batchscape.sweep; return !s.running && s.total > 0 && s.done === s.total && s.drawnRuns === s.total; }, null, { timeout: 600_000 });
  const s = await page.evaluate(() => {
    const st = window.batchscape.sweep;
    return { ms: st.ms, readyMs: st.readyMs, total: st.total, workers: st.workers ?? 1, perWorker: st.perWorker ?? [], busyMs: st.busyMs ?? [], cellMs: st.cellMs ?? [], text: st.explanation,
      draws: ['acc', 'gap', 'lambda', 'steps'].map((k) => [...(window.batchscape.workerMs[`sweep-${k}`] ?? [])]) };
  });
  // Before the pool (one worker), `ms` was timed inside the worker from its first cell; the pool
  // times it from the click, including the workers' start (`readyMs`, printed apart).
  const start = Number.isFinite(s.readyMs) ? `, of which ${(s.readyMs / 1000).toFixed(2)} s until the first worker was ready` : '';
  console.log(`batch-size × seeds sweep, sweep_workers=${n}: ${s.workers} worker(s), ${s.total} runs in ${(s.ms / 1000).toFixed(2)} s${start}` +
    `${s.perWorker.length > 1 ? ` (runs per worker ${s.perWorker.join(', ')})` : ''}${s.busyMs.length ? `, busy ${s.busyMs.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s` : ''}` +
    `${s.cellMs.length === s.total ? `; cell ms ${s.cellMs.map((ms) => ms.toFixed(0)).join(' ')}; on 2 workers these cells end at ${(makespan(s.cellMs, s.cellMs.map((_, k) => k), 2) / 1000).toFixed(2)} s (plan order, one at a time)` : ''}` +
    `; charts drawn ${s.draws[0].length}× in ${(s.draws.flat().reduce((t, x) => t + x, 0) / 1000).toFixed(2)} s [load ${load()}]`);
  if (shoot) {
    console.log(s.text);
    await page.locator('#sweep-view > .sweep-charts').screenshot({ path: `/tmp/sweep-${tag}-charts.png` });
  }
  await context.close();
  return s;
}

async function laws(browser, url, n, shoot) {
  const { page, context } = await openPage(browser, `${url}?sweep_workers=${n}${extra}`);
  await settled(page);
  await page.waitForFunction(() => window.batchscape?.sweep?.laws && !document.getElementById('laws-run').disabled);
  await page.locator('#laws-run').click();
  await page.waitForFunction(() => {
    const l = window.batchscape.sweep.laws;
    return !l.running && l.total > 0 && l.reportCells === l.total && l.drawn.map === l.total && l.drawn.tradeoff === l.total;
  }, null, { timeout: 600_000 });
  const l = await page.evaluate(() => {
    const s = window.batchscape.sweep.laws;
    return { ms: s.ms, total: s.total, workers: s.workers, text: s.explanation, readyMs: s.readyMs, reportMs: s.reportMs,
      perWorker: s.perWorker ?? [], busyMs: s.busyMs ?? [], cellMs: s.cellMs ?? [], analyses: s.analyses ?? [], plan: s.plan,
      draws: ['laws-map', 'laws-tradeoff'].map((id) => [...(window.batchscape.workerMs[id] ?? [])]) };
  });
  const sec = (ms) => (ms / 1000).toFixed(2);
  let detail = '';
  if (Number.isFinite(l.readyMs)) {
    detail = `; first worker ready ${sec(l.readyMs)} s, last report ${sec(l.reportMs)} s; cells per worker ${l.perWorker.join(', ')}, busy ${l.busyMs.map(sec).join(', ')} s`;
    const total = (xs) => xs.reduce((t, x) => t + x, 0);
    detail += `; ${l.analyses.length} analyses ${sec(total(l.analyses))} s, drawn in ${l.draws.map((d) => `${d.length}× ${sec(total(d))} s`).join(' + ')}`;
    // The cells' cost spread, and these cells' end on 2 workers (list scheduling of the measured
    // costs, no contention): the old static share (k ≡ w mod 2), one at a time in plan order, and
    // one at a time largest batch first (lawsOrder, what the pool does).
    const c = l.cellMs.filter(Number.isFinite).sort((x, y) => x - y);
    if (c.length === l.total && l.plan) {
      const share = Math.max(...[0, 1].map((w) => total(l.cellMs.filter((_, k) => k % 2 === w))));
      const plan = makespan(l.cellMs, l.cellMs.map((_, k) => k), 2);
      const lpt = makespan(l.cellMs, lawsOrder(l.plan), 2);
      detail += `; cell ms min ${c[0].toFixed(0)} median ${c[c.length >> 1].toFixed(0)} max ${c[c.length - 1].toFixed(0)}, sum ${sec(total(c))} s;` +
        ` on 2 workers these cells end at ${sec(share)} s (static share), ${sec(plan)} s (plan order), ${sec(lpt)} s (largest first)`;
    }
  }
  console.log(`B × η sweep (laws), sweep_workers=${n}: ${l.workers} worker(s), ${l.total} cells in ${sec(l.ms)} s${detail} [load ${load()}]`);
  if (shoot) {
    console.log(l.text);
    await page.locator('#laws-map').screenshot({ path: `/tmp/laws-${tag}-map.png` });
    await page.locator('#laws-tradeoff').screenshot({ path: `/tmp/laws-${tag}-tradeoff.png` });
    await page.locator('#laws').screenshot({ path: `/tmp/laws-${tag}-section.png` });
  }
  await context.close();
  return l;
}

const srv = await serveDist();
const browser = await launchBrowser();
try {
  for (let r = 0; r < repeat; r++) {
    const last = r === repeat - 1;
    if (only !== 'laws') for (const n of [1, 2]) await sweep(browser, srv.url, n, last && n === 2);
    if (only !== 'sweep') for (const n of [1, 2]) await laws(browser, srv.url, n, last && n === 2);
  }
} finally {
  await browser.close();
  await srv.close();
}
