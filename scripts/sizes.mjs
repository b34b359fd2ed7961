#!/usr/bin/env node
// Sizes of a build: every file under dist/ (or the directory given) that the page can load,
// raw and gzip -9 (node's zlib), largest last, with the totals. The benchmark page (bench.html,
// www/bench.js, its wasm module pkg/batchscape_bench*) and TypeScript declarations are not part
// of the page's load and are left out. What the default page actually fetches until its
// picture is complete is scripts/first-load.mjs (a browser measurement).
//
//   node scripts/sizes.mjs [dist]   (the single-file build, dist/batchscape.html, and the unbundled
//   modules in dist/www/ are left out too)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const root = process.argv[2] || 'dist';
const skip = (rel) => rel.endsWith('.d.ts') || rel.startsWith('.') || /(^|\/)bench\.(html|js)$/.test(rel) || /^pkg\/[^/]*_bench(_bg)?\.(js|wasm)$/.test(rel) || rel.endsWith('.stamp') || rel === 'batchscape.html'
  // The page loads its code bundled (dist/app/, scripts/bundle.mjs); dist/www/'s modules are the
  // unbundled copies make single bundles from, never fetched by the page.
  || /^www\/.*\.js$/.test(rel);

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

const rows = walk(root)
  .map((p) => ({ rel: path.relative(root, p), data: fs.readFileSync(p) }))
  .filter(({ rel }) => !skip(rel))
  .map(({ rel, data }) => ({ rel, raw: data.length, gz: zlib.gzipSync(data, { level: 9 }).length }))
  .sort((a, b) => a.gz - b.gz);
const kb = (n) => (n / 1024).toFixed(1).padStart(8);
for (const r of rows) console.log(`${kb(r.raw)} KB ${kb(r.gz)} KB gz  ${r.rel}`);
const sum = (k) => rows.reduce((s, r) => s + r[k], 0);
console.log(`${kb(sum('raw'))} KB ${kb(sum('gz'))} KB gz  total (${rows.length} files)`);
