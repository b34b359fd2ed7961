// End-to-end: the learner's own data (issue 13, part 4). Points drawn by mouse or keyboard on
// #own-canvas train the runs (dataset=custom, points=…); the decision-boundary canvases show
// them; the fingerprint equals the native tool's for the same points and seed; a bad CSV and a
// hostile `points=` URL value get a message naming the line / point, and the page still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT, artifactPath, canvasPixels, distinctColours, openPage, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();
const QUERY = 'hidden=8&n_train=128&n_test=64&epochs=30&lr=0.3&batch=8%2C64';
const BATCHES = [8, 64];

async function waitSettled(page, batches, dataset) {
  await page.waitForFunction(([want, ds]) => {
    const s = window.batchscape;
    if (!s || s.pendingScenario || s.dirty || s.settings.dataset !== ds) return false;
    const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
    return slots.length === want.length && slots.every((k, i) => s.runs[k]?.batch === want[i] && s.runs[k].state !== 'running');
  }, [batches, dataset], { timeout: 180_000 });
}

function native(args) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'batchscape-'));
  execFileSync('cargo', ['run', '-q', '-p', 'batchscape', '--bin', 'batchscape', '--', 'run', ...args, '--out', path.join(out, 'o')],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return JSON.parse(fs.readFileSync(path.join(out, 'o', 'metrics.json'), 'utf8'));
}

/** Pixels of the drawing canvas's class-1 dots (the maps' orange, #d55e00): r > 180, g in 60..130, b < 40. */
const orangePixels = (px) => { let n = 0; for (let i = 0; i < px.length; i += 4) if (px[i] > 180 && px[i + 1] > 60 && px[i + 1] < 130 && px[i + 2] < 40) n++; return n; };

test('20 points drawn by mouse train both runs, the boundaries show them, and the native tool gives the same θ', async () => {
  const { page, context, consoleErrors, pageErrors } = await openPage(env.browser, `${env.srv.url}?${QUERY}`);
  await waitSettled(page, BATCHES, 'moons');
  await page.click('#owndata summary');
  const box = await page.locator('#own-canvas').boundingBox();
  // Ten class-0 points on the left (x1 < 0), ten class-1 on the right, on a slanted band.
  for (let i = 0; i < 20; i++) {
    if (i === 10) await page.selectOption('#own-class', '1');
    const fx = i < 10 ? 0.15 + 0.02 * i : 0.65 + 0.02 * (i - 10);
    const fy = 0.1 + 0.08 * (i % 10);
    await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
  }
  await page.waitForFunction(() => document.querySelector('#own-status').textContent.includes('20 points'));
  assert.match(await page.textContent('#own-status'), /20 points \(class 0: 10, class 1: 10, class 2: 0\)/);
  assert.ok(orangePixels(await canvasPixels(page, '#own-canvas')) > 100, 'the class-1 points are drawn in the maps\' orange');
  await page.screenshot({ path: artifactPath('owndata-drawn.png'), clip: { x: box.x - 10, y: box.y - 10, width: 600, height: box.height + 20 } });
  await page.click('#own-train');
  await waitSettled(page, BATCHES, 'custom');
  const settings = await page.evaluate(() => window.batchscape.settings);
  assert.equal(settings.points.split(';').length, 20);
  assert.ok(new URL(page.url()).searchParams.get('points') === settings.points, 'the points travel in the URL');
  const runs = await page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => ({ batch: f.batch, state: f.state, fingerprint: f.fingerprint, acc: f.trainAcc[f.trainAcc.length - 1] })));
  assert.deepEqual(runs.map((r) => r.state), ['finished', 'finished']);
  assert.ok(runs[0].acc > 0.9, `the separable points are learnt: train accuracy ${runs[0].acc}`);
  for (const k of [0, 1]) assert.ok(distinctColours(await canvasPixels(page, `#boundary-${k}`)) > 20, `boundary ${k} drawn`);
  await page.locator('[data-panel=boundaries]').screenshot({ path: artifactPath('owndata-boundary.png') });
  assert.equal(await page.isVisible('#messages'), false, 'nothing rejected');
  const metrics = native([...new URLSearchParams(QUERY), ['dataset', 'custom'], ['points', settings.points]].flatMap(([k, v]) => ['--set', `${k}=${v}`]));
  assert.deepEqual(metrics.runs.map((r) => r.theta_fingerprint), runs.map((r) => r.fingerprint), 'browser ≡ native');
  console.log(`# owndata: fingerprints ${runs.map((r) => r.fingerprint).join(', ')}; train acc ${runs.map((r) => r.acc).join(', ')}`);
  // A reload of the URL shows the same points on the canvas.
  await page.reload();
  await waitSettled(page, BATCHES, 'custom');
  assert.match(await page.textContent('#own-status'), /20 points/);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('20 points placed by keyboard (three classes) train; undo and clear work; announced in the live region', async () => {
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?${QUERY}`);
  await waitSettled(page, BATCHES, 'moons');
  await page.click('#owndata summary');
  await page.focus('#own-canvas');
  // Three clusters of seven: the cursor starts at (0, 0); Shift+arrow moves 0.5, an arrow 0.1.
  const press = async (key, n = 1) => { for (let j = 0; j < n; j++) await page.keyboard.press(key); };
  const cluster = async (label, step) => { for (let j = 0; j < 7; j++) { await press(label); await press(step); } };
  await press('Shift+ArrowLeft', 2);
  await cluster('0', 'ArrowUp');             // class 0 at x1 = −1, x2 = 0 … 0.6
  await press('Shift+ArrowRight', 4);
  await cluster('1', 'ArrowDown');           // class 1 at x1 = 1, x2 = 0.7 … 0.1
  await press('Shift+ArrowDown', 3);
  await cluster('2', 'ArrowLeft');           // class 2 at x2 = −1.5, x1 = 1 … 0.4
  await press('2');
  await page.waitForFunction(() => document.querySelector('#own-status').textContent.includes('22 points'));
  assert.match(await page.textContent('#own-status'), /^Placed class 2 at \(0\.3, -1\.5\)\. 22 points \(class 0: 7, class 1: 7, class 2: 8\)/);
  await press('Backspace', 2);
  await page.waitForFunction(() => document.querySelector('#own-status').textContent.includes('20 points'));
  assert.match(await page.textContent('#own-status'), /Removed the last point\. 20 points \(class 0: 7, class 1: 7, class 2: 6\)/);
  assert.equal(await page.getAttribute('#own-status', 'aria-live'), 'polite');
  await page.click('#own-train');
  await waitSettled(page, BATCHES, 'custom3');
  const runs = await page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => f.state));
  assert.deepEqual(runs, ['finished', 'finished']);
  assert.equal((await page.evaluate(() => window.batchscape.settings.points)).split(';').length, 20);
  for (const k of [0, 1]) assert.ok(distinctColours(await canvasPixels(page, `#boundary-${k}`)) > 20, `boundary ${k} drawn`);
  await page.locator('[data-panel=boundaries]').screenshot({ path: artifactPath('owndata-keyboard.png') });
  await page.click('#own-clear');
  assert.match(await page.textContent('#own-status'), /Cleared\. 0 points/);
  await page.click('#own-train');
  assert.match(await page.textContent('#messages'), /at least 4 points/);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a bad CSV gets a message naming its line; a good one loads', async () => {
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?${QUERY}`);
  await waitSettled(page, BATCHES, 'moons');
  await page.click('#owndata summary');
  await page.setInputFiles('#own-csv', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('x1,x2,label\n0,0,0\n1,1,1\n0.5,oops,1\n') });
  await page.waitForSelector('#messages:not([hidden])');
  assert.match(await page.textContent('#messages'), /bad\.csv: line 4 \("0\.5,oops,1"\): x2 "oops" is not a number/);
  await page.setInputFiles('#own-csv', { name: 'junk.bin', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 1, 2, 255, 254, 10, 0x50, 0x4e]) });
  await page.waitForFunction(() => document.querySelector('#messages').textContent.includes('junk.bin'));
  assert.match(await page.textContent('#messages'), /junk\.bin: line 1/);
  await page.setInputFiles('#own-csv', { name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from('0,0,0\n'.repeat(100_000)) });
  await page.waitForFunction(() => document.querySelector('#messages').textContent.includes('big.csv'));
  assert.match(await page.textContent('#messages'), /big\.csv: larger than 262144 bytes/);
  await page.setInputFiles('#own-csv', { name: 'ok.csv', mimeType: 'text/csv', buffer: Buffer.from('x1,x2,label\n-1,0,0\n-1,1,0\n1,0,1\n1,-1,1\n0,1.5,2\n') });
  await page.waitForFunction(() => document.querySelector('#own-status').textContent.includes('ok.csv'));
  assert.match(await page.textContent('#own-status'), /5 points \(class 0: 2, class 1: 2, class 2: 1\)/);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a hostile points= URL value gets a message naming the point, and the page still trains', async () => {
  const hostile = encodeURIComponent('NaN:1e999:7;;\u0000<img src=x onerror=alert(1)>');
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?dataset=custom&points=${hostile}&${QUERY}`);
  await waitSettled(page, BATCHES, 'moons');
  const messages = await page.textContent('#messages');
  assert.match(messages, /points/);
  assert.match(messages, /point 1 \("NaN:1e999:7"\): x1 "NaN" is not a finite number/);
  assert.equal(await page.locator('#messages img').count(), 0, 'no markup from the URL');
  const states = await page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => f.state));
  assert.deepEqual(states, ['finished', 'finished']);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
