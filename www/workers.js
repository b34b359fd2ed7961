// The page's side of the run and analysis workers: starting them, what the page sends
// (messages.js), and their replies turned into store updates.
//
// Runs train in parallel: one run worker per spare core (at most one per run), each owning
// the slots k with k mod n = its index. Every worker builds the same scenario from the same
// settings, so a run's numbers do not depend on which worker trains it.
import { sendWasmModule } from './wasm-module.js';
import { adopt, runWorkerCount } from './prestart.js';
import {
  analysisRoleMsg, atlasScenarioMsg, claimedMsg, planeMsg, rescaleMsg, runMsg, scenarioMsg, settingsMap, stopMsg, trajectoryMsg,
} from './messages.js';
import { MAX_RUNS, activeSlots } from './store.js';
import { MAX_PAIRS, describeRejection, scenarioPairs } from './url.js';
import { reasonOf, watchWorker } from './faults.js';

/**
 * Starts the workers. `hooks`: { onSettings(settings) after validated settings are in the store
 * (the URL is canonicalised there), showMessages(list), drawNow() for the urgent first frame }.
 */
export function startWorkers(store, hooks) {
  // One per spare core, at most one per run; `?run_workers=N` (a test hook) overrides it.
  const nRunWorkers = runWorkerCount();
  const runWorkers = [];
  const workerOf = (slot) => runWorkers[slot % nRunWorkers];
  // Two analysis workers (analysis-worker.js), by role: the landscape (coarse and fine maps, cost
  // table) and the diagnoses (flat vs sharp, dynamics, slices, interpolation, rescale). Both get
  // every trajectory; when the runs end, the fine map and the diagnoses are computed at once on
  // two cores instead of one after the other (issue 14).
  let analysisWorker = null;
  let diagnosisWorker = null;
  /** Workers replaced after a fault, by kind (tests read it: window.batchscape.replacedWorkers). */
  const replaced = { run: 0, analysis: 0, diagnosis: 0 };

  // A run worker that fails (an error event, an 'error' message: a trap or an exception, or
  // silence: closed or terminated) is replaced by a fresh one, sent the current scenario; only
  // its unfinished runs are marked failed (with a Retry button, views/status.js).
  function newRunWorker(index) {
    // The workers started early (prestart.js) first; a replacement is started here.
    let w = adopt('run');
    if (!w) {
      w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
      sendWasmModule(w);
    }
    let unwatch = () => {};
    const failed = (reason) => {
      if (runWorkers[index] !== w) return;
      unwatch();
      w.terminate();
      replaced.run += 1;
      runWorkers[index] = newRunWorker(index);
      // Its answer restarts every run only if the current settings still wait for validation.
      const { pendingScenario, scenarioId } = store.get();
      runWorkers[index].postMessage(scenarioMsg(pairs(), pendingScenario ? scenarioId : -1));
      store.update('runs', (s) => {
        for (const slot of activeSlots(s)) {
          if (slot % nRunWorkers !== index || s.runs[slot]?.state === 'finished' || s.runs[slot]?.state === 'diverged') continue;
          s.failed[slot] = { gen: s.gens[slot], reason };
        }
      });
      hooks.showMessages([`Run worker ${index + 1} failed: ${reason}. A fresh worker took its place; its unfinished runs can be retried.`]);
    };
    w.onmessage = (event) => (event.data?.type === 'error' ? failed(reasonOf(event.data)) : onRunMessage(event, index));
    w.onerror = (e) => { e.preventDefault(); failed(reasonOf(e)); };
    unwatch = watchWorker(`run:${index}`, w, failed);
    return w;
  }

  // An analysis worker's fault: a fresh one, given the scenario and the plane; the runs are
  // retrained so that it receives their trajectories again (a run is a function of its settings).
  // `role` 'landscape' is the one named 'analysis' (faults, tests), 'diagnoses' is 'diagnosis'.
  function newAnalysisWorker(role) {
    let w = adopt('analysis');
    if (!w) {
      w = new Worker(new URL('./analysis-worker.js', import.meta.url), { type: 'module' });
      sendWasmModule(w);
    }
    w.postMessage(analysisRoleMsg(role));
    const kind = role === 'diagnoses' ? 'diagnosis' : 'analysis';
    const current = () => (role === 'diagnoses' ? diagnosisWorker : analysisWorker);
    let unwatch = () => {};
    const failed = (reason) => {
      if (current() !== w) return;
      unwatch();
      w.terminate();
      replaced[kind] += 1;
      const fresh = newAnalysisWorker(role);
      if (role === 'diagnoses') diagnosisWorker = fresh; else analysisWorker = fresh;
      fresh.postMessage(atlasScenarioMsg(pairs(), store.get().grid));
      fresh.postMessage(planeMsg(store.get().plane));
      hooks.showMessages([`The ${kind} worker failed: ${reason}. A fresh one took its place; the runs are retrained for it.`]);
      for (const slot of activeSlots(store.get())) startRun(slot);
    };
    w.onmessage = (event) => (event.data?.type === 'error' ? failed(reasonOf(event.data)) : onAnalysisMessage(event));
    w.onerror = (e) => { e.preventDefault(); failed(reasonOf(e)); };
    unwatch = watchWorker(kind, w, failed);
    return w;
  }
  const analysisWorkers = () => [analysisWorker, diagnosisWorker];

  /** Settings for the workers: the URL's, with the page's overrides. Page-only keys stay here. */
  const pairs = () => scenarioPairs(store.get().pairs, store.get().overrides);

  function sendScenario() {
    const p = pairs();
    const id = store.update('pendingScenario', (s) => {
      s.pendingScenario = true;   // until the run worker has validated these settings
      s.scenarioId += 1;
      return s.scenarioId;
    });
    for (const w of runWorkers) w.postMessage(scenarioMsg(p, id));
    for (const w of analysisWorkers()) w.postMessage(atlasScenarioMsg(p, store.get().grid));
  }

  function startRun(slot) {
    // While a quiz question is open (`?quiz=1`, views/quiz.js) no run starts: the slot is
    // cleared like a stopped one, and the learner's answer starts the runs.
    if (store.get().quiz?.pending) { stopRun(slot); return; }
    const gen = store.update([], (s) => { s.gens[slot] += 1; s.runs[slot] = null; s.failed[slot] = null; return s.gens[slot]; });
    workerOf(slot).postMessage(runMsg(slot, gen, store.get().batches[slot]));
  }

  function stopRun(slot) {
    const gen = store.update([], (s) => { s.gens[slot] += 1; s.runs[slot] = null; s.failed[slot] = null; return s.gens[slot]; });
    workerOf(slot).postMessage(stopMsg(slot));
    for (const w of analysisWorkers()) w.postMessage(trajectoryMsg({ slot, gen, snapshots: new Float32Array(0), running: false }));
  }

  const setPlane = (plane) => analysisWorker.postMessage(planeMsg(plane));
  /** Dinh et al.'s rescale of run `slot`'s end point; the answer goes to the store's `rescale`. */
  const rescale = (slot, layer, alpha) => diagnosisWorker.postMessage(rescaleMsg({ slot, gen: store.get().gens[slot], layer, alpha }));

  /** Validated settings: into the store (controls follow), then messages, URL, and the runs. */
  function onSettings(msg) {
    const settings = settingsMap(msg.settings);
    const before = new Set(activeSlots(store.get()));
    store.update(['settings', 'controls', 'palette'], (s) => {
      s.pendingScenario = false;
      s.facts = msg.facts;
      s.work = msg.work;   // the settings' work estimate (core work.rs): tests print it
      s.palette = msg.palette;
      s.inputs = msg.inputs;
      s.labels = msg.labels;
      s.shownImages = msg.shownImages?.length ? msg.shownImages : null;
      s.shownLabels = msg.shownLabels?.length ? msg.shownLabels : null;
      s.pca = msg.pca ?? null;
      s.settings = settings;
      s.nTrain = Number(settings.get('n_train'));
      s.grid = Number(settings.get('grid'));
      s.lr = Number(settings.get('lr'));
      const wanted = settings.get('batch').split(',').map(Number).slice(0, MAX_RUNS);
      s.batches = wanted.map((b) => Math.min(b, s.nTrain));
      // Equal steps: epochs differ wildly between runs, so steps are the natural x axis.
      if (!s.xAxisChosen) s.xAxis = settings.get('budget') === 'steps' ? 'step' : 'epoch';
    });
    const extra = store.get().pairs.length > MAX_PAIRS ? [`Only the first ${MAX_PAIRS} URL parameters were read.`] : [];
    hooks.showMessages([...msg.errors.map((e) => describeRejection(e, settings)), ...extra]);
    hooks.onSettings(settings);
    // A run the new settings no longer have (a scene with fewer runs) is stopped: otherwise its
    // worker keeps training it, its frames still match its generation, and the landscape keeps
    // waiting for a run nobody shows (found by the memory soak).
    const active = new Set(activeSlots(store.get()));
    for (let slot = 0; slot < MAX_RUNS; slot++) if (!active.has(slot) && (before.has(slot) || store.get().runs[slot])) stopRun(slot);
    for (const slot of active) startRun(slot);
  }

  function onFrame(msg) {
    if (msg.gen !== store.get().gens[msg.slot]) return;
    const trajectory = (snapshots) => trajectoryMsg({
      slot: msg.slot, gen: msg.gen, snapshots, steps: msg.stepAt, running: msg.state === 'running', diverged: msg.state === 'diverged',
      batch: msg.batch, lossSteps: msg.stepAt, trainLoss: msg.trainLoss,
    });
    // The diagnoses need only the ended trajectory (a copy; none while the run trains); the
    // landscape gets the original.
    diagnosisWorker.postMessage(trajectory(msg.state === 'running' ? new Float32Array(0) : msg.snapshots.slice()));
    analysisWorker.postMessage(trajectory(msg.snapshots), [msg.snapshots.buffer]);
    delete msg.snapshots;
    store.update('runs', (s) => { s.runs[msg.slot] = msg; });
    const p = store.get().pendingInput;
    if (p?.slot === msg.slot && p.gen === msg.gen && p.frameAt === undefined) {
      // The first frame of the run the user just restarted: drawn now, not at the next
      // animation frame (the chart is painted in the draw worker; this task stays short).
      store.update([], () => { p.frameAt = performance.now(); });
      hooks.drawNow();
    }
  }

  function onRunMessage(event, index) {
    const msg = event.data;
    if (msg.type === 'settings') {
      // Every worker validates the same settings; the first one speaks for all. A reply to an
      // older scenario (the user is still dragging) would put the controls back: it is dropped.
      if (index !== 0 || msg.id !== store.get().scenarioId) return;
      onSettings(msg);
    } else if (msg.type === 'frame') {
      onFrame(msg);
    }
  }

  function onAnalysisMessage(event) {
    const msg = event.data;
    const s = store.get();
    if (msg.type === 'atlas') {
      store.update('atlas', (st) => {
        st.atlas = msg;
        // Which runs (slot:generation) this landscape was computed for: tests and explanations
        // compare it with runsKey() to know the map shows the current runs.
        st.atlasFor = msg.gens.flatMap((g, k) => (g ? [`${k}:${g}`] : [])).join(',');
      });
    } else if (msg.type === 'diagnosing') {
      // Both analysis workers diagnose finished runs (from either end); a claim is passed on.
      const other = event.target === analysisWorker ? diagnosisWorker : analysisWorker;
      other.postMessage(claimedMsg(msg.slot, msg.gen));
    } else if (msg.type === 'diagnosis') {
      if (msg.gen !== s.gens[msg.slot] || s.diag[msg.slot]?.gen === msg.gen) return;
      store.update('diag', (st) => { st.diag[msg.slot] = msg; });
    } else if (msg.type === 'interpolation') {
      if (msg.gens[0] !== s.gens[msg.a] || msg.gens[1] !== s.gens[msg.b]) return;
      store.update('interp', (st) => { st.interp = msg; });
    } else if (msg.type === 'rescaled') {
      if (msg.gen !== s.gens[msg.slot]) return;
      store.update('rescale', (st) => { st.rescale = msg; });
    } else if (msg.type === 'cost') {
      store.update('cost', (st) => { st.cost = msg.table; });
    }
  }

  for (let index = 0; index < nRunWorkers; index++) runWorkers.push(newRunWorker(index));
  analysisWorker = newAnalysisWorker('landscape');
  diagnosisWorker = newAnalysisWorker('diagnoses');

  return { nRunWorkers, sendScenario, startRun, stopRun, setPlane, rescale, scenarioPairs: pairs, replaced: () => ({ ...replaced }) };
}
