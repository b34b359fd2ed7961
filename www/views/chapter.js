// The guided path on the page: the chapter list, the chapter shown (question, text, states,
// "try this", the measured verdict of its scene, previous/next), and which views it shows.
// The chapters are data (chapters.js); the verdicts are the scenes' (scenes.js). Going to a
// chapter or to the full lab is an action of the page (`actions`, main.js).
import { CHAPTERS, chapterStates, tryThisOf } from '../chapters.js';
import { mountGlossary, termNode } from '../glossary.js';
import { SCENES } from '../scenes.js';
import { $, setText } from './dom.js';

/** `actions`: { go(k, sceneKey?) — show chapter k (in its state sceneKey), lab() — the full lab }. */
export function mountChapters(store, scheduler, actions) {
  const list = $('chapter-list');
  const items = CHAPTERS.map((c, k) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.chapter = String(k);
    b.textContent = `${k + 1} · ${c.short}`;
    b.title = c.title;
    b.addEventListener('click', () => actions.go(k));
    li.append(b);
    return li;
  });
  const labItem = document.createElement('li');
  const labButton = document.createElement('button');
  labButton.type = 'button';
  labButton.id = 'lab-open';
  labButton.textContent = 'Full lab';
  labButton.addEventListener('click', () => actions.lab());
  labItem.append(labButton);
  list.replaceChildren(...items, labItem);

  const step = (d) => {
    const k = store.get().chapter;
    if (k === null) return;
    if (k + d >= CHAPTERS.length) actions.lab();
    else if (k + d >= 0) actions.go(k + d);
  };
  $('chapter-prev').addEventListener('click', () => step(-1));
  $('chapter-next').addEventListener('click', () => step(1));

  /** The chapter box, the list's current item and the views shown. */
  function show() {
    const s = store.get();
    const k = s.chapter;
    const c = CHAPTERS[k];
    document.body.classList.toggle('in-chapter', Boolean(c));
    for (const b of list.querySelectorAll('button[data-chapter]')) {
      if (Number(b.dataset.chapter) === k) b.setAttribute('aria-current', 'step'); else b.removeAttribute('aria-current');
    }
    if (c) labButton.removeAttribute('aria-current'); else labButton.setAttribute('aria-current', 'page');
    // The views of the chapter, in its order; the others wait in the full lab. In embed
    // mode the embed's own panel list decides.
    for (const fig of document.querySelectorAll('main.views > figure[data-panel]')) {
      const at = c ? c.views.indexOf(fig.dataset.panel) : -1;
      fig.classList.toggle('off-chapter', Boolean(c) && at < 0 && !s.embed);
      // Order 0, 2, 3…: on phones the chapter's words (order 1, style.css) follow its first view.
      fig.style.order = c && at >= 0 ? String(at === 0 ? 0 : at + 1) : '';
    }
    $('chapter').hidden = !c;
    if (!c) return;
    $('chapter-kicker').textContent = `Chapter ${k + 1} of ${CHAPTERS.length} · ${c.title}`;
    $('chapter-question').textContent = c.question(s);
    $('chapter-text').replaceChildren(...c.text.map((seg) => (typeof seg === 'string' ? seg : termNode(seg.term, seg.text))));
    mountGlossary($('chapter-text'));
    $('chapter-try').textContent = tryThisOf(k, SCENES);
    const states = chapterStates(k, SCENES);
    const box = $('chapter-states');
    box.hidden = states.length < 2;
    box.replaceChildren(...(states.length < 2 ? [] : states.map((key) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = SCENES[key].title;
      b.setAttribute('aria-pressed', String(key === s.scene));
      b.addEventListener('click', () => actions.go(k, key));
      return b;
    })));
    const next = CHAPTERS[k + 1];
    $('chapter-next').textContent = next ? `Next: ${next.short} →` : 'Next: the full lab →';
    $('chapter-prev').disabled = k === 0;
    scheduler.mark('chapter');
  }
  store.subscribe(['chapter', 'scene', 'settings', 'embed'], show);

  // The verdict: the scene's own sentence, read from the current numbers.
  scheduler.register('chapter', () => {
    const s = store.get();
    if (s.chapter === null) return;
    const scene = SCENES[s.scene];
    setText('chapter-verdict', scene ? (scene.verdict(s) || 'Training: the verdict appears when the runs finish.') : '');
    setText('chapter-question', CHAPTERS[s.chapter].question(s));
  });
  store.subscribe(['runs', 'diag', 'batches', 'cost', 'controls', 'seeds', 'rescale'], () => scheduler.mark('chapter'));
  show();
}
