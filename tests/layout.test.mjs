// End-to-end: the page's layout (issue 16) in headless Chromium at 1280×800 and 390×844 —
// the first screen (a batch slider and a drawn chart without scrolling), the sticky controls
// (a slider stays in view beside every view), no button whose text overflows from 360 px up,
// the chapters (each restored from its link, keyboard-navigable, in embed mode), the toolbar
// menu, the glossary (definitions on focus), the note when no run learns, and axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { CHAPTERS, chapterStates } from '../www/chapters.js';
import { GLOSSARY } from '../www/glossary.js';
import { SCENES } from '../www/scenes.js';
import { REPO_ROOT, artifactPath, canvasPixels, distinctColours, openPage, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();
const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Waits until every active run has stopped and the fine landscape is drawn. */
async function waitSettled(page, timeout = 120_000) {
  await page.waitForFunction(() => {
    const s = window.batchscape;
    if (!s?.atlas?.fine || s.pendingScenario || s.dirty) return false;
    const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
    return slots.length > 0 && slots.every((k) => s.runs[k] && s.runs[k].state !== 'running');
  }, null, { timeout });
}

/** Waits until every active run has stopped and been diagnosed (sharpness, dynamics). */
async function waitDiagnosed(page, timeout = 180_000) {
  await page.waitForFunction(() => {
    const s = window.batchscape;
    if (!s?.atlas?.fine || s.pendingScenario || s.dirty) return false;
    const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
    return slots.length > 0 && slots.every((k) => s.runs[k] && s.runs[k].state !== 'running'
      && (s.runs[k].state === 'diverged' || s.diag[k]?.gen === s.gens[k]));
  }, null, { timeout });
}

/** The part of element `sel` inside the viewport: { visible (px of its height), height, top, bottom }. */
const inView = (page, sel) => page.evaluate((s) => {
  const r = document.querySelector(s).getBoundingClientRect();
  const top = Math.max(0, r.top);
  const bottom = Math.min(window.innerHeight, r.bottom);
  const inside = r.left >= -1 && r.right <= window.innerWidth + 1;
  return { visible: inside ? Math.max(0, bottom - top) : 0, height: r.height, top: r.top, bottom: r.bottom };
}, sel);

for (const [name, viewport] of [['1280×800', WIDE], ['390×844', PHONE]]) {
  test(`first screen at ${name}: the question, a batch slider, a drawn chart and the next step, without scrolling`, async () => {
    const { page, context, consoleErrors, pageErrors } = await openPage(env.browser, env.srv.url, { viewport });
    await waitSettled(page);
    assert.equal(await page.evaluate(() => window.batchscape.chapter), 0, 'the first visit opens chapter 1');
    assert.deepEqual(await page.evaluate(() => window.batchscape.batches), [1, 256]);
    assert.equal(await page.textContent('#chapter-question'), 'What changes when each update sees 1 example instead of all 256?');
    assert.equal(await page.evaluate(() => window.scrollY), 0);
    const slider = await inView(page, '#batch-0');
    assert.ok(slider.visible >= slider.height && slider.height > 0, `Run 1's slider in view: ${JSON.stringify(slider)}`);
    // At least one chart is drawn (many colours) and at least two thirds of it is in view.
    const charts = [];
    for (const id of ['#landscape', '#curves']) {
      const v = await inView(page, id);
      charts.push({ id, ...v, colours: distinctColours(await canvasPixels(page, id)) });
    }
    assert.ok(charts.some((c) => c.visible >= (2 / 3) * c.height && c.colours > 50), `a drawn chart in view: ${JSON.stringify(charts)}`);
    const next = await inView(page, '#chapter-next');
    assert.ok(next.visible > 0, `the next step is in view: ${JSON.stringify(next)}`);
    assert.match(await page.textContent('#chapter-next'), /^Next: What it costs/);
    await page.screenshot({ path: artifactPath(`layout-first-${viewport.width}.png`) });
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test(`at ${name} a batch slider stays in view beside every view of the lab`, async () => {
    const { page, context } = await openPage(env.browser, `${env.srv.url}?batch=16,256`, { viewport });
    await waitSettled(page);
    assert.equal(await page.evaluate(() => window.batchscape.chapter), null, 'a link with settings opens the full lab');
    const views = await page.$$eval('main.views > figure.view', (fs) => fs.filter((f) => f.offsetParent !== null).map((f) => f.dataset.panel));
    assert.ok(views.length >= 7, `every view of the lab is shown: ${views}`);
    for (const panel of views) {
      await page.evaluate((p) => document.querySelector(`figure[data-panel=${p}]`).scrollIntoView({ block: 'start' }), panel);
      await page.waitForTimeout(50);
      assert.ok(await page.evaluate(() => window.scrollY) > 0 || panel === views[0], `${panel}: the page scrolled`);
      const s = await inView(page, '#batch-0');
      assert.ok(s.visible >= s.height, `${panel}: Run 1's slider is in view (${JSON.stringify(s)})`);
      const v = await inView(page, `figure[data-panel=${panel}]`);
      assert.ok(v.visible > 0, `${panel} is in view`);
    }
    // Moving the slider there shows its effect there: the run restarts and its status changes.
    await page.locator('#batch-0').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.batchscape.runs[0]?.batch === 32);
    assert.ok((await inView(page, '#run-status-0')).visible > 0 || viewport.width < 980, 'the run\'s status is in view');
    await context.close();
  });
}

test('no button\'s text overflows it, from 360 px up (chapter, lab, menu open)', async () => {
  for (const width of [360, 375, 390, 768, 1280]) {
    for (const query of ['', '?batch=1,256,4,4096&n_train=4096&epochs=1']) {
      const { page, context } = await openPage(env.browser, `${env.srv.url}${query}`, { viewport: { width, height: 800 } });
      await page.waitForFunction(() => window.batchscape?.batches.filter((b) => b !== undefined).length > 0 && !window.batchscape.pendingScenario);
      await page.locator('#menu summary').click();
      const bad = await page.$$eval('button, summary, .file-button, .chapter-list button', (els) => els
        .filter((e) => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 0.5)
        .map((e) => `${e.id || e.textContent.trim()}: ${e.scrollWidth} > ${e.clientWidth}`));
      assert.deepEqual(bad, [], `at ${width} px ${query || '(chapter 1)'}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `at ${width} px the page is ${overflow} px wider than the screen`);
      await context.close();
    }
  }
});

test('every chapter restores its state from its link (number or slug) and shows only its views', async () => {
  const { page, context, consoleErrors } = await openPage(env.browser, env.srv.url, { goto: false });
  for (const [k, c] of CHAPTERS.entries()) {
    for (const value of [String(k + 1), c.slug]) {
      await page.goto(`${env.srv.url}?chapter=${value}`);
      await page.waitForFunction(() => window.batchscape && !window.batchscape.pendingScenario && window.batchscape.runs.some(Boolean));
      const key = chapterStates(k, SCENES)[0];
      const state = await page.evaluate(() => ({ chapter: window.batchscape.chapter, scene: window.batchscape.scene, batches: window.batchscape.batches }));
      assert.deepEqual(state, { chapter: k, scene: key, batches: SCENES[key].pairs.batch.split(',').map(Number) }, `chapter ${value}`);
      const url = new URL(page.url()).searchParams;
      for (const [p, v] of Object.entries(SCENES[key].pairs)) assert.equal(url.get(p), v, `chapter ${value}: ${p} in the URL`);
      assert.match(await page.textContent('#chapter-kicker'), new RegExp(`^Chapter ${k + 1} of ${CHAPTERS.length}`));
      assert.equal(await page.textContent('#chapter-question'), c.question(await page.evaluate(() => ({ nTrain: Number(new URLSearchParams(location.search).get('n_train') ?? 256), batches: window.batchscape.batches }))));
      const shown = await page.$$eval('main.views > figure.view', (fs) => fs.filter((f) => f.offsetParent !== null).map((f) => f.dataset.panel));
      assert.deepEqual([...shown].sort(), [...c.views].sort(), `chapter ${value} shows its views`);
      assert.equal(await page.isVisible('.scenes'), false, 'the lab\'s scene buttons wait in the full lab');
    }
  }
  // The copied link of a moved slider restores that state, still in its chapter.
  await page.goto(`${env.srv.url}?chapter=1`);
  await page.waitForFunction(() => window.batchscape && !window.batchscape.pendingScenario && window.batchscape.runs.some(Boolean));
  await page.locator('#batch-0').focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('batch') === '2,256');
  await page.goto(page.url());
  await page.waitForFunction(() => window.batchscape && !window.batchscape.pendingScenario && window.batchscape.runs.some(Boolean));
  assert.deepEqual(await page.evaluate(() => [window.batchscape.chapter, window.batchscape.batches]), [0, [2, 256]]);
  assert.equal(await page.textContent('#chapter-question'), 'What changes when each update sees 2 examples instead of all 256?');
  // Hostile or unknown chapter values open the full lab, with no error.
  await page.goto(`${env.srv.url}?chapter=%3Cimg%20src%3Dx%3E&batch=16`);
  await page.waitForFunction(() => window.batchscape && !window.batchscape.pendingScenario);
  assert.equal(await page.evaluate(() => window.batchscape.chapter), null);
  assert.equal(await page.isVisible('#chapter'), false);
  // A rejected page value gets a message (issue 17), as text: nothing of it is injected.
  await page.waitForFunction(() => /is not a chapter of this page/.test(document.getElementById('message-list')?.textContent ?? ''));
  assert.equal(await page.locator('#messages img').count(), 0, 'the hostile chapter value is shown as text only');
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('the question reads N from the settings, and the verdict is the scene\'s measured sentence', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?chapter=1&scene=noisy&batch=1,512&n_train=512&lr=0.05&epochs=5`);
  await waitSettled(page);
  assert.equal(await page.textContent('#chapter-question'), 'What changes when each update sees 1 example instead of all 512?');
  assert.match(await page.textContent('#chapter-verdict'), /^Measured at equal epochs \(5 epochs each\): the loss curve of B = 1 is \d+\.\d× as jagged as that of B = 512/);
  await context.close();
});

test('chapters by keyboard: Tab reaches every chapter and control; Enter on Next goes on; Full lab shows every view', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?chapter=2`);
  await page.waitForFunction(() => window.batchscape && !window.batchscape.pendingScenario && window.batchscape.runs.some(Boolean));
  await page.locator('#scenario summary').click();
  // Closed <details> hide their content from Tab but not from offsetParent: open both.
  await page.locator('#menu summary').click();
  const controls = await page.$$eval('button, input, select, summary, textarea', (els) => els
    // A radio group is one Tab stop (its arrow keys move within it): only its checked radio counts.
    .filter((e) => e.offsetParent !== null && !e.disabled && !e.closest('dialog') && e.type !== 'file' && !(e.type === 'radio' && !e.checked))
    .map((e) => e.id || e.textContent.trim() || e.getAttribute('aria-label')));
  for (const want of ['lr', 'batch-0', 'add-run', 'chapter-prev', 'chapter-next', 'lab-open']) assert.ok(controls.includes(want), want);
  assert.equal(controls.filter((c) => /^\d · /.test(c)).length, CHAPTERS.length, 'every chapter is a button');
  await page.evaluate(() => document.activeElement?.blur());
  const reached = new Set();
  for (let k = 0; k < 150; k++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const e = document.activeElement;
      return !e || e === document.body ? null : (e.id || e.textContent.trim() || e.getAttribute('aria-label'));
    });
    if (f) reached.add(f);
  }
  assert.deepEqual(controls.filter((c) => !reached.has(c)), [], 'controls never reached by Tab');
  await page.locator('#chapter-next').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.batchscape.chapter === 2);
  assert.match(page.url(), /chapter=3/);
  await page.goBack();
  await page.waitForFunction(() => window.batchscape.chapter === 1);
  await page.locator('#lab-open').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.batchscape.chapter === null);
  assert.doesNotMatch(page.url(), /chapter=/);
  const shown = await page.$$eval('main.views > figure.view', (fs) => fs.filter((f) => f.offsetParent !== null).length);
  assert.ok(shown >= 7, `the full lab shows every view (${shown})`);
  assert.equal(await page.isVisible('.scenes'), true);
  await context.close();
});

test('glossary: each term shows its definition on focus, and hides it on Escape', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?batch=16,256`);
  await page.waitForFunction(() => window.batchscape && !window.batchscape.pendingScenario);
  const terms = await page.$$eval('.term[data-term]', (els) => els.map((e, i) => ({ i, key: e.dataset.term })));
  assert.deepEqual([...new Set(terms.map((t) => t.key))].sort(), Object.keys(GLOSSARY).sort(), 'every glossary term appears in the lab');
  for (const { i, key } of terms) {
    const term = page.locator('.term[data-term]').nth(i);
    await term.scrollIntoViewIfNeeded();
    await term.focus();
    const tipId = await term.getAttribute('aria-describedby');
    const tip = page.locator(`#${tipId}`);
    assert.equal(await tip.isVisible(), true, `${key}: definition shown on focus`);
    assert.equal(await tip.getAttribute('role'), 'tooltip');
    assert.ok((await tip.textContent()).includes(GLOSSARY[key].text), `${key}: its definition`);
    const box = await tip.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 1280 && box.y >= 0 && box.y + box.height <= 800, `${key}: tooltip inside the window`);
    await page.keyboard.press('Escape');
    assert.equal(await tip.isVisible(), false, `${key}: Escape hides it`);
  }
  // Tap (a click) shows it too; the chapter texts use the same glossary.
  await page.locator('.term[data-term=b_simple]').first().click();
  assert.equal(await page.locator(`#${await page.locator('.term[data-term=b_simple]').first().getAttribute('aria-describedby')}`).isVisible(), true);
  await page.goto(`${env.srv.url}?chapter=4`);
  await page.waitForFunction(() => window.batchscape && window.batchscape.chapter === 3);
  assert.deepEqual(await page.$$eval('#chapter-text .term', (els) => els.map((e) => e.dataset.term)), ['lambda_max', 'eps_sharpness', 'filter_normalized']);
  await page.locator('#chapter-text .term').first().focus();
  assert.match(await page.locator('#chapter-text [role=tooltip]').first().textContent(), /largest eigenvalue of the Hessian/);
  await context.close();
});

test('the toolbar is one menu: closed, its buttons are hidden; open, they work; Escape closes it', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?batch=16`);
  await waitSettled(page);
  for (const id of ['#share-open', '#export-csv', '#export-json', '#export-settings']) assert.equal(await page.isVisible(id), false, `${id} waits in the menu`);
  await page.locator('#menu summary').click();
  for (const id of ['#share-open', '#export-csv', '#export-json', '#export-settings']) assert.equal(await page.isVisible(id), true, `${id} in the open menu`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  assert.equal(await page.isVisible('#export-csv'), false, 'the menu closes after use');
  await page.locator('#menu summary').click();
  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('#export-json'), false);
  assert.equal(await page.evaluate(() => document.activeElement.closest('#menu') !== null), true, 'focus back on the menu');
  await context.close();
});

test('a data set no run learns gets a note read from the numbers; its suggestion, applied, learns', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?dataset=spiral&batch=16,256`);
  await waitSettled(page);
  assert.equal(await page.textContent('#lede-data'), 'spiral', 'the intro names the data set in effect');
  const losses = await page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => [f.trainLoss[0], f.trainLoss.at(-1)]));
  assert.ok(losses.every(([a, b]) => b > 0.85 * a), `both runs stay near their start: ${JSON.stringify(losses)}`);
  assert.equal(await page.isVisible('#stall-note'), true);
  const text = await page.textContent('#stall-text');
  for (const [, last] of losses) assert.ok(text.includes(last.toFixed(3)), `"${text}" quotes ${last.toFixed(3)}`);
  assert.match(text, /has not learned this data set in this budget\. Try a wider network/);
  await page.screenshot({ path: artifactPath('layout-stall.png') });
  await page.locator('#stall-apply').click();
  await page.waitForFunction(() => new URLSearchParams(location.search).get('optimizer') === 'adam');
  await waitSettled(page, 240_000);
  const after = await page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => [f.trainLoss[0], f.trainLoss.at(-1)]));
  assert.ok(after.every(([a, b]) => b < 0.5 * a), `the suggestion learns: ${JSON.stringify(after)}`);
  assert.equal(await page.isVisible('#stall-note'), false, 'no note once the runs learn');
  // The default data set learns: no note.
  await page.goto(`${env.srv.url}?batch=16,256&dataset=circles`);
  await waitSettled(page);
  assert.equal(await page.textContent('#lede-data'), 'circles');
  assert.equal(await page.isVisible('#stall-note'), false);
  await context.close();
});

test('a chapter embeds: its question and verdict with the chosen panels, no chapter list', async () => {
  const { page, context } = await openPage(env.browser, `${env.srv.url}?chapter=3&embed=chapter,controls,curves`, { viewport: { width: 640, height: 600 } });
  await waitSettled(page);
  assert.equal(await page.evaluate(() => window.batchscape.chapter), 2);
  assert.equal(await page.isVisible('#chapter-question'), true);
  assert.equal(await page.isVisible('#curves'), true);
  assert.equal(await page.isVisible('#landscape'), false, 'only the chosen panels');
  assert.equal(await page.isVisible('.chapter-list'), false);
  assert.match(await page.textContent('#chapter-verdict'), /^Measured with the linear rule/);
  assert.match(page.url(), /embed=chapter%2Ccontrols%2Ccurves|embed=chapter,controls,curves/);
  await page.screenshot({ path: artifactPath('layout-embed-chapter.png') });
  await context.close();
});

test('dark theme: the charts sit on a deliberate white mat', async () => {
  const { page, context } = await openPage(env.browser, env.srv.url, { contextOptions: { colorScheme: 'dark' } });
  await waitSettled(page);
  const mat = await page.$eval('#landscape', (c) => getComputedStyle(c).boxShadow);
  assert.match(mat, /rgb\(255, 255, 255\) 0px 0px 0px 4px/);
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), 'rgb(18, 18, 20)');
  await page.screenshot({ path: artifactPath('layout-dark.png') });
  await context.close();
});

test('axe-core: no serious or critical violations in a chapter, light and dark, with the menu open and a definition shown', async () => {
  for (const colorScheme of ['light', 'dark']) {
    for (const viewport of [WIDE, PHONE]) {
      const { page, context } = await openPage(env.browser, `${env.srv.url}?chapter=4`, { viewport, contextOptions: { bypassCSP: true, colorScheme } });
      await page.waitForFunction(() => window.batchscape && !window.batchscape.pendingScenario && window.batchscape.runs.some(Boolean));
      await page.locator('#menu summary').click();
      await page.locator('#chapter-text .term').first().focus();
      await page.addScriptTag({ path: path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
      const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
      const bad = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
      console.log(`# axe chapter 4 (${colorScheme}, ${viewport.width} px): ${result.violations.length} violations (${bad.length} serious/critical)`);
      for (const v of result.violations) console.log(`#   ${v.impact}: ${v.id} (${v.nodes.length}) ${v.help}`);
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`), []);
      await context.close();
    }
  }
});

test('every chapter\'s views are drawn, and its verdict read, at both sizes (screenshots; the views\' sizes printed)', async () => {
  for (const viewport of [WIDE, PHONE]) {
    const { page, context } = await openPage(env.browser, env.srv.url, { viewport, goto: false });
    for (const [k] of CHAPTERS.entries()) {
      await page.goto(`${env.srv.url}?chapter=${k + 1}`);
      await waitDiagnosed(page);
      await page.waitForFunction(() => !window.batchscape.dirty);
      for (const id of await page.$$eval('main.views > figure.view canvas[role=img]', (cs) => cs.filter((c) => c.offsetParent !== null).map((c) => `#${c.id}`))) {
        assert.ok(distinctColours(await canvasPixels(page, id)) > 8, `chapter ${k + 1}: ${id} is drawn`);
      }
      const verdict = await page.textContent('#chapter-verdict');
      assert.match(verdict, /^(Measured|This seed)/, `chapter ${k + 1}: the measured verdict (${verdict})`);
      const sizes = await page.$$eval('main.views > figure.view', (fs) => fs.filter((f) => f.offsetParent !== null)
        .map((f) => `${f.dataset.panel} ${[...f.querySelectorAll('canvas:not(.overlay), table')].map((c) => `${Math.round(c.getBoundingClientRect().width)}×${Math.round(c.getBoundingClientRect().height)}`).join(' + ')}`));
      console.log(`# chapter ${k + 1} at ${viewport.width}×${viewport.height}: ${sizes.join('; ')}`);
      await page.screenshot({ path: artifactPath(`layout-chapter-${k + 1}-${viewport.width}.png`), fullPage: true });
    }
    await context.close();
  }
});
