// End-to-end: the page in Debian's headless Chromium. Loads it, lets the worker train, moves
// the batch-size slider by keyboard and by mouse, and checks what the canvases show.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, openPage, canvasPixels, pixelDiff, artifactPath } from './lib/harness.mjs';

let srv;
let browser;

before(async () => {
  srv = await serveDist();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

/** Waits until the run with batch size `batch` has drawn its final (fine-grid) frame. */
async function waitDone(page, batch) {
  await page.waitForFunction(
    (b) => { const l = window.batchscape?.last; return l && l.phase === 'done' && l.batch === b; },
    batch, { timeout: 60_000 },
  );
  return page.evaluate(() => window.batchscape.last);
}

/** Number of distinct colours in a canvas: a blank or flat canvas has very few. */
function distinctColours(px) {
  const seen = new Set();
  for (let i = 0; i < px.length; i += 4) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
  return seen.size;
}

test('the page trains in a worker, draws the landscape and curves, and has no console errors', async () => {
  const { page, consoleErrors, pageErrors, context, worstLongTask } = await openPage(browser, srv.url);
  const last = await waitDone(page, 16);
  assert.equal(last.state, 'finished');
  assert.equal(last.step, last.steps);
  assert.ok(last.trainLoss < 0.3, `trained loss ${last.trainLoss} should be well below ln 2`);
  const land = distinctColours(await canvasPixels(page, '#landscape'));
  const curves = distinctColours(await canvasPixels(page, '#curves'));
  assert.ok(land > 200, `landscape heatmap has ${land} colours`);
  assert.ok(curves > 10, `curves chart has ${curves} colours`);
  assert.match(await page.textContent('#status'), /done, 960 steps/);
  assert.match(await page.textContent('#summary'), /test accuracy \d+\.\d %/);
  await page.screenshot({ path: artifactPath('page-1280.png'), fullPage: true });
  const drawMs = await page.evaluate(() => window.batchscape.drawMs);
  console.log(`# worst main-thread long task while loading and training: ${await worstLongTask()} ms; ` +
    `frame draws (ms): ${drawMs.map((d) => d.toFixed(1)).join(', ')}`);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('the path ends in a low-loss basin of the landscape', async () => {
  const { page, context } = await openPage(browser, srv.url);
  await waitDone(page, 16);
  const { values, extent, path } = await page.evaluate(() => {
    const l = window.batchscape.lastLandscape;
    return { values: Array.from(l.values), extent: Array.from(l.extent), path: Array.from(l.path) };
  });
  const [n, a0, a1, b0, b1] = extent;
  assert.equal(values.length, n * n);
  // The end point is the plane's origin (α = β = 0): find its cell and rank its loss.
  const [ea, eb] = path.slice(-2);
  assert.ok(Math.abs(ea) < 1e-6 && Math.abs(eb) < 1e-6, `the run ends at the origin, got (${ea}, ${eb})`);
  const [sa, sb] = path.slice(0, 2);
  assert.ok(Math.abs(sa - 1) < 1e-4 && Math.abs(sb) < 1e-4, `the run starts at (1, 0), got (${sa}, ${sb})`);
  const i = Math.round(((0 - a0) / (a1 - a0)) * (n - 1));
  const j = Math.round(((0 - b0) / (b1 - b0)) * (n - 1));
  const atEnd = values[j * n + i];
  const below = values.filter((v) => v < atEnd).length / values.length;
  assert.ok(below < 0.05, `only ${(100 * below).toFixed(1)} % of the map lies below the end point's loss ${atEnd}`);
  const startCell = values[j * n + Math.round(((1 - a0) / (a1 - a0)) * (n - 1))];
  assert.ok(startCell > 2 * atEnd, `start ${startCell} is much higher than end ${atEnd}`);
  await context.close();
});

test('moving the batch-size slider with the keyboard re-runs training and changes the path', async () => {
  const { page, context, consoleErrors } = await openPage(browser, srv.url);
  const first = await waitDone(page, 16);
  const before = await canvasPixels(page, '#landscape');
  const slider = page.getByRole('slider', { name: /Batch size/ });
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  const second = await waitDone(page, 32);
  assert.equal(await slider.getAttribute('aria-valuetext'), '32 examples per step');
  assert.equal(second.steps, 480, '60 epochs of 256/32 steps');
  assert.notEqual(second.fingerprint, first.fingerprint);
  const after = await canvasPixels(page, '#landscape');
  const diff = pixelDiff(before, after, { tolerance: 8 });
  assert.ok(diff > 0.05, `landscape changed in ${(100 * diff).toFixed(1)} % of pixels`);
  assert.match(page.url(), /batch=32/, 'the URL records the batch size');
  // Back to 16: the same settings give the very same run (determinism in the page).
  await page.keyboard.press('ArrowLeft');
  const again = await waitDone(page, 16);
  assert.equal(again.fingerprint, first.fingerprint);
  assert.deepEqual(pixelDiff(before, await canvasPixels(page, '#landscape'), { tolerance: 0 }), 0);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('dragging the slider with the mouse to the full batch re-runs training', async () => {
  const { page, context } = await openPage(browser, srv.url);
  await waitDone(page, 16);
  const before = await canvasPixels(page, '#curves');
  const box = await page.locator('#batch').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  const last = await waitDone(page, 256);
  assert.equal(last.steps, 60, 'full batch: one step per epoch');
  assert.match(await page.textContent('#batch-out'), /full batch/);
  const diff = pixelDiff(before, await canvasPixels(page, '#curves'), { tolerance: 8 });
  assert.ok(diff > 0.01, `curves changed in ${(100 * diff).toFixed(2)} % of pixels`);
  await page.screenshot({ path: artifactPath('page-full-batch.png'), fullPage: true });
  await context.close();
});

test('a diverging learning rate is marked and the page keeps working', async () => {
  const { page, context, pageErrors } = await openPage(browser, `${srv.url}?lr=1000`);
  await page.waitForFunction(() => window.batchscape?.last?.state === 'diverged', null, { timeout: 60_000 });
  assert.match(await page.textContent('#status'), /diverged at step \d+: .*learning rate 1000/);
  // The landscape of the diverged run is still drawn (from its last finite point).
  assert.ok(await page.evaluate(() => window.batchscape.lastLandscape.values.length > 0));
  // Lower the learning rate with the keyboard (10 stops = one decade each way): training recovers.
  await page.getByRole('slider', { name: /Learning rate/ }).focus();
  for (let k = 0; k < 40; k++) await page.keyboard.press('ArrowLeft');
  await waitDone(page, 16);
  assert.equal(await page.evaluate(() => window.batchscape.last.lr), 0.1);
  assert.equal(await page.evaluate(() => window.batchscape.last.state), 'finished');
  await page.screenshot({ path: artifactPath('page-recovered.png'), fullPage: true });
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('hostile URL parameters are reported as text and break nothing', async () => {
  const hostile = new URLSearchParams({
    lr: 'NaN', n_train: '-5', act: '<img src=x onerror=window.__pwned=1>', hidden: '9'.repeat(5000),
    bogus: '<script>window.__pwned=1</script>',
  });
  for (let k = 0; k < 300; k++) hostile.append(`k${k}`, 'x');
  const { page, context, pageErrors } = await openPage(browser, `${srv.url}?${hostile}`);
  await waitDone(page, 16);
  const box = page.locator('#messages');
  await box.waitFor({ state: 'visible' });
  const text = await box.textContent();
  for (const key of ['lr', 'n_train', 'act', 'hidden', 'bogus']) assert.ok(text.includes(`\`${key}\``), `message names ${key}`);
  assert.match(text, /Only the first 200 URL parameters were read/);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('#messages img, #messages script').count(), 0);
  await page.getByRole('button', { name: 'Dismiss' }).click();
  assert.equal(await box.isVisible(), false);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
