// The laws view (inside the sweep view): the B × η sweep spread over the sweep view's pool of
// workers (pool.js: sweep-worker.js × poolSize, shared with sweep.js, the cells handed out one at
// a time), its map and trade-off charts (the core's `lr_map` and `tradeoff` charts, drawn in the draw worker) with their text, and the data-parallel control.
// The numbers come from the core (LawSession.analyze in a free worker, data_parallel); this module
// only wires them. All text reaches the DOM through textContent.
import { sendWasmModule } from './wasm-module.js';
import { lawsAnalyzeMsg, lawsCancelMsg, lawsCellStartMsg, lawsStartMsg, parallelMsg } from './messages.js';
import { paint, sizeCanvas, workerMs } from './painter.js';
import { explainLaws, explainParallel, lawsOrder, num, poolSize } from './laws-explain.js';
import { reasonOf, watchWorker } from './faults.js';
import { el } from './views/dom.js';

const SEED_CHOICES = [1, 2, 3];
const ANALYZE_MS = 250; // at most one analysis request this often while cells arrive,
const COST_SHARE = 20;  // and at most every 20 × the last one's cost (analysis + both drawings):
                        // while the pool trains, the partial pictures take ≤ 5 % of a core
const PARALLEL_MS = 150;
// A cell lost twice (its worker and the fresh one it was retried on both failed) is left out;
// this many such cells stop the sweep: something is wrong beyond one cell.
const MAX_FAILED_CELLS = 3;

// The data-parallel check's worker (on the compute module: asked for on the default page, where
// the sweeps' module is not loaded).
const newWorker = () => {
  const w = new Worker(new URL('./parallel-worker.js', import.meta.url), { type: 'module' });
  sendWasmModule(w);
  return w;
};

/**
 * Builds the laws section at the end of `figure`. `scenarioPairs()` gives the page's settings
 * as [key, value] pairs; `afterPicture(job)` runs background work once the page's picture is
 * complete (main.js). Returns its state (read by the tests through window.batchscape.sweep).
 */
export function mountLaws(figure, { scenarioPairs, afterPicture = (job) => job(), pool }) {
  const run = el('button', { type: 'button', id: 'laws-run', text: 'Run B × η sweep' });
  const cancel = el('button', { type: 'button', id: 'laws-cancel', text: 'Cancel', disabled: true });
  const seeds = el('select', { id: 'laws-seeds' }, SEED_CHOICES.map((k) => el('option', { value: String(k), text: String(k), selected: k === 1 })));
  const progress = el('progress', { id: 'laws-progress', max: 1, value: 0, 'aria-label': 'B × η sweep progress' });
  const count = el('span', { id: 'laws-count', class: 'sweep-count', role: 'status', text: 'Not run yet.' });
  const controls = el('div', { class: 'sweep-controls' }, [
    run, cancel, el('span', { class: 'sweep-seeds' }, [el('label', { for: 'laws-seeds', text: 'Seeds per cell' }), seeds]), progress, count,
  ]);
  const map = el('canvas', { id: 'laws-map', role: 'img', 'aria-label': 'Steps to the target over batch size and learning rate, best learning rate per batch size marked' });
  const tradeoff = el('canvas', { id: 'laws-tradeoff', role: 'img', 'aria-label': 'Steps against examples to the target at the best learning rate, with the fitted hyperbola' });
  sizeCanvas(map, 680, 420);
  sizeCanvas(tradeoff, 680, 420);
  const charts = el('div', { class: 'sweep-charts laws-charts', hidden: true }, [
    el('div', { class: 'sweep-chart', id: 'laws-map-box' }, [el('h4', { text: 'The B × η map: steps to the target' }), map]),
    el('div', { class: 'sweep-chart', id: 'laws-tradeoff-box' }, [el('h4', { text: 'Steps against examples at the best η' }), tradeoff]),
  ]);
  const text = el('p', { id: 'laws-text', class: 'explain', 'aria-live': 'polite' });

  const kInput = el('input', { id: 'parallel-k', type: 'number', min: '1', max: '64', step: '1', value: '8' });
  const bInput = el('input', { id: 'parallel-b', type: 'number', min: '1', max: '4096', step: '1', value: '32' });
  const parallelText = el('p', { id: 'parallel-text', class: 'explain', 'aria-live': 'polite' });
  const parallel = el('div', { class: 'laws-parallel', id: 'parallel' }, [
    el('h3', { text: 'Many devices: data parallelism' }),
    el('div', { class: 'sweep-controls' }, [
      el('label', { for: 'parallel-k', text: 'Devices K' }), kInput,
      el('label', { for: 'parallel-b', text: 'Examples per device b' }), bInput,
    ]),
    parallelText,
  ]);
  const section = el('section', { id: 'laws', class: 'laws', 'aria-labelledby': 'laws-title' }, [
    el('h3', { id: 'laws-title', text: 'The laws: best η per batch size and the critical batch size' }),
    el('p', { text: 'Every batch size (powers of two up to N) × learning rate (a log grid around η₀) trains to the same training loss. The map shows the steps it took; the trade-off plots steps against examples at each batch size\'s best η.' }),
    controls, charts, text, parallel,
  ]);
  figure.append(section);

  const state = {
    running: false, gen: 0, workers: 0, live: 0, done: 0, total: 0, ms: NaN, plan: null,
    report: null, reportCells: 0, explanation: '', partial: null, drawn: { map: 0, tradeoff: 0 }, errors: [],
    parallel: null, parallelText: '',
    /** The cells left out after failing twice: `{ index, reason }`. */
    failedCells: [],
    /** The finished cells (the core's LawCell objects) by their index in the plan. */
    cells: [],
    // Timing (scripts/laws-timing.mjs): click → the first worker's plan (`readyMs`), → every cell
    // (`ms`), → the report of every cell (`reportMs`); cells and busy time per worker, each
    // cell's time, each analysis's time in its worker.
    readyMs: NaN, reportMs: NaN, perWorker: [], busyMs: [], cellMs: [], analyses: [],
  };
  let cells = new Map();
  let t0 = 0;
  let analyzing = false;
  let again = false;
  let lastAsk = -Infinity;
  let lastCost = { analysis: 0, map: 0, tradeoff: 0 };
  let timer = 0;
  let analyzer = null;  // the member asked for the analysis in flight
  let startArgs = null; // this sweep's laws-start, for a fresh worker that retries a lost cell
  let note = '';        // the last worker failure, shown after the count

  const setRunning = (on) => {
    state.running = on;
    run.disabled = on;
    cancel.disabled = !on;
    seeds.disabled = on;
    section.setAttribute('aria-busy', String(on));
  };
  const showCount = (suffix = '') => {
    progress.max = Math.max(1, state.total);
    progress.value = state.done;
    const t = `${state.done} of ${state.total} runs on ${state.workers} worker${state.workers === 1 ? '' : 's'}${suffix}${note}`;
    progress.setAttribute('aria-valuetext', t);
    count.textContent = t;
  };
  // The sweep's end (or stop): the workers drop their sessions of it and go on to other work.
  const stopJob = () => {
    job.clear();
    for (const m of pool.members) m.worker.postMessage(lawsCancelMsg(state.gen));
    state.live = 0;
  };
  /** Cell `index` of the plan as the learner knows it: its batch size, learning rate and seed
   * (cells are numbered seeds outer, then B, then η: the core's LawPlan::cell). */
  function cellName(index) {
    const { batch_sizes: bs, lrs, seeds: ss } = state.plan;
    const b = bs[Math.floor(index / lrs.length) % bs.length];
    const s = ss[Math.floor(index / (bs.length * lrs.length))];
    return `B = ${b}, η = ${num(lrs[index % lrs.length])}, seed ${s}`;
  }
  const settled = () => state.done + state.failedCells.length === state.total;
  function stopSweep(suffix) {
    state.gen += 1;
    stopJob();
    clearTimeout(timer);
    setRunning(false);
    note = '';
    showCount(suffix);
  }
  // A pool worker that fails (error event, a trap or exception in its work, or silence: closed
  // or terminated) is dropped. The cell it trained is retried once on a fresh worker (pool.js);
  // lost again, that cell alone is left out and the others finish. A worker that fails holding
  // no cell (starting its session, or analysing) is replaced by a fresh one, once in a row
  // (pool.js). With no worker left for the rest and none coming, or MAX_FAILED_CELLS cells left
  // out, the sweep stops: Run starts a fresh pool.
  function poolFailed(m, reason, lost, { retrying = false, retried = false, replacing = false } = {}) {
    if (!state.running) return;
    state.errors.push(reason);
    const who = `worker ${m.k + 1}`;
    if (analyzer === m) { analyzer = null; analyzing = false; again = true; }
    if (lost !== null && retried) {
      state.failedCells.push({ index: lost, reason });
      if (state.failedCells.length >= MAX_FAILED_CELLS) {
        stopSweep(` — stopped: ${state.failedCells.length} runs failed twice (the last: ${cellName(lost)}: ${reason}). Run starts a fresh pool.`);
        return;
      }
      note = ` — the run ${cellName(lost)} failed twice (${reason}) and is left out`;
      // No worker left for the rest: a fresh one takes them.
      if (!pool.size) { pool.grow(1); for (const f of pool.members) startOn(f); }
    } else if (lost !== null && retrying) {
      note = ` — ${who} failed: ${reason}; its run (${cellName(lost)}) is retried on a fresh worker`;
    } else if (!pool.size && !replacing) {
      stopSweep(` — stopped: ${who} failed: ${reason}. Run starts a fresh pool.`);
      return;
    } else if (!pool.size) {
      note = ` — ${who} failed: ${reason}; a fresh worker takes its place`;
    } else {
      note = ` — ${who} failed: ${reason}; the other workers go on`;
    }
    showCount();
    if (settled()) allIn();
    else if (again) ask();
  }
  /** Whether a sweep runs (started, not yet done, cancelled or stopped). */
  function running() {
    return Boolean(state.running && startArgs);
  }
  /** Posts this sweep's start to member `m` (a fresh one); false if no sweep runs. */
  function startOn(m) {
    if (!running()) return false;
    m.worker.postMessage(lawsStartMsg(startArgs));
    return true;
  }

  /** Asks a free worker (else any) for the analysis of the cells so far (one request in flight, throttled). */
  function ask() {
    const m = job.idle();
    if (!state.running) return;
    // No member holds the session yet (a fresh one is starting): asked again when one does.
    if (!m || analyzing) { again = true; return; }
    const cost = lastCost.analysis + lastCost.map + lastCost.tradeoff;
    const wait = lastAsk + Math.max(ANALYZE_MS, COST_SHARE * cost) - performance.now();
    if (wait > 0 && state.done < state.total) {
      clearTimeout(timer);
      timer = setTimeout(ask, wait);
      return;
    }
    analyzing = true;
    analyzer = m;
    again = false;
    lastAsk = performance.now();
    const list = [...cells.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
    m.worker.postMessage(lawsAnalyzeMsg(state.gen, list));
  }

  function draw(report) {
    charts.hidden = false;
    const n = report.analysis.cells_done;
    // The draw worker's time for each (painter.js), for the next request's interval.
    const took = (id) => workerMs[id]?.[workerMs[id].length - 1] ?? 0;
    paint(map, report.map, { shown: () => { state.drawn.map = n; lastCost.map = took(map.id); }, failed: (m) => state.errors.push(m) });
    paint(tradeoff, report.tradeoff, { shown: () => { state.drawn.tradeoff = n; lastCost.tradeoff = took(tradeoff.id); }, failed: (m) => state.errors.push(m) });
  }

  /** Every cell is in: the time is taken and the last analysis asked. */
  function allIn() {
    state.ms = performance.now() - t0;
    ask();
  }

  function onMessage(w, m) {
    if (!String(m.type).startsWith('laws-') || m.gen !== state.gen) return;
    if (m.type === 'laws-plan') {
      if (!state.plan) {
        state.readyMs = performance.now() - t0;
        state.plan = m.plan;
        state.total = m.total;
        showCount();
        job.deal(lawsOrder(m.plan).filter((k) => k < m.total));
      }
      job.ready(w);
      if (state.total === 0 && Number.isNaN(state.ms)) allIn();
      else if (again && !analyzing) ask();
    } else if (m.type === 'laws-cells') {
      const index = job.done(w);
      if (index === null) return;
      const stats = job.statsOf(w);
      state.cellMs[index] = stats.lastMs;
      for (const { index, cell } of m.cells) { cells.set(index, cell); state.cells[index] = cell; }
      state.perWorker[w.k] = stats.cells;
      state.busyMs[w.k] = stats.busyMs;
      state.done = cells.size;
      showCount();
      if (settled()) allIn();
      else ask();
    } else if (m.type === 'laws-report') {
      analyzing = false;
      analyzer = null;
      state.analyses.push(m.ms);
      lastCost.analysis = m.ms;
      state.report = m.report;
      state.reportCells = m.n;
      state.explanation = explainLaws(m.report, state.plan);
      text.textContent = state.explanation;
      if (!(m.n === state.done && settled()) && !state.partial) state.partial = { cells: m.n, text: state.explanation };
      draw(m.report);
      if (m.n === state.done && settled()) {
        state.reportMs = performance.now() - t0;
        setRunning(false);
        const left = state.failedCells.length;
        if (left) note = ` (${left === 1 ? `the run ${cellName(state.failedCells[0].index)}` : `${left} runs`} failed twice and ${left === 1 ? 'is' : 'are'} left out: ${state.failedCells.map((f) => f.reason).join('; ')})`;
        showCount(` — done in ${(state.ms / 1000).toFixed(1)} s`);
        stopJob();
      } else if (again || m.n < cells.size) {
        ask();
      }
    } else if (m.type === 'laws-error') {
      state.errors.push(m.message);
      count.textContent = `The sweep: ${m.message}`;
    }
  }

  const job = pool.job({
    onMessage,
    onFailed: poolFailed,
    start: startOn,
    running,
    send: (m, index) => m.worker.postMessage(lawsCellStartMsg(state.gen, index, state.total)),
  });

  run.addEventListener('click', () => {
    state.gen += 1;
    const n = poolSize(navigator.hardwareConcurrency, new URLSearchParams(location.search).get('sweep_workers'));
    pool.grow(n);
    job.reset();
    Object.assign(state, {
      workers: pool.size, live: pool.size, done: 0, total: 0, ms: NaN, plan: null, report: null, reportCells: 0, explanation: '', partial: null, drawn: { map: 0, tradeoff: 0 },
      readyMs: NaN, reportMs: NaN, perWorker: [], busyMs: [], cellMs: [], analyses: [], failedCells: [],
    });
    cells = new Map();
    analyzer = null;
    note = '';
    state.cells = [];
    analyzing = false;
    again = false;
    lastAsk = -Infinity;
    text.textContent = '';
    setRunning(true);
    count.textContent = 'Starting…';
    t0 = performance.now();
    startArgs = { gen: state.gen, pairs: scenarioPairs(), lrs: [], seeds: Number(seeds.value) };
    for (const m of pool.members) m.worker.postMessage(lawsStartMsg(startArgs));
  });
  cancel.addEventListener('click', () => {
    stopSweep(' — cancelled');
    cancel.blur();
    run.focus();
  });

  // The data-parallel control: one worker of its own, the newest request answered.
  let pWorker = null;
  let pId = 0;
  let pTimer = 0;
  function askParallel() {
    const k = Math.round(Number(kInput.value));
    const b = Math.round(Number(bInput.value));
    if (!(k >= 1 && k <= 64 && b >= 1 && b <= 4096)) {
      parallelText.textContent = 'K must be a whole number from 1 to 64 and b from 1 to 4096.';
      return;
    }
    if (!pWorker) {
      const w = newWorker();
      pWorker = w;
      // A failed worker is dropped; the next request starts a fresh one.
      let unwatch = () => {};
      const failed = (reason) => {
        if (pWorker !== w) return;
        unwatch();
        w.terminate();
        pWorker = null;
        state.errors.push(reason);
        state.parallelText = `The data-parallel worker failed: ${reason}. Change K or b to ask a fresh one.`;
        parallelText.textContent = state.parallelText;
      };
      w.onerror = (e) => { e.preventDefault(); failed(reasonOf(e)); };
      unwatch = watchWorker('parallel', w, failed);
      w.onmessage = (event) => {
        const m = event.data;
        if (m.type === 'error' && m.fatal) { failed(reasonOf(m)); return; }
        if (m.type !== 'parallel-result' || m.id !== pId) return;
        state.parallel = m.report;
        state.parallelText = explainParallel(m.report);
        parallelText.textContent = state.parallelText;
      };
    }
    pId += 1;
    pWorker.postMessage(parallelMsg(pId, scenarioPairs(), k, b));
  }
  const onInput = () => { clearTimeout(pTimer); pTimer = setTimeout(askParallel, PARALLEL_MS); };
  kInput.addEventListener('input', onInput);
  bInput.addEventListener('input', onInput);
  run.addEventListener('click', onInput);
  // Background work: after the page's picture is complete (main.js), so that it never takes a
  // core from the first runs and their analysis.
  afterPicture(askParallel);
  return state;
}
