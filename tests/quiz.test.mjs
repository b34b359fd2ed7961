// End-to-end: "predict, then reveal" (`?quiz=1`, www/quizzes.js, www/views/quiz.js) in headless
// Chromium — the question shows and the runs wait for it; an answer chosen by keyboard starts
// them; the reveal (an aria-live region, focused) names the answer and the measured numbers,
// checked against the runs' own frames; a scene picked inside a quiz link asks its question;
// `quiz=7` gets a message; without `quiz=1` nothing changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { QUIZZES, answerLabel } from '../www/quizzes.js';
import { SCENES } from '../www/scenes.js';
import { sceneQuery } from '../www/url.js';
import { REPO_ROOT, artifactPath, openPage, useServedBrowser } from './lib/harness.mjs';

const env = useServedBrowser();
const sceneUrl = (name, extra) => `${env.srv.url}?${sceneQuery(name, SCENES[name].pairs, 'endpoints')}${extra}`;

/** Waits until the settings are validated and every view is drawn. */
const waitQuiet = (page) => page.waitForFunction(() => {
  const s = window.batchscape;
  return s && !s.pendingScenario && s.batches.length > 0 && !s.dirty;
}, null, { timeout: 60_000 });

/** Waits until every active run has stopped (finished or diverged). */
const waitRunsDone = (page, timeout = 180_000) => page.waitForFunction(() => {
  const s = window.batchscape;
  const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
  return slots.length > 0 && slots.every((k) => s.runs[k] && s.runs[k].gen === s.gens[k] && s.runs[k].state !== 'running');
}, null, { timeout });

/** The runs' own numbers: batch, state, steps and final training loss per slot. */
const runNumbers = (page) => page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => ({
  batch: f.batch, state: f.state, steps: f.steps, loss: f.trainLoss[f.trainLoss.length - 1],
})));

test('quiz=1: the question holds the runs; an answer by keyboard starts them; the reveal names it and the measured numbers', async () => {
  const { page, context, consoleErrors, pageErrors } = await openPage(env.browser, sceneUrl('noisy', '&quiz=1'));
  await waitQuiet(page);
  const quiz = QUIZZES.noisy;
  const bs = [1, 256];
  assert.equal(await page.isVisible('#quiz'), true, 'the question shows');
  assert.equal(await page.textContent('#quiz-legend'), quiz.question(bs));
  assert.deepEqual(await page.$$eval('#quiz-answers label', (ls) => ls.map((l) => l.textContent)), quiz.answers.map((a) => a.label(bs)));
  // Settings validated and drawn, yet no run has a frame: without the hold B = 256's 20 steps
  // take milliseconds. Give them time to appear anyway, then look.
  await page.waitForTimeout(1500);
  const held = await page.evaluate(() => ({ runs: window.batchscape.runs.filter(Boolean).length, quiz: window.batchscape.quiz, status: document.getElementById('run-status-0').textContent }));
  assert.equal(held.runs, 0, 'no run started while the question is open');
  assert.deepEqual(held.quiz, { scene: 'noisy', pending: true, answer: null });
  assert.equal(held.status, 'waits for your answer to the question');
  assert.equal(await page.$eval('#scene-verdict', (el) => getComputedStyle(el).display), 'none', 'the verdict is hidden while the question is open');
  await page.screenshot({ path: artifactPath('quiz-question.png') });

  // Submitting without an answer: a hint, the focus on the first answer, still no run.
  await page.focus('#quiz-submit');
  await page.keyboard.press('Enter');
  assert.equal(await page.textContent('#quiz-hint'), 'Choose an answer first.');
  assert.equal(await page.evaluate(() => document.activeElement.id), `quiz-answer-${quiz.answers[0].id}`);
  assert.equal(await page.evaluate(() => window.batchscape.runs.filter(Boolean).length), 0);

  // By keyboard: Space selects the focused first answer, ArrowDown moves to the second
  // (B = 256), Tab leaves the group for the submit button, Enter answers.
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.querySelector('input[name=quiz-answer]:checked')?.value), 'large');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'quiz-submit');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'quiz-reveal', 'the focus moves to the reveal');
  assert.equal(await page.getAttribute('#quiz-reveal', 'aria-live'), 'polite');
  assert.deepEqual(await page.evaluate(() => window.batchscape.quiz), { scene: 'noisy', pending: false, answer: 'large' });

  await waitRunsDone(page);
  await page.waitForFunction(() => /Measured at/.test(document.getElementById('quiz-reveal').textContent), null, { timeout: 30_000 });
  const reveal = await page.textContent('#quiz-reveal');
  console.log(`# reveal: ${reveal}`);
  const [small, large] = (await runNumbers(page)).sort((a, b) => a.batch - b.batch);
  assert.deepEqual([small.batch, large.batch], bs);
  // The measured answer, decided here from the frames (lower final training loss; within 10 %: a tie).
  const measured = Math.abs(small.loss - large.loss) <= 0.1 * Math.max(small.loss, large.loss) ? 'tie' : small.loss < large.loss ? 'small' : 'large';
  assert.ok(reveal.startsWith(`You answered “${answerLabel(quiz, 'large', bs)}”`), reveal);
  assert.ok(reveal.includes(measured === 'large' ? 'the measurement agrees' : `the measured answer is “${answerLabel(quiz, measured, bs)}”`), reveal);
  assert.match(reveal, /Measured at equal epochs \(20 epochs each\): /, 'the comparison is named');
  for (const r of [small, large]) assert.ok(reveal.includes(`B = ${r.batch} ended at training loss ${r.loss.toFixed(3)} after ${r.steps} steps`), `B = ${r.batch}'s numbers in: ${reveal}`);
  assert.ok(reveal.includes(measured === quiz.textbook ? 'The textbook answer is the same' : 'This contradicts the textbook answer'), reveal);
  assert.equal(await page.isDisabled('#quiz-answers input[value=large]'), true, 'the answer stays, not changeable');
  // The verdict is back (its text is written at the scheduler's next redraw of it).
  assert.equal(await page.evaluate(() => document.body.classList.contains('quiz-open')), false);
  await page.waitForFunction(() => document.getElementById('scene-verdict').textContent.startsWith('Measured at'), null, { timeout: 30_000 });
  assert.equal(await page.isVisible('#scene-verdict'), true, 'the verdict is back');
  await page.screenshot({ path: artifactPath('quiz-reveal.png') });
  assert.deepEqual([consoleErrors, pageErrors], [[], []]);
  await context.close();
});

test('quiz=1: a scene picked on the page keeps the quiz, asks its question with the focus on it, and holds its runs', async () => {
  const { page, context, pageErrors } = await openPage(env.browser, sceneUrl('noisy', '&quiz=1'));
  await waitQuiet(page);
  await page.check('#quiz-answer-small');
  await page.click('#quiz-submit');
  await waitRunsDone(page);
  await page.click('[data-scene=scaling]');
  await page.waitForFunction(() => window.batchscape.scene === 'scaling' && !window.batchscape.pendingScenario && window.batchscape.batches.length === 3);
  assert.equal(new URL(page.url()).searchParams.get('quiz'), '1', 'the URL keeps quiz=1');
  assert.equal(await page.textContent('#quiz-legend'), QUIZZES.scaling.question([16, 64, 256]));
  assert.equal(await page.evaluate(() => document.activeElement.id), `quiz-answer-${QUIZZES.scaling.answers[0].id}`);
  assert.equal(await page.evaluate(() => document.querySelectorAll('input[name=quiz-answer]:checked').length), 0, 'no answer carried over');
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => window.batchscape.runs.filter(Boolean).length), 0, 'the scaling runs wait');
  // Answer "It diverges"; the reveal is read from the three runs as measured.
  await page.check('#quiz-answer-diverged');
  await page.click('#quiz-submit');
  await waitRunsDone(page);
  await page.waitForFunction(() => /Measured at/.test(document.getElementById('quiz-reveal').textContent), null, { timeout: 30_000 });
  const reveal = await page.textContent('#quiz-reveal');
  console.log(`# reveal: ${reveal}`);
  const runs = (await runNumbers(page)).sort((a, b) => a.batch - b.batch);
  const big = runs[runs.length - 1];
  const measured = big.state === 'diverged' ? 'diverged' : big.loss <= 1.1 * runs[0].loss ? 'keeps' : 'behind';
  assert.ok(reveal.startsWith(`You answered “It diverges”${measured === 'diverged' ? ': the measurement agrees' : `; the measured answer is “${answerLabel(QUIZZES.scaling, measured, [16, 64, 256])}”`}`), reveal);
  for (const r of runs.filter((x) => x.state !== 'diverged')) assert.ok(reveal.includes(`ended at training loss ${r.loss.toFixed(3)} after ${r.steps} steps`), reveal);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('quiz=1, a divergence question: the scaling scene with η₀ = 0.4 (η = 6.4 for B = 256), revealed as measured', async () => {
  const pairs = { ...SCENES.scaling.pairs, lr: '0.4' };
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?${sceneQuery('scaling', pairs, 'endpoints')}&quiz=1`);
  await waitQuiet(page);
  assert.equal(await page.evaluate(() => window.batchscape.runs.filter(Boolean).length), 0);
  await page.check('#quiz-answer-keeps');
  await page.click('#quiz-submit');
  await waitRunsDone(page);
  await page.waitForFunction(() => /Measured at/.test(document.getElementById('quiz-reveal').textContent), null, { timeout: 30_000 });
  const reveal = await page.textContent('#quiz-reveal');
  console.log(`# reveal: ${reveal}`);
  const frames = await page.evaluate(() => window.batchscape.runs.filter(Boolean).map((f) => ({ batch: f.batch, state: f.state, step: f.step, lr: f.lr })));
  const big = frames.sort((a, b) => a.batch - b.batch).at(-1);
  console.log(`# B = ${big.batch}, η = ${big.lr}: ${big.state} at step ${big.step}`);
  // A run is a function of its settings and seed: at η = 6.4 this one diverges (measured: at step 5).
  assert.equal(big.state, 'diverged');
  assert.ok(reveal.startsWith('You answered “It keeps up: training loss at most 10 % above B = 16\'s, or lower”; the measured answer is “It diverges”.'), reveal);
  assert.ok(reveal.includes(`B = 256 (η = 6.4) diverged at step ${big.step}`), reveal);
  assert.ok(reveal.includes('This contradicts the textbook answer'), reveal);
  await page.screenshot({ path: artifactPath('quiz-diverged.png') });
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('chapter 4 with quiz=1: the sharp-vs-flat question, revealed from the measured λ_max', async () => {
  const { page, context, pageErrors } = await openPage(env.browser, `${env.srv.url}?chapter=4&quiz=1`);
  await waitQuiet(page);
  assert.equal(await page.evaluate(() => window.batchscape.scene), 'sharp_epochs');
  assert.equal(await page.textContent('#quiz-legend'), QUIZZES.sharp_epochs.question([8, 256]));
  assert.equal(await page.$eval('#chapter-verdict', (el) => getComputedStyle(el).display), 'none', 'the chapter verdict is hidden while the question is open');
  await page.check('#quiz-answer-large');
  await page.click('#quiz-submit');
  await page.waitForFunction(() => /Measured at/.test(document.getElementById('quiz-reveal').textContent), null, { timeout: 180_000 });
  const reveal = await page.textContent('#quiz-reveal');
  console.log(`# reveal: ${reveal}`);
  const lams = await page.evaluate(() => {
    const s = window.batchscape;
    return s.batches.map((b, k) => ({ b, l: s.diag[k]?.gen === s.gens[k] ? s.diag[k].analysis.lambda_max : NaN }));
  });
  const [s8, s256] = lams.sort((a, b) => a.b - b.b);
  assert.ok(reveal.includes(`λ_max ${s8.l.toFixed(2)} for B = 8 against ${s256.l.toFixed(2)} for B = 256`), reveal);
  const measured = Math.abs(s8.l - s256.l) <= 0.1 * Math.max(s8.l, s256.l) ? 'tie' : s8.l > s256.l ? 'small' : 'large';
  assert.ok(reveal.includes(measured === 'large' ? 'The textbook answer is the same' : 'This contradicts the textbook answer, “B = 256 (the larger batch)”'), reveal);
  assert.match(reveal, /Measured at equal epochs/);
  await page.screenshot({ path: artifactPath('quiz-chapter4-reveal.png') });
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('quiz=7 gets a message and no question; without quiz=1 the runs start at once', async () => {
  for (const extra of ['&quiz=7', '']) {
    const { page, context, pageErrors } = await openPage(env.browser, sceneUrl('noisy', extra));
    await waitRunsDone(page, 60_000);
    assert.equal(await page.isVisible('#quiz'), false, `no question with "${extra}"`);
    assert.equal(await page.evaluate(() => window.batchscape.quiz), null);
    const messages = await page.textContent('#message-list');
    if (extra) {
      assert.ok(messages.includes('`quiz` = "7" is not allowed: expected one of 0, 1 — ignored.'), messages);
      assert.equal(await page.isVisible('#messages'), true);
    } else {
      assert.doesNotMatch(messages, /quiz/);
    }
    assert.deepEqual(pageErrors, []);
    await context.close();
  }
});

test('axe-core: no serious or critical violations with the question open and with the reveal, light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context } = await openPage(env.browser, `${env.srv.url}?chapter=1&quiz=1`, { contextOptions: { bypassCSP: true, colorScheme } });
    await waitQuiet(page);
    await page.addScriptTag({ path: path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
    for (const phase of ['question', 'reveal']) {
      if (phase === 'reveal') {
        await page.check('#quiz-answer-small');
        await page.click('#quiz-submit');
        await waitRunsDone(page);
        await page.waitForFunction(() => /Measured at/.test(document.getElementById('quiz-reveal').textContent), null, { timeout: 30_000 });
      }
      const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
      const bad = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
      console.log(`# axe quiz ${phase} (${colorScheme}): ${result.violations.length} violations (${bad.length} serious/critical)`);
      for (const v of result.violations) console.log(`#   ${v.impact}: ${v.id} (${v.nodes.length}) ${v.help}`);
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`), []);
    }
    await page.screenshot({ path: artifactPath(`quiz-reveal-${colorScheme}.png`), fullPage: false });
    await context.close();
  }
});
