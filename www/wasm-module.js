// The compute wasm module, compiled once for the whole page (issue 14). The page compiles
// batchscape_bg.wasm a single time on the main thread (`WebAssembly.compileStreaming`: the
// compilation runs off the main thread while the bytes stream in) and posts the compiled
// `WebAssembly.Module` to every worker it starts; each worker instantiates that module instead of
// fetching and compiling 1.5 MB itself. With five workers (run, analysis, draw, seeds, sweeps) on a
// two-core machine, five compilations of the same bytes competed with the first run's training.
// The draw worker's own module (batchscape_draw_bg.wasm, the drawing code only) is not shared:
// one worker uses it, and it loads it itself.
//
//   page:    const w = new Worker(…); sendWasmModule(w);   (before or after other messages)
//   worker:  self.onmessage = (e) => { if (takeWasmModule(e.data)) return; … };
//            init(wasmSource())   // wasm-bindgen's init accepts { module_or_path: Promise<Module> }
//
// If the page could not compile (or posts no module), the worker falls back to fetching the file
// itself, so a failure here only costs the old start-up time. In the single-file build
// (scripts/single.mjs) the wasm file's URL below becomes the wasm's bytes, which both
// sides compile instead of fetching.
import { wasmModuleMsg } from './messages.js';

// The wasm-bindgen glue's own file (../pkg/batchscape.js loads the same bytes).
const WASM_FILE = () => new URL('../pkg/batchscape_bg.wasm', import.meta.url);

async function compile() {
  const src = WASM_FILE();
  if (!(src instanceof URL)) return WebAssembly.compile(src);
  try {
    return await WebAssembly.compileStreaming(fetch(src));
  } catch {
    // A server without `application/wasm` (compileStreaming refuses it): compile the bytes.
    const response = await fetch(src);
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

// On `globalThis`, so that the two bundled copies of this module on the page (in prestart.js's
// file and in main.js's: scripts/bundle.mjs) compile once between them.
const COMPILED = Symbol.for('batchscape.computeModule');
/** The page's compiled module (a promise; null if compiling failed). Started on first use. */
export const pageModule = () => (globalThis[COMPILED] ??= compile().catch(() => null));

/** Page side: posts the compiled module (or null) to `worker` as soon as it is ready. */
export function sendWasmModule(worker) {
  pageModule().then((module) => worker.postMessage(wasmModuleMsg(module)));
}

// ---- worker side
let received;
const receivedModule = new Promise((resolve) => { received = resolve; });

/** Worker side: true when `msg` was the page's module (the worker then ignores the message). */
export function takeWasmModule(msg) {
  if (msg?.type !== 'wasm-module') return false;
  received(msg.module ?? null);
  return true;
}

let source = null;
/**
 * Worker side: the argument of wasm-bindgen's `init`: the page's module once it arrives, or, if the
 * page sent none, the file fetched (bytes in the single-file build) as before.
 */
export function wasmSource() {
  source ??= {
    module_or_path: receivedModule.then((module) => {
      if (module instanceof WebAssembly.Module) return module;
      const src = WASM_FILE();
      return src instanceof URL ? fetch(src) : src;
    }),
  };
  return source;
}
