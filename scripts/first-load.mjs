#!/usr/bin/env node
// First load, measured in the browser (issue 14): the files the default page (`/`) actually
// fetches, the page's and every worker's requests (playwright's context-level 'request' event
// includes workers), from navigation until its picture is complete — every run stopped, the fine
// landscape of those runs, every run diagnosed, nothing left to draw (the conditions of
// tests/speed.test.mjs's milestone probe). Each URL counts once (a cache serves a repeat), sized
// from the served file: raw and gzip -9 (node's zlib), as scripts/sizes.mjs does; the total as
// if every request were served in full is printed too.
// It prints one line per file, largest last, then the total, and the draw worker's time for the
// drawings made until then; `--json` prints the same as JSON.
//
//   make build && node scripts/first-load.mjs [--url /?x=y] [--json]
//
// Needs Debian's chromium (tests/lib/harness.mjs). A measurement, not a test: it asserts nothing
// but that the picture completes.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { launchBrowser, serveDist, openPage, DIST_DIR } from '../tests/lib/harness.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const at = args.indexOf('--url');
const pagePath = at >= 0 ? args[at + 1] : '/';

/** Installed before the page's scripts: sets `window.__complete` once the picture is complete
 *  (the same conditions as tests/speed.test.mjs's `milestoneProbe`, first load only). */
function completeProbe() {
  const marks = {};
  window.__marks = marks;
  setInterval(() => {
    const s = window.batchscape;
    const batches = s?.batches;
    if (!batches) return;
    const slots = batches.flatMap((b, k) => (b === undefined ? [] : [k]));
    if (!slots.length || s.pendingScenario) return;
    const runs = s.runs;
    const stopped = slots.every((k) => runs[k] && runs[k].state !== 'running');
    if (s.atlas?.fine && s.atlasFor === s.runsKey && stopped) marks.fine = true;
    const diag = s.diag;
    if (stopped && slots.every((k) => runs[k].state === 'diverged' || diag[k]?.gen === s.gens[k])) marks.diagnosed = true;
    if (marks.fine && marks.diagnosed && !s.dirty) marks.complete = performance.now();
  }, 20);
}

const browser = await launchBrowser();
const srv = await serveDist();
try {
  const { context, page, pageErrors } = await openPage(browser, null, { goto: false });
  const urls = [];
  context.on('request', (req) => urls.push(req.url()));
  await context.addInitScript(completeProbe);
  await page.goto(new URL(pagePath, srv.url).href, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__marks?.complete, null, { timeout: 120_000, polling: 50 });
  const ms = await page.evaluate(() => window.__marks.complete);
  // The draw worker's time per drawing (window.batchscape.workerMs), to see what a build
  // change costs in drawing speed.
  const drawMs = await page.evaluate(() => Object.values(window.batchscape.workerMs).flatMap((r) => [...r]));
  if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join('\n')}`);
  const origin = new URL(srv.url).origin;
  const seen = new Map();
  for (const u of urls) {
    const url = new URL(u);
    if (url.origin !== origin) throw new Error(`request outside the page's origin: ${u}`);
    let rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    seen.set(rel, (seen.get(rel) ?? 0) + 1);
  }
  const rows = [...seen].map(([rel, requests]) => {
    const data = fs.readFileSync(path.join(DIST_DIR, rel));
    return { rel, requests, raw: data.length, gz: zlib.gzipSync(data, { level: 9 }).length };
  }).sort((a, b) => a.gz - b.gz);
  const sum = (k) => rows.reduce((s, r) => s + r[k], 0);
  // Every request in full, as a server without cache validators (scripts/serve.mjs sends
  // `no-cache` and no ETag) makes the browser fetch: each worker fetches its wasm module itself.
  const perRequest = rows.reduce((s, r) => s + r.gz * r.requests, 0);
  if (json) {
    console.log(JSON.stringify({ page: pagePath, completeMs: Math.round(ms), drawMs, rows, raw: sum('raw'), gz: sum('gz'), gzPerRequest: perRequest }, null, 1));
  } else {
    const kb = (n) => (n / 1024).toFixed(1).padStart(8);
    for (const r of rows) console.log(`${kb(r.raw)} KB ${kb(r.gz)} KB gz  ${r.rel}${r.requests > 1 ? ` (${r.requests} requests)` : ''}`);
    console.log(`${kb(sum('raw'))} KB ${kb(sum('gz'))} KB gz  first load of ${pagePath} (${rows.length} files, ${urls.length} requests; complete at ${ms.toFixed(0)} ms)`);
    console.log(`${kb(perRequest)} KB gz  if every request were served in full (no cache)`);
    const sorted = [...drawMs].sort((a, b) => a - b);
    console.log(`draw worker: ${drawMs.length} drawings, ${drawMs.reduce((a, b) => a + b, 0).toFixed(0)} ms in all, median ${(sorted[sorted.length >> 1] ?? 0).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`);
  }
} finally {
  await browser.close();
  await srv.close();
}
