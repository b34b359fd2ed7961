// Seeds worker: owns a wasm SeedsSession (the scene's runs for seeds s … s+4, each end point
// analysed, the claims' verdicts from the core) and trains it in ~15 ms slices, posting the
// cells and verdicts after every finished run. A newer 'start' or a 'cancel' stops the old one.
import init, { SeedsSession } from '../pkg/batchscape.js';
import * as glue from '../pkg/batchscape.js';
import { ensureDigits } from './digits-data.js';
import { errorMsg, seedsMsg } from './messages.js';
import { takeWasmModule, wasmSource } from './wasm-module.js';
import { failureText, testMessage, trapForTest } from './worker-faults.js';

const SLICE_MS = 15;

let ready = null;
let session = null;
let gen = 0;

const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));

// Any error (a trap in the wasm code included) is reported; the page drops this worker (lesson.js).
const fail = (err) => failureText(err, ready).then((text) => self.postMessage(errorMsg(text, gen)));
self.onmessage = (event) => {
  // The page's module: instantiated at once, before the first work arrives.
  if (takeWasmModule(event.data)) { ready ??= init(wasmSource()); return; }
  if (testMessage(event.data, ready)) return;
  handle(event.data).catch(fail);
};

async function handle(msg) {
  if (msg.type === 'test-fault') {
    trapForTest(msg, await (ready ??= init(wasmSource())));
    return;
  }
  if (msg.type === 'cancel') {
    gen = msg.gen;
    session?.free();
    session = null;
    return;
  }
  if (msg.type !== 'start') return;
  gen = msg.gen;
  const mine = gen;
  ready ??= init(wasmSource());
  await ready;
  await ensureDigits(glue, msg.pairs.map((p) => p[0]), msg.pairs.map((p) => p[1]));
  if (mine !== gen) return;
  session?.free();
  session = new SeedsSession(msg.pairs.map((p) => p[0]), msg.pairs.map((p) => p[1]), msg.seeds ?? 0);
  run(mine, session, msg.key).catch(fail);
}

function post(s, mine, key, progress) {
  self.postMessage(seedsMsg({
    gen: mine, key, done: progress.cells_done, total: progress.n_cells,
    seeds: Array.from(s.seeds()), cells: s.cells(), verdicts: s.verdicts(),
  }));
}

async function run(mine, s, key) {
  let progress = s.progress();
  post(s, mine, key, progress);
  let chunk = 16;
  while (mine === gen && progress.cells_done < progress.n_cells) {
    const start = performance.now();
    const before = progress.cells_done;
    do {
      const t = performance.now();
      progress = s.advance(chunk);
      const ms = performance.now() - t;
      if (ms < 2 && chunk < 8192) chunk *= 2;
      else if (ms > 8 && chunk > 1) chunk >>= 1;
    } while (progress.cells_done === before && performance.now() - start < SLICE_MS);
    if (progress.cells_done > before && mine === gen) post(s, mine, key, progress);
    await yieldToEvents();
  }
}
