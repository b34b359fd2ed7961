// The sweep workers' pool (issue 14), shared by the batch-size × seeds sweep (sweep.js) and the
// B × η sweep (laws.js): `sweep-worker.js` workers, each sent the page's wasm module, watched
// for faults, and handed the cells of a sweep one at a time, in plan order, as each becomes
// free (a cell's cost varies a lot: a static share leaves one worker idle while the other still
// trains). A cell is a function of the settings and its index, so what a sweep computes does
// not depend on the pool's size or on which worker ran which cell. The pool also keeps each
// worker's count of cells and busy time (dispatch → result) for the timing script.
import { sendWasmModule } from './wasm-module.js';
import { reasonOf, watchWorker } from './faults.js';

/**
 * A pool of sweep workers. `name(k)` names member k for the fault watchdog; `onMessage(m, msg)`
 * gets every message of member m but fatal errors; `onFailed(m, reason)` is called once when m
 * fails (an error event, a trap or exception in its work, or silence: closed or terminated),
 * after the pool has dropped it. `send(m, index)` posts cell `index` to member m.
 * @param {{ name: (k: number) => string, onMessage: (m: object, msg: object) => void, onFailed: (m: object, reason: string) => void, send: (m: object, index: number) => void }} hooks
 */
export function createPool({ name, onMessage, onFailed, send }) {
  /** @type {{ worker: Worker, name: string, k: number, cell: number|null, ready: boolean, cells: number, busyMs: number, lastMs: number, since: number, unwatch: () => void }[]} */
  let members = [];
  let queue = [];

  function drop(m) {
    if (!members.includes(m)) return false;
    m.unwatch();
    m.worker.terminate();
    members = members.filter((x) => x !== m);
    return true;
  }
  const failed = (m, reason) => { if (drop(m)) onFailed(m, reason); };

  function add(k) {
    const worker = new Worker(new URL('./sweep-worker.js', import.meta.url), { type: 'module' });
    sendWasmModule(worker);
    const m = { worker, name: name(k), k, cell: null, ready: false, cells: 0, busyMs: 0, lastMs: 0, since: 0, unwatch: () => {} };
    worker.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === 'error' && msg.fatal) failed(m, reasonOf(msg));
      else onMessage(m, msg);
    };
    worker.onerror = (e) => { e.preventDefault(); failed(m, reasonOf(e)); };
    m.unwatch = watchWorker(m.name, worker, (reason) => failed(m, reason));
    members.push(m);
    return m;
  }

  /** Hands the next cell to `m` if it is ready and free. */
  function dispatch(m) {
    if (!m.ready || m.cell !== null || !queue.length || !members.includes(m)) return;
    m.cell = queue.shift();
    m.since = performance.now();
    send(m, m.cell);
  }

  return {
    get members() { return members; },
    get size() { return members.length; },
    /** Cells not handed out yet. */
    get queued() { return queue.length; },
    /** Adds members (the lowest free k first) until there are `n`. */
    grow(n) {
      const used = new Set(members.map((m) => m.k));
      for (let k = 0; members.length < n; k++) if (!used.has(k)) add(k);
    },
    /** Terminates every member. */
    stop() { for (const m of [...members]) drop(m); queue = []; },
    /** A new sweep: no member is ready or busy, nothing queued, the counts reset. */
    reset() {
      queue = [];
      for (const m of members) Object.assign(m, { ready: false, cell: null, cells: 0, busyMs: 0 });
    },
    /** The cells to hand out (plan order); every ready, free member gets one. */
    deal(indices) { queue = [...indices]; for (const m of members) dispatch(m); },
    /** Nothing more is handed out. */
    clear() { queue = []; },
    /** `m` can take cells (its session of the sweep exists). */
    ready(m) { m.ready = true; dispatch(m); },
    /** `m` finished its cell: counted (`lastMs` its time), and it gets the next. Returns the cell's index. */
    done(m) {
      const index = m.cell;
      if (index === null) return null;
      m.cell = null;
      m.cells += 1;
      m.lastMs = performance.now() - m.since;
      m.busyMs += m.lastMs;
      dispatch(m);
      return index;
    },
    /** A ready member for other work (one without a cell first), or undefined. */
    idle() { return members.find((m) => m.ready && m.cell === null) ?? members.find((m) => m.ready); },
  };
}
