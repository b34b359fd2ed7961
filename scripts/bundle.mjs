#!/usr/bin/env node
// The page's modules bundled for serving (issue 14, "a complete picture in one second"): esbuild
// bundles the page (www/main.js, www/prestart.js) and each worker into dist/app/, one file per
// entry (main.js's dynamic imports as chunks), minified. Unbundled, the browser fetched ~70 modules level by level
// of the import graph before main.js could run (DOMContentLoaded ≈ 530 ms on this 2-core
// machine, the wasm fetch starting at ≈ 270 ms); bundled it fetches a handful of files at once.
//
//   node scripts/bundle.mjs [dist]      (scripts/build.sh static runs it after copying www/)
//
// dist/www/ keeps the unbundled modules (scripts/single.mjs bundles its own from them). The wasm
// packages (dist/pkg/) stay external to the page's bundles, and inside the workers' the wasm
// comes from the page (wasm-module.js: never the glue's default path); every path
// the page's code builds with `new URL('…', import.meta.url)` (workers, ../pkg/…) resolves
// from dist/app/ as it did from dist/www/ (same depth; chunks sit beside the entries).
// prestart.js is bundled on its own, without chunks: a chunk it shared with main.js would hold it back until main.js's imports had
// arrived (the trace of issue 14: it ran at ≈ 650 ms instead of ≈ 130 ms). main.js's bundle then
// holds a second copy of it and of wasm-module.js; the two copies share their state through
// `globalThis` (one set of early workers, one compile; see prestart.js).
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

const DIST = path.resolve(process.argv[2] ?? 'dist');
export const ENTRIES = ['main.js', 'worker.js', 'analysis-worker.js', 'draw-worker.js', 'seeds-worker.js', 'sweep-worker.js', 'parallel-worker.js'];
// Each worker is one file with its wasm-bindgen glue inside (a worker's imports are fetched only
// once its script has run, a second round trip of ≈ 0.1 s at start-up: issue 14); the page's
// main.js keeps the glue external (page-glue.js imports it on first use).
const WORKERS = ENTRIES.filter((e) => e.endsWith('worker.js'));
const OUT = path.join(DIST, 'app');

/** The wasm-bindgen packages stay separate files, imported by their path as written. */
const pkgExternal = {
  name: 'pkg-external',
  setup(build) {
    build.onResolve({ filter: /(^|\/)pkg\// }, (args) => ({ path: args.path, external: true }));
  },
};

const common = {
  outdir: OUT,
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  platform: 'browser',
  plugins: [pkgExternal],
  logLevel: 'warning',
};
fs.rmSync(OUT, { recursive: true, force: true });
await esbuild.build({ ...common, entryPoints: [path.join(DIST, 'www', 'main.js')], splitting: true, chunkNames: 'chunk-[hash]' });
await esbuild.build({ ...common, entryPoints: [path.join(DIST, 'www', 'prestart.js')] });
await esbuild.build({ ...common, plugins: [], entryPoints: WORKERS.map((e) => path.join(DIST, 'www', e)) });

// index.html loads the bundled entries.
const index = path.join(DIST, 'index.html');
let html = fs.readFileSync(index, 'utf8');
for (const [entry, attrs] of [['prestart.js', ' async'], ['main.js', '']]) {
  const tag = `<script type="module"${attrs} src="www/${entry}"></script>`;
  if (!html.includes(tag)) throw new Error(`${index}: ${tag} not found`);
  html = html.replace(tag, `<script type="module"${attrs} src="app/${entry}"></script>`);
}
fs.writeFileSync(index, html);
