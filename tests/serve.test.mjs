// The dev server (scripts/serve.mjs), no browser: path traversal refused, HEAD and Range
// requests, MIME types, 404s and long query strings (a 20 KB link is served; past
// MAX_HEADER_BYTES a 431 that says why). Serves a temporary directory, not dist/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MAX_HEADER_BYTES, startServer } from '../scripts/serve.mjs';

let srv;
let dir;
const files = {
  'index.html': '<!doctype html><title>t</title>',
  'app.js': 'export const a = 1;',
  'style.css': 'body{}',
  'data.json': '{"a":1}',
  'pkg/x_bg.wasm': Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]),
  'blob.xyz': 'abcdefghijklmnopqrstuvwxyz',
};

before(async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-test-'));
  dir = path.join(base, 'root');
  fs.mkdirSync(path.join(dir, 'pkg'), { recursive: true });
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  fs.writeFileSync(path.join(base, 'secret.txt'), 'SECRET');
  srv = await startServer(dir, { port: 0, host: '127.0.0.1' });
});
after(async () => { await srv?.close(); });

/** A raw request (no URL normalisation by the client): status line and body. */
function raw(target, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(srv.port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => { data += d.toString('latin1'); });
    socket.on('end', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), head, body: rest.join('\r\n\r\n') });
    });
    socket.on('error', reject);
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${extra}\r\n`);
  });
}

test('path traversal is refused, never serving a file outside the root', async () => {
  for (const target of ['/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/..%2fsecret.txt', '/pkg/..%2f..%2fsecret.txt',
    '/%2e%2e%5csecret.txt', '//etc/passwd', `/${path.join(dir, '..', 'secret.txt')}`, '/%00index.html', '/%zz']) {
    const r = await raw(target);
    assert.ok([400, 403, 404].includes(r.status), `${target}: ${r.status}`);
    assert.ok(!r.body.includes('SECRET'), target);
  }
});

test('MIME types, 404 and HEAD', async () => {
  const want = { 'index.html': 'text/html', 'app.js': 'text/javascript', 'style.css': 'text/css', 'data.json': 'application/json',
    'pkg/x_bg.wasm': 'application/wasm', 'blob.xyz': 'application/octet-stream' };
  for (const [name, type] of Object.entries(want)) {
    const r = await fetch(`${srv.url}${name}`);
    assert.equal(r.status, 200, name);
    assert.equal(r.headers.get('content-type').split(';')[0], type, name);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(Buffer.from(await r.arrayBuffer()).length, Buffer.from(files[name]).length);
  }
  assert.equal((await fetch(`${srv.url}nope.js`)).status, 404);
  assert.equal((await fetch(`${srv.url}pkg/nope.wasm`)).status, 404);
  const head = await fetch(`${srv.url}app.js`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(files['app.js'].length));
  assert.equal(await head.text(), '');
  assert.equal((await fetch(srv.url, { method: 'POST' })).status, 405);
});

test('Range requests: 206 with Content-Range, 416 past the end', async () => {
  const r = await fetch(`${srv.url}blob.xyz`, { headers: { Range: 'bytes=2-5' } });
  assert.equal(r.status, 206);
  assert.equal(r.headers.get('content-range'), 'bytes 2-5/26');
  assert.equal(await r.text(), 'cdef');
  const tail = await fetch(`${srv.url}blob.xyz`, { headers: { Range: 'bytes=-3' } });
  assert.equal(tail.status, 206);
  assert.equal(await tail.text(), 'xyz');
  const open = await fetch(`${srv.url}blob.xyz`, { headers: { Range: 'bytes=20-' } });
  assert.equal(await open.text(), 'uvwxyz');
  const bad = await fetch(`${srv.url}blob.xyz`, { headers: { Range: 'bytes=30-40' } });
  assert.equal(bad.status, 416);
  assert.equal(bad.headers.get('content-range'), 'bytes */26');
  assert.equal((await fetch(`${srv.url}blob.xyz`, { headers: { Range: 'lines=1-2' } })).status, 200);
});

test('a 20 KB query string is served; past the limit a 431 that says why', async () => {
  const long = await fetch(`${srv.url}index.html?points=${'1:1:1;'.repeat(3500)}`);
  assert.equal(long.status, 200);
  const huge = await raw(`/index.html?x=${'a'.repeat(MAX_HEADER_BYTES + 10)}`);
  assert.equal(huge.status, 431);
  assert.match(huge.body, /accepts links of up to/);
});
