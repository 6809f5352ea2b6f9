// Copied from test/polyfill/workloads/browser-env.mjs (bench/ does not import from test/).
// What @sqlite.org/sqlite-wasm (a browser-only build) expects of its page, given on Node for both
// runs alike (native WebAssembly and the polyfill): `self`, `location`, and `fetch` of its own file: URLs
// answering with the type a web server gives .wasm files. Nothing here touches WebAssembly.

import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

globalThis.self ??= globalThis;
globalThis.location ??= new URL(pathToFileURL(`${process.cwd()}/index.html`).href);
const nodeFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = String(input instanceof URL ? input.href : input);
  if (!url.startsWith('file:')) return nodeFetch(input, init);
  const body = fs.readFileSync(fileURLToPath(url));
  return new Response(body, { headers: { 'content-type': url.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream' } });
};
