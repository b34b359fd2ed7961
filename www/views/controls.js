// The controls: learning rate, scenario settings ([data-key] fields), run rows with their
// batch-size sliders, add/remove run, the landscape plane and the curves' x axis. Changes go
// to the store and to the page's `actions` (main.js): restart a run, send the scenario, sync the URL.
import { MAX_RUNS, activeSlots, batchStops, runLabel } from '../store.js';
import { $, showMessages } from './dom.js';
import { updateRunStatus } from './status.js';

const lrFromSlider = (v) => Number((10 ** v).toPrecision(2));

/**
 * `actions`: { startRun(slot), stopRun(slot), sendScenario(), syncUrl(), setPlane(plane) }.
 */
export function mountControls(section, store, actions) {
  const updateRunLabel = (slot) => {
    const s = store.get();
    const b = s.batches[slot];
    const full = b === s.nTrain;
    const steps = Math.floor(s.nTrain / b);
    $(`batch-out-${slot}`).textContent = `B = ${b}${full ? ' (full batch)' : ''}`;
    $(`batch-${slot}`).setAttribute('aria-valuetext', `${b} examples per step${full ? ', full batch' : ''}, ${steps} step${steps === 1 ? '' : 's'} per epoch`);
  };

  const updateLrLabel = () => {
    const { lr } = store.get();
    $('lr-out').textContent = `η = ${lr}`;
    $('lr').setAttribute('aria-valuetext', `learning rate ${lr}`);
  };

  function runRow(slot, stops) {
    const s = store.get();
    const b = s.batches[slot];
    const row = document.createElement('li');
    row.className = `run run-${slot}`;
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.setAttribute('aria-hidden', 'true');
    const label = document.createElement('label');
    label.htmlFor = `batch-${slot}`;
    // Visible: "Run 1 B = 16"; read: "Run 1: Batch size B = 16" (a compact panel has no room
    // for the words; the read name is one span, as browsers space out hidden spans).
    const name = document.createElement('span');
    name.className = 'run-name';
    name.setAttribute('aria-hidden', 'true');
    name.textContent = runLabel(slot);
    const what = document.createElement('span');
    what.className = 'visually-hidden';
    what.textContent = `${runLabel(slot)}: Batch size `;
    const out = document.createElement('output');
    out.id = `batch-out-${slot}`;
    label.append(name, what, out);
    const input = document.createElement('input');
    input.type = 'range';
    input.id = `batch-${slot}`;
    input.min = '0';
    input.max = String(stops.length - 1);
    input.step = '1';
    input.value = String(Math.max(0, stops.findIndex((x) => x >= b)));
    input.addEventListener('input', () => {
      const at = performance.now();
      store.update([], (st) => { st.batches[slot] = stops[+input.value]; });
      updateRunLabel(slot);
      actions.syncUrl();
      actions.startRun(slot);
      store.update([], (st) => { st.pendingInput = { slot, gen: st.gens[slot], at }; });
    });
    const status = document.createElement('small');
    status.id = `run-status-${slot}`;
    status.className = 'run-status';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove';
    remove.textContent = '✕';
    remove.title = `Remove ${runLabel(slot)}`;
    remove.setAttribute('aria-label', `Remove ${runLabel(slot)}`);
    remove.disabled = activeSlots(s).length <= 1;
    remove.addEventListener('click', () => {
      store.update([], (st) => { st.batches[slot] = undefined; });
      actions.stopRun(slot);
      renderRunControls();
      actions.syncUrl();
      // Every view shows the set of runs: all redraw.
      store.update('batches', () => {});
    });
    row.append(swatch, label, input, status, remove);
    return row;
  }

  function renderRunControls() {
    const s = store.get();
    const stops = batchStops(s);
    const list = $('runs');
    list.replaceChildren();
    for (const slot of activeSlots(s)) {
      list.append(runRow(slot, stops));
      updateRunLabel(slot);
      updateRunStatus(s, slot);
    }
    $('add-run').disabled = activeSlots(s).length >= MAX_RUNS;
  }

  /** Puts the controls where the validated settings say. */
  function showSettings() {
    const s = store.get();
    const { settings } = s;
    $('lr').value = String(Math.log10(s.lr));
    updateLrLabel();
    for (const el of document.querySelectorAll('[data-key]')) {
      const v = settings.get(el.dataset.key);
      if (v === undefined) continue;
      if (el.tagName === 'SELECT' && ![...el.options].some((o) => o.value === v)) {
        const o = document.createElement('option');
        o.value = v;
        o.textContent = v === '' ? 'none' : v.replaceAll(',', ', ');
        el.append(o);
      }
      el.value = v;
    }
    $('x-axis').value = s.xAxis;
    $('s-steps').disabled = settings.get('budget') !== 'steps';
    $('s-epochs').disabled = settings.get('budget') !== 'epochs';
    renderRunControls();
  }
  store.subscribe('settings', showSettings);
  store.subscribe('plane', () => { $('plane').value = store.get().plane; });

  $('lr').addEventListener('input', () => {
    store.update([], (s) => {
      s.lr = lrFromSlider(+$('lr').value);
      s.overrides.set('lr', String(s.lr));
    });
    updateLrLabel();
    actions.syncUrl();
    actions.sendScenario();
  });
  $('add-run').addEventListener('click', () => {
    const s = store.get();
    const slot = s.batches.findIndex((b) => b === undefined);
    const free = slot >= 0 ? slot : s.batches.length;
    if (free >= MAX_RUNS) return;
    const used = new Set(s.batches);
    store.update([], (st) => { st.batches[free] = batchStops(st).find((b) => !used.has(b)) ?? 1; });
    renderRunControls();
    actions.syncUrl();
    actions.startRun(free);
    $(`batch-${free}`).focus();
  });
  $('plane').addEventListener('change', () => {
    store.update([], (s) => { s.plane = $('plane').value; });
    actions.setPlane(store.get().plane);
    actions.syncUrl();
  });
  $('x-axis').addEventListener('change', () => {
    store.set({ xAxis: $('x-axis').value, xAxisChosen: true });
    actions.syncUrl();
  });
  $('dismiss').addEventListener('click', () => { $('messages').hidden = true; });
  for (const el of document.querySelectorAll('[data-key]')) {
    el.addEventListener('change', () => {
      if (el.type === 'number' && !el.checkValidity()) {
        showMessages([`${el.labels[0]?.textContent ?? el.dataset.key}: ${el.validationMessage}`]);
        return;
      }
      store.update([], (s) => { s.overrides.set(el.dataset.key, el.value); });
      actions.syncUrl();
      actions.sendScenario();
    });
  }
}
