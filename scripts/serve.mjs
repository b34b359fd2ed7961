#!/usr/bin/env node
// Dependency-free static file server for Batchscape's dist/ directory.
//
//   node scripts/serve.mjs [rootDir]      (rootDir defaults to dist/)
//
// Binds to 127.0.0.1. The port comes from the PORT environment variable
// (default 8000); if that port is busy a free one is chosen instead.
// Prints exactly one line: "Batchscape running at http://127.0.0.1:PORT/".
//
// Long links: a query string of up to MAX_HEADER_BYTES (256 KiB: 200 settings of 200
// characters, or 200 points, percent-encoded, fit many times over) is accepted (Node's
// default header limit of 16 KiB answered a 20 KB link with HTTP 431). A longer request
// gets 431 with a plain-text explanation. Range requests (one range) get 206 or 416.
// Hand-written (node:http, no dependency) because it is small and tested (tests/serve.test.mjs).
//
// Also importable: `startServer(rootDir, { port = 0, host = '127.0.0.1' })`
// resolves to `{ url, port, close() }` (port 0 = any free port).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8', // wasm-bindgen's .d.ts files
};

/** Largest request head (request line + headers, so the query string) accepted, in bytes. */
export const MAX_HEADER_BYTES = 256 * 1024;

/** A `Range: bytes=…` header against a file of `size` bytes: {start, end}, null (ignore it), or 'bad' (416). */
export function parseRange(header, size) {
  const m = /^bytes=(\d*)-(\d*)$/.exec(String(header).trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start;
  let end;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'bad';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'bad';
  return { start, end };
}

function mimeFor(file) {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

/** Map a request URL path to a file inside root, or null if it escapes root. */
export function resolveInside(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed %-escape
  }
  if (decoded.includes('\0')) return null;
  // Normalise as a POSIX path rooted at "/", then check containment again
  // after resolving against the real root (belt and braces).
  const normal = path.posix.normalize('/' + decoded.replace(/\\/g, '/'));
  const full = path.resolve(root, '.' + normal);
  const rel = path.relative(root, full);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return full;
}

function handler(root) {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    let pathname;
    try {
      pathname = new URL(req.url, 'http://localhost').pathname;
    } catch {
      send(res, 400, 'Bad Request\n');
      return;
    }
    // Reject raw traversal attempts outright (URL() already collapses most).
    if (req.url.split('?')[0].split('/').some((seg) => seg === '..' || /^%2e%2e$/i.test(seg))) {
      send(res, 403, 'Forbidden\n');
      return;
    }
    let file = resolveInside(root, pathname);
    if (file === null) {
      send(res, 403, 'Forbidden\n');
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!pathname.endsWith('/')) {
          // Redirect so relative URLs in the directory's index.html resolve.
          send(res, 301, 'Moved Permanently\n', { Location: pathname + '/' });
          return;
        }
        file = path.join(file, 'index.html');
        fs.stat(file, (err2, st2) => serveFile(err2, st2));
        return;
      }
      serveFile(err, st);
    });

    function serveFile(err, st) {
      if (err || !st.isFile()) {
        send(res, 404, 'Not Found\n');
        return;
      }
      // Refuse symlinks that point outside the root.
      fs.realpath(file, (rerr, real) => {
        if (rerr) {
          send(res, 404, 'Not Found\n');
          return;
        }
        const rel = path.relative(root, real);
        if (rel.startsWith('..') || path.isAbsolute(rel)) {
          send(res, 403, 'Forbidden\n');
          return;
        }
        const range = req.headers.range === undefined ? null : parseRange(req.headers.range, st.size);
        if (range === 'bad') {
          send(res, 416, 'Range Not Satisfiable\n', { 'Content-Range': `bytes */${st.size}` });
          return;
        }
        const { start, end } = range ?? { start: 0, end: st.size - 1 };
        const headers = {
          'Content-Type': mimeFor(file),
          'Content-Length': Math.max(0, end - start + 1),
          'Accept-Ranges': 'bytes',
          'Cache-Control': 'no-cache',
          'X-Content-Type-Options': 'nosniff',
        };
        if (range) headers['Content-Range'] = `bytes ${start}-${end}/${st.size}`;
        res.writeHead(range ? 206 : 200, headers);
        if (req.method === 'HEAD' || st.size === 0) {
          res.end();
          return;
        }
        const stream = fs.createReadStream(file, { start, end });
        stream.on('error', () => res.destroy());
        stream.pipe(res);
      });
    }
  };
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    const onError = (err) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Serve rootDir over HTTP.
 * @param {string} rootDir directory to serve
 * @param {{port?: number, host?: string}} [opts] port 0 (default) = any free port
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>}>}
 */
export async function startServer(rootDir, { port = 0, host = '127.0.0.1' } = {}) {
  const root = fs.realpathSync(path.resolve(rootDir));
  if (!fs.statSync(root).isDirectory()) throw new Error(`not a directory: ${root}`);
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, handler(root));
  // Past the limit Node would close with a bare 431: say why.
  server.on('clientError', (err, socket) => {
    if (!socket.writable) return;
    const body = err.code === 'HPE_HEADER_OVERFLOW'
      ? `Request header too large: this server accepts links of up to ${MAX_HEADER_BYTES} bytes (scripts/serve.mjs MAX_HEADER_BYTES).\n`
      : 'Bad Request\n';
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  server.keepAliveTimeout = 1000;
  await listen(server, port, host);
  const actualPort = server.address().port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actualPort}/`,
    port: actualPort,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

async function main() {
  const rootDir = process.argv[2] ?? 'dist';
  if (!fs.existsSync(rootDir)) {
    console.error(`serve.mjs: directory not found: ${rootDir} (run "make build" first)`);
    process.exit(1);
  }
  const wanted = Number.parseInt(process.env.PORT ?? '8000', 10);
  const port = Number.isFinite(wanted) && wanted >= 0 && wanted < 65536 ? wanted : 8000;
  let srv;
  try {
    srv = await startServer(rootDir, { port });
  } catch (err) {
    if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') throw err;
    srv = await startServer(rootDir, { port: 0 }); // busy: take any free port
  }
  console.log(`Batchscape running at ${srv.url}`);
  const stop = () => {
    srv.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
