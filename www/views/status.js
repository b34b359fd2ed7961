// Status lines of the run controls and the screen-reader summary once every run has finished.
import { showLr } from '../format.js';
import { activeSlots, failedOf } from '../store.js';
import { $, later } from './dom.js';

/** The status line of run `slot`'s frame `f` (none yet: starting). */
export function statusText(f) {
  if (!f) return 'starting…';
  if (f.state === 'diverged') return `η = ${showLr(f.lr)}: ${f.divergence}`;
  if (f.state === 'running') return `η = ${showLr(f.lr)}: step ${f.step} of ${f.steps}…`;
  if (f.targetMessage) return `η = ${showLr(f.lr)}: ${f.targetMessage}`;
  return `η = ${showLr(f.lr)}: done, ${f.steps} steps`;
}

// What the Retry button of a failed run does (main.js: restart the run).
let retry = () => {};
/** Sets what a failed run's Retry button does: `fn(slot)`. */
export function onRetry(fn) { retry = fn; }

/** Writes run `slot`'s status line now: a failed run's reason and a Retry button. */
export function updateRunStatus(s, slot) {
  const f = s.runs[slot];
  const el = $(`run-status-${slot}`);
  if (!el) return;
  const failed = failedOf(s, slot);
  el.classList.toggle('diverged', f?.state === 'diverged' || Boolean(failed));
  if (!failed) {
    delete el.dataset.failed;
    // `?quiz=1`: the run waits for the answer to the scene's question (views/quiz.js).
    el.textContent = s.quiz?.pending && !f ? 'waits for your answer to the question' : statusText(f);
    return;
  }
  // Drawn once per failure: redrawing would replace the button under the user's pointer.
  if (el.dataset.failed === String(failed.gen)) return;
  el.dataset.failed = String(failed.gen);
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'retry';
  button.textContent = 'Retry';
  button.setAttribute('aria-label', `Retry run ${slot + 1}`);
  button.addEventListener('click', () => retry(slot));
  el.replaceChildren(`failed: ${failed.reason} `, button);
}

/** One calm sentence for screen readers when every run has finished (null: not yet). */
export function summaryText(s) {
  const runs = activeSlots(s).map((k) => s.runs[k]);
  if (!runs.length || runs.some((f) => !f || f.state === 'running')) return null;
  const text = runs.map((f) => (f.state === 'diverged' ? `B = ${f.batch} diverged`
    : `B = ${f.batch}: training loss ${f.trainLoss.at(-1).toFixed(3)}, test accuracy ${(100 * f.testAcc.at(-1)).toFixed(1)} %`)).join('; ');
  return `All ${runs.length} runs finished. ${text}.`;
}

/** The 'announce' view (the live summary) and the 'status' view (every run's status line). */
export function mountStatus(element, store, scheduler) {
  scheduler.register('announce', () => {
    const summary = summaryText(store.get());
    if (summary !== null && element.textContent !== summary) element.textContent = summary;
  });
  scheduler.register('status', () => {
    const s = store.get();
    for (const slot of activeSlots(s)) later(() => updateRunStatus(s, slot));
  });
  store.subscribe(['runs', 'batches', 'quiz'], () => scheduler.mark('announce', 'status'));
}
