#!/usr/bin/env node
// The page's modules bundled for serving (issue 14, "a complete picture in one second"): esbuild
// bundles the page (www/main.js, www/prestart.js) and each worker into dist/app/, one file per
// entry plus shared chunks, minified. Unbundled, the browser fetched ~70 modules level by level
// of the import graph before main.js could run (DOMContentLoaded ≈ 530 ms on this 2-core
// machine, the wasm fetch starting at ≈ 270 ms); bundled it fetches a handful of files at once.
//
//   node scripts/bundle.mjs [dist]      (scripts/build.sh static runs it after copying www/)
//
// dist/www/ keeps the unbundled modules (scripts/single.mjs bundles its own from them). The wasm
// packages (dist/pkg/) stay external: their glue finds its .wasm next to itself, and every path
// the page's code builds with `new URL('…', import.meta.url)` (workers, ../pkg/…) resolves
// from dist/app/ as it did from dist/www/ (same depth; chunks sit beside the entries).
// Shared chunks: the page's entries share their module instances (prestart.js and main.js both
// use wasm-module.js: one compile); each worker is its own realm anyway.
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

const DIST = path.resolve(process.argv[2] ?? 'dist');
export const ENTRIES = ['main.js', 'prestart.js', 'worker.js', 'analysis-worker.js', 'draw-worker.js', 'seeds-worker.js', 'sweep-worker.js'];
const OUT = path.join(DIST, 'app');

/** The wasm-bindgen packages stay separate files, imported by their path as written. */
const pkgExternal = {
  name: 'pkg-external',
  setup(build) {
    build.onResolve({ filter: /(^|\/)pkg\// }, (args) => ({ path: args.path, external: true }));
  },
};

fs.rmSync(OUT, { recursive: true, force: true });
await esbuild.build({
  entryPoints: ENTRIES.map((e) => path.join(DIST, 'www', e)),
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  platform: 'browser',
  chunkNames: 'chunk-[hash]',
  plugins: [pkgExternal],
  logLevel: 'warning',
});

// index.html loads the bundled entries.
const index = path.join(DIST, 'index.html');
let html = fs.readFileSync(index, 'utf8');
for (const entry of ['prestart.js', 'main.js']) {
  const tag = `<script type="module" src="www/${entry}"></script>`;
  if (!html.includes(tag)) throw new Error(`${index}: ${tag} not found`);
  html = html.replace(tag, `<script type="module" src="app/${entry}"></script>`);
}
fs.writeFileSync(index, html);
