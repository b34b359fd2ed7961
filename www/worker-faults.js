// Worker faults, the worker's side (see www/faults.js): every worker calls `testMessage` first in
// its message handler. It answers the page's watchdog ('ping' → 'pong'), the soak test's
// memory question ('test-memory' → its wasm memory and its live allocations, in bytes) and, for the fault-injection tests,
// 'test-fault' messages: 'throw' throws here (an uncaught error in the handler), 'close' calls
// self.close(), 'trap' calls the wasm export `test_fault_trap` (an `unreachable` trap) and 'oom'
// the export `test_fault_oom` (allocates until the wasm memory cannot grow: a real allocation
// failure) inside the worker's own handler, so it fails as a trap in its work would.
// `failureText` turns a worker's error into the reason it reports ("out of memory …" after an
// allocation failure, which crate/web/src/faults.rs records).
//
// `ready`: the worker's wasm init promise (resolves to the module's exports), or null before.
// Returns true when the message was one of these (the worker then ignores it).

export function testMessage(msg, ready) {
  if (msg?.type === 'ping') {
    self.postMessage({ type: 'pong' });
    return true;
  }
  if (msg?.type === 'test-memory') {
    // bytes: the linear memory (never shrinks); live: allocated and not freed; peak: the most live
    // since the last question (crate/web/src/faults.rs).
    Promise.resolve(ready).then((wasm) => self.postMessage({
      type: 'test-memory', bytes: wasm?.memory?.buffer?.byteLength ?? null, live: wasm?.alloc_live_bytes?.() ?? null, peak: wasm?.alloc_peak_bytes?.() ?? null,
    }));
    return true;
  }
  if (msg?.type !== 'test-fault') return false;
  if (msg.kind === 'throw') throw new Error('test fault: thrown in the message handler');
  if (msg.kind === 'close') self.close();
  return msg.kind !== 'trap' && msg.kind !== 'oom';   // these two: the worker's handler runs them (`trapForTest`)
}

/** Test only: the trap of a 'test-fault' message of kind 'trap' (call inside the handler's try). */
export function trapForTest(msg, wasm) {
  if (msg?.type === 'test-fault' && msg.kind === 'trap') wasm.test_fault_trap();
  if (msg?.type === 'test-fault' && msg.kind === 'oom') wasm.test_fault_oom();
}

const MB = 2 ** 20;

/**
 * The reason a worker reports for `err`. A failed allocation aborts the wasm code with a bare
 * "unreachable" trap; the module's allocator records the refused size (`alloc_failure_bytes`),
 * so such a trap is reported as "out of memory (…)" with that size and the memory in use.
 * `ready`: the worker's wasm init promise (or null).
 */
export async function failureText(err, ready) {
  const text = String(err?.message || err);
  const wasm = await Promise.resolve(ready).catch(() => null);
  const bytes = wasm?.alloc_failure_bytes?.() ?? 0;
  if (!bytes) return text;
  const inUse = wasm.memory?.buffer?.byteLength ?? 0;
  return `out of memory (an allocation of ${(bytes / MB).toFixed(0)} MB failed with ${(inUse / MB).toFixed(0)} MB of wasm memory in use)`;
}

/**
 * Tells the page's watchdog (www/faults.js) that the worker starts one long call it cannot
 * slice (it answers no ping until it returns): silence for up to `ms` is then not death. Any
 * later message of the worker ends the notice.
 */
export function announceBusy(ms) {
  self.postMessage({ type: 'busy', ms });
}
