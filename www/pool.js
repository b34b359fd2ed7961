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
import { sendWasmModule } from './wasm-module.js';
import { reasonOf, watchWorker } from './faults.js';

/**
 * The pool; `name(k)` names member k for the fault watchdog. A member that fails (an error
 * event, a trap or exception in its work, or silence: closed or terminated) is dropped, and
 * every job hears of it (`onFailed`).
 * @param {(k: number) => string} name
 */
export function createPool(name) {
  /** @type {{ worker: Worker, name: string, k: number, task: { job: object, index: number, since: number } | null, unwatch: () => void }[]} */
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
    const lost = m.task;
    m.task = null;
    for (const j of jobs) j.hooks.onFailed(m, reason, lost?.job === j ? lost.index : null);
  }

  function add(k) {
    const worker = new Worker(new URL('./sweep-worker.js', import.meta.url), { type: 'module' });
    sendWasmModule(worker);
    const m = { worker, name: name(k), k, task: null, unwatch: () => {} };
    worker.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === 'error' && msg.fatal) failed(m, reasonOf(msg));
      else for (const j of jobs) j.hooks.onMessage(m, msg);
    };
    worker.onerror = (e) => { e.preventDefault(); failed(m, reasonOf(e)); };
    m.unwatch = watchWorker(m.name, worker, (reason) => failed(m, reason));
    members.push(m);
    return m;
  }

  /** Hands `m`, if free, the next cell of the first job (in the order made) that has one and whose session m holds. */
  function dispatch(m) {
    if (m.task || !members.includes(m)) return;
    const j = jobs.find((x) => x.readySet.has(m) && x.queue.length);
    if (!j) return;
    m.task = { job: j, index: j.queue.shift(), since: performance.now() };
    j.hooks.send(m, m.task.index);
  }

  /**
   * A job (one kind of sweep): `send(m, index)` posts cell `index` to member m; `onMessage(m,
   * msg)` gets every message of every member but fatal errors (a job tells its own by type);
   * `onFailed(m, reason, lost)` when member m failed (`lost`: the index of this job's cell it
   * was training, or null).
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
        for (const m of members) if (m.task?.job === job) { m.task = null; dispatch(m); }
      },
      /** `m` holds this job's session and can take its cells. */
      ready(m) { job.readySet.add(m); dispatch(m); },
      /** `m` finished its cell of this job: counted, and it gets the next. Returns the index, or null. */
      done(m) {
        if (m.task?.job !== job) return null;
        const { index, since } = m.task;
        m.task = null;
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
