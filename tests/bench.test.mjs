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
  assert.equal(await page.evaluate(() => window.benchFingerprint), '6e2fd062');
  const w1 = await page.evaluate(() => window.benchW1({ batchSize: 32, steps: 2000 }));
  assert.ok(Math.abs(w1.loss - 0.071763) < 1e-4, `loss after 2000 steps at B = 32: ${w1.loss}`);
  const land = await page.evaluate(() => window.benchLandscape({ gridSize: 51 }));
  assert.ok(Math.abs(land.lossCenter - 0.718232220) < 1e-5, `landscape centre ${land.lossCenter}`);
  console.log(`# W1 in this browser: 2000 steps at B = 32 in ${w1.ms.toFixed(1)} ms (${(64000 / w1.ms).toFixed(0)} k examples/s); 51×51 landscape ${land.ms.toFixed(1)} ms`);
  const an = await page.evaluate(() => window.benchAnalysis({ steps: 2000 }));
  assert.ok(an.lambdaMax > 0 && Number.isFinite(an.bSimple) && an.bSimple > 0, JSON.stringify(an));
  console.log(`# analysis in this browser at θ after 2000 steps (B = 32): λ_max ${an.lambdaMax.toFixed(3)} in ${an.lambdaMs.toFixed(1)} ms `
    + `(${an.products} Hessian-vector products); exact B_simple ${an.bSimple.toFixed(1)} in ${an.bSimpleMs.toFixed(1)} ms`);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
