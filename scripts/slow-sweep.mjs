// The first sweep on a slow network (issue 14): for each built dist/ directory, loaded
// alternately in one headless Chromium, a lab page is loaded at full speed, then the network is
// throttled (CDP: 1.6 Mbit/s down, 150 ms round trip), the learner scrolls to the sweep view,
// reads it for 5 s and clicks Run. Prints click → first sweep worker ready and click → sweep
// done (ms): whether the sweeps' wasm module was already fetched and compiled when they clicked.
//
//   node scripts/slow-sweep.mjs DIST_A [DIST_B …] [--reps=3]
import { launchBrowser, openPage, serveDir } from '../tests/lib/harness.mjs';

const args = process.argv.slice(2);
const reps = Number(args.find((a) => a.startsWith('--reps='))?.slice(7) ?? 3);
const dirs = args.filter((a) => !a.startsWith('--'));
if (!dirs.length) { console.error('usage: node scripts/slow-sweep.mjs DIST_A [DIST_B …] [--reps=3]'); process.exit(2); }
const browser = await launchBrowser();
const servers = await Promise.all(dirs.map((d) => serveDir(d)));
const out = dirs.map(() => []);
try {
  for (let rep = 0; rep < reps; rep++) {
    for (let i = 0; i < dirs.length; i++) {
      const { page, context } = await openPage(browser, `${servers[i].url}?n_train=64&n_test=128&epochs=20`);
      await page.waitForFunction(() => {
        const p = window.batchscape?.progress;
        return p && p.atlasFine && p.states.every((s) => s === null || s === 'finished');
      }, null, { timeout: 60_000 });
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 100_000 });
      await page.locator('#sweep-view').scrollIntoViewIfNeeded();
      await new Promise((r) => setTimeout(r, 5000));
      await page.locator('#sweep-run').click();
      await page.waitForFunction(() => {
        const s = window.batchscape.sweep;
        return !s.running && s.total > 0 && s.done === s.total;
      }, null, { timeout: 120_000 });
      out[i].push(await page.evaluate(() => [window.batchscape.sweep.readyMs, window.batchscape.sweep.ms]));
      await context.close();
    }
  }
  dirs.forEach((d, i) => console.log(`${d}: click → first worker ready / sweep done (ms): ${out[i].map(([r, m]) => `${r.toFixed(0)} / ${m.toFixed(0)}`).join(', ')}`));
} finally {
  await browser.close();
  for (const s of servers) s.close?.();
}
