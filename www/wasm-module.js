// The page's wasm modules, each compiled once for the whole page (issue 14). The page compiles
// batchscape_bg.wasm (compute: run, analysis, seeds and data-parallel workers) and
// batchscape_draw_bg.wasm (the drawing code: the draw worker) as soon as prestart.js runs, and
// batchscape_sweeps_bg.wasm (the sweep pool's workers) when the sweep view comes near the screen or on the first sweep, each a single time on the main thread
// (`WebAssembly.compileStreaming`: the compilation runs off the main thread while the bytes
// stream in), and posts the compiled `WebAssembly.Module` to every
// worker it starts; each worker instantiates that module instead of fetching and compiling the
// bytes itself once its own scripts have arrived. With five workers on a two-core machine, five
// compilations of the same bytes competed with the first run's training; and the draw worker,
// which fetched its module only after its own imports, had it ≈ 0.8 s after navigation.
//
//   page:    const w = new Worker(…); sendWasmModule(w, 'compute' | 'sweeps' | 'draw');   (before or after other messages)
//   worker:  self.onmessage = (e) => { if (takeWasmModule(e.data)) return; … };
//            init(wasmSource(kind))   // wasm-bindgen's init accepts { module_or_path: Promise<Module> }
//
// A worker waits for the page's message (every page-side creator of a worker sends one); if the
// page could not compile, the message carries null and the worker falls back to fetching the
// file itself, so a failure here only costs the old start-up time. In the single-file build
// (scripts/single.mjs) the wasm files' URLs below become the wasm's bytes, which both sides
// compile instead of fetching.
import { wasmModuleMsg } from './messages.js';

// Each wasm-bindgen glue's own file (../pkg/batchscape.js, ../pkg/batchscape_sweeps.js and ../pkg/batchscape_draw.js load
// the same bytes). Literal `new URL(…)` calls: scripts/single.mjs rewrites them.
const WASM_FILES = {
  compute: () => new URL('../pkg/batchscape_bg.wasm', import.meta.url),
  sweeps: () => new URL('../pkg/batchscape_sweeps_bg.wasm', import.meta.url),
  draw: () => new URL('../pkg/batchscape_draw_bg.wasm', import.meta.url),
};

async function compile(kind) {
  const src = WASM_FILES[kind]();
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
const COMPILED = Symbol.for('batchscape.wasmModules');
/**
 * The page's compiled module of `kind` ('compute', 'sweeps' or 'draw'; a promise; null if compiling
 * failed). Started on first use.
 */
export const pageModule = (kind = 'compute') => ((globalThis[COMPILED] ??= {})[kind] ??= compile(kind).catch(() => null));

/** Page side: posts the compiled module of `kind` (or null) to `worker` as soon as it is ready. */
export function sendWasmModule(worker, kind = 'compute') {
  pageModule(kind).then((module) => worker.postMessage(wasmModuleMsg(module)));
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
 * Worker side: the argument of wasm-bindgen's `init` for this worker's module of `kind`: the
 * page's module once it arrives, or, if the page sent none, the file fetched (bytes in the
 * single-file build) as before.
 */
export function wasmSource(kind = 'compute') {
  source ??= {
    module_or_path: receivedModule.then((module) => {
      if (module instanceof WebAssembly.Module) return module;
      const src = WASM_FILES[kind]();
      return src instanceof URL ? fetch(src) : src;
    }),
  };
  return source;
}
