// URL fuzzing of the page in Chromium: FUZZ_URLS (default 100; `make fuzz`: 2000) query strings
// from tests/lib/urlgen.mjs (seed FUZZ_SEED, default 1), loaded one after another in ONE tab.
// Each load: no page error, no console error, a picture (a shown chart canvas painted), a
// visible message naming each key whose value no key accepts, and nothing injected into the
// DOM (no on* attribute, no script or img that the clean page does not have). Prints the
// count, the time and the failures (the test fails if there is any).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactPath, openPage, useServedBrowser } from './lib/harness.mjs';
import { PAGE_KEY_LIST, SETTING_KEYS, urlCase } from './lib/urlgen.mjs';

const env = useServedBrowser();
const N = Number(process.env.FUZZ_URLS ?? 100);
const SEED = Number(process.env.FUZZ_SEED ?? 1);
/** Values no setting and no page key accepts: each must be reported by key. */
const NEVER_VALID = new Set(['NaN', 'Infinity', '-Infinity', '∞', '1e999', '<img src=x onerror=alert(1)>', '"><script>alert(1)</script>',
  'javascript:alert(1)', 'λ', '🙂', '{{7*7}}', '<svg onload=alert(1)>']);

/** What the DOM holds that a URL could inject, and whether a shown chart is painted. */
function inspect(ready = false) {
  const shown = [...document.querySelectorAll('canvas[role="img"]')].filter((c) => c.offsetParent !== null && c.width > 0);
  const painted = shown.some((c) => {
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < px.length && seen.size <= 20; i += 4 * 97) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    return seen.size > 20;
  });
  const onAttrs = [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name))).length;
  const messages = document.getElementById('messages');
  const settled = Boolean(window.batchscape?.settings) && !window.batchscape.pendingScenario;
  if (ready) return settled && painted;
  return {
    painted,
    onAttrs,
    scripts: document.scripts.length,
    imgs: document.images.length,
    messages: messages && !messages.hidden ? document.getElementById('message-list').textContent : '',
    settled,
  };
}

test(`URL fuzzing: ${N} hostile query strings, one tab`, { timeout: 600_000 }, async () => {
  const { page, consoleErrors, pageErrors } = await openPage(env.browser, `${env.srv.url}?n_train=64&epochs=2&grid=11`);
  await page.waitForFunction(inspect, true, { timeout: 60_000, polling: 200 });
  const clean = await page.evaluate(inspect);
  const failures = [];
  let checkedMessages = 0;
  const t0 = Date.now();
  for (let i = 0; i < N; i++) {
    const { query, pairs } = urlCase(SEED, i);
    consoleErrors.length = 0;
    pageErrors.length = 0;
    const problems = [];
    try {
      await page.goto(`${env.srv.url}?${query}`, { waitUntil: 'load' });
      await page.waitForFunction(
        inspect, true, { timeout: 30_000, polling: 100 },
      ).catch((e) => problems.push(`no picture within 30 s (${String(e.message).slice(0, 120)})`));
      const seen = await page.evaluate(inspect);
      if (seen.onAttrs > clean.onAttrs) problems.push(`${seen.onAttrs} elements with an on* attribute`);
      if (seen.scripts > clean.scripts) problems.push(`${seen.scripts - clean.scripts} scripts more than the clean page`);
      if (seen.imgs > clean.imgs) problems.push(`${seen.imgs - clean.imgs} images more than the clean page`);
      const keys = new Set([...SETTING_KEYS, ...['plane', 'x']]);
      for (const [k, v] of pairs) {
        if (!keys.has(k) || !NEVER_VALID.has(v)) continue;
        checkedMessages++;
        if (!seen.messages.includes(`\`${k}\``)) problems.push(`no message for ${k}=${v}`);
      }
    } catch (err) {
      problems.push(`load failed: ${err.message}`);
    }
    if (pageErrors.length) problems.push(`page errors: ${pageErrors.join(' | ').slice(0, 300)}`);
    if (consoleErrors.length) problems.push(`console errors: ${consoleErrors.join(' | ').slice(0, 300)}`);
    if (problems.length) failures.push({ i, query: query.slice(0, 300), problems });
  }
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  await page.screenshot({ path: artifactPath('fuzz-url-last.png') });
  console.log(`fuzz-url: ${N} URLs (seed ${SEED}) in ${s} s, ${checkedMessages} rejected values checked for a message, ${failures.length} failing`);
  for (const f of failures.slice(0, 10)) console.log(`  #${f.i} ?${f.query}\n    ${f.problems.join('\n    ')}`);
  assert.equal(failures.length, 0, `${failures.length} of ${N} URLs failed (first: ${JSON.stringify(failures[0])})`);
  assert.ok(PAGE_KEY_LIST.length > 0);
});
