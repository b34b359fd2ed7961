// Guided scenes: the scene buttons, the scene's text, and its verdict read from the numbers
// (scenes.js). Picking a scene is an action of the page (`onPick`), which loads its settings.
import { SCENES } from '../scenes.js';
import { $, setText } from './dom.js';

export function mountScene(section, store, scheduler, { onPick }) {
  for (const button of section.querySelectorAll('[data-scene]')) {
    button.addEventListener('click', () => onPick(button.dataset.scene));
  }
  // The scene shown: its box and which button is pressed.
  store.subscribe('scene', () => {
    const name = store.get().scene;
    const scene = SCENES[name];
    $('scene-box').hidden = !scene;
    for (const b of document.querySelectorAll('[data-scene]')) b.setAttribute('aria-pressed', String(b.dataset.scene === name));
    if (!scene) return;
    $('scene-title').textContent = scene.title;
    $('scene-text').textContent = scene.text;
    $('scene-verdict').textContent = '';
  });
  scheduler.register('scene', () => {
    const s = store.get();
    const scene = SCENES[s.scene];
    if (scene) setText('scene-verdict', scene.verdict(s));
  });
  store.subscribe(['runs', 'diag', 'batches', 'seeds', 'rescale'], () => scheduler.mark('scene'));
}
