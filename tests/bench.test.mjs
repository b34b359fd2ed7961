// End-to-end: the W1 bench page (bench.html) that the peer harness measures with `--url`.
// Checks that the browser runs the very workload the native tests pin: the same training
// fingerprint, and W1's reference loss after 2000 steps at B = 32 and at θ0 (values copied from
// the W1 benchmark's published reference table). Times are printed, not judged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();

test('bench.html runs W1 in the browser with the reference numbers and the native fingerprint', async () => {
  const { page, context, consoleErrors, pageErrors } = await openPage(env.browser, `${env.srv.url}bench.html`);
  await page.evaluate(() => window.benchReady);
  // Pinned natively in crate/src/w1.rs: the browser's W1 training is bit-identical.
  assert.equal(await page.evaluate(() => window.benchFingerprint), '0660648e');
  const w1 = await page.evaluate(() => window.benchW1({ batchSize: 32, steps: 2000 }));
  assert.ok(Math.abs(w1.loss - 0.071763) < 1e-4, `loss after 2000 steps at B = 32: ${w1.loss}`);
  const land = await page.evaluate(() => window.benchLandscape({ gridSize: 51 }));
  assert.ok(Math.abs(land.lossCenter - 0.718232220) < 1e-5, `landscape centre ${land.lossCenter}`);
  console.log(`# W1 in this browser: 2000 steps at B = 32 in ${w1.ms.toFixed(1)} ms (${(64000 / w1.ms).toFixed(0)} k examples/s); 51×51 landscape ${land.ms.toFixed(1)} ms`);
  const an = await page.evaluate(() => window.benchAnalysis({ steps: 2000 }));
  assert.ok(an.lambdaMax > 0 && Number.isFinite(an.bSimple) && an.bSimple > 0, JSON.stringify(an));
  console.log(`# analysis in this browser at θ after 2000 steps (B = 32): λ_max ${an.lambdaMax.toFixed(3)} in ${an.lambdaMs.toFixed(1)} ms `
    + `(${an.products} Hessian-vector products); exact B_simple ${an.bSimple.toFixed(1)} in ${an.bSimpleMs.toFixed(1)} ms`);
  // The digits workload (core digits_bench, the cargo bench's): every case runs and reports a rate.
  const digits = await page.evaluate(() => window.benchDigitsAll());
  assert.deepEqual(digits.map((d) => d.batchSize), [1, 32, 512]);
  for (const d of digits) assert.ok(d.steps > 0 && Number.isFinite(d.ms) && d.ms > 0 && Number.isFinite(d.examplesPerSecond) && d.examplesPerSecond > 0, JSON.stringify(d));
  assert.equal(await page.locator('#digits-rows tr').count(), 3, 'shown on the page');
  console.log(`# digits in this browser: ${digits.map((d) => `B = ${d.batchSize}: ${Math.round(d.examplesPerSecond)} examples/s (${d.steps} steps in ${d.ms.toFixed(1)} ms)`).join('; ')}`);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
