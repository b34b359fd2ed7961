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
await page.waitForTimeout(3000);
await page.screenshot({ path: out, fullPage: true });
const el = await page.$('[data-panel=boundaries]');
if (el) await el.screenshot({ path: out.replace('.png', '-boundaries.png') });
console.log(JSON.stringify({ consoleErrors, pageErrors, text: await page.textContent('#digits-text'), msgs: await page.textContent('#messages') }));
await browser.close(); await srv.close();
