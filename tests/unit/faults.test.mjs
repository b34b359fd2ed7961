// Unit tests of the workers' failure reasons: www/faults.js (`reasonOf`, the page's side) and
// www/worker-faults.js (`failureText`, a worker's side: an allocation failure recorded by the
// wasm module's allocator is reported as "out of memory").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reasonOf } from '../../www/faults.js';
import { failureText } from '../../www/worker-faults.js';

const MB = 2 ** 20;
// A stand-in for the wasm module's exports: the two that failureText reads.
const wasm = (failed, memory) => ({ alloc_failure_bytes: () => failed, memory: { buffer: { byteLength: memory } } });

test('a trap after a refused allocation is reported as out of memory, with the size and the memory in use', async () => {
  const err = new WebAssembly.RuntimeError('unreachable');
  assert.equal(await failureText(err, Promise.resolve(wasm(256 * MB, 3843 * MB))),
    'out of memory (an allocation of 256 MB failed with 3843 MB of wasm memory in use)');
});

test('any other error keeps its message (no allocation failed, or no wasm yet)', async () => {
  const err = new WebAssembly.RuntimeError('unreachable');
  assert.equal(await failureText(err, Promise.resolve(wasm(0, 4 * MB))), 'unreachable');
  assert.equal(await failureText(new Error('boom'), null), 'boom');
  assert.equal(await failureText('plain text', Promise.reject(new Error('init failed'))), 'plain text');
});

test('the page shows out of memory as it is, other traps as "the wasm code trapped"', () => {
  const oom = 'out of memory (an allocation of 256 MB failed with 3843 MB of wasm memory in use)';
  assert.equal(reasonOf({ message: oom }), oom);
  assert.equal(reasonOf({ message: 'unreachable' }), 'the wasm code trapped (unreachable)');
  assert.equal(reasonOf({ message: 'test fault: thrown in the message handler' }), 'test fault: thrown in the message handler');
});
