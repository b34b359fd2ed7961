#!/usr/bin/env node
// One self-contained HTML file for platforms that accept a single file (`make single` →
// dist/batchscape.html): the page, its styles, the page's modules, every worker and the wasm
// inlined; it opens from file:// with no network.
//
//   node scripts/single.mjs [distDir]       (default dist/, which `make build` filled)
//
// Why a bundler (esbuild, a devDependency): Chromium does not start MODULE workers in a file://
// page (opaque origin), and a classic worker made from a Blob URL there cannot import anything
// either (`import(blob:null/…)` fails). So each worker must be ONE classic script with no
// imports: esbuild flattens it (its www modules + the wasm-bindgen glue) into an IIFE. The page
// module is flattened too (ESM, one inline `<script type="module">`), so the page needs no Blob
// URLs for scripts at all.
// - `new Worker(new URL('./x-worker.js', import.meta.url), { type: 'module' })` in www/ becomes
//   `new Worker(__bsWorkerUrl("x-worker.js"))`: a classic worker from a Blob URL made by the
//   inline loader.
// - Each glue's `new URL('x_bg.wasm', import.meta.url)` becomes `globalThis.__bsWasm("pkg/x_bg.wasm")`,
//   that wasm module's bytes (dist/pkg holds several: scripts/build.sh), so `init()` compiles
//   bytes and nothing is fetched. So does www/digits-data.js's `new URL('../digits.bin', …)`: the
//   digits' bytes, inlined like a wasm module (its workers' Blobs carry it; the compute wasm does
//   not embed the digits, issue 14). The base64 of each wasm module is stored ONCE in the file (a
//   `<script type="application/json">` block, data, never run); the loader decodes it for the
//   page when asked, and each worker's Blob starts with a short prelude carrying the modules its
//   bundle uses (Blob parts: the base64 strings are shared, not copied into each bundle).
// - Any other use of import.meta.url is a build error (it would fetch from file://).
//
// Content-Security-Policy of the file (a meta tag): the strictest a file allows.
//   default-src 'none'            nothing is allowed unless listed below
//   script-src 'sha256-…' 'wasm-unsafe-eval'
//                                 only the one inline module script (loader + page bundle) by its
//                                 hash: no 'unsafe-inline', no 'self', no blob: for scripts;
//                                 'wasm-unsafe-eval' to compile the wasm bytes (page + workers,
//                                 which inherit this policy from their Blob URLs)
//   worker-src blob:              the workers: classic scripts from the loader's Blob URLs
//                                 (file:// has no origin, so 'self' could not name them)
//   style-src 'sha256-…'          the one inline <style> by its hash
//   img-src data: blob:           the icon (data:), exported PNG/SVG previews and downloads
//   connect-src 'none'            no fetch, no XHR: the wasm comes as bytes
//   object-src 'none'; base-uri 'none'; form-action 'none'
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist'));
const ENTRY = 'www/main.js';
const OUT = path.join(DIST, 'batchscape.html');
const read = (p) => fs.readFileSync(path.join(DIST, p), 'utf8');

const WORKER_RE = /new Worker\(\s*new URL\(\s*(['"])\.\/([^'"]+)\1\s*,\s*import\.meta\.url\s*\)\s*,\s*\{\s*type:\s*'module'\s*\}\s*\)/g;
const WASM_RE = /new URL\(\s*(['"])([^'"]+\.(?:wasm|bin))\1\s*,\s*import\.meta\.url\s*\)/g;

/** esbuild plugin: the two rewrites above, and an error for any other import.meta.url. */
function rewrites(workers, wasms) {
  return {
    name: 'batchscape-single',
    setup(build) {
      build.onLoad({ filter: /\.m?js$/ }, (args) => {
        let text = fs.readFileSync(args.path, 'utf8');
        const rel = path.relative(DIST, args.path);
        text = text.replace(WORKER_RE, (m, q, name) => { workers.add(name); return `new Worker(__bsWorkerUrl(${JSON.stringify(name)}))`; });
        text = text.replace(WASM_RE, (m, q, name) => {
          const file = path.posix.join(path.posix.dirname(rel), name);
          wasms.add(file);
          return `globalThis.__bsWasm(${JSON.stringify(file)})`;
        });
        if (/import\.meta\.url/.test(text)) throw new Error(`${rel}: a use of import.meta.url the single file cannot follow`);
        return { contents: text, loader: 'js' };
      });
    },
  };
}

/** One bundle: its text and the wasm files (dist-relative) its code instantiates. */
async function bundle(entry, format, workers) {
  const wasms = new Set();
  const r = await esbuild.build({
    entryPoints: [path.join(DIST, entry)], bundle: true, format, write: false, minify: true,
    target: 'es2022', platform: 'browser', logLevel: 'silent', plugins: [rewrites(workers, wasms)],
  });
  return { text: r.outputFiles[0].text, wasms: [...wasms].sort() };
}

// Runs first in the page: `__bsWasm(file)` decodes a wasm module's bytes when its glue's init
// asks for them; one Blob URL per worker on demand, which carries the base64 of only the wasm
// modules that worker's bundle uses (dist/pkg has several: scripts/build.sh).
const LOADER = `const __bsData = JSON.parse(document.getElementById('bs-data').textContent);
const __bsB64 = (s) => { s = atob(s); const u = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i); return u; };
globalThis.__bsWasm = (file) => __bsB64(__bsData.wasm[file]);
const __bsUrls = {};
globalThis.__bsWorkerUrl = (name) => __bsUrls[name] ??= URL.createObjectURL(new Blob([
  'const __bsB64=', String(__bsB64), ';\\nconst __bsW={',
  ...__bsData.workers[name].wasms.flatMap((f) => [JSON.stringify(f), ':"', __bsData.wasm[f], '",']),
  '};\\nglobalThis.__bsWasm=(file)=>__bsB64(__bsW[file]);\\n', __bsData.workers[name].text], { type: 'text/javascript' }));
`;

const sha256 = (text) => `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export async function buildSingle() {
  const workers = new Set();
  const main = await bundle(ENTRY, 'esm', workers);
  const workerSrc = {};
  // Sorted: esbuild loads files in parallel, and the file should not depend on that order.
  for (let todo = [...workers].sort(); todo.length; todo = [...workers].filter((w) => !(w in workerSrc)).sort()) {
    for (const w of todo) workerSrc[w] = await bundle(`www/${w}`, 'iife', workers);
  }
  // Each wasm module once, as base64, whoever uses it.
  const wasm = {};
  for (const f of [main, ...Object.values(workerSrc)].flatMap((b) => b.wasms).sort()) {
    wasm[f] ??= fs.readFileSync(path.join(DIST, f)).toString('base64');
  }
  const script = LOADER + main.text;
  if (/<\/script|<!--/i.test(script)) throw new Error('the page bundle contains "</script" or "<!--"');
  const css = read('www/style.css');
  const printCss = read('www/print.css');
  const csp = [
    "default-src 'none'", `script-src ${sha256(script)} 'wasm-unsafe-eval'`, 'worker-src blob:',
    `style-src ${sha256(css)} ${sha256(printCss)}`, 'img-src data: blob:', "connect-src 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'none'",
  ].join('; ');
  // '<' escaped: the JSON block cannot end early at a "</script" inside a worker.
  const data = JSON.stringify({ wasm, workers: workerSrc }).replaceAll('<', '\\u003c');
  let html = read('index.html');
  const swap = (re, to) => {
    if (!re.test(html)) throw new Error(`index.html: ${re} not found`);
    html = html.replace(re, () => to);
  };
  swap(/<meta http-equiv="Content-Security-Policy"\s+content="[^"]*">/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`);
  swap(/<link rel="stylesheet" href="www\/style\.css">/, `<style>${css}</style>`);
  swap(/<link rel="stylesheet" href="www\/print\.css" media="print">/, `<style media="print">${printCss}</style>`);
  swap(/<script type="module" async src="(www|app)\/prestart\.js"><\/script>/, ''); // bundled with main.js, which imports it
  swap(/<script type="module" src="(www|app)\/main\.js"><\/script>/, '');
  // At the end of the body: the data block exists when the (deferred) module runs.
  swap(/<\/body>/, `<script type="application/json" id="bs-data">${data}</script>\n<script type="module">${script}</script>\n</body>`);
  fs.writeFileSync(OUT, html);
  return { out: OUT, bytes: Buffer.byteLength(html), modules: 1 + Object.keys(workerSrc).length, workers: Object.keys(workerSrc), wasms: Object.keys(wasm), csp };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await buildSingle();
  console.error(`single: ${path.relative(ROOT, r.out)} (page + ${r.workers.length} workers: ${r.workers.join(', ')}; ${(r.bytes / 1e6).toFixed(2)} MB)`);
}
