// End-to-end: the lesson of issue 12 in Debian's headless Chromium. "compare at" re-runs every
// run and changes the text; the three sharp-vs-flat steps restore their states and state
// verdicts over seeds; the Dinh et al. rescale keeps the predictions and changes λ_max.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactPath, openPage, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();

/** Waits until every active run has finished with a current diagnosis; returns their generations. */
async function waitDiagnosed(page, n) {
  await page.waitForFunction((n) => {
    const s = window.batchscape;
    if (!s || s.pendingScenario) return false;
    const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
    return slots.length === n && slots.every((k) => s.runs[k] && s.runs[k].state !== 'running' && s.diag[k]?.gen === s.gens[k] && s.diag[k].analysis);
  }, n, { timeout: 120_000 });
  return page.evaluate(() => window.batchscape.gens.slice());
}

/**
 * Waits (up to 10 s) until element `id`'s text matches `re`, then returns it: the views write
 * their text at the next redraw (throttled while runs stream), which may come after the diagnoses.
 */
async function textMatching(page, id, re) {
  await page.waitForFunction(([i, src]) => new RegExp(src).test(document.getElementById(i).textContent), [id, re.source], { timeout: 10_000 }).catch(() => {});
  return page.locator(`#${id}`).textContent();
}

test('"compare at" switches the budget: every run re-runs, the URL follows and the texts name the comparison', async () => {
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?batch=16,128&epochs=20&n_train=128`);
  const before = await waitDiagnosed(page, 2);
  assert.equal(await page.locator('#compare-epochs').isChecked(), true);
  assert.match(await textMatching(page, 'curves-text', /compared at equal epochs \(20 epochs each\)/), /compared at equal epochs \(20 epochs each\)/);
  assert.equal(await page.locator('#compare-loss-keys').isVisible(), false);
  // Keyboard: focus the checked radio and move to "equal steps" with the arrow key.
  await page.locator('#compare-epochs').focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#compare-steps').isChecked(), true);
  const after = await waitDiagnosed(page, 2);
  for (const k of [0, 1]) assert.ok(after[k] > before[k], `run ${k} re-ran: generation ${before[k]} → ${after[k]}`);
  assert.match(page.url(), /budget=steps/);
  assert.match(await textMatching(page, 'curves-text', /compared at equal steps \(1000 steps each\)/), /compared at equal steps \(1000 steps each\)/);
  await page.waitForFunction(() => /On this seed, at equal steps \(1000 steps each\)/.test(document.getElementById('sharpness-text').textContent));
  const steps = await page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => f.steps));
  assert.deepEqual(steps, [1000, 1000]);
  // Equal training loss: the target keys appear beside the control.
  await page.locator('#compare-loss').check();
  await page.locator('#compare-loss-keys').waitFor({ state: 'visible' });
  await waitDiagnosed(page, 2);
  assert.match(page.url(), /budget=loss/);
  assert.match(await textMatching(page, 'curves-text', /compared at equal training loss \(each run until its training loss ≤ 0\.1, at most 20000 steps\)/), /compared at equal training loss \(each run until its training loss ≤ 0\.1, at most 20000 steps\)/);
  await page.locator('#compare-at').screenshot({ path: artifactPath('lesson-compare-at.png') });
  await page.screenshot({ path: artifactPath('lesson-compare-page.png'), fullPage: false });
  assert.deepEqual(pageErrors, []);
  await context.close();
});

const STEPS = [
  ['sharp_epochs', { budget: 'epochs', epochs: '200' }, /equal epochs \(200 epochs each\)/],
  ['sharp_loss', { budget: 'loss', target_loss: '0.5' }, /equal training loss \(each run until its training loss ≤ 0\.5/],
  ['sharp_noise', { budget: 'loss', target_loss: '0.15', label_noise: '0' }, /equal training loss \(each run until its training loss ≤ 0\.15/],
];

test('the three sharp-vs-flat steps each restore their state and give a verdict over seeds (k of n)', async () => {
  // An old link to the one-step scene (its state and ?scene=sharp) opens step 1.
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?batch=8%2C256&lr=0.1&label_noise=0.2&hidden=32%2C32&epochs=200&seed=4&scene=sharp`);
  await page.waitForFunction(() => window.batchscape?.settings?.epochs === '200' && window.batchscape.scene === 'sharp');
  assert.match(await page.locator('#scene-title').textContent(), /1 of 3: the classic picture at equal epochs/);
  for (const [name, want, cmp] of STEPS) {
    await page.locator(`[data-scene="${name}"]`).click();
    await page.waitForFunction((want) => {
      const s = window.batchscape;
      return !s.pendingScenario && Object.entries(want).every(([k, v]) => s.settings[k] === v);
    }, want, { timeout: 30_000 });
    assert.match(page.url(), new RegExp(`scene=${name}`));
    await waitDiagnosed(page, 2);
    // This seed's numbers (the comparison named) and the claims over seeds, once both are drawn.
    await page.waitForFunction((cmp) => {
      const text = document.getElementById('scene-verdict').textContent;
      return new RegExp(cmp).test(text) && /holds in \d+ of \d+ seeds?/.test(text);
    }, cmp.source, { timeout: 240_000 });
    if (name === 'sharp_epochs') {
      // Step 1 is cheap: wait for all 5 seeds; the verdict then counts 5 of 5 seeds that decide.
      await page.waitForFunction(() => { const s = window.batchscape.seeds; return s && s.done === s.total; }, null, { timeout: 300_000 });
      await page.waitForFunction(() => /sharper by λ_max: holds in \d of 5 seeds/.test(document.getElementById('scene-verdict').textContent));
    }
    const verdict = await page.locator('#scene-verdict').textContent();
    assert.match(verdict, cmp);
    assert.match(verdict, /Over seeds? 1/);
    const seeds = await page.evaluate(() => window.batchscape.seeds);
    assert.equal(seeds.seeds.length, 5);
    // The per-seed table is one click away, one row per finished (seed, B) run.
    if (!(await page.locator('#seeds-details').getAttribute('open'))) await page.locator('#seeds-details summary').click();
    await page.waitForFunction(() => document.querySelectorAll('#seeds-table tbody tr').length >= 2);
    assert.ok(await page.locator('#seeds-table tbody tr').count() >= 2);
    await page.locator('#scene-box').screenshot({ path: artifactPath(`lesson-${name}.png`) });
    // The flat-vs-sharp view names the comparison and says which end point is not stationary.
    await page.waitForFunction(() => /Not stationary: B = 8/.test(document.getElementById('sharpness-text').textContent));
    await page.locator('[data-panel=sharpness]').screenshot({ path: artifactPath(`lesson-${name}-sharpness.png`) });
    console.log(`# ${name}: ${verdict}`);
  }
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('rescale (Dinh et al. 2017): same predictions, changed λ_max; disabled with its reason for tanh', async () => {
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?act=relu&hidden=16,16&batch=16&epochs=20&n_train=128`);
  await waitDiagnosed(page, 1);
  assert.equal(await page.locator('#rescale-alpha').isDisabled(), false);
  await page.locator('#rescale-alpha').focus();
  for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.batchscape.rescale?.comparison?.alpha === 8, null, { timeout: 60_000 });
  const r = await page.evaluate(() => window.batchscape.rescale.comparison);
  assert.ok(r.max_prediction_diff <= 1e-5, `predictions unchanged: ${r.max_prediction_diff}`);
  assert.ok(Math.abs(r.after.lambda_max / r.before.lambda_max - 1) > 0.1, `λ_max changed: ${r.before.lambda_max} → ${r.after.lambda_max}`);
  await page.waitForFunction(() => /α = 8: the largest prediction difference/.test(document.getElementById('rescale-text').textContent));
  await page.locator('#rescale').screenshot({ path: artifactPath('lesson-rescale.png') });
  console.log(`# rescale α = 8: max |Δp| ${r.max_prediction_diff}, λ_max ${r.before.lambda_max.toFixed(3)} → ${r.after.lambda_max.toFixed(3)}`);
  await page.goto(`${env.srv.url}?act=tanh&batch=16&epochs=5&n_train=128`);
  await page.waitForFunction(() => window.batchscape?.settings?.act === 'tanh' && !window.batchscape.pendingScenario);
  assert.equal(await page.locator('#rescale-alpha').isDisabled(), true);
  assert.match(await page.locator('#rescale-reason').textContent(), /only a ReLU network/);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('chapter 4 ends on the rescale: a ReLU state whose verdict reads the rescale once α moves', async () => {
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?chapter=4`);
  await waitDiagnosed(page, 2);
  // the chapter's last state button (a link restores a state only with its settings)
  await page.locator('#chapter-states button', { hasText: 'sharpness is not a property of the function' }).click();
  await page.waitForFunction(() => window.batchscape.settings?.act === 'relu' && !window.batchscape.pendingScenario);
  assert.match(page.url(), /scene=sharp_rescale/);
  await waitDiagnosed(page, 2);
  assert.equal(await page.evaluate(() => window.batchscape.settings.act), 'relu');
  await page.waitForFunction(() => /Drag α under the flat-vs-sharp table/.test(document.getElementById('chapter-verdict').textContent));
  await page.locator('#rescale-alpha').focus();
  for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /Rescaled run B = 8: α = 8: the largest prediction difference over the training inputs is exactly 0/.test(document.getElementById('chapter-verdict').textContent), null, { timeout: 60_000 });
  const r = await page.evaluate(() => window.batchscape.rescale.comparison);
  assert.ok(Math.abs(r.after.lambda_max / r.before.lambda_max - 1) > 0.1, `λ_max changed: ${r.before.lambda_max} → ${r.after.lambda_max}`);
  await page.screenshot({ path: artifactPath('lesson-chapter4-rescale.png'), fullPage: false });
  console.log(`# chapter 4, rescale state: ${await page.textContent('#chapter-verdict')}`);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
