// web/: serves the built demo (out/web/) on 127.0.0.1 (`npm run web:serve -- --port N`): with
// Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy, so the page is cross-origin
// isolated (SharedArrayBuffer, threads on Web Workers), or without them (`--no-isolation`: the
// page boots single-thread). Static files only; prints the URL once it listens.
//   node web/serve.mjs [--port N] [--no-isolation] [--dir out/web]

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png' };

/** Serve `dir` on 127.0.0.1:`port` (0: any free port); the server and its URL. */
export async function serveWeb({ dir = path.join(root, 'out/web'), port = 8080, isolation = true } = {}) {
  if (!fs.existsSync(path.join(dir, 'index.html'))) throw new Error(`${dir}: no index.html (run \`npm run web\` first)`);
  const isolationHeaders = isolation ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'same-origin' } : {};
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(dir, rel);
    if (!file.startsWith(path.resolve(dir) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache', ...isolationHeaders });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const port = Number(value('--port') ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('usage: node web/serve.mjs [--port N] [--no-isolation] [--dir out/web]');
    process.exit(2);
  }
  const isolation = !args.includes('--no-isolation');
  const dir = value('--dir') ? path.resolve(value('--dir')) : undefined;
  try {
    const { url } = await serveWeb({ dir, port, isolation });
    console.log(`serving the w2js demo on ${url} (${isolation ? 'cross-origin isolated: threads' : 'not isolated: single-thread'})`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
