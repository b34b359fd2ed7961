// The lesson's wiring (issue 12): the "compare at" control beside the batch sliders, the
// verdicts over seeds (the seeds worker, its per-seed table), and the Dinh et al. rescale
// control in the flat-vs-sharp view. Text comes from lesson-text.js; numbers from the core.
import { sendWasmModule } from './wasm-module.js';
import { rescaleText, seedRows } from './lesson-text.js';
import { seedsCancelMsg, seedsStartMsg } from './messages.js';
import { SCENES } from './scenes.js';
import { activeSlots, diagOf } from './store.js';
import { $, later, setText, showMessages } from './views/dom.js';
import { reasonOf, watchWorker } from './faults.js';

/**
 * `actions`: { scenarioPairs(), sendScenario(), syncUrl(), rescale(slot, layer, alpha),
 * pictureComplete(), afterPicture(job) (background work once the picture is complete) }.
 */
export function mountLesson(store, scheduler, actions) {
  mountCompareAt(store, actions);
  mountSeeds(store, scheduler, actions);
  mountRescale(store, actions);
}

/** "compare at: equal epochs · equal steps · equal training loss": the `budget` setting. */
function mountCompareAt(store, actions) {
  const radios = [...document.querySelectorAll('input[name="compare-at"]')];
  for (const r of radios) {
    r.addEventListener('change', () => {
      if (!r.checked) return;
      store.update([], (s) => { s.overrides.set('budget', r.value); });
      actions.syncUrl();
      actions.sendScenario();
    });
  }
  store.subscribe('settings', () => {
    const budget = store.get().settings.get('budget') ?? 'epochs';
    for (const r of radios) r.checked = r.value === budget;
    $('compare-loss-keys').hidden = budget !== 'loss';
    for (const id of ['s-target_loss', 's-max_steps']) $(id).disabled = budget !== 'loss';
  });
}

/** The scene's claims over 5 seeds, in the seeds worker; its answers go to the store's `seeds`. */
function mountSeeds(store, scheduler, actions) {
  let worker = null;
  let gen = 0;
  let key = '';
  // A failed worker (error event or message, or silence: closed or terminated) is dropped and
  // the page says so; the next study (other settings or scene) starts a fresh one.
  const ensure = () => {
    if (worker) return worker;
    const w = new Worker(new URL('./seeds-worker.js', import.meta.url), { type: 'module' });
    sendWasmModule(w);
    worker = w;
    let unwatch = () => {};
    const failed = (reason) => {
      if (worker !== w) return;
      unwatch();
      w.terminate();
      worker = null;
      gen += 1;
      store.set({ seeds: null });
      showMessages([`The seeds worker failed: ${reason}. The verdicts over seeds are not shown; other settings or another scene start a fresh one.`]);
    };
    w.onmessage = ({ data }) => {
      if (data.type === 'error') failed(reasonOf(data));
      else if (data.type === 'seeds' && data.gen === gen) store.set({ seeds: data });
    };
    w.onerror = (e) => { e.preventDefault(); failed(reasonOf(e)); };
    unwatch = watchWorker('seeds', w, failed);
    return w;
  };
  function refresh() {
    const s = store.get();
    const scene = SCENES[s.scene];
    if (!scene?.claims) {
      if (key) { gen += 1; worker?.postMessage(seedsCancelMsg(gen)); key = ''; store.set({ seeds: null }); }
      return;
    }
    // A study of other settings stops at once: it would take a core from the new runs.
    if (key && JSON.stringify(actions.scenarioPairs()) !== key) {
      gen += 1;
      worker?.postMessage(seedsCancelMsg(gen));
      key = '';
      store.set({ seeds: null });
    }
    // The page's own picture first (its runs, landscape, diagnoses and drawing): on a two-core
    // machine the study would slow them down. Asked again once the picture is complete.
    if (s.pendingScenario || activeSlots(s).some((k) => !s.runs[k] || s.runs[k].state === 'running')) return;
    if (!actions.pictureComplete()) { actions.afterPicture(refresh); return; }
    const pairs = actions.scenarioPairs();
    const next = JSON.stringify(pairs);
    if (next === key) return;
    key = next;
    gen += 1;
    store.set({ seeds: null });
    ensure().postMessage(seedsStartMsg({ gen, key, pairs, seeds: 5 }));
  }
  // After the current task: new settings restart the runs right after notifying 'settings', and
  // a scene sends its settings right after notifying 'scene'; the study waits for both.
  store.subscribe(['settings', 'scene', 'runs'], () => queueMicrotask(refresh));
  store.subscribe(['seeds'], () => {
    scheduler.mark('scene');
    const rows = seedRows(store.get().seeds);
    later(() => $('seeds-table').tBodies[0].replaceChildren(...rows.map((cells) => {
      const tr = document.createElement('tr');
      for (const c of cells) {
        const td = document.createElement('td');
        td.textContent = c;
        tr.append(td);
      }
      return tr;
    })));
    $('seeds-details').hidden = !rows.length;
  });
}

/** α = 2^slider on the first finished run's end point (ReLU networks only). */
function mountRescale(store, actions) {
  const slider = $('rescale-alpha');
  const alpha = () => 2 ** Number(slider.value);
  const target = () => {
    const s = store.get();
    return activeSlots(s).find((k) => diagOf(s, k) && s.runs[k]?.state === 'finished');
  };
  const request = () => {
    const slot = target();
    if (slot !== undefined && !slider.disabled) actions.rescale(slot, 0, alpha());
  };
  slider.addEventListener('input', () => {
    $('rescale-alpha-out').textContent = String(alpha());
    request();
  });
  store.subscribe('settings', () => {
    const s = store.get().settings;
    const reason = s.get('act') !== 'relu' ? 'Disabled: only a ReLU network keeps its predictions when rescaled (relu(αz) = α·relu(z)); choose the ReLU activation in the scenario.'
      : !s.get('hidden') ? 'Disabled: the network has no hidden layer to rescale.' : '';
    slider.disabled = Boolean(reason);
    $('rescale-reason').textContent = reason;
    setText('rescale-text', '');
  });
  store.subscribe('diag', () => { if (Number(slider.value) !== 0) request(); });
  store.subscribe('rescale', () => {
    const s = store.get();
    const r = s.rescale;
    if (!r || r.gen !== s.gens[r.slot]) return;
    const f = s.runs[r.slot];
    const text = rescaleText(r);
    $('rescale-text').textContent = text && f ? `Run B = ${f.batch}: ${text}` : text;
  });
}
