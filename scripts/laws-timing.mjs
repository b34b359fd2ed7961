// Measures the page's default B × η sweep (the laws section) with 1 and with 2 workers, through
// the `sweep_workers` URL hook, in Debian's headless Chromium; prints both times and writes
// screenshots of the two charts to /tmp/laws-default-*.png. A measurement, not a test:
//   make build && node scripts/laws-timing.mjs [extra=query&pairs]
import { launchBrowser, openPage, serveDist } from '../tests/lib/harness.mjs';

const extra = process.argv[2] ? `&${process.argv[2]}` : '';
const srv = await serveDist();
const browser = await launchBrowser();
try {
  for (const n of [1, 2]) {
    const { page, context } = await openPage(browser, `${srv.url}?sweep_workers=${n}${extra}`);
    await page.waitForFunction(() => window.batchscape?.sweep?.laws && !document.getElementById('laws-run').disabled);
    await page.locator('#laws-run').click();
    await page.waitForFunction(() => {
      const l = window.batchscape.sweep.laws;
      return !l.running && l.total > 0 && l.reportCells === l.total && l.drawn.map === l.total && l.drawn.tradeoff === l.total;
    }, null, { timeout: 600_000 });
    const l = await page.evaluate(() => {
      const s = window.batchscape.sweep.laws;
      return { ms: s.ms, total: s.total, workers: s.workers, text: s.explanation };
    });
    console.log(`${l.workers} worker(s): ${l.total} cells in ${(l.ms / 1000).toFixed(2)} s`);
    if (n === 2) {
      console.log(l.text);
      const tag = extra ? 'extra' : 'default';
      await page.locator('#laws-map').screenshot({ path: `/tmp/laws-${tag}-map.png` });
      await page.locator('#laws-tradeoff').screenshot({ path: `/tmp/laws-${tag}-tradeoff.png` });
      await page.locator('#laws').screenshot({ path: `/tmp/laws-${tag}-section.png` });
    }
    await context.close();
  }
} finally {
  await browser.close();
  await srv.close();
}
