// The sweep view: batch size B over powers of two × k seeds, trained in a pool of Web Workers
// (sweep-worker.js, as many as the laws section's: poolSize in laws-explain.js) with the page's
// current scenario; four charts of the bands across seeds (`sweep` charts, drawn in the draw
// worker) and a summary written from the measured numbers. All text reaches the DOM through
// textContent.
//
// The pool (pool.js, one for both sweeps: this module creates it and lends it to laws.js): the
// (B, seed) cells are handed out in plan order (seed by seed, B ascending, so the first seed's
// curve comes first), one at a time, to whichever worker is free. A cell is a
// function of the settings, its batch size and its seed (crate/web SweepSession), so the results
// are the same whatever the number of workers (tests/sweep.test.mjs compares 1 and 2); the bands
// of the cells finished so far are computed by one worker of the pool (sorted by cell, so the
// sums do not depend on the order the cells ended in).
import { createPool } from './pool.js';
import { pageModule } from './wasm-module.js';
import { sweepBandsMsg, sweepCancelMsg, sweepCellStartMsg, sweepStartMsg } from './messages.js';
import { poolSize } from './laws-explain.js';
import { paint, sizeCanvas, workerMs } from './painter.js';
import { mountLaws } from './laws.js';
import { el } from './views/dom.js';

const SEED_CHOICES = [1, 3, 5];
const DEFAULT_SEEDS = 3;
const COLOR = 1; // the palette's blue
const REDRAW_MS = 300;  // at most one redraw this often while cells arrive,
const COST_SHARE = 20;  // and at most every 20 × the last one's drawing time (the four charts in
                        // the draw worker): while the pool trains, redraws take ≤ 5 % of a core

/** One chart per metric; `pick` chooses the band shown (accuracy, or test loss for regression). */
const CHARTS = [
  { key: 'acc', title: 'Final test accuracy' },
  { key: 'gap', title: 'Generalization gap', metric: 'gap', yLabel: 'test − train loss (end)', log: false },
  { key: 'lambda', title: 'Sharpness at the end', metric: 'lambda_max', yLabel: 'λ_max at the end (log)', log: true },
  { key: 'steps', title: 'Steps to target', metric: 'steps_to_target', yLabel: 'steps to ½ initial train loss (log)', log: true },
];

/** A metric's bands (the core's `BandColumns`: `{mean, min, max, count}` per batch size), optionally scaled. */
function columns(band, n, scale = 1) {
  const part = (xs) => Array.from(xs.slice(0, n), (v) => v * scale);
  return { mean: part(band.mean), min: part(band.min), max: part(band.max), count: band.count.slice(0, n) };
}

const fmt = (v, digits = 3) => {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  return Number(v.toPrecision(digits)).toString();
};
const pct = (v) => `${(100 * v).toFixed(1)} %`;
const listB = (bs) => bs.map((b) => `B = ${b}`).join(', ');

/** Index of the best finite value (max or min), or -1. */
function argBest(values, better) {
  let best = -1;
  values.forEach((v, k) => {
    if (Number.isFinite(v) && (best < 0 || better(v, values[best]))) best = k;
  });
  return best;
}

/** Index of the last finite value, or -1. */
function lastFinite(values) {
  for (let k = values.length - 1; k >= 0; k--) if (Number.isFinite(values[k])) return k;
  return -1;
}

/**
 * The summary of a sweep, from its numbers only: where accuracy peaks and how far it falls
 * towards the largest batch, where the gap is smallest and largest, how λ_max and the steps to
 * the target change with B, and which runs diverged or never reached the target.
 */
export function explainSweep(r) {
  const bs = Array.from(r.batchSizes);
  const nB = bs.length;
  const nSeeds = r.seeds.length;
  const out = [];
  const failed = r.failed ?? 0;
  if (r.done + failed < r.total) out.push(`So far (${r.done} of ${r.total} runs):`);
  const seedsText = (n) => (n === 1 ? '1 seed' : `${n} seeds`);
  const acc = columns(r.bands.test_acc, nB);
  const regression = acc.count.every((c) => c === 0) && columns(r.bands.test_loss, nB).count.some((c) => c > 0);
  if (!regression) {
    const best = argBest(acc.mean, (a, b) => a > b);
    if (best >= 0) {
      let s = `Test accuracy peaks at B = ${bs[best]} (${pct(acc.mean[best])} mean over ${seedsText(acc.count[best])}`;
      s += acc.count[best] > 1 ? `, ${pct(acc.min[best])}–${pct(acc.max[best])} across seeds).` : ').';
      const last = lastFinite(acc.mean);
      if (last > best) {
        const drop = 100 * (acc.mean[best] - acc.mean[last]);
        s += ` At B = ${bs[last]} it is ${pct(acc.mean[last])}, ${drop.toFixed(1)} points lower.`;
      }
      const first = acc.mean.findIndex(Number.isFinite);
      if (first >= 0 && first < best) {
        s += ` At B = ${bs[first]} it is ${pct(acc.mean[first])}.`;
      }
      out.push(s);
    }
  } else {
    const loss = columns(r.bands.test_loss, nB);
    const best = argBest(loss.mean, (a, b) => a < b);
    if (best >= 0) out.push(`Test loss is lowest at B = ${bs[best]} (${fmt(loss.mean[best])} mean over ${seedsText(loss.count[best])}).`);
  }
  const gap = columns(r.bands.gap, nB);
  const gLo = argBest(gap.mean, (a, b) => a < b);
  const gHi = argBest(gap.mean, (a, b) => a > b);
  if (gLo >= 0 && gHi >= 0 && gLo !== gHi) {
    out.push(`The generalization gap (test − train loss) is smallest at B = ${bs[gLo]} (${fmt(gap.mean[gLo])}) and largest at B = ${bs[gHi]} (${fmt(gap.mean[gHi])}).`);
  }
  const lam = columns(r.bands.lambda_max, nB);
  const lLo = argBest(lam.mean, (a, b) => a < b);
  const lHi = argBest(lam.mean, (a, b) => a > b);
  if (lLo >= 0 && lHi >= 0 && lLo !== lHi) {
    out.push(`λ_max at the end is lowest at B = ${bs[lLo]} (${fmt(lam.mean[lLo])}) and highest at B = ${bs[lHi]} (${fmt(lam.mean[lHi])}).`);
  }
  const steps = columns(r.bands.steps_to_target, nB);
  const sBest = argBest(steps.mean, (a, b) => a < b);
  const finished = Array.from(r.finished);
  const diverged = Array.from(r.diverged);
  const half = r.targetFraction === 0.5;
  const target = half ? 'half its initial training loss' : `${fmt(r.targetFraction)} × its initial training loss`;
  const reached = (k) => (steps.count[k] < finished[k] ? `, ${steps.count[k]} of ${finished[k]} runs reached it` : '');
  if (sBest >= 0) {
    const sFirst = steps.mean.findIndex(Number.isFinite);
    let s = `${half ? 'Halving the training loss' : `Reaching ${target}`} took the fewest steps at B = ${bs[sBest]} (${fmt(steps.mean[sBest])} steps${reached(sBest)})`;
    s += sFirst >= 0 && sFirst !== sBest ? `, against ${fmt(steps.mean[sFirst])} at B = ${bs[sFirst]}${reached(sFirst)}.` : '.';
    out.push(s);
  }
  const unreached = bs.filter((_, k) => finished[k] - diverged[k] - steps.count[k] > 0);
  if (unreached.length) out.push(`Some runs never reached ${target}: ${listB(unreached)}.`);
  const divB = bs.filter((_, k) => diverged[k] > 0);
  if (divB.length) {
    const n = diverged.reduce((a, b) => a + b, 0);
    out.push(`${n} run${n === 1 ? '' : 's'} diverged (${listB(divB)}) and ${n === 1 ? 'is' : 'are'} left out of the bands.`);
  }
  if (failed) out.push(`${failed} run${failed === 1 ? '' : 's'} failed (${failed === 1 ? 'its worker' : 'their workers'} stopped) and ${failed === 1 ? 'is' : 'are'} left out.`);
  if (r.done + failed >= r.total && r.done > 0) out.push(`${r.total} runs (${nB} batch sizes × ${seedsText(nSeeds)}) took ${(r.ms / 1000).toFixed(1)} s.`);
  return out.join(' ');
}

/**
 * Calls `start` once, when `element` comes within one screen height of the viewport. The sweeps'
 * wasm module (159 KB gz, fetched only for sweeps) is compiled then, once the page's picture is
 * complete, so that a learner's first Run does not wait for its download; a page never scrolled
 * to the sweep view never fetches it. Without IntersectionObserver, the first Run fetches it.
 */
function prefetchWhenNear(element, start) {
  if (typeof IntersectionObserver !== 'function') return;
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    start();
  }, { rootMargin: '100% 0px' });
  observer.observe(element);
}

/**
 * Builds the sweep view inside `figure` (after its figcaption): controls, progress, charts and
 * summary. `scenarioPairs()` gives the page's current settings as [key, value] pairs;
 * `afterPicture(job)` runs background work once the page's picture is complete (main.js).
 */
export function mountSweep(figure, { scenarioPairs, afterPicture = (job) => job() }) {
  if (!figure) return null;
  const run = el('button', { type: 'button', id: 'sweep-run', text: 'Run sweep' });
  const cancel = el('button', { type: 'button', id: 'sweep-cancel', text: 'Cancel', disabled: true });
  const seeds = el('select', { id: 'sweep-seeds' },
    SEED_CHOICES.map((k) => el('option', { value: String(k), text: String(k), selected: k === DEFAULT_SEEDS })));
  const seedsLabel = el('label', { for: 'sweep-seeds', text: 'Seeds per batch size' });
  const progress = el('progress', { id: 'sweep-progress', max: 1, value: 0, 'aria-label': 'Sweep progress' });
  const count = el('span', { id: 'sweep-count', class: 'sweep-count', role: 'status', text: 'Not run yet.' });
  const controls = el('div', { class: 'sweep-controls' }, [run, cancel, el('span', { class: 'sweep-seeds' }, [seedsLabel, seeds]), progress, count]);
  const charts = el('div', { class: 'sweep-charts', hidden: true });
  const canvases = {};
  for (const c of CHARTS) {
    const canvas = el('canvas', { id: `sweep-${c.key}`, role: 'img', 'aria-label': `${c.title} against batch size` });
    sizeCanvas(canvas, 560, 300);
    canvases[c.key] = canvas;
    charts.append(el('div', { class: 'sweep-chart' }, [el('h3', { text: c.title }), canvas]));
  }
  const text = el('p', { id: 'sweep-text', class: 'explain', 'aria-live': 'polite' });
  figure.append(controls, charts, text);
  prefetchWhenNear(figure, () => afterPicture(() => pageModule('sweeps')));

  const state = {
    running: false, gen: 0, results: null, done: 0, total: 0, failed: 0, workers: 0, explanation: '', ms: NaN, drawMs: [], errors: [],
    cells: [],   // the finished cells by index (the core's CellResult): tests compare pools of 1 and 2
    perWorker: [], // cells trained by each worker of the pool
    busyMs: [],    // each worker's time training cells (dispatch → result), against `ms`
    cellMs: [],    // each cell's time (dispatch → result), by index
  };
  let cells = new Map();    // index → CellResult of the sweep in progress
  let failedCells = 0;
  let startArgs = null;     // [pairs, seeds] of the sweep running: a fresh worker after a fault starts it too
  let bandsBusy = null;     // the pool member computing the bands, or null
  let bandsAgain = false;
  let t0 = 0;
  let rafPending = false;
  let lastDraw = -Infinity;
  let drawTimer = 0;
  const drawCost = {};      // chart key → the draw worker's ms for its last drawing

  const setRunning = (on) => {
    state.running = on;
    run.disabled = on;
    cancel.disabled = !on;
    seeds.disabled = on;
    figure.setAttribute('aria-busy', String(on));
  };
  const showCount = (done, total, suffix = '') => {
    progress.max = Math.max(1, total);
    progress.value = done;
    const t = `${done} of ${total} runs${suffix}`;
    progress.textContent = t;
    progress.setAttribute('aria-valuetext', t);
    count.textContent = t;
  };

  /** Draws the four charts of the newest results (in the draw worker: see painter.js). */
  function draw() {
    const r = state.results;
    if (!r) { rafPending = false; return; }
    const bs = r.batchSizes;
    const n = bs.length;
    // Seeds behind the bands so far (a partial sweep has fewer than planned).
    const nSeeds = Math.max(1, ...columns(r.bands.test_loss, n).count);
    const acc = columns(r.bands.test_acc, n, 100);
    const regression = acc.count.every((c) => c === 0) && columns(r.bands.test_loss, n).count.some((c) => c > 0);
    const t0 = performance.now();
    let shown = 0;
    for (const c of CHARTS) {
      let band;
      let yLabel = c.yLabel;
      let log = c.log;
      if (c.key === 'acc') {
        band = regression ? columns(r.bands.test_loss, n) : acc;
        yLabel = regression ? 'test loss at the end (log)' : 'test accuracy at the end (%)';
        log = regression;
      } else {
        band = columns(r.bands[c.metric], n);
      }
      const series = [{
        run: COLOR, label: nSeeds === 1 ? 'one seed' : `mean of ${nSeeds} seeds`,
        batch_sizes: Array.from(bs), mean: band.mean, min: band.min, max: band.max,
      }];
      paint(canvases[c.key], { kind: 'sweep', series, y_label: yLabel, band_label: nSeeds > 1 ? 'min–max across seeds' : '', log_y: log }, {
        shown: () => {
          const id = canvases[c.key].id;
          drawCost[c.key] = workerMs[id]?.[workerMs[id].length - 1] ?? 0;
          if (++shown === CHARTS.length) state.drawnRuns = r.done;
        },
        failed: (message) => state.errors.push(message),
      });
    }
    lastDraw = performance.now();
    // Main-thread time to hand the four charts over (the drawing itself is in the worker).
    state.drawMs.push(lastDraw - t0);
    rafPending = false;
    // Results that arrived while drawing are drawn next.
    if (state.results !== r) schedule();
  }

  function schedule() {
    // At most a few redraws a second: a fast sweep finishes runs faster than it is worth drawing;
    // the results of every cell are drawn at once (a waiting redraw is brought forward).
    const r = state.results;
    const final = r && r.done + (r.failed ?? 0) >= state.total;
    if (rafPending && !(final && drawTimer)) return;
    clearTimeout(drawTimer);
    rafPending = true;
    const cost = Object.values(drawCost).reduce((t, ms) => t + ms, 0);
    const every = final ? 0 : Math.max(REDRAW_MS, COST_SHARE * cost);
    drawTimer = setTimeout(() => { drawTimer = 0; requestAnimationFrame(draw); }, Math.max(0, lastDraw + every - performance.now()));
  }

  // A failed worker (an error event, a trap or exception in its work, or silence: closed or
  // terminated) is replaced by a fresh one (pool.js), which starts this sweep's session
  // (`startOn`) and trains the cell that was lost once more; a cell lost twice is left out of the
  // bands and counted as failed, and the other workers take the rest. A worker that fails
  // holding no cell (starting its session, or answering a bands request) is replaced by a fresh
  // one too, once in a row (pool.js). When none is left and none comes the sweep stops; the
  // view says so, and Run starts a fresh pool.
  function memberFailed(m, reason, lostIndex, { retrying = false, replacing = false } = {}) {
    // A worker that failed between sweeps (or in the laws' work) is grown back at the next Run.
    if (!state.running) return;
    state.errors.push(reason);
    const lost = lostIndex !== null && !retrying;
    if (lost) state.failed = ++failedCells;
    if (bandsBusy === m) { bandsBusy = null; bandsAgain = true; }
    // (While a cell is retried the pool is empty for a moment: the fresh worker joins after this.)
    if (!pool.size && !replacing) {
      const wasRunning = state.running;
      state.gen += 1;
      setRunning(false);
      const which = state.workers > 1 ? `Sweep worker ${m.k + 1}` : 'The sweep worker';
      count.textContent = `${which} failed: ${reason}.${wasRunning ? ' The sweep stopped;' : ''} Run starts a fresh ${state.workers > 1 ? 'pool' : 'worker'}.`;
      return;
    }
    if (!state.running) return;
    const which = state.workers > 1 ? `Sweep worker ${m.k + 1}` : 'The sweep worker';
    const what = retrying ? ' Its run is retried on a fresh worker.'
      : replacing && !pool.size ? `${lost ? ' Its run is left out;' : ''} A fresh worker takes its place.`
        : `${lost ? ' Its run is left out;' : ''} the other workers go on.`;
    count.textContent = `${which} failed: ${reason}.${what}`;
    if (bandsAgain) askBands();
    finishIfDone();
  }

  /** Whether a sweep runs (started, not yet done, cancelled or stopped). */
  function running() {
    return Boolean(state.running && startArgs);
  }
  /** Posts this sweep's start to member `m` (a fresh one, after a fault); false if none runs. */
  function startOn(m) {
    if (!running()) return false;
    m.worker.postMessage(sweepStartMsg(state.gen, ...startArgs));
    return true;
  }

  // Worker 0 keeps the name 'sweep' (faults, tests), the others are 'sweep:k'.
  const pool = createPool((k) => (k === 0 ? 'sweep' : `sweep:${k}`));
  const job = pool.job({
    onMessage,
    onFailed: memberFailed,
    start: startOn,
    running,
    send: (m, index) => m.worker.postMessage(sweepCellStartMsg(state.gen, index)),
  });

  /** Asks one worker for the bands of the cells so far (one request in flight). */
  function askBands() {
    if (bandsBusy) { bandsAgain = true; return; }
    const m = job.idle();
    if (!m) return;
    bandsAgain = false;
    bandsBusy = m;
    const done = [...cells].map(([index, cell]) => ({ index, cell }));
    m.worker.postMessage(sweepBandsMsg(state.gen, done, performance.now() - t0));
  }

  /** Every cell ended (or failed): the time is taken, and the last bands close the sweep. */
  function finishIfDone() {
    if (!state.running || cells.size + failedCells < state.total || state.total === 0) return;
    if (Number.isNaN(state.ms)) state.ms = performance.now() - t0;
    askBands();
  }

  function onMessage(m, msg) {
    if (String(msg.type).startsWith('laws-') || msg.gen !== state.gen) return;
    if (msg.type === 'plan') {
      if (state.total === 0 && Number.isNaN(state.readyMs)) {
        state.readyMs = performance.now() - t0;   // until the first worker could start (its wasm, the settings)
        state.total = msg.total;
        showCount(0, state.total);
        job.deal(Array.from({ length: msg.total }, (_, k) => k));
        askBands();
      }
      job.ready(m);
      // A bands request lost with a failed worker is asked again of this one.
      if (bandsAgain) askBands();
    } else if (msg.type === 'progress') {
      showCount(state.done, state.total);
    } else if (msg.type === 'cell') {
      if (job.done(m) === null) return;
      cells.set(msg.index, msg.cell);
      state.cells[msg.index] = msg.cell;
      const stats = job.statsOf(m);
      state.perWorker[m.k] = stats.cells;
      state.busyMs[m.k] = stats.busyMs;
      state.cellMs[msg.index] = stats.lastMs;
      state.done = cells.size;
      showCount(state.done, state.total);
      askBands();
      finishIfDone();
    } else if (msg.type === 'results') {
      if (bandsBusy === m) bandsBusy = null;
      msg.failed = failedCells;
      state.results = msg;
      charts.hidden = false;
      if (msg.done > 0) {
        state.explanation = explainSweep(msg);
        text.textContent = state.explanation;
      }
      schedule();
      const complete = state.running && msg.done === cells.size && cells.size + failedCells >= state.total;
      if (complete) {
        msg.ms = state.ms;
        state.explanation = explainSweep(msg);
        text.textContent = state.explanation;
        const failed = failedCells ? `, ${failedCells} failed` : '';
        showCount(state.done, state.total, ` — done in ${(state.ms / 1000).toFixed(1)} s${failed}`);
        setRunning(false);
      } else if (bandsAgain || msg.done < cells.size) {
        askBands();
      }
    } else if (msg.type === 'error') {
      state.errors.push(msg.message);
      count.textContent = `The sweep failed: ${msg.message}`;
      setRunning(false);
    }
  }

  run.addEventListener('click', () => {
    const n = poolSize(navigator.hardwareConcurrency, new URLSearchParams(location.search).get('sweep_workers'));
    pool.grow(n);
    job.reset();
    state.gen += 1;
    Object.assign(state, { workers: pool.size, results: null, done: 0, total: 0, failed: 0, ms: NaN, readyMs: NaN, cells: [], perWorker: [], busyMs: [], cellMs: [] });
    cells = new Map();
    failedCells = 0;
    bandsBusy = null;
    bandsAgain = false;
    text.textContent = '';
    setRunning(true);
    count.textContent = 'Starting…';
    t0 = performance.now();
    startArgs = [scenarioPairs(), Number(seeds.value)];
    for (const m of pool.members) m.worker.postMessage(sweepStartMsg(state.gen, ...startArgs));
  });
  cancel.addEventListener('click', () => {
    state.gen += 1;
    for (const m of pool.members) m.worker.postMessage(sweepCancelMsg(state.gen));
    job.clear();
    setRunning(false);
    showCount(state.done, state.total, ' — cancelled');
    cancel.blur();
    run.focus();
  });
  // The laws (B × η map, trade-off, data parallelism) below the bands.
  state.laws = mountLaws(figure, { scenarioPairs, afterPicture, pool });
  return state;
}
