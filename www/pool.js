// The sweep workers' pool (issue 14), one for the page, shared by the batch-size × seeds sweep
// (sweep.js) and the B × η sweep (laws.js): `sweep-worker.js` workers, each sent the page's wasm
// module, watched for faults, kept between sweeps (the next sweep of either kind starts on warm
// workers) and grown back after a failure. Each sweep is a *job* of the pool: its cells are
// handed out one at a time, in the order the job deals them, to whichever member is free and
// has the job's session (a cell's cost varies a lot: a static share leaves one worker idle while
// the other still trains); with both sweeps running, a free member takes the next cell of the
// job made first (the batch-size sweep's) before the other's. A cell is a function of the settings and its index, so what a sweep computes does
// not depend on the pool's size or on which worker ran which cell. Each job keeps its members'
// count of cells and busy time (dispatch → result) for the timing script.
//
// A member that fails while training a cell of a job that can start its session on a new worker
// (the `start` hook: both sweeps) is replaced at once by a fresh worker of the same name, and the
// lost cell is retried once, on that fresh worker, as soon as it holds the session. If the cell
// is lost again (the fresh worker fails too), the job hears that it failed twice (`onFailed`'s
// `retried`) and marks only that cell failed; the other members go on with the rest. A job
// without `start` hears of a lost cell at once and leaves it out.
//
// A member that fails holding no cell (while starting a session, or answering a bands or
// analysis request) is replaced too, while some job runs: every job with `start` is asked to
// start its session on the fresh worker (`onFailed`'s `replacing`: a fresh worker joins, so a
// job left with no member need not stop). Only once in a row: a fresh worker that fails again
// before it has finished a cell is not replaced (a fault that kills every new worker would
// otherwise respawn forever); finishing a cell makes its slot replaceable again.
import { sendWasmModule } from './wasm-module.js';
import { cellStarted, reasonOf, watchWorker } from './faults.js';

/** A new sweep worker, sent the page's sweeps module (compiled on the first sweep's first worker). */
function spawnSweepWorker() {
  const worker = new Worker(new URL('./sweep-worker.js', import.meta.url), { type: 'module' });
  sendWasmModule(worker, 'sweeps');
  return worker;
}

/**
 * The pool; `name(k)` names member k for the fault watchdog. A member that fails (an error
 * event, a trap or exception in its work, or silence: closed or terminated) is dropped, and
 * every job hears of it (`onFailed`); a lost cell is retried once on a fresh worker (above).
 * `spawn` and `watch` are the worker's constructor and the watchdog (tests pass fakes).
 * @param {(k: number) => string} name
 * @param {{ spawn?: () => Worker, watch?: typeof watchWorker }} [options]
 */
export function createPool(name, { spawn = spawnSweepWorker, watch = watchWorker } = {}) {
  /** @type {{ worker: Worker, name: string, k: number, task: { job: object, index: number, since: number, retried: boolean } | null, retry: { job: object, index: number } | null, strikes: number, unwatch: () => void }[]} */
  let members = [];
  /** @type {ReturnType<typeof makeJob>[]} */
  const jobs = [];

  function drop(m) {
    if (!members.includes(m)) return false;
    m.unwatch();
    m.worker.terminate();
    members = members.filter((x) => x !== m);
    return true;
  }
  function failed(m, reason) {
    if (!drop(m)) return;
    // The cell it trained, or the retry it was started for and had not begun yet.
    const lost = m.task ?? (m.retry && { ...m.retry, retried: true });
    m.task = null;
    m.retry = null;
    const retrying = Boolean(lost && !lost.retried && lost.job.hooks.start);
    // A job with `start` runs unless its `running` hook says otherwise (between sweeps no fresh
    // worker is spawned for a cell-less failure: it would only be terminated again).
    const runs = (j) => Boolean(j.hooks.start) && (j.hooks.running?.() ?? true);
    const replacing = retrying || (!lost && !m.strikes && jobs.some(runs));
    // Every job hears first, with the pool as the failure left it (a job without a ready
    // member and no fresh one coming stops), then the fresh worker starts.
    for (const j of jobs) {
      const mine = lost?.job === j;
      j.hooks.onFailed(m, reason, mine ? lost.index : null, { retrying: mine && retrying, retried: mine && lost.retried, replacing });
    }
    if (!replacing) return;
    const fresh = add(m.k);
    // A retry's worker inherits the slot's count; a replacement for a cell-less failure adds one.
    fresh.strikes = m.strikes + (retrying ? 0 : 1);
    if (retrying) fresh.retry = { job: lost.job, index: lost.index };
    let wanted = false;
    for (const j of jobs) {
      if (!j.hooks.start) continue;
      // false: that job no longer runs (it stopped); it gets no session, nor its lost cell.
      const took = j.hooks.start(fresh) !== false;
      if (!took && fresh.retry?.job === j) fresh.retry = null;
      wanted ||= took;
    }
    // A replacement no job wanted is not kept (a retry's worker stays a member, as before).
    if (!wanted && !retrying) drop(fresh);
  }

  function add(k) {
    const worker = spawn();
    const m = { worker, name: name(k), k, task: null, retry: null, strikes: 0, unwatch: () => {} };
    worker.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === 'error' && msg.fatal) failed(m, reasonOf(msg));
      else for (const j of jobs) j.hooks.onMessage(m, msg);
    };
    worker.onerror = (e) => { e.preventDefault(); failed(m, reasonOf(e)); };
    m.unwatch = watch(m.name, worker, (reason) => failed(m, reason));
    members.push(m);
    return m;
  }

  /** Hands `m`, if free, the cell it is to retry (once it holds that job's session), else the
   * next cell of the first job (in the order made) that has one and whose session m holds. */
  function dispatch(m) {
    if (m.task || !members.includes(m)) return;
    if (m.retry) {
      const { job, index } = m.retry;
      if (!job.readySet.has(m)) return;
      m.retry = null;
      m.task = { job, index, since: performance.now(), retried: true };
      job.hooks.send(m, index);
      cellStarted(m.name, true);   // a no-op unless a fault test armed one (faults.js)
      return;
    }
    const j = jobs.find((x) => x.readySet.has(m) && x.queue.length);
    if (!j) return;
    m.task = { job: j, index: j.queue.shift(), since: performance.now(), retried: false };
    j.hooks.send(m, m.task.index);
    cellStarted(m.name, false);
  }

  /**
   * A job (one kind of sweep): `send(m, index)` posts cell `index` to member m; `onMessage(m,
   * msg)` gets every message of every member but fatal errors (a job tells its own by type);
   * `onFailed(m, reason, lost, { retrying, retried, replacing })` when member m failed (`lost`:
   * the index of this job's cell it was training, or null; `retrying`: that cell goes to a fresh
   * worker; `retried`: it was that retry, so the cell failed twice; `replacing`: a fresh worker
   * takes m's place and is offered this job's session next). Optional `start(m)`: posts this
   * job's session start to the fresh member m (the job calls `ready(m)` when m holds it), or
   * returns false if the job no longer runs; a job with it has its lost cells retried once.
   * Optional `running()`: whether the job runs now (no fresh worker is spawned for a member's
   * cell-less failure while no job with `start` runs).
   */
  function makeJob(hooks) {
    const job = {
      hooks,
      queue: [],
      readySet: new Set(),
      stats: new Map(), // member → { cells, busyMs, lastMs }
      /** A new sweep of this job: no member ready, nothing queued, no cell of it in flight, counts reset. */
      reset() {
        job.queue = [];
        job.readySet.clear();
        job.stats.clear();
        job.release();
      },
      /** The cells to hand out, in this order; every ready, free member gets one. */
      deal(indices) { job.queue = [...indices]; for (const m of members) dispatch(m); },
      /** Nothing more of this job is handed out, and its cells in flight are forgotten (the
       * sweep was cancelled or stopped): their members go on to other jobs' cells. */
      clear() { job.queue = []; job.release(); },
      release() {
        for (const m of members) {
          if (m.retry?.job === job) m.retry = null;
          if (m.task?.job === job) { m.task = null; dispatch(m); }
        }
      },
      /** `m` holds this job's session and can take its cells. */
      ready(m) { job.readySet.add(m); dispatch(m); },
      /** `m` finished its cell of this job: counted, and it gets the next. Returns the index, or null. */
      done(m) {
        if (m.task?.job !== job) return null;
        const { index, since } = m.task;
        m.task = null;
        m.strikes = 0;
        const s = job.stats.get(m) ?? { cells: 0, busyMs: 0, lastMs: 0 };
        s.cells += 1;
        s.lastMs = performance.now() - since;
        s.busyMs += s.lastMs;
        job.stats.set(m, s);
        dispatch(m);
        return index;
      },
      /** The index of this job's cell `m` trains, or null. */
      cellOf(m) { return m.task?.job === job ? m.task.index : null; },
      /** `m`'s counts in this job's sweep. */
      statsOf(m) { return job.stats.get(m) ?? { cells: 0, busyMs: 0, lastMs: 0 }; },
      /** Members training a cell of this job. */
      get busy() { return members.filter((m) => m.task?.job === job).length; },
      /** A member holding this job's session for side work (a free one first), or undefined. */
      idle() {
        const ready = members.filter((m) => job.readySet.has(m));
        return ready.find((m) => !m.task) ?? ready[0];
      },
    };
    jobs.push(job);
    return job;
  }

  return {
    get members() { return members; },
    get size() { return members.length; },
    /** Adds members (the lowest free k first) until there are `n`. */
    grow(n) {
      const used = new Set(members.map((m) => m.k));
      for (let k = 0; members.length < n; k++) if (!used.has(k)) add(k);
    },
    job: makeJob,
  };
}
