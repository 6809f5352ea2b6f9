// polyfill/: the Node entry, `node --import w2js/polyfill app.js`. Installs `WebAssembly` where
// Node has none (`--jitless`), or always with W2JS_POLYFILL=force. With W2JS_CACHE=<dir>, compiled
// modules are kept in <dir>/<sha-256 of the bytes>.js and found there by content hash, so an app
// whose modules were compiled ahead (`w2js cache <in.wasm> -o <dir>`, or one earlier run) compiles
// nothing at load time.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createWebAssembly } from './namespace.js';
import { inProcessBackend, install } from './index.js';

/** The cache file of `bytes` in `dir`. */
export function cachePath(dir: string, bytes: Uint8Array): string {
  return path.join(dir, `${createHash('sha256').update(bytes).digest('hex')}.js`);
}

/** A cache of compiled scripts in `dir`, keyed by content hash. */
export function diskCache(dir: string): { lookup(bytes: Uint8Array): string | undefined; store(bytes: Uint8Array, script: string): void } {
  return {
    lookup(bytes) {
      try {
        return fs.readFileSync(cachePath(dir, bytes), 'utf8');
      } catch {
        return undefined;
      }
    },
    store(bytes, script) {
      // Written beside and renamed: a reader never sees half a file.
      const file = cachePath(dir, bytes);
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script);
      fs.renameSync(tmp, file);
    },
  };
}

const cacheDir = process.env.W2JS_CACHE;
install({
  force: process.env.W2JS_POLYFILL === 'force',
  namespace: createWebAssembly(inProcessBackend(cacheDir ? diskCache(path.resolve(cacheDir)) : {})),
});
