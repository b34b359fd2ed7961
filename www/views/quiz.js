// "Predict, then reveal" (`?quiz=1`): the scene's question (quizzes.js) as a fieldset of radio
// buttons, asked before its runs start; the answer starts them (`release`), and the reveal (an
// aria-live region) compares the answer with what was measured once they finish. While the
// question is open the runs wait (workers.js startRun) and the verdicts are hidden (style.css
// `body.quiz-open`), so nothing measured gives the answer away. Text goes in as textContent.
import {
  answerLabel, quizBatches, quizFor, revealText, tooFewRuns,
} from '../quizzes.js';
import { $, setText } from './dom.js';

/**
 * `enabled`: the URL asked for the quiz (`quiz=1`; otherwise the section stays hidden and
 * nothing changes); `release()`: starts the runs that waited for the answer.
 */
export function mountQuiz(section, store, scheduler, { enabled, release }) {
  if (!enabled) return;
  const form = $('quiz-form');
  const fieldset = form.querySelector('fieldset');
  const legend = $('quiz-legend');
  const box = $('quiz-answers');
  const hint = $('quiz-hint');
  const submit = $('quiz-submit');
  const reveal = $('quiz-reveal');
  const radios = () => [...box.querySelectorAll('input[type=radio]')];

  /** The question, its answers and the form's state for the state's quiz. */
  function render() {
    const s = store.get();
    const q = s.quiz;
    const quiz = q && quizFor(q.scene);
    section.hidden = !quiz;
    document.body.classList.toggle('quiz-open', Boolean(quiz && q.pending));
    if (!quiz) return;
    const bs = quizBatches(s);
    legend.textContent = quiz.question(bs);
    // The radio buttons are built once per question; later renders only relabel them (the
    // batch sizes arrive with the settings) so that a choice being made is kept.
    if (box.dataset.scene !== q.scene) {
      box.dataset.scene = q.scene;
      box.replaceChildren(...quiz.answers.map((a) => {
        const row = document.createElement('div');
        row.className = 'quiz-answer';
        const input = document.createElement('input');
        input.type = 'radio';
        input.name = 'quiz-answer';
        input.id = `quiz-answer-${a.id}`;
        input.value = a.id;
        const label = document.createElement('label');
        label.htmlFor = input.id;
        row.append(input, label);
        return row;
      }));
    }
    for (const a of quiz.answers) box.querySelector(`label[for="quiz-answer-${a.id}"]`).textContent = a.label(bs);
    fieldset.disabled = !q.pending;
    submit.hidden = !q.pending;
    if (q.pending) {
      hint.textContent = 'The runs start when you answer.';
      reveal.textContent = '';
    } else {
      const chosen = radios().find((r) => r.value === q.answer);
      if (chosen) chosen.checked = true;
      hint.textContent = '';
    }
    scheduler.mark('quiz');
  }

  /** A new scene (or the same one loaded again): its question opens, its runs wait. */
  function open() {
    const s = store.get();
    const quiz = s.embed ? null : quizFor(s.scene);
    box.dataset.scene = '';
    store.set({ quiz: quiz ? { scene: s.scene, pending: true, answer: null } : null });
    // A scene picked by the user (a button keeps the focus) moves the focus to the question;
    // the first load does not take it.
    if (quiz && document.activeElement && document.activeElement !== document.body) radios()[0]?.focus();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = store.get().quiz;
    if (!q?.pending) return;
    const chosen = radios().find((r) => r.checked);
    if (!chosen) {
      hint.textContent = 'Choose an answer first.';
      radios()[0]?.focus();
      return;
    }
    store.set({ quiz: { ...q, pending: false, answer: chosen.value } });
    release();
    // The reveal gets its first words now, so that it can take the focus (an empty one is not shown).
    reveal.textContent = revealNow(store.get());
    reveal.focus();
  });

  /** The reveal, read from the current numbers (it waits for every run and its analysis). */
  function revealNow(s) {
    const q = s.quiz;
    const quiz = q && quizFor(q.scene);
    if (!quiz || q.pending) return null;
    if (tooFewRuns(quiz, s)) return `Your answer: “${answerLabel(quiz, q.answer, quizBatches(s))}”. The question compares ${quiz.minRuns === 1 ? 'a run' : 'two runs'}: add a run to get the measured answer.`;
    return revealText(quiz, q.answer, s)
      ?? `Your answer: “${answerLabel(quiz, q.answer, quizBatches(s))}”. The runs are training; the measured answer appears here when they finish.`;
  }
  scheduler.register('quiz', () => {
    const text = revealNow(store.get());
    if (text !== null) setText('quiz-reveal', text);
  });
  store.subscribe(['scene'], open);
  store.subscribe(['quiz', 'batches', 'settings', 'pairs'], render);
  store.subscribe(['runs', 'diag', 'batches', 'settings'], () => scheduler.mark('quiz'));
}
