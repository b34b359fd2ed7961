// End-to-end: the 3-D loss surface (views/surface.js) in Debian's headless Chromium — it is
// drawn from the landscape's chart, turns when dragged and with the arrow keys (its pixels
// change, the angle is in its aria-label and the URL), restores its angle from `?yaw=&pitch=`,
// and a bad angle in the URL gets a message and the default/clamped angle, with no errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { artifactPath, canvasPixels, distinctColours, openPage, pixelDiff, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();
const SMALL = 'n_train=96&epochs=6&grid=15&batch=8,64';

/** Waits until the runs have stopped, the fine landscape is in and every drawing is shown. */
async function waitSettled(page) {
  await page.waitForFunction(() => {
    const s = window.batchscape;
    if (!s?.atlas?.fine || s.pendingScenario || s.dirty) return false;
    const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
    return slots.length > 0 && slots.every((k) => s.runs[k] && s.runs[k].state !== 'running')
      && (s.workerMs.surface?.length ?? 0) > 0;
  }, null, { timeout: 120_000 });
}

/** Waits until the surface has been drawn more than `n` times and nothing is left to draw. */
const waitDrawn = (page, n) => page.waitForFunction((k) => window.batchscape.workerMs.surface.length > k && !window.batchscape.dirty, n, { timeout: 30_000 });
const drawCount = (page) => page.evaluate(() => window.batchscape.workerMs.surface.length);
const angleOf = async (page) => {
  const d = await page.locator('#surface').evaluate((c) => ({ yaw: Number(c.dataset.yaw), pitch: Number(c.dataset.pitch), label: c.getAttribute('aria-label') }));
  return d;
};
const urlAngle = (page) => page.evaluate(() => { const p = new URLSearchParams(location.search); return [p.get('yaw'), p.get('pitch')]; });

test('the surface turns when dragged and with the arrow keys, and keeps its angle in the URL', async () => {
  const { page, context, consoleErrors, pageErrors } = await openPage(env.browser, `${env.srv.url}?${SMALL}`);
  await waitSettled(page);
  const before = await canvasPixels(page, '#surface');
  assert.ok(distinctColours(before) > 50, 'the surface is drawn (many colours)');
  assert.deepEqual(await angleOf(page).then((a) => [a.yaw, a.pitch]), [35, 30], 'default angle');
  await page.locator('#surface').scrollIntoViewIfNeeded();
  await page.screenshot({ path: artifactPath('surface.png'), clip: await page.locator('#surface').boundingBox() });

  // Drag 80 px right and 20 px up.
  const box = await page.locator('#surface').boundingBox();
  let n = await drawCount(page);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 - 10, { steps: 4 });
  await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 - 20, { steps: 4 });
  await page.mouse.up();
  await waitDrawn(page, n);
  const dragged = await angleOf(page);
  assert.deepEqual([dragged.yaw, dragged.pitch], [75, 20], 'drag turns by half a degree per pixel');
  assert.match(dragged.label, /yaw 75°, pitch 20°/);
  assert.deepEqual(await urlAngle(page), ['75', '20']);
  const afterDrag = await canvasPixels(page, '#surface');
  assert.ok(pixelDiff(before, afterDrag) > 0.05, `dragging changes the picture (${pixelDiff(before, afterDrag)})`);

  // Arrow keys on the focused canvas.
  await page.locator('#surface').focus();
  n = await drawCount(page);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowUp');
  await waitDrawn(page, n);
  const keyed = await angleOf(page);
  assert.deepEqual([keyed.yaw, keyed.pitch], [70, 25]);
  const afterKeys = await canvasPixels(page, '#surface');
  assert.ok(pixelDiff(afterDrag, afterKeys) > 0.02, `the arrow keys change the picture (${pixelDiff(afterDrag, afterKeys)})`);
  await page.screenshot({ path: artifactPath('surface-turned.png'), clip: await page.locator('#surface').boundingBox() });

  // The landscape panel's SVG export gives the surface too, from the plotters SVG backend.
  const files = [];
  page.on('download', (d) => files.push(d));
  await page.getByRole('button', { name: /Export the Loss landscape.*as SVG/ }).click();
  await page.waitForFunction(() => window.batchscape.exports.at(-1)?.files === 2);
  await page.waitForTimeout(300);
  const surfaceSvg = files.find((d) => /-surface\.svg$/.test(d.suggestedFilename()));
  assert.ok(surfaceSvg, `a surface SVG among ${files.map((d) => d.suggestedFilename())}`);
  const svg = fs.readFileSync(await surfaceSvg.path(), 'utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return { error: doc.querySelector('parsererror')?.textContent ?? null, polygons: doc.querySelectorAll('polygon').length, texts: [...doc.querySelectorAll('text')].map((t) => t.textContent) };
  }, svg);
  assert.equal(parsed.error, null);
  assert.ok(parsed.polygons > 100, `the surface's cells are SVG polygons (${parsed.polygons})`);
  assert.ok(parsed.texts.some((t) => /yaw 70°, pitch 25°/.test(t)), 'the SVG is the angle shown');

  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('?yaw=&pitch= restores the angle (different pixels from the default); bad values get a message and a safe angle', async () => {
  const a = await openPage(env.browser, `${env.srv.url}?${SMALL}`);
  await waitSettled(a.page);
  const byDefault = await canvasPixels(a.page, '#surface');
  await a.context.close();

  const b = await openPage(env.browser, `${env.srv.url}?${SMALL}&yaw=-120&pitch=60`);
  await waitSettled(b.page);
  const restored = await angleOf(b.page);
  assert.deepEqual([restored.yaw, restored.pitch], [-120, 60]);
  assert.match(restored.label, /yaw -120°, pitch 60°/);
  const turned = await canvasPixels(b.page, '#surface');
  await b.page.locator('#surface').scrollIntoViewIfNeeded();
  await b.page.screenshot({ path: artifactPath('surface-restored.png'), clip: await b.page.locator('#surface').boundingBox() });
  assert.ok(pixelDiff(byDefault, turned) > 0.05, `another angle, another picture (${pixelDiff(byDefault, turned)})`);
  assert.deepEqual(b.pageErrors, []);
  assert.deepEqual(b.consoleErrors, []);
  await b.context.close();

  const c = await openPage(env.browser, `${env.srv.url}?${SMALL}&yaw=abc&pitch=400`);
  await waitSettled(c.page);
  const safe = await angleOf(c.page);
  assert.deepEqual([safe.yaw, safe.pitch], [35, 85], 'a non-number yaw is the default, a pitch too large is clamped');
  const messages = await c.page.locator('#message-list').textContent();
  assert.match(messages, /`yaw` must be a number/);
  assert.match(messages, /`pitch` must be from 5 to 85/);
  assert.deepEqual(await urlAngle(c.page), ['35', '85'], 'the URL gets the angle used');
  assert.ok(distinctColours(await canvasPixels(c.page, '#surface')) > 50, 'still drawn');
  assert.deepEqual(c.pageErrors, []);
  assert.deepEqual(c.consoleErrors, []);
  await c.context.close();
});
