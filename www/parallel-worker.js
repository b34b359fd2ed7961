// Data-parallel worker (laws.js): answers each 'parallel' message with the core's comparison of
// K simulated devices × b examples against one device with B = K·b (`data_parallel`). On the
// compute module, which the page has compiled already: the default page asks for this check
// once its picture is complete, and the sweeps' module (sweep-worker.js) is fetched only when
// the learner runs a sweep (issue 14, first-load size).
import init, { data_parallel as dataParallel } from '../pkg/batchscape.js';
import * as glue from '../pkg/batchscape.js';
import { ensureDigits } from './digits-data.js';
import { errorMsg, parallelResultMsg } from './messages.js';
import { takeWasmModule, wasmSource } from './wasm-module.js';
import { failureText, testMessage, trapForTest } from './worker-faults.js';

let ready = null;

// An exception or a trap is `fatal`: the page drops this worker and asks a fresh one next time.
const fail = (err) => failureText(err, ready).then((text) => self.postMessage({ ...errorMsg(text), fatal: true }));
self.onmessage = (event) => {
  if (takeWasmModule(event.data)) { ready ??= init(wasmSource()); return; }
  if (testMessage(event.data, ready)) return;
  handle(event.data).catch(fail);
};

async function handle(msg) {
  const wasm = await (ready ??= init(wasmSource()));
  if (msg.type === 'test-fault') { trapForTest(msg, wasm); return; }
  if (msg.type !== 'parallel') return;
  const keys = msg.pairs.map((p) => p[0]);
  const values = msg.pairs.map((p) => p[1]);
  await ensureDigits(glue, keys, values);
  self.postMessage(parallelResultMsg(msg.id, dataParallel(keys, values, msg.devices, msg.perDevice)));
}
