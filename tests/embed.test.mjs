// End-to-end: embeds that fit learning platforms (issue 15, item 2). The share dialog's snippet,
// pasted into a host page on a second origin, resizes its iframe to the page's content
// (`batchscape:resize` messages, embed.js); a fixed or bad `embed_height`; panels stacked or side
// by side by the frame's width.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { artifactPath, openPage, serveDir, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();

// The host servers still open: closed after the tests even when one fails half-way (an open
// server would keep this file's process alive, and the whole test run with it).
const hosts = new Set();
after(async () => { for (const srv of hosts) await srv.close(); });

const settled = () => {
  const s = window.batchscape;
  if (!s?.atlas?.fine || s.pendingScenario || s.dirty) return false;
  const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
  return slots.length > 0 && slots.every((k) => s.runs[k] && s.runs[k].state !== 'running');
};

/** The share dialog's snippet for `query` with the given panels (grow-to-fit on). */
async function snippetFor(query, panels) {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?${query}`);
  await page.locator('#menu summary').click();
  await page.getByRole('button', { name: 'Share or embed…' }).click();
  for (const box of await page.locator('#share input[name=panel]').all()) {
    const want = panels.includes(await box.getAttribute('value'));
    if ((await box.isChecked()) !== want) await box.click();
  }
  assert.equal(await page.isChecked('#embed-auto'), true, 'grow-to-fit is the default');
  const code = await page.inputValue('#embed-code');
  await context.close();
  return code;
}

/** A host page on its own server (a second origin) holding `body`. */
async function host(body) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-host-'));
  fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>Course page</title>
<script>window.__resizes = []; window.__from = [];
addEventListener('message', (e) => {
  if (!e.data || e.data.type !== 'batchscape:resize') return;
  window.__resizes.push(e.data.height);
  window.__from.push([...document.querySelectorAll('iframe')].find((f) => f.contentWindow === e.source)?.id);
});</script>
<h1>Lesson 4: batch size</h1>${body}<p>After the frame.</p>`);
  const srv = await serveDir(dir);
  assert.notEqual(new URL(srv.url).origin, new URL(env.srv.url).origin, 'the host is on a second origin');
  hosts.add(srv);
  return { url: srv.url, close: async () => { if (hosts.delete(srv)) await srv.close(); } };
}

test('the snippet on a host page of another origin: the frame grows to its content, nothing cut off', async () => {
  const code = await snippetFor('batch=16,256', ['controls', 'landscape', 'curves']);
  assert.match(code, /<iframe id="batchscape-embed" src="[^"]*embed_height=auto/);
  assert.match(code, /addEventListener\('message'/);
  assert.match(code, /e\.source !== f\.contentWindow/, 'the host script checks the sender');
  const parent = await host(code);
  const { page, context, requests } = await openPage(env.browser, parent.url, { viewport: { width: 900, height: 600 } });
  await page.waitForFunction(() => document.getElementById('batchscape-embed')?.contentWindow);
  let frame = null;
  while (!(frame = page.frame({ url: /embed=/ }))) await page.waitForTimeout(50);
  await frame.waitForFunction(settled, null, { timeout: 120_000 });
  // The page reported a height, and the host applied it: the frame is no longer 400 px tall.
  await page.waitForFunction(() => window.__resizes.length > 0
    && Math.abs(document.getElementById('batchscape-embed').getBoundingClientRect().height - window.__resizes.at(-1)) < 1);
  const resizes = await page.evaluate(() => window.__resizes);
  const frameHeight = await page.evaluate(() => document.getElementById('batchscape-embed').getBoundingClientRect().height);
  assert.ok(frameHeight > 400, `the frame grew from 400 px to ${frameHeight} px (messages: ${resizes.join(', ')})`);
  // Nothing is cut off: the frame is at least as tall as its content.
  const inner = await frame.evaluate(() => ({
    scroll: document.documentElement.scrollHeight, view: window.innerHeight,
    bottom: Math.max(...[...document.querySelectorAll('[data-panel].shown')].map((el) => el.getBoundingClientRect().bottom)),
  }));
  assert.ok(inner.view >= inner.scroll, `frame ${inner.view} px ≥ content ${inner.scroll} px`);
  assert.ok(inner.bottom <= inner.view, `the last panel ends at ${inner.bottom} px inside the ${inner.view} px frame`);
  // Wide frame (900 px): landscape and curves side by side.
  const tops = () => frame.evaluate(() => ['landscape', 'curves'].map((p) => document.querySelector(`figure[data-panel=${p}]`).getBoundingClientRect().top));
  const [a, b] = await tops();
  assert.ok(Math.abs(a - b) < 2, `side by side at 860 px (${a}, ${b})`);
  await page.screenshot({ path: artifactPath('embed-auto-wide.png'), fullPage: true });
  // A narrow frame: the panels stack, the frame grows again, still nothing cut off.
  const before = frameHeight;
  await page.evaluate(() => { document.getElementById('batchscape-embed').width = '360'; });
  await page.waitForFunction((h) => document.getElementById('batchscape-embed').getBoundingClientRect().height > h + 100, before);
  const [c, d] = await tops();
  assert.ok(d > c + 100, `stacked at 360 px (${c}, ${d})`);
  await page.waitForFunction(() => Math.abs(document.getElementById('batchscape-embed').getBoundingClientRect().height - window.__resizes.at(-1)) < 1);
  const narrow = await frame.evaluate(() => [document.documentElement.scrollHeight, window.innerHeight]);
  assert.ok(narrow[1] >= narrow[0], `narrow frame ${narrow[1]} px ≥ content ${narrow[0]} px`);
  await page.screenshot({ path: artifactPath('embed-auto-narrow.png'), fullPage: true });
  for (const r of requests) assert.match(r, /^(http:\/\/127\.0\.0\.1:\d+\/|data:|blob:)/, `request stays local: ${r}`);
  await context.close();
  await parent.close();
});

test('a message from another window does not resize the frame (the host script checks event.source)', async () => {
  const code = await snippetFor('batch=16', ['landscape']);
  const parent = await host(code);
  const { page, context } = await openPage(env.browser, parent.url);
  await page.evaluate(() => window.postMessage({ type: 'batchscape:resize', height: 3000 }, '*'));
  await page.waitForTimeout(200);
  const h = await page.evaluate(() => document.getElementById('batchscape-embed').getBoundingClientRect().height);
  assert.ok(h < 3000, `a forged message left the frame at ${h} px`);
  await context.close();
  await parent.close();
});

test('embed_height: a fixed height posts nothing and fits the frame; a bad value gets a message', async () => {
  const parent = await host(`<iframe id="f" src="${env.srv.url}?batch=16&embed=controls,landscape&embed_height=300" width="640" height="300"></iframe>
<iframe id="g" src="${env.srv.url}?batch=16&embed=landscape&embed_height=tall" width="640" height="400"></iframe>`);
  const { page, context } = await openPage(env.browser, parent.url, { viewport: { width: 800, height: 900 } });
  let fixed = null;
  let bad = null;
  while (!(fixed = page.frame({ url: /embed_height=300/ })) || !(bad = page.frame({ url: /embed_height=tall/ }))) await page.waitForTimeout(50);
  await fixed.waitForFunction(settled, null, { timeout: 120_000 });
  await page.waitForTimeout(400);
  const from = await page.evaluate(() => window.__from);
  assert.ok(from.includes('g'), 'the frame without a fixed height reports its height');
  assert.ok(!from.includes('f'), 'the fixed-height frame posts nothing');
  assert.equal(await fixed.evaluate(() => document.body.classList.contains('embed-fixed')), true);
  const [scroll, view] = await fixed.evaluate(() => [document.documentElement.scrollHeight, window.innerHeight]);
  assert.ok(scroll <= view + 1, `the fixed 300 px frame holds its content (${scroll} px)`);
  await bad.waitForFunction(() => !document.getElementById('embed-note').hidden);
  assert.match(await bad.textContent('#embed-note'), /embed_height = "tall" is not a number of pixels or "auto"/);
  await context.close();
  await parent.close();
});
