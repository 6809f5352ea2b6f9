// polyfill/: compiled modules kept on disk by the content hash of their bytes (SHA-256):
// `<dir>/<hex>.js`, the classic-script form the namespace evaluates. Written by the Node entry
// as it compiles, or ahead of time by `w2js cache <in.wasm> -o <dir>`.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PolyfillBackend } from './namespace.js';

/** The cache file of `bytes` in `dir`. */
export function cachePath(dir: string, bytes: Uint8Array): string {
  return path.join(dir, `${createHash('sha256').update(bytes).digest('hex')}.js`);
}

/** The file beside it that keeps why `bytes` did not compile. */
const errorPath = (dir: string, bytes: Uint8Array): string => cachePath(dir, bytes).replace(/\.js$/, '.error');

/**
 * A cache of compiled scripts in `dir`, keyed by content hash; and of the diagnostics of modules
 * that do not compile (Node's fetch tries a SIMD build of llhttp first: without this, every
 * process spent 1.3 s compiling it up to its first SIMD instruction).
 */
export function diskCache(dir: string): Required<Pick<PolyfillBackend, 'lookup' | 'store' | 'lookupError' | 'storeError'>> {
  const read = (file: string): string | undefined => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  // Written beside and renamed: a reader never sees half a file.
  const write = (file: string, text: string): void => {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  };
  return {
    lookup: (bytes) => read(cachePath(dir, bytes)),
    store: (bytes, script) => write(cachePath(dir, bytes), script),
    lookupError: (bytes) => read(errorPath(dir, bytes)),
    storeError: (bytes, text) => write(errorPath(dir, bytes), text),
  };
}
