// End-to-end: the one self-contained HTML file (issue 15, item 3). Built here from dist/
// (scripts/single.mjs, as `make single` does), opened from file:// in Chromium: its runs train
// (the test API shows them finished) and no request leaves file:, blob: or data:.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { artifactPath, launchBrowser, openPage, serveDist } from './lib/harness.mjs';
import { buildSingle } from '../scripts/single.mjs';

// The workers are classic IIFE bundles from Blob URLs (scripts/single.mjs says why): Chromium
// starts neither module workers nor importing workers in a file:// page.
async function finishedRuns(page) {
  await page.waitForFunction(() => {
    const s = window.batchscape;
    return s?.atlas?.fine && s.runs.filter(Boolean).length === 2 && s.runs.every((f) => !f || f.state === 'finished');
  }, null, { timeout: 30_000 });
  return page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => [f.batch, f.state, f.fingerprint]));
}

test('dist/batchscape.html trains from file:// with no request made, under its strict CSP', async () => {
  const built = await buildSingle();
  const html = fs.readFileSync(built.out);
  console.log(`single file: ${built.bytes} bytes raw, ${zlib.gzipSync(html, { level: 9 }).length} bytes gzip, ${built.modules} scripts (page + ${built.workers.join(', ')})`);
  assert.doesNotMatch(built.csp, /'unsafe-inline'|'unsafe-eval'|'self'|\*/, built.csp);
  assert.match(built.csp, /script-src 'sha256-[^']+' 'wasm-unsafe-eval';/, 'no blob: or other script source');
  const browser = await launchBrowser();
  try {
    const { page, requests, consoleErrors, pageErrors, cspViolations } = await openPage(browser, null, { goto: false });
    await page.goto(`${pathToFileURL(built.out).href}?batch=16,256`);
    const runs = await finishedRuns(page);
    assert.deepEqual(runs.map((r) => r.slice(0, 2)), [[16, 'finished'], [256, 'finished']]);
    await page.screenshot({ path: artifactPath('single-file.png') });
    const outside = requests.filter((r) => !/^(file|blob|data):/.test(r));
    assert.deepEqual(outside, [], 'no request other than file:, blob:, data:');
    assert.deepEqual(await cspViolations(), []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    assert.equal(await page.isVisible('#messages'), false);
    // Its print stylesheet is inlined too: printed, the controls are hidden and the charts shown.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('.controls'), false, 'print.css applies in the single file');
    assert.equal(await page.isVisible('#landscape'), true);
    assert.equal(await page.isVisible('#print-footer'), true);
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(await cspViolations(), []);
    // The same runs on the served page (module workers, fetched wasm) end bit for bit the same.
    const server = await serveDist();
    try {
      const served = await openPage(browser, `${server.url}?batch=16,256`);
      assert.deepEqual(await finishedRuns(served.page), runs, 'the single file trains the same runs as the served page');
    } finally {
      await server.close();
    }
    console.log(`single file runs: ${JSON.stringify(runs)}; requests: ${requests.length} (${[...new Set(requests.map((r) => r.split(':')[0]))].join(', ')})`);
  } finally {
    await browser.close();
  }
});

test('dist/batchscape.html: the sweep worker runs from file:// too', async () => {
  const built = await buildSingle();
  const browser = await launchBrowser();
  try {
    const { page, requests, consoleErrors, pageErrors, cspViolations } = await openPage(browser, null, { goto: false });
    await page.goto(`${pathToFileURL(built.out).href}?n_train=256&epochs=60`);
    await page.waitForFunction(() => window.batchscape?.sweep && !document.getElementById('sweep-run').disabled);
    await page.locator('#sweep-run').click();
    await page.waitForFunction(() => window.batchscape.sweep.done >= 2, null, { timeout: 60_000 });
    await page.locator('#sweep-cancel').click();
    assert.deepEqual(requests.filter((r) => !/^(file|blob|data):/.test(r)), []);
    assert.deepEqual(await cspViolations(), []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await browser.close();
  }
});

test('dist/batchscape.html trains on the digits from file://: digits.bin inlined, the served page\'s runs bit for bit', async () => {
  const built = await buildSingle();
  assert.ok(built.wasms.includes('digits.bin'), `the digits are inlined (${built.wasms.join(', ')})`);
  const query = '?dataset=digits&hidden=16&n_train=256&n_test=128&epochs=5&batch=16,256';
  const browser = await launchBrowser();
  try {
    const { page, requests, consoleErrors, pageErrors, cspViolations } = await openPage(browser, null, { goto: false });
    await page.goto(`${pathToFileURL(built.out).href}${query}`);
    const runs = await finishedRuns(page);
    assert.deepEqual(runs.map((r) => r.slice(0, 2)), [[16, 'finished'], [256, 'finished']]);
    assert.equal(await page.evaluate(() => window.batchscape.runs[0].nParams), 64 * 16 + 16 + 16 * 10 + 10, 'the digits\' network');
    assert.deepEqual(requests.filter((r) => !/^(file|blob|data):/.test(r)), []);
    assert.equal(await page.isVisible('#messages'), false, 'no message: the inlined digits were loaded');
    assert.deepEqual(await cspViolations(), []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    const server = await serveDist();
    try {
      const served = await openPage(browser, `${server.url}${query}`);
      assert.deepEqual(await finishedRuns(served.page), runs, 'inlined and fetched digits train the same runs');
    } finally {
      await server.close();
    }
  } finally {
    await browser.close();
  }
});
