// polyfill/: compiled modules kept on disk by the content hash of their bytes (SHA-256):
// `<dir>/<hex>.js`, the classic-script form the namespace evaluates. Written by the Node entry
// as it compiles, or ahead of time by `w2js cache <in.wasm> -o <dir>`.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

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
