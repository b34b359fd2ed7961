// Worker faults, the page's side: every worker the page starts is registered here by name, so
// that (1) a watchdog notices a worker that stopped answering — a worker that `self.close()`s or
// is terminated fires no error event — and (2) the tests can inject faults and read each
// worker's wasm memory.
//
// The watchdog pings every registered worker once a second ({type: 'ping'}); every worker answers
// 'pong' from its message handler (www/worker-faults.js), between its short work slices. Any
// message from a worker counts as an answer. A worker silent for `timeoutMs` (default
// DEAD_MS) is reported dead to its owner's `onDead(reason)`, once; the owner replaces it. A
// worker about to make one long wasm call it cannot slice says so first ({type: 'busy', ms}):
// it is then given that long before it counts as silent.
//
// Test-only (ARCHITECTURE.md, "Fault injection"): with `?test_faults=1` in the URL,
// `window.batchscape.injectFault(kind, target)` (test-api.js) calls `injectFault` below:
//   kind 'trap'      the worker calls the wasm export `test_fault_trap` (an `unreachable` trap)
//        'throw'     the worker throws in its message handler (an uncaught error event)
//        'close'     the worker calls self.close() (no event at all: the watchdog finds it)
//        'terminate' the page terminates the worker (likewise silent)
//        'oom'       the worker calls the wasm export `test_fault_oom`: it allocates until the
//                    wasm memory cannot grow, a real allocation failure (reported "out of memory")
// `armFaultAtRetry(kind, target)` injects `kind` into pool worker `target` at the moment the pool
// hands it a retried cell, `armFaultAtCell(kind, target)` at the moment it hands it its next
// (not retried) cell (pool.js, `cellStarted`): a fault that lands while that cell trains,
// however short the cell (a test injecting it from outside raced a 10 ms cell and lost).
//   target 'run:<slot>' (the run worker owning that slot), 'analysis', 'draw', 'sweep',
//          'parallel', 'seeds' (the B × η sweep runs on the 'sweep' pool's workers).
// `workerMemory()` asks every live worker for its wasm memory size and live allocations (bytes), for the soak test.

export const PING_MS = 1000;
/** Silence (ms) after which a worker is declared dead: generous, as a busy two-core machine
 * can delay a worker's answer by seconds, and a false alarm restarts its work. */
export const DEAD_MS = 10_000;

const watched = new Map();   // name → { worker, lastHeard, onDead, timeoutMs, dead }
let timer = 0;

function tick() {
  const now = performance.now();
  for (const [name, w] of watched) {
    if (w.dead) continue;
    if (now - w.lastHeard > w.timeoutMs && now > w.busyUntil) {
      w.dead = true;
      watched.delete(name);
      w.onDead('it stopped answering (closed or terminated)');
      continue;
    }
    if (now - w.lastHeard > PING_MS / 2) w.worker.postMessage({ type: 'ping' });
  }
  if (!watched.size) { clearInterval(timer); timer = 0; }
}

/**
 * Watches `worker` under `name` (a newer worker of the same name replaces the older one).
 * `onDead(reason)`: called once when it stops answering. Returns the function that stops
 * watching it.
 */
export function watchWorker(name, worker, onDead, { timeoutMs = DEAD_MS } = {}) {
  const entry = { worker, lastHeard: performance.now(), onDead, timeoutMs, dead: false, busyUntil: 0 };
  worker.addEventListener('message', (e) => {
    entry.lastHeard = performance.now();
    // {type: 'busy', ms}: the worker starts one long call (worker-faults.js, announceBusy) and
    // cannot answer meanwhile; any other message ends the notice.
    entry.busyUntil = e.data?.type === 'busy' ? entry.lastHeard + e.data.ms : 0;
  });
  watched.set(name, entry);
  timer ||= setInterval(tick, PING_MS);
  return () => { if (watched.get(name) === entry) watched.delete(name); };
}

/** A worker's failure as one short reason: an error event, or an 'error' message it posted. */
export function reasonOf(eventOrMsg) {
  const text = eventOrMsg?.message || String(eventOrMsg ?? '') || 'unknown error';
  if (/^out of memory/.test(text)) return text;   // an allocation failure (worker-faults.js, failureText)
  return /unreachable|RuntimeError|out of memory|memory access/i.test(text) ? `the wasm code trapped (${text})` : text;
}

/** The kinds of injected fault (the table above). */
const FAULT_KINDS = ['trap', 'throw', 'close', 'oom', 'terminate'];

/** Test only: injects fault `kind` into the worker `target` (see the table above). */
export function injectFault(kind, target) {
  const w = watched.get(target)?.worker;
  if (!w) throw new Error(`injectFault: no live worker '${target}' (live: ${[...watched.keys()].join(', ')})`);
  if (!FAULT_KINDS.includes(kind)) throw new Error(`injectFault: unknown kind '${kind}'`);
  if (kind === 'terminate') w.terminate();
  else w.postMessage({ type: 'test-fault', kind });
}

const armed = new Map();   // 'cell:<target>' or 'retry:<target>' → kind (test only)

function arm(at, kind, target) {
  if (!FAULT_KINDS.includes(kind)) throw new Error(`armFault: unknown kind '${kind}'`);
  armed.set(`${at}:${target}`, kind);
}
/** Test only: the next time the pool hands worker `target` a retried cell, inject `kind` into it. */
export const armFaultAtRetry = (kind, target) => arm('retry', kind, target);
/** Test only: the next time the pool hands worker `target` a cell (not a retry), inject `kind` into it. */
export const armFaultAtCell = (kind, target) => arm('cell', kind, target);

/** The pool has just posted a cell to worker `name` (`retried`: the retry of a lost one): a
 * fault armed for that moment lands now. */
export function cellStarted(name, retried) {
  const key = `${retried ? 'retry' : 'cell'}:${name}`;
  const kind = armed.get(key);
  if (!kind) return;
  armed.delete(key);
  injectFault(kind, name);
}

/** Test only: the names of the live (watched) workers. */
export const liveWorkers = () => [...watched.keys()];

/**
 * Every live worker's wasm memory by name: { bytes: the linear memory's size (it never
 * shrinks: the allocator's high-water mark), live: bytes allocated and not yet freed, peak: the
 * most bytes live at once since the last call } (null:
 * no answer within 5 s, or no wasm yet).
 */
export async function workerMemory() {
  const ask = ([name, { worker }]) => new Promise((resolve) => {
    const done = (m) => { worker.removeEventListener('message', on); clearTimeout(t); resolve([name, m]); };
    const on = (e) => { if (e.data?.type === 'test-memory') done(e.data.bytes == null ? null : { bytes: e.data.bytes, live: e.data.live, peak: e.data.peak }); };
    const t = setTimeout(() => done(null), 5000);
    worker.addEventListener('message', on);
    worker.postMessage({ type: 'test-memory' });
  });
  return Object.fromEntries(await Promise.all([...watched].map(ask)));
}
