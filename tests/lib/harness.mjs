// Helpers for Batchscape's end-to-end tests (node:test + playwright-core
// driving Debian's /usr/bin/chromium). No browser is ever downloaded.
//
//   import { launchBrowser, serveDist, openPage } from './lib/harness.mjs';
//   const browser = await launchBrowser();
//   const srv = await serveDist();            // dist/ must be built (make build)
//   const { page, consoleErrors } = await openPage(browser, srv.url);
//   ...
//   await browser.close(); await srv.close();

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST_DIR = path.join(REPO_ROOT, 'dist');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'tests', 'artifacts');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Chromium 156 builds its omnibox popups (WebUI pages of ~200 modules, chrome://omnibox-popup,
  // the full and the "AI mode" one) in a renderer of its own as the browser starts, even
  // headless: 0.9–1.5 s of CPU on this 2-core machine, during the first page's load
  // (scripts/startup-trace.mjs prints it as "WebUI Top Renderer"; with all three features off it
  // was gone in 5 of 5 runs, with only the first in 3 of 4). A user's browser did that long before
  // opening the page; the tests do not measure it.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
];

/** Launch Debian's headless Chromium through playwright-core. */
export async function launchBrowser(extraOptions = {}) {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}; run "make test" (it installs Debian's chromium) ` +
        'or apt-get install -y chromium chromium-driver',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    ...extraOptions,
  });
}

/** Serve a directory (default dist/) on 127.0.0.1 with a free port. */
export async function serveDir(dir) {
  return startServer(dir, { port: 0, host: '127.0.0.1' });
}

/** Serve the built dist/ directory on a free port: {url, port, close()}. */
export async function serveDist() {
  if (!fs.existsSync(path.join(DIST_DIR, 'index.html'))) {
    throw new Error(`${DIST_DIR}/index.html missing: run "make build" first`);
  }
  return serveDir(DIST_DIR);
}

// Runs in the page before any of its scripts: collect long-task durations.
// `__longTasks` holds durations (ms); `__longTaskEntries` [startTime, duration] pairs, for a
// test that counts only the tasks that started after some moment (entries arrive late).
function installLongTaskObserver() {
  window.__longTasks = [];
  window.__longTaskEntries = [];
  try {
    const obs = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        window.__longTasks.push(entry.duration);
        window.__longTaskEntries.push([entry.startTime, entry.duration]);
      }
    });
    obs.observe({ type: 'longtask', buffered: true });
  } catch {
    // 'longtask' unsupported: leave the array empty.
  }
}

// Runs in the page before any of its scripts: collect Content-Security-Policy violations
// (`__cspViolations`: { directive, blocked, sample } per event).
function installCspListener() {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
  });
}

/**
 * Open url in a fresh browser context and record what goes wrong.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {{viewport?: {width: number, height: number}, contextOptions?: object,
 *          waitUntil?: 'load'|'domcontentloaded'|'networkidle'|'commit', goto?: boolean}} [opts]
 */
export async function openPage(browser, url, { viewport, contextOptions = {}, waitUntil = 'load', goto = true } = {}) {
  const context = await browser.newContext({
    viewport: viewport ?? { width: 1280, height: 800 },
    ...contextOptions,
  });
  await context.addInitScript(installLongTaskObserver);
  await context.addInitScript(installCspListener);
  const page = await context.newPage();
  const consoleErrors = [];
  const pageErrors = [];
  const requests = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(String(err?.stack || err)));
  // Every request of the context: the page's and its workers' (a worker's fetch is not a page event).
  context.on('request', (req) => requests.push(req.url()));
  if (goto && url) {
    await page.goto(url, { waitUntil });
    // The app's test API (window.batchscape) comes with main.js's evaluation, which waits for
    // prestart.js's top-level await (≤ 0.3 s): the load event does not wait for it, so on a
    // loaded machine a test's first look could find no API. Pages without main.js (bench.html)
    // and a page whose main.js failed (the test then sees that itself) do not wait.
    if (waitUntil === 'load') {
      await page.waitForFunction(() => 'batchscape' in window || !document.querySelector('script[src$="main.js"]'), null, { timeout: 30_000 })
        .catch(() => {});
    }
  }
  // Longest 'longtask' entry (ms) seen so far, 0 if none. Note: code run by
  // page.evaluate itself is not reported as a long task; page tasks
  // (timers, events, module scripts, workers' messages) are.
  const worstLongTask = async () => {
    const tasks = await page.evaluate(() => window.__longTasks ?? []);
    return tasks.length ? Math.max(...tasks) : 0;
  };
  // Content-Security-Policy violations reported so far.
  const cspViolations = () => page.evaluate(() => window.__cspViolations ?? []);
  return { context, page, consoleErrors, pageErrors, requests, worstLongTask, cspViolations };
}

/** Path for a test artifact (screenshots, logs) under tests/artifacts/ (git-ignored). */
export function artifactPath(name) {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/** RGBA bytes of a 2D canvas as a plain array (length = width * height * 4). */
export async function canvasPixels(page, selector) {
  return page.evaluate((sel) => {
    const canvas = document.querySelector(sel);
    if (!canvas) throw new Error(`canvasPixels: no element matches ${sel}`);
    if (!(canvas instanceof HTMLCanvasElement)) throw new Error(`canvasPixels: ${sel} is not a <canvas>`);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error(`canvasPixels: ${sel} has no 2d context`);
    return Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data);
  }, selector);
}

/**
 * Fraction (0..1) of pixels that differ between two RGBA arrays.
 * A pixel differs when any channel differs by more than `tolerance`.
 * Arrays of different length count as entirely different (1).
 */
export function pixelDiff(a, b, { tolerance = 0 } = {}) {
  if (a.length !== b.length) return 1;
  const n = Math.floor(a.length / 4);
  if (n === 0) return 0;
  let differing = 0;
  for (let i = 0; i < n * 4; i += 4) {
    if (
      Math.abs(a[i] - b[i]) > tolerance ||
      Math.abs(a[i + 1] - b[i + 1]) > tolerance ||
      Math.abs(a[i + 2] - b[i + 2]) > tolerance ||
      Math.abs(a[i + 3] - b[i + 3]) > tolerance
    ) {
      differing++;
    }
  }
  return differing / n;
}

/**
 * Serves dist/ and launches Chromium once for a test file (node:test before/after hooks);
 * the returned object holds `srv` and `browser` once the hooks have run.
 */
export function useServedBrowser() {
  const env = {};
  before(async () => {
    env.srv = await serveDist();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.srv?.close();
  });
  return env;
}

/** Number of distinct colours in RGBA pixels: a blank or flat canvas has very few. */
export function distinctColours(px) {
  const seen = new Set();
  for (let i = 0; i < px.length; i += 4) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
  return seen.size;
}
