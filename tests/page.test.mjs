// End-to-end: the lab page in Debian's headless Chromium. Loads it, lets the workers train
// several runs at once, moves batch-size sliders by keyboard and by mouse, and checks what the
// canvases show and what the page's numbers say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactPath, canvasPixels, distinctColours, openPage, pixelDiff, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();

/**
 * Waits until every active run has stopped (finished or diverged) with the batch sizes
 * `batches` (one per active run, in slot order; and learning rate `lr` if given) and the fine landscape of those runs is
 * drawn; returns a plain summary of the page's state.
 */
async function waitSettled(page, batches, { lr } = {}) {
  await page.waitForFunction(([want, lr]) => {
    const s = window.batchscape;
    if (!s || !s.atlas?.fine || s.pendingScenario) return false;
    const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
    if (slots.length !== want.length) return false;
    const ok = slots.every((k, i) => {
      const f = s.runs[k];
      return f && f.batch === want[i] && f.state !== 'running' && (lr === undefined || f.lr === lr);
    });
    // The fine atlas must be the one for these very runs (its paths end where the runs did).
    return ok && !s.dirty && s.atlasFor === s.runsKey;
  }, [batches, lr], { timeout: 90_000 });
  return page.evaluate(() => {
    const s = window.batchscape;
    return s.batches.flatMap((b, k) => {
      const f = s.runs[k];
      if (b === undefined) return [];
      return [{
        slot: k, batch: f.batch, state: f.state, step: f.step, steps: f.steps, lr: f.lr,
        fingerprint: f.fingerprint, divergence: f.divergence,
        trainLoss: f.trainLoss[f.trainLoss.length - 1], testAcc: f.testAcc[f.testAcc.length - 1],
      }];
    });
  });
}

/** The shared landscape as plain arrays, with each run's projected path. */
async function atlasOf(page) {
  return page.evaluate(() => {
    const a = window.batchscape.atlas;
    const c = a.chart;
    const paths = c.paths.filter((p) => p.points.length).map((p) => ({ slot: p.run, points: Array.from(p.points) }));
    return { values: Array.from(c.values), extent: [c.n, ...c.alpha, ...c.beta], paths, plane: a.plane };
  });
}

/** The grid value under (α, β) on an atlas. */
function valueAt(atlas, a, b) {
  const [n, a0, a1, b0, b1] = atlas.extent;
  const i = Math.round(((a - a0) / (a1 - a0)) * (n - 1));
  const j = Math.round(((b - b0) / (b1 - b0)) * (n - 1));
  return atlas.values[j * n + i];
}

test('two runs train side by side, the views are drawn and explained, with no console errors', async () => {
  const { page, consoleErrors, pageErrors, context, worstLongTask, cspViolations } = await openPage(env.browser, `${env.srv.url}?batch=16,256`);
  const runs = await waitSettled(page, [16, 256]);
  assert.deepEqual(runs.map((r) => [r.batch, r.state, r.step, r.steps]),
    [[16, 'finished', 960, 960], [256, 'finished', 60, 60]], '60 epochs of 256/B steps each');
  assert.ok(runs[0].trainLoss < 0.3, `B = 16 trained to ${runs[0].trainLoss}, well below ln 2`);
  assert.ok(runs[1].trainLoss > runs[0].trainLoss, 'full batch, 60 steps: less progress than 960 small steps');
  const land = distinctColours(await canvasPixels(page, '#landscape'));
  const curves = distinctColours(await canvasPixels(page, '#curves'));
  assert.ok(land > 200, `landscape heatmap has ${land} colours`);
  assert.ok(curves > 10, `curves chart has ${curves} colours`);
  assert.match(await page.textContent('#run-status-0'), /done, 960 steps/);
  assert.match(await page.textContent('#run-status-1'), /done, 60 steps/);
  // The explanation reads the measured numbers.
  const explain = await page.textContent('#curves-text');
  assert.ok(explain.includes(runs[0].trainLoss.toFixed(3)), `"${explain}" quotes B = 16's final loss`);
  assert.match(await page.textContent('#landscape-text'), /B = 16 ends where the map shows \d\.\d{3}/);
  await page.screenshot({ path: artifactPath('page-1280.png'), fullPage: true });
  const drawMs = await page.evaluate(() => window.batchscape.drawMs);
  console.log(`# worst main-thread long task while loading and training: ${await worstLongTask()} ms; ` +
    `slowest frame draw ${Math.max(...drawMs).toFixed(1)} ms over ${drawMs.length} draws`);
  assert.deepEqual(await cspViolations(), [], 'no Content-Security-Policy violation');
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('on the plane through θ0 and both end points, each path starts at θ0 and ends in a basin', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?batch=16,256`);
  await waitSettled(page, [16, 256]);
  const atlas = await atlasOf(page);
  assert.equal(atlas.plane, 'endpoints');
  const [n] = atlas.extent;
  assert.equal(atlas.values.length, n * n);
  assert.equal(n, 51);
  assert.equal(atlas.paths.length, 2);
  const sorted = [...atlas.values].sort((x, y) => x - y);
  const quantile = (q) => sorted[Math.floor(q * (sorted.length - 1))];
  const [p16, p256] = atlas.paths.map((p) => p.points);
  // Both runs start at θ0: the same point of the plane.
  assert.ok(Math.abs(p16[0] - p256[0]) < 1e-5 && Math.abs(p16[1] - p256[1]) < 1e-5, 'common start');
  const start = valueAt(atlas, p16[0], p16[1]);
  const end16 = valueAt(atlas, p16.at(-2), p16.at(-1));
  const end256 = valueAt(atlas, p256.at(-2), p256.at(-1));
  assert.ok(end16 <= quantile(0.1), `B = 16 ends at ${end16}, in the lowest tenth of the map`);
  assert.ok(end16 < end256 && end256 < start, `losses: start ${start} > B=256 end ${end256} > B=16 end ${end16}`);
  await context.close();
});

test('moving one batch-size slider with the keyboard re-runs only that run', async () => {
  const { page, context, consoleErrors } = await openPage(env.browser, `${env.srv.url}?batch=16,256`);
  const first = await waitSettled(page, [16, 256]);
  const before = await canvasPixels(page, '#landscape');
  const slider = page.getByRole('slider', { name: 'Run 1: Batch size' });
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  const second = await waitSettled(page, [32, 256]);
  assert.equal(await slider.getAttribute('aria-valuetext'), '32 examples per step, 8 steps per epoch');
  assert.equal(second[0].steps, 480, '60 epochs of 256/32 steps');
  assert.notEqual(second[0].fingerprint, first[0].fingerprint);
  assert.equal(second[1].fingerprint, first[1].fingerprint, 'the other run is untouched');
  const after = await canvasPixels(page, '#landscape');
  const diff = pixelDiff(before, after, { tolerance: 8 });
  assert.ok(diff > 0.05, `landscape changed in ${(100 * diff).toFixed(1)} % of pixels`);
  assert.match(page.url(), /batch=32%2C256/, 'the URL records the batch sizes');
  // Back to 16: the same settings give the very same run and the very same picture.
  await page.keyboard.press('ArrowLeft');
  const again = await waitSettled(page, [16, 256]);
  assert.equal(again[0].fingerprint, first[0].fingerprint);
  assert.equal(pixelDiff(before, await canvasPixels(page, '#landscape'), { tolerance: 0 }), 0);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('dragging a slider with the mouse to the full batch, adding and removing runs', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?batch=16`);
  await waitSettled(page, [16]);
  const before = await canvasPixels(page, '#curves');
  const box = await page.locator('#batch-0').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  const [full] = await waitSettled(page, [256]);
  assert.equal(full.steps, 60, 'full batch: one step per epoch');
  assert.match(await page.textContent('#batch-out-0'), /full batch/);
  const diff = pixelDiff(before, await canvasPixels(page, '#curves'), { tolerance: 8 });
  assert.ok(diff > 0.01, `curves changed in ${(100 * diff).toFixed(2)} % of pixels`);
  // Add three runs (the button then disables at four), then remove one.
  for (let k = 0; k < 3; k++) await page.getByRole('button', { name: 'Add run' }).click();
  assert.equal(await page.getByRole('slider', { name: /Batch size/ }).count(), 4);
  assert.equal(await page.getByRole('button', { name: 'Add run' }).isDisabled(), true);
  const four = await waitSettled(page, [256, 1, 2, 4]);
  assert.ok(four.every((r) => r.state === 'finished'), 'four runs finished');
  await page.screenshot({ path: artifactPath('page-four-runs.png'), fullPage: true });
  await page.getByRole('button', { name: 'Remove Run 2' }).click();
  await waitSettled(page, [256, 2, 4]);
  assert.match(page.url(), /batch=256%2C2%2C4/);
  await context.close();
});

test('a diverging learning rate is marked and recovers when lowered', async () => {
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?lr=1000`);
  const runs = await waitSettled(page, [16, 256]);
  assert.ok(runs.every((r) => r.state === 'diverged'), 'η = 1000 diverges at both batch sizes');
  assert.match(await page.textContent('#run-status-0'), /diverged at step \d+: .*learning rate η = 1000/);
  // The landscape of diverged runs is still drawn (from their last finite points).
  assert.ok(distinctColours(await canvasPixels(page, '#landscape')) > 100);
  // Lower the learning rate with the keyboard (10 stops = one decade each way): training recovers.
  await page.getByRole('slider', { name: /Learning rate/ }).focus();
  for (let k = 0; k < 40; k++) await page.keyboard.press('ArrowLeft');
  const ok = await waitSettled(page, [16, 256], { lr: 0.1 });
  assert.deepEqual(ok.map((r) => r.state), ['finished', 'finished']);
  assert.equal(await page.evaluate(() => window.batchscape.lr), 0.1);
  await page.screenshot({ path: artifactPath('page-recovered.png'), fullPage: true });
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('equal training loss (budget=loss): each run stops at the target, says so, and the curves name the comparison', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?budget=loss&target_loss=0.35&max_steps=3000&batch=16,256`);
  const runs = await waitSettled(page, [16, 256]);
  const status = await page.evaluate(() => [...document.querySelectorAll('.run-status')].map((e) => e.textContent));
  for (const [k, r] of runs.entries()) {
    assert.equal(r.state, 'finished');
    // Reached: the last recorded training loss is at or below the target, and the run stopped
    // before the cap; its status line says where (the core's words).
    assert.ok(r.trainLoss <= 0.35, `B = ${r.batch}: final training loss ${r.trainLoss}`);
    assert.ok(r.steps === r.step && r.steps < 3000, `B = ${r.batch}: stopped at step ${r.step} of the cap 3000`);
    assert.match(status[k], new RegExp(`reached the target loss 0\\.35 at step ${r.step}`));
  }
  const text = await page.locator('#curves-text').textContent();
  assert.match(text, /compared at equal training loss \(each run until its training loss ≤ 0\.35, at most 3000 steps\)/);
  console.log(`# budget=loss: ${runs.map((r) => `B = ${r.batch} reached ${r.trainLoss.toFixed(3)} at step ${r.step}`).join('; ')}`);
  await context.close();
});

test('hostile URL parameters are reported as text and break nothing', async () => {
  const hostile = new URLSearchParams({
    lr: 'NaN', n_train: '-5', act: '<img src=x onerror=window.__pwned=1>', hidden: '9'.repeat(5000),
    bogus: '<script>window.__pwned=1</script>',
  });
  for (let k = 0; k < 300; k++) hostile.append(`k${k}`, 'x');
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?${hostile}`);
  await waitSettled(page, [16, 256]);
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

test('on a high-density screen (device pixel ratio 2) charts are drawn twice as fine; hover and SVG use chart pixels', async () => {
  const { page, context, pageErrors, consoleErrors } = await openPage(env.browser, `${env.srv.url}?batch=16,256`,
    { viewport: { width: 1280, height: 900 }, contextOptions: { deviceScaleFactor: 2 } });
  await waitSettled(page, [16, 256]);
  const sizes = await page.evaluate(() => ['landscape', 'curves', 'boundary-0', 'sweep-acc'].map((id) => {
    const c = document.getElementById(id);
    return [id, c.width, c.height, c.clientWidth];
  }));
  // (The sweep's charts are hidden until a sweep runs: no displayed size yet.)
  assert.deepEqual(sizes, [['landscape', 1120, 960, 560], ['curves', 1120, 680, 560], ['boundary-0', 520, 520, 260], ['sweep-acc', 1120, 600, 0]],
    'bitmaps are twice the displayed CSS size');
  // The picture fills the whole bitmap: the colour bar sits at the right edge, not at 560 px.
  const land = await canvasPixels(page, '#landscape');
  const at = (x, y) => land.slice((y * 1120 + x) * 4, (y * 1120 + x) * 4 + 3);
  const right = Array.from({ length: 80 }, (_, k) => at(960 + k, 400)).filter(([r, g, b]) => r + g + b < 700).length;
  assert.ok(right > 20, `the colour bar is drawn near the right edge of the 2× bitmap (${right} coloured pixels)`);
  assert.ok(distinctColours(land) > 100);
  // Plot frames are in chart pixels (≤ 560), so hover marks land on the paths at either scale.
  const frame = await page.evaluate(() => window.batchscape.plotFrames.curves);
  assert.ok(frame.x1 <= 560 && frame.x1 > 400, `curves frame in chart pixels: ${JSON.stringify(frame)}`);
  await page.locator('#curves').scrollIntoViewIfNeeded();
  const box = await page.locator('#curves').boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  const marked = await page.evaluate(() => {
    const s = window.batchscape;
    const o = document.getElementById('curves-overlay');
    const d = o.getContext('2d').getImageData(0, 0, o.width, o.height).data;
    // The mark of run 1 sits where its hovered record is, in chart pixels × 2.
    const k = s.hover.records[0];
    const f = s.runs[0];
    const { x0: px0, y0: py0, x1: px1, y1: py1, x_min: x0, x_max: x1, y_min: y0, y_max: y1 } = s.plotFrames.curves;
    const x = px0 + ((f.epoch[k] - x0) / (x1 - x0)) * (px1 - px0);
    const y = py1 - ((f.trainLoss[k] - y0) / (y1 - y0)) * (py1 - py0);
    const i = (Math.round(2 * y) * o.width + Math.round(2 * x)) * 4;
    return { size: [o.width, o.height], alpha: d[i + 3] };
  });
  assert.deepEqual(marked.size, [1120, 680]);
  assert.ok(marked.alpha > 200, `the hover mark covers the hovered record (alpha ${marked.alpha})`);
  await page.locator('figure:has(#curves)').screenshot({ path: artifactPath('view-curves-dpr2.png') });
  // The SVG export has the chart size, not the bitmap size.
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('button', { name: /Export the Training curves.*as SVG/ }).click()]);
  const fs = await import('node:fs');
  const svg = fs.readFileSync(await download.path(), 'utf8');
  assert.match(svg, /<svg[^>]*width="560"[^>]*height="340"/);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
