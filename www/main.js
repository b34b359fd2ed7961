// The page's wiring: the store, the URL, the workers, the redraw scheduler and the views.
// No logic of its own: each part lives in its module (see ARCHITECTURE.md's code map). All
// numbers come from the workers, charts are painted in the draw worker (painter.js), and all
// text reaches the DOM through textContent.
// First: the workers start (prestart.js; index.html runs it before this module's imports load).
import './prestart.js';
import {
  chapterIndex, chapterOf, chapterQuery, chapterScene, chapterStates, labQuery,
} from './chapters.js';
import { mountGlossary } from './glossary.js';
import { mountMenu } from './menu.js';
import { pending as paintsPending, reportErrorsTo, sizeCanvas } from './painter.js';
import { createScheduler } from './scheduler.js';
import { SCENES } from './scenes.js';
import { activeSlots, analysesDone, createStore, initialState } from './store.js';
import { mountSweep } from './sweep.js';
import { installTestApi } from './test-api.js';
import {
  bareSceneQuery, canonicalQuery, pageKeyRejections, pageValue, pairsOf, sceneQuery, syncedQuery,
} from './url.js';
import { mountBoundaries } from './views/boundaries.js';
import { mountChapters } from './views/chapter.js';
import { mountDigits } from './views/digits.js';
import { mountControls } from './views/controls.js';
import { mountCost } from './views/cost.js';
import { mountCurves } from './views/curves.js';
import { $, flushWrites, showMessages } from './views/dom.js';
import { mountDynamics } from './views/dynamics.js';
import { mountHover } from './views/hover.js';
import { mountLandscape } from './views/landscape.js';
import { mountSurface, takeSurfaceMessages } from './views/surface.js';
import { mountLede } from './views/lede.js';
import { mountScene } from './views/scene.js';
import { mountSharpness } from './views/sharpness.js';
import { mountStall } from './views/stall.js';
import { mountStatus, onRetry } from './views/status.js';
import { mountExports } from './exports-ui.js';
import { mountLesson } from './lesson.js';
import { mountOwnData } from './owndata.js';
import { applyEmbed, mountShare } from './share.js';
import { startWorkers } from './workers.js';

const store = createStore(initialState());

const scheduler = createScheduler({
  reducedMotion: matchMedia('(prefers-reduced-motion: reduce)').matches,
  // The first frame of a run the user just restarted skips the redraw throttle.
  isUrgent: () => {
    const { pendingInput: p, runs } = store.get();
    return Boolean(p && runs[p.slot]?.gen === p.gen);
  },
  // The throttle is for streaming runs: the last frame of the last run is drawn at once (the
  // decision maps, a slow view, waited up to 600 ms for it).
  streaming: () => {
    const s = store.get();
    return activeSlots(s).some((k) => !s.runs[k] || s.runs[k].state === 'running');
  },
  flush: flushWrites,
  onError: (err) => showMessages([`Drawing failed: ${err.message || err}`]),
});

// ---------------------------------------------------------------- URL
const replaceQuery = (query) => history.replaceState(null, '', `${location.pathname}?${query}`);
const pushQuery = (query) => history.pushState(null, '', `${location.pathname}?${query}`);
/** Most points the URL carries: the core's, from the scenario's facts (none before the first). */
const urlMaxPoints = () => store.get().facts?.url_max_points ?? 0;
/** The URL follows the page's state (overrides, run slots, plane, x axis). */
const syncUrl = () => replaceQuery(syncedQuery(location.search, store.get(), urlMaxPoints()));

const workers = startWorkers(store, {
  // The settings' messages, plus those of the URL's rejected page keys (url.js) and the 3-D
  // surface's about a bad angle in the URL (once).
  showMessages: (list) => showMessages([...list, ...pageKeyRejections(location.search, Object.keys(SCENES), (v) => chapterIndex(v) >= 0), ...takeSurfaceMessages()]),
  drawNow: () => scheduler.drawNow(),
  // Rewrites the URL to the validated state in effect (url.js canonicalQuery).
  onSettings: (settings) => replaceQuery(canonicalQuery(location.search, store.get(), settings, urlMaxPoints())),
});

// Background work (the seeds study, the data-parallel check) starts only once the picture is
// complete (store.js analysesDone, and nothing left to draw): on a two-core machine it would
// otherwise take a core from the runs, the analysis and the draw worker (issue 14).
const backlog = new Set();
let backlogTimer = 0;
const pictureComplete = () => analysesDone(store.get()) && !scheduler.dirty && paintsPending() === 0;
function runBacklog() {
  clearTimeout(backlogTimer);
  if (!backlog.size) return;
  if (!pictureComplete()) { backlogTimer = setTimeout(runBacklog, 50); return; }
  const jobs = [...backlog];
  backlog.clear();
  for (const job of jobs) job();
}
/** Runs `job` once the picture is complete (at once if it is); a job queued twice runs once. */
function afterPicture(job) {
  backlog.add(job);
  runBacklog();
}

/** New settings from a scene, a settings file or the history: replace the page's, train. */
function loadPairs(pairs, scene) {
  store.update('pairs', (s) => { s.pairs = pairs; s.overrides.clear(); });
  store.set({ scene });
  workers.sendScenario();
}

/** `query` with the current URL's `quiz` kept: a scene picked inside a quiz link asks its question too. */
const withQuiz = (query) => {
  const q = new URLSearchParams(query);
  const quiz = new URLSearchParams(location.search).get('quiz');
  if (quiz !== null) q.set('quiz', quiz);
  return q.toString();
};

/** Restores a scene's full state: its settings replace the page's, as a new history entry. */
function loadScene(name) {
  const scene = SCENES[name];
  if (!scene) return;
  const query = sceneQuery(name, scene.pairs, store.get().plane);
  pushQuery(withQuiz(query));
  loadPairs(Object.entries(scene.pairs), name);
}

/** Chapter k (0-based) in its state `name` (default: its first): the scene's settings, the chapter in the URL. */
function loadChapter(k, name = chapterStates(k, SCENES)[0]) {
  const scene = SCENES[name];
  const query = new URLSearchParams(chapterQuery(k, scene ? sceneQuery(name, scene.pairs, store.get().plane) : ''));
  const embed = new URLSearchParams(location.search).get('embed');
  if (embed !== null) query.set('embed', embed);
  pushQuery(withQuiz(query.toString()));
  store.set({ chapter: k });
  if (scene) loadPairs(Object.entries(scene.pairs), name);
}

/** The full lab: every view, the settings kept, the chapter out of the URL. */
function openLab() {
  pushQuery(labQuery(location.search));
  store.set({ chapter: null });
}

/** A chapter link (or the empty first visit: chapter 1) gets its chapter's state before the settings are read. */
function applyChapterLink() {
  const { index } = chapterOf(location.search);
  if (index < 0) return;
  const { scene, fromUrl } = chapterScene(location.search, index, SCENES);
  if (!fromUrl && scene) {
    const query = new URLSearchParams(chapterQuery(index, sceneQuery(scene, SCENES[scene].pairs, pageValue(location.search, 'plane'))));
    for (const k of ['embed', 'x', 'quiz']) if (new URLSearchParams(location.search).has(k)) query.set(k, new URLSearchParams(location.search).get(k));
    replaceQuery(query.toString());
  }
  store.set({ chapter: index });
}

/** A bare scene link (`?scene=noisy`, as a teacher types it) gets that scene's settings. */
function applySceneLink() {
  const query = bareSceneQuery(location.search, SCENES);
  if (query !== null) replaceQuery(query);
}

const sceneOf = (search) => {
  const name = new URLSearchParams(search).get('scene');
  return SCENES[name] ? name : null;
};

// ---------------------------------------------------------------- views
// Mounted in redraw order (the scheduler draws stale views in registration order).
mountLandscape(document.querySelector('[data-panel=landscape]'), store, scheduler);
mountSurface(document.querySelector('[data-panel=landscape]'), store, scheduler);
mountCurves(document.querySelector('[data-panel=curves]'), store, scheduler);
mountSharpness(document.querySelector('[data-panel=sharpness]'), store, scheduler);
mountDynamics(document.querySelector('[data-panel=dynamics]'), store, scheduler);
mountBoundaries(document.querySelector('[data-panel=boundaries]'), store, scheduler);
mountDigits(document.querySelector('[data-panel=boundaries]'), store, scheduler);
mountCost(document.querySelector('[data-panel=cost]'), store, scheduler);
mountScene(document.querySelector('.scenes') ?? document.body, store, scheduler, { onPick: loadScene });
mountStatus($('live-summary'), store, scheduler);
onRetry((slot) => workers.startRun(slot));
mountChapters(store, scheduler, { go: loadChapter, lab: openLab });
// `?quiz=1`: the scene's question holds its runs (workers.js startRun) until it is answered.
// Its code (the view and quizzes.js, ~11 KB) is a chunk of its own, loaded only by a quiz link
// (issue 14, first-load size); awaited here, so it is mounted before the page starts its runs.
if (pageValue(location.search, 'quiz') === '1') {
  const { mountQuiz } = await import('./views/quiz.js');
  mountQuiz($('quiz'), store, scheduler, {
    enabled: true,
    release: () => { if (!store.get().pendingScenario) for (const slot of activeSlots(store.get())) workers.startRun(slot); },
  });
}

// The run palette is the core's (render::RUN_COLORS, sent with the settings): the swatches'
// colours (style.css --run-0 … --run-3) follow it; CSSOM, so no inline style is needed.
store.subscribe(['palette'], () => {
  (store.get().palette ?? []).slice(0, 4).forEach((c, k) => document.documentElement.style.setProperty(`--run-${k}`, c));
});

// The tests' read-only view of the page (test-api.js); the sweep's state once it is mounted.
let sweep = null;
installTestApi(store, { scheduler, nRunWorkers: workers.nRunWorkers, sweep: () => sweep, replacedWorkers: workers.replaced });

// ---------------------------------------------------------------- start
function start() {
  reportErrorsTo((message) => showMessages([message]));
  // The page's chart canvases, as fine as the screen's pixels (their width and height
  // attributes are the chart sizes in CSS pixels).
  for (const c of document.querySelectorAll('canvas[role="img"]')) sizeCanvas(c, c.width, c.height);
  applyChapterLink();
  applySceneLink();
  store.update('pairs', (s) => { s.pairs = pairsOf(location.search); });
  mountControls(document.querySelector('[data-panel=controls]'), store, {
    startRun: workers.startRun, stopRun: workers.stopRun, sendScenario: workers.sendScenario, syncUrl, setPlane: workers.setPlane,
  });
  mountLesson(store, scheduler, {
    scenarioPairs: workers.scenarioPairs, sendScenario: workers.sendScenario, syncUrl, rescale: workers.rescale, afterPicture, pictureComplete,
  });
  store.set({ plane: pageValue(location.search, 'plane') });
  applyEmbed(store, location.search);
  workers.setPlane(store.get().plane);
  const x = pageValue(location.search, 'x');
  if (x) { store.update([], (s) => { s.xAxis = x; s.xAxisChosen = true; }); $('x-axis').value = x; }
  store.set({ scene: sceneOf(location.search) });
  // Back and forward between scenes (or shared links) restore that URL's state.
  window.addEventListener('popstate', () => {
    const { index } = chapterOf(location.search);
    store.set({ chapter: index >= 0 ? index : null });
    loadPairs(pairsOf(location.search), sceneOf(location.search));
  });
  // The settings are complete (URL, chapter, scene, plane): the workers get them now and
  // validate them while the rest of the page mounts (issue 14: these mounts took ≈ 100 ms of
  // the main thread before the first run could start). Their replies are messages, handled
  // after this function, when everything is mounted.
  workers.sendScenario();
  sweep = mountSweep(document.getElementById('sweep-view'), { scenarioPairs: workers.scenarioPairs, afterPicture });
  mountShare($('share'));
  mountExports(store, {
    onImport: (params) => { pushQuery(params.toString()); store.set({ chapter: null }); loadPairs([...params], null); },
  });
  mountMenu($('menu'));
  mountGlossary();
  mountLede(store);
  mountStall(store, scheduler, {
    apply: (pairs) => {
      store.update([], (s) => { for (const [k, v] of pairs) s.overrides.set(k, v); });
      syncUrl();
      workers.sendScenario();
    },
  });
  mountHover(store);
  mountOwnData(store, { apply: (pairs) => { store.update([], (s) => { for (const [k, v] of pairs) s.overrides.set(k, v); }); syncUrl(); workers.sendScenario(); } });
}

try {
  start();
} catch (err) {
  showMessages([`Batchscape could not start: ${err.message || err}`]);
}
