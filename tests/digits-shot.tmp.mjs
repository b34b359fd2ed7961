import { launchBrowser, serveDist, openPage } from './lib/harness.mjs';
const srv = await serveDist();
const browser = await launchBrowser();
const [, , query, out] = process.argv;
const { page, consoleErrors, pageErrors } = await openPage(browser, `${srv.url}?${query}`, { viewport: { width: 1280, height: 900 } });
await page.waitForFunction(() => {
  const s = window.batchscape;
  if (!s || s.pendingScenario || s.dirty) return false;
  const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
  return slots.length && slots.every((k) => s.runs[k] && s.runs[k].state !== 'running');
}, null, { timeout: 180000 });
const t0 = Date.now();
await page.waitForFunction(() => {
  const s = window.batchscape;
  const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
  return slots.every((k) => s.diag[k]?.analysis && s.diag[k].gen === s.gens[k]) && s.interp?.profile && !s.dirty;
}, null, { timeout: 240000 }).catch((e) => console.log('diag wait failed', String(e).slice(0, 200)));
console.log('analysis settled after', Date.now() - t0, 'ms');
console.log(JSON.stringify(await page.evaluate(() => window.batchscape.diag.map((d) => d && { slot: d.slot, gen: d.gen, lam: d.analysis?.lambda_max }))));
await page.screenshot({ path: out, fullPage: true });
if (await page.isVisible('#scene-box')) await (await page.$('#scene-box')).screenshot({ path: out.replace('.png', '-scenebox.png') });
for (const el of await page.$$('figure[data-panel]')) {
  const name = await el.getAttribute('data-panel');
  if (await el.isVisible()) await el.screenshot({ path: out.replace('.png', `-${name}.png`) });
}
console.log(JSON.stringify({ consoleErrors, pageErrors, text: await page.textContent('#digits-text'), msgs: await page.textContent('#messages') }));
await browser.close(); await srv.close();
