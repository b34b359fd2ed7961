// End-to-end: the digits are loaded only when asked for (issue 14, first-load size). The compute
// wasm does not embed digits.bin; a worker fetches it when the settings say dataset=digits
// (www/digits-data.js). The default page never requests it; a digits page does, and its runs
// are the digits'; a missing or wrong file is one clear message, the runs then train on the
// default data set, and nothing else breaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, openPage, serveDir, serveDist } from './lib/harness.mjs';

const DIGITS = 'dataset=digits&hidden=16&n_train=256&n_test=128&epochs=5&batch=16,64';

/** Waits until both runs have finished and the fine landscape is in; their [batch, state, params]. */
async function finishedRuns(page) {
  await page.waitForFunction(() => {
    const s = window.batchscape;
    return s?.atlas?.fine && s.runs.filter(Boolean).length === 2 && s.runs.every((f) => !f || f.state === 'finished');
  }, null, { timeout: 60_000 });
  return page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => [f.batch, f.state, f.nParams, f.fingerprint]));
}

const digitsRequests = (requests) => requests.filter((r) => /\/digits\.bin$/.test(new URL(r).pathname));

test('the default page never fetches digits.bin; a digits page does, and trains on the digits', async () => {
  const server = await serveDist();
  const browser = await launchBrowser();
  try {
    const plain = await openPage(browser, `${server.url}?batch=16,64`);
    await finishedRuns(plain.page);
    assert.deepEqual(digitsRequests(plain.requests), [], 'two moons: digits.bin not requested');
    assert.deepEqual(plain.pageErrors, []);

    const digits = await openPage(browser, `${server.url}?${DIGITS}`);
    const runs = await finishedRuns(digits.page);
    // 64 → 16 → 10: (64·16 + 16) + (16·10 + 10) parameters, the digits' network.
    assert.deepEqual(runs.map((r) => r.slice(0, 3)), [[16, 'finished', 1210], [64, 'finished', 1210]]);
    const fetched = digitsRequests(digits.requests);
    assert.ok(fetched.length >= 1, 'digits.bin fetched');
    assert.equal(await digits.page.isVisible('#messages'), false, 'no message: the digits were loaded');
    assert.deepEqual(digits.pageErrors, []);
    assert.deepEqual(digits.consoleErrors, []);
    console.log(`digits page: digits.bin requested ${fetched.length}× (once per worker that builds the scenario); runs ${JSON.stringify(runs)}`);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('digits.bin missing or not the digits: one clear message, the default data set, nothing else breaks', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batchscape-nodigits-'));
  fs.cpSync(path.resolve('dist'), dir, { recursive: true });
  const bin = path.join(dir, 'digits.bin');
  const good = fs.readFileSync(bin);
  const server = await serveDir(dir);
  const browser = await launchBrowser();
  try {
    for (const [what, setUp, reason] of [
      ['missing', () => fs.rmSync(bin), /digits \(digits\.bin\) could not be loaded: HTTP 404/],
      ['truncated', () => fs.writeFileSync(bin, good.subarray(0, 1000)), /digits\.bin has 1000 bytes, not the 116805/],
      // A pixel count 0 → 1: every byte in range, but another file (its hash).
      ['another file', () => { const b = Buffer.from(good); b[0] ^= 1; fs.writeFileSync(bin, b); }, /not the UCI digits file/],
    ]) {
      setUp();
      const { page, pageErrors } = await openPage(browser, `${server.url}?${DIGITS}`);
      const runs = await finishedRuns(page);
      // Two moons' network (2 → 16 → 1), every run finished.
      assert.deepEqual(runs.map((r) => r.slice(0, 3)), [[16, 'finished', 65], [64, 'finished', 65]], what);
      const text = await page.locator('#messages').innerText();
      assert.match(text, reason, `${what}: ${text}`);
      assert.match(text, /using dataset = moons instead/, what);
      assert.deepEqual(pageErrors, [], what);
      assert.equal(await page.evaluate(() => window.batchscape.replacedWorkers.run), 0, `${what}: no worker failed`);
      await page.context().close();
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
