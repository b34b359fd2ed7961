// The UCI digits for a worker (issue 14, first-load size): the compute wasm module does not embed
// digits.bin (117 KB, 46 KB gzipped, never used by the default page), so a worker whose settings
// ask for dataset=digits fetches it once and hands it to the wasm before it builds its session.
//
//   import * as glue from '../pkg/batchscape.js';   // the worker's wasm module (compute or sweeps)
//   await ensureDigits(glue, keys, values);          // after the module's init
//   session = new glue.Session(keys, values);
//
// A failed fetch or a file that is not digits.bin (crate/core digits::from_bytes checks its
// length, ranges and hash) is recorded in the wasm (`digits_missing`): the session's settings
// then report `dataset` rejected with the reason and use the default data set, like any rejected
// value, and nothing else breaks. In the single-file build (scripts/single.mjs) the URL below
// becomes the file's bytes, inlined once in the file.
const DIGITS_FILE = () => new URL('../digits.bin', import.meta.url);

let loading = null;

async function fetchDigits() {
  const src = DIGITS_FILE();
  if (!(src instanceof URL)) return src;
  const response = await fetch(src);
  if (!response.ok) throw new Error(`HTTP ${response.status} for digits.bin`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Loads the digits into the wasm of `glue` (the worker's module: its `digits_*` exports) if
 * `keys`/`values` ask for them and they are not there yet. A worker has one module.
 */
export async function ensureDigits(glue, keys, values) {
  if (glue.digits_loaded() || !glue.digits_wanted(keys, values)) return;
  loading ??= fetchDigits()
    .then((bytes) => glue.digits_load(bytes))
    .catch((err) => { loading = null; glue.digits_missing(String(err?.message ?? err)); });
  await loading;
}
