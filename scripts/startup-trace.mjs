// Where the default page's start-up time goes (issue 14, "a complete picture in one second"):
// loads dist/ in headless Chromium with a performance trace, waits until the first run frame,
// and prints, per thread (page, each worker), its busy spans over 3 ms in ms since navigation
// start: script compile/evaluate, wasm compile/instantiate, message handlers, GC.
//
//   node scripts/startup-trace.mjs [--until=frame|complete] [--out=trace.json]
import fs from 'node:fs';
import { CHROMIUM_ARGS, launchBrowser, serveDist } from '../tests/lib/harness.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const until = arg('until', 'frame');
const out = arg('out', null);
// More Chromium switches, comma-separated (e.g. --extra=--disable-features=X (a comma inside a switch is not supported)).
const extra = arg('extra', '').split(',').filter(Boolean);

const browser = await launchBrowser(extra.length ? { args: [...CHROMIUM_ARGS, ...extra] } : {});
const srv = await serveDist();
const page = await browser.newPage();
await browser.startTracing(page, {
  categories: ['devtools.timeline', 'v8', 'v8.wasm', 'disabled-by-default-v8.compile', 'blink.user_timing',
    'loading', 'toplevel', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink'],
});
await page.goto(srv.url);
// Polled in the page (one evaluate: waitForFunction would inject Playwright's selector engine, ≈ 95 ms
// of main-thread parsing inside the start-up traced), on the test API's small `progress` getter.
await page.evaluate((u) => new Promise((resolve) => {
  const t = setInterval(() => {
    const p = window.batchscape?.progress;
    const slots = p?.batches?.flatMap((b, k) => (b == null ? [] : [k])) ?? [];
    if (!slots.length) return;
    const done = u === 'frame' ? slots.some((k) => p.states[k]) : slots.every((k) => p.states[k] && p.states[k] !== 'running') && p.atlasFine && !p.dirty;
    if (done) { clearInterval(t); resolve(); }
  }, 10);
}), until);
const buf = await browser.stopTracing();
await browser.close();
await srv.close();
if (out) fs.writeFileSync(out, buf);

const { traceEvents } = JSON.parse(buf.toString());
const names = new Map();
for (const e of traceEvents) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
const nav = traceEvents.find((e) => e.name === 'navigationStart' || e.name === 'NavigationStart' || e.name === 'fetchStart');
const t0 = nav ? nav.ts : Math.min(...traceEvents.filter((e) => e.ts > 0).map((e) => e.ts));
const spans = traceEvents.filter((e) => e.ph === 'X' && e.dur > 3000);
const byThread = new Map();
for (const e of spans) {
  const key = `${e.pid}:${e.tid}`;
  const name = names.get(key) ?? key;
  if (!/CrRendererMain|Worker|wasm|V8|Compositor/i.test(name)) continue;
  if (!byThread.has(key)) byThread.set(key, { name, events: [] });
  byThread.get(key).events.push(e);
}
for (const [, { name, events }] of byThread) {
  events.sort((a, b) => a.ts - b.ts);
  console.log(`\n== ${name}`);
  for (const e of events) {
    const detail = e.args?.data?.url ?? e.args?.data?.functionName ?? e.args?.data?.type ?? '';
    console.log(`${((e.ts - t0) / 1000).toFixed(0).padStart(6)} +${(e.dur / 1000).toFixed(0).padStart(4)} ms  ${e.name} ${String(detail).slice(-60)}`);
  }
}

// CPU time per process while the page started (the browser's own pages count too).
const processes = new Map();
for (const e of traceEvents) if (e.ph === 'M' && e.name === 'process_name') processes.set(e.pid, e.args.name);
const busy = new Map();
for (const e of traceEvents) if (e.ph === 'X' && e.name === 'RunTask' && e.dur) busy.set(e.pid, (busy.get(e.pid) ?? 0) + e.dur);
console.log('\nbusy per process:', [...busy].map(([p, b]) => `${processes.get(p) ?? p} ${(b / 1000).toFixed(0)} ms`).join(', '));
