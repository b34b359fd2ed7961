// Self-test of the test plumbing: static server + headless Chromium via
// playwright-core. Independent of the Batchscape page and crate.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../scripts/serve.mjs';
import { launchBrowser, openPage, canvasPixels, pixelDiff, artifactPath } from './lib/harness.mjs';

let dir;
let srv;
let browser;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batchscape-harness-'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>harness</title>' +
      '<link rel="icon" href="data:,"></head><body><h1 id="hi">hello</h1>' +
      '<canvas id="c" width="4" height="2"></canvas>' +
      '<script type="module" src="./m.js"></script></body></html>\n',
  );
  fs.writeFileSync(
    path.join(dir, 'm.js'),
    "const ctx = document.getElementById('c').getContext('2d');\n" +
      "ctx.fillStyle = 'rgb(255, 0, 0)'; ctx.fillRect(0, 0, 2, 2);\n" +
      "document.body.dataset.ready = '1';\n",
  );
  fs.writeFileSync(path.join(dir, 'x.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub', 'index.html'), '<!doctype html><title>sub</title>\n');
  srv = await startServer(dir, { port: 0 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function rawGet(port, rawPath) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('server: MIME types, index.html, no-cache, 404', async () => {
  const root = await rawGet(srv.port, '/');
  assert.equal(root.status, 200);
  assert.match(root.headers['content-type'], /^text\/html/);
  assert.equal(root.headers['cache-control'], 'no-cache');
  assert.match(root.body, /hello/);

  const js = await rawGet(srv.port, '/m.js');
  assert.match(js.headers['content-type'], /^text\/javascript/);

  const wasm = await rawGet(srv.port, '/x.wasm');
  assert.equal(wasm.headers['content-type'], 'application/wasm');

  assert.equal((await rawGet(srv.port, '/sub/')).status, 200);
  assert.equal((await rawGet(srv.port, '/sub')).status, 301);
  assert.equal((await rawGet(srv.port, '/nope.js')).status, 404);
});

test('server: rejects paths escaping the root', async () => {
  for (const p of ['/../etc/passwd', '/%2e%2e/etc/passwd', '/sub/../../etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%2e%2e%5cetc']) {
    const res = await rawGet(srv.port, p);
    assert.ok(res.status === 403 || res.status === 404, `${p} -> ${res.status}`);
    assert.doesNotMatch(res.body, /root:/);
  }
});

test('chromium loads a page with no console errors', async () => {
  const { context, page, consoleErrors, pageErrors, requests, worstLongTask } = await openPage(browser, srv.url, {
    viewport: { width: 800, height: 600 },
  });
  try {
    await page.waitForSelector('body[data-ready="1"]');
    assert.equal(await page.textContent('#hi'), 'hello');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    assert.ok(requests.some((u) => u.endsWith('/m.js')), 'module script was requested');
    assert.equal(typeof (await worstLongTask()), 'number');
    // A 150 ms busy loop in a page task must show up as a long task. (Code
    // run by page.evaluate itself is not reported as a long task.)
    await page.evaluate(() => {
      setTimeout(() => {
        const t0 = performance.now();
        while (performance.now() - t0 < 150) {}
      }, 0);
    });
    await page.waitForFunction(() => (window.__longTasks ?? []).length > 0, null, { timeout: 5000 });
    assert.ok((await worstLongTask()) >= 100, 'long task recorded');

    const px = await canvasPixels(page, '#c');
    assert.equal(px.length, 4 * 2 * 4);
    assert.deepEqual(px.slice(0, 4), [255, 0, 0, 255]); // left half red
    assert.deepEqual(px.slice(12, 16), [0, 0, 0, 0]); // right half transparent
    const blank = new Array(px.length).fill(0);
    assert.equal(pixelDiff(px, px), 0);
    assert.equal(pixelDiff(px, blank), 0.5);

    await page.screenshot({ path: artifactPath('harness.png') });
    assert.ok(fs.existsSync(artifactPath('harness.png')));
  } finally {
    await context.close();
  }
});

test('openPage records console errors and page errors', async () => {
  const { context, page, consoleErrors, pageErrors } = await openPage(browser, srv.url);
  try {
    await page.evaluate(() => {
      console.error('deliberate');
      setTimeout(() => {
        throw new Error('boom');
      }, 0);
    });
    await page.waitForFunction(() => true);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(consoleErrors.includes('deliberate'));
    assert.ok(pageErrors.some((e) => e.includes('boom')));
  } finally {
    await context.close();
  }
});
