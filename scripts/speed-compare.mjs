// Navigation → complete picture (ms) of several built dist/ directories, loaded alternately in
// one headless Chromium, with the speed test's milestone probe (tests/speed.test.mjs): an A/B of a
// start-up change, with the medians (issue 14).
//
//   node scripts/speed-compare.mjs DIST_A DIST_B … [--reps=5]
import fs from 'node:fs';
import { launchBrowser, serveDir } from '../tests/lib/harness.mjs';
const src = fs.readFileSync(new URL('../tests/speed.test.mjs', import.meta.url), 'utf8');
const probeSrc = src.slice(src.indexOf('function milestoneProbe'), src.indexOf('const ORDER'));
// Builds from before the test API's `progress` getter (issue 14) are read through their
// snapshots instead (slower to poll, so their times come out a little long).
const probe = probeSrc.replace('window.batchscape?.progress', '(window.batchscape?.progress ?? window.__legacyProgress?.())');
const milestoneProbe = new Function(`${probe}; return milestoneProbe;`)();
function legacyProgress() {
  window.__legacyProgress = () => {
    const s = window.batchscape;
    if (!s) return null;
    const runs = s.runs;
    const diag = s.diag;
    const atlas = s.atlas;
    return {
      batches: s.batches, gens: s.gens, states: Array.from(runs, (r) => r?.state ?? null), diagGens: Array.from(diag, (d) => d?.gen ?? null),
      atlas: Boolean(atlas), atlasFine: Boolean(atlas?.fine), atlasFor: s.atlasFor, runsKey: s.runsKey, pendingScenario: s.pendingScenario, dirty: s.dirty,
    };
  };
}
const dirs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const reps = Number(process.argv.find((a) => a.startsWith('--reps='))?.slice(7) ?? 5);
const browser = await launchBrowser();
const out = Object.fromEntries(dirs.map((d) => [d, []]));
for (let r = 0; r < reps; r++) for (const d of dirs) {
  const srv = await serveDir(d);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(legacyProgress);
  await page.addInitScript(milestoneProbe, 20);
  await page.goto(srv.url);
  const m = await page.evaluate(() => window.__speedComplete);
  out[d].push([Math.round(m.complete), Math.round(m.firstRunFrame)]);
  await context.close(); await srv.close();
}
for (const d of dirs) {
  const c = out[d].map((x) => x[0]).sort((a, b) => a - b);
  console.log(d.padEnd(28), 'complete', out[d].map((x) => x[0]).join(' '), '| median', c[c.length >> 1], '| firstRunFrame', out[d].map((x) => x[1]).join(' '));
}
await browser.close();
