#!/usr/bin/env node
// One self-contained HTML file for platforms that accept a single file (`make single` →
// dist/batchscape.html): the page, its styles, every module of www/, every worker and EVERY file
// of dist/pkg (JS glue and wasm, however many there are) inlined; it opens from file:// with no
// network.
//
//   node scripts/single.mjs [distDir]       (default dist/, which `make build` filled)
//
// How (no bundler in the project; this is ~150 lines of plain string work instead of one):
// - Every module reachable from www/main.js (static `import … from './x.js'`, `import './x.js'`,
//   and `new URL('./x', import.meta.url)`, which is how workers and the wasm are named) is stored
//   as text in a `<script type="application/json">` block (data, never executed as script).
// - Relative references become placeholders; an inline loader turns each module into a Blob
//   URL, dependencies first (the order is computed here; a cycle is an error), replacing the
//   placeholders with the Blob URLs, and imports main.js's. Workers start from those Blob URLs
//   (`new Worker(blobUrl, { type: 'module' })`) and import their wasm glue the same way.
// - A non-JS file referenced by `new URL('f', import.meta.url)` (the .wasm) becomes a module
//   whose default export is its bytes (base64 decoded), imported at the top of the referring
//   module; `init()` of wasm-bindgen then gets those bytes instead of a URL, so nothing is fetched.
//
// Content-Security-Policy of the file (a meta tag; stated in the note and ARCHITECTURE.md):
//   default-src 'none'            nothing is allowed unless listed
//   script-src 'sha256-…' blob: 'wasm-unsafe-eval'
//                                 the one inline loader by its hash (no 'unsafe-inline'), the
//                                 modules it makes (blob:), compiling the wasm bytes
//   worker-src blob:              the workers, from the loader's Blob URLs
//   style-src 'sha256-…'          the one inline <style> by its hash
//   img-src data: blob:           the icon (data:), exported PNG/SVG previews and downloads
//   connect-src 'none'            no fetch, no XHR: the wasm comes as bytes
//   object-src 'none'; base-uri 'none'; form-action 'none'
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist'));
const ENTRY = 'www/main.js';
const OUT = path.join(DIST, 'batchscape.html');

const PLACEHOLDER = (p) => `__BSURL[${p}]`;
const isJs = (p) => p.endsWith('.js') || p.endsWith('.mjs');
const read = (p) => fs.readFileSync(path.join(DIST, p), 'utf8');

/** Module text with its relative references replaced by placeholders, and what it references. */
function rewrite(file) {
  let text = read(file);
  const deps = new Set();
  const assets = [];
  const resolve = (spec) => path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
  // Static imports and re-exports: `from './x.js'`, `import './x.js'`.
  text = text.replace(/(\bfrom\s*|\bimport\s*)(['"])(\.{1,2}\/[^'"]+)\2/g, (m, kw, q, spec) => {
    const p = resolve(spec);
    deps.add(p);
    return `${kw}"${PLACEHOLDER(p)}"`;
  });
  // Files named relative to the module: workers (JS) and assets (the wasm: bytes).
  text = text.replace(/new URL\(\s*(['"])([^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g, (m, q, spec) => {
    const p = resolve(spec.startsWith('.') ? spec : `./${spec}`);
    if (isJs(p)) { deps.add(p); return `new URL("${PLACEHOLDER(p)}")`; }
    const name = `__bsAsset${assets.length}`;
    assets.push([name, p]);
    deps.add(`${p}.bytes.js`);
    return name;
  });
  const head = assets.map(([name, p]) => `import ${name} from "${PLACEHOLDER(`${p}.bytes.js`)}";\n`).join('');
  if (/import\.meta\.url/.test(text)) throw new Error(`${file}: a use of import.meta.url the single file cannot follow`);
  return { text: head + text, deps: [...deps], assets: assets.map(([, p]) => p) };
}

/** A module whose default export is the bytes of `file`. */
function bytesModule(file) {
  const b64 = fs.readFileSync(path.join(DIST, file)).toString('base64');
  return `const s = atob("${b64}");\nconst u = new Uint8Array(s.length);\nfor (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);\nexport default u;\n`;
}

/** Every module reachable from ENTRY plus every file of pkg/, dependencies before dependents. */
function collect() {
  const src = {};
  const order = [];
  const state = new Map(); // path → 'visiting' | 'done'
  const visit = (p, from) => {
    if (state.get(p) === 'done') return;
    if (state.get(p) === 'visiting') throw new Error(`import cycle through ${p} (from ${from}): Blob URLs cannot express it`);
    state.set(p, 'visiting');
    if (p.endsWith('.bytes.js')) {
      src[p] = bytesModule(p.slice(0, -'.bytes.js'.length));
    } else {
      if (!fs.existsSync(path.join(DIST, p))) throw new Error(`${p} (imported by ${from}) is not in ${DIST}`);
      const r = rewrite(p);
      for (const d of r.deps) visit(d, p);
      src[p] = r.text;
    }
    state.set(p, 'done');
    order.push(p);
  };
  visit(ENTRY, 'the page');
  // Every file of pkg/ (another build may split the wasm per worker kind): each JS glue and
  // each wasm, even one no module names yet (then it is carried, unused).
  for (const f of fs.readdirSync(path.join(DIST, 'pkg')).sort()) {
    const p = `pkg/${f}`;
    if (isJs(p)) visit(p, 'pkg/');
    else if (p.endsWith('.wasm')) visit(`${p}.bytes.js`, 'pkg/');
  }
  return { order, src };
}

// The loader: Blob URLs in order, placeholders replaced, then main.js.
const LOADER = `(() => {
  const m = JSON.parse(document.getElementById('bs-modules').textContent);
  const urls = {};
  for (const p of m.order) {
    const text = m.src[p].replace(/__BSURL\\[([^\\]]+)\\]/g, (_, q) => urls[q]);
    urls[p] = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
  }
  import(urls[${JSON.stringify(ENTRY)}]).catch((e) => {
    const box = document.getElementById('messages');
    document.getElementById('message-list').textContent = 'Batchscape could not start: ' + (e && e.message || e);
    box.hidden = false;
  });
})();`;

const sha256 = (text) => `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export function buildSingle() {
  const { order, src } = collect();
  const css = read('www/style.css');
  const csp = [
    "default-src 'none'", `script-src ${sha256(LOADER)} blob: 'wasm-unsafe-eval'`, 'worker-src blob:',
    `style-src ${sha256(css)}`, 'img-src data: blob:', "connect-src 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'none'",
  ].join('; ');
  // '<' escaped: the JSON block cannot end early at a "</script" inside a module.
  const data = JSON.stringify({ order, src }).replaceAll('<', '\\u003c');
  let html = read('index.html');
  const swap = (re, to) => {
    if (!re.test(html)) throw new Error(`index.html: ${re} not found`);
    html = html.replace(re, () => to);
  };
  swap(/<meta http-equiv="Content-Security-Policy"\s+content="[^"]*">/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`);
  swap(/<link rel="stylesheet" href="www\/style\.css">/, `<style>${css}</style>`);
  swap(/<script type="module" src="www\/main\.js"><\/script>/, '');
  // At the end of the body: the DOM the modules look for exists when they run.
  swap(/<\/body>/, `<script type="application/json" id="bs-modules">${data}</script>\n<script>${LOADER}</script>\n</body>`);
  fs.writeFileSync(OUT, html);
  return { out: OUT, bytes: Buffer.byteLength(html), modules: order.length, csp };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = buildSingle();
  console.error(`single: ${path.relative(ROOT, r.out)} (${r.modules} modules, ${(r.bytes / 1e6).toFixed(2)} MB)`);
}
