// Worker faults, the worker's side (see www/faults.js): every worker calls `testMessage` first in
// its message handler. It answers the page's watchdog ('ping' → 'pong'), the soak test's
// memory question ('test-memory' → its wasm memory in bytes) and, for the fault-injection tests,
// 'test-fault' messages: 'throw' throws here (an uncaught error in the handler), 'close' calls
// self.close(), 'trap' calls the wasm export `test_fault_trap` (an `unreachable` trap) inside
// the worker's own handler, so it fails as a trap in its work would.
//
// `ready`: the worker's wasm init promise (resolves to the module's exports), or null before.
// Returns true when the message was one of these (the worker then ignores it).

export function testMessage(msg, ready) {
  if (msg?.type === 'ping') {
    self.postMessage({ type: 'pong' });
    return true;
  }
  if (msg?.type === 'test-memory') {
    Promise.resolve(ready).then((wasm) => self.postMessage({ type: 'test-memory', bytes: wasm?.memory?.buffer?.byteLength ?? null }));
    return true;
  }
  if (msg?.type !== 'test-fault') return false;
  if (msg.kind === 'throw') throw new Error('test fault: thrown in the message handler');
  if (msg.kind === 'close') self.close();
  return msg.kind !== 'trap';   // 'trap': the worker's handler runs it (`trapForTest`)
}

/** Test only: the trap of a 'test-fault' message of kind 'trap' (call inside the handler's try). */
export function trapForTest(msg, wasm) {
  if (msg?.type === 'test-fault' && msg.kind === 'trap') wasm.test_fault_trap();
}
