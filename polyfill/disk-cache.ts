// polyfill/: compiled modules kept on disk by the content hash of their bytes (SHA-256):
// `<dir>/<hex>.js`, the classic-script form the namespace evaluates. Written by the Node entry
// as it compiles, or ahead of time by `w2js cache <in.wasm> -o <dir>`. Beside it, V8's code cache
// and the functions the tier-up laid out again (`<hex>.<size>-<mtime>.tier.jsonl`).

import * as nodeBuffer from 'node:buffer';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import type { PolyfillBackend } from './namespace.js';

/** The cache file of `bytes` in `dir`. */
export function cachePath(dir: string, bytes: Uint8Array): string {
  return path.join(dir, `${createHash('sha256').update(bytes).digest('hex')}.js`);
}

/** The file beside it that keeps why `bytes` did not compile. */
const errorPath = (dir: string, bytes: Uint8Array): string => cachePath(dir, bytes).replace(/\.js$/, '.error');

/**
 * V8's code cache is only valid for the V8 and the flags that made it (it rejects others), so its
 * file is named for them: a `--jitless` process and a JIT one do not overwrite each other's.
 */
const engineTag = createHash('sha256').update(`${process.versions.v8} ${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`).digest('hex').slice(0, 12);

/**
 * A file's text. A script is ASCII unless a name from the wasm is not; ASCII is read as Latin-1,
 * byte for char, without UTF-8's decoding: esbuild's 102 MB script in 0.8 s of CPU instead of
 * 1.1–1.3 (bench/README.md S39). `isAscii` is Node's (20+); where it is missing, UTF-8 as before.
 */
const isAscii = (nodeBuffer as { isAscii?: (b: Uint8Array) => boolean }).isAscii;
function decode(bytes: Buffer): string {
  return isAscii?.(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/**
 * Code caches made again as the process exits, holding the bytecode of every function the run
 * compiled since (V8 compiles a function on its first call): a later process neither parses nor
 * compiles them again (bench/README.md S38). One 'exit' listener for all: a process that
 * compiles many modules must not pass Node's listener limit.
 */
const remade = new Map<string, () => void>();
function remakeAtExit(file: string, script: vm.Script, write: (file: string, data: Uint8Array) => void): void {
  if (remade.size === 0) {
    process.once('exit', () => {
      for (const remake of remade.values()) {
        try {
          remake();
        } catch {
          // The first one stays.
        }
      }
    });
  }
  remade.set(file, () => write(file, script.createCachedData()));
}

/**
 * A cache of compiled scripts in `dir`, keyed by content hash; and of the diagnostics of modules
 * that do not compile (Node's fetch tries a SIMD build of llhttp first: without this, every
 * process spent 1.3 s compiling it up to its first SIMD instruction). Beside each script, V8's
 * code cache for it (`<hex>.<size>-<mtime>.<engine>.v8`, made on its first run, and again as that
 * process exits, with the functions it ran): a later process skips parsing the script and
 * compiling those functions (bench/README.md S26, S38). Named for the script file's size and
 * time too, so a script written again never meets an older code cache (V8 checks only the
 * source's length).
 */
export function diskCache(dir: string): Required<Pick<PolyfillBackend, 'lookup' | 'store' | 'lookupError' | 'storeError' | 'evaluate' | 'lookupTierUps' | 'storeTierUp'>> {
  const read = (file: string): string | undefined => {
    try {
      return decode(fs.readFileSync(file));
    } catch {
      return undefined;
    }
  };
  // Written beside and renamed: a reader never sees half a file.
  const write = (file: string, text: string | Uint8Array): void => {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  };
  // Functions laid out again by the tier-up (polyfill/tier-up.ts), one JSON line each, in a file
  // named for the script file's size and time as the code cache is: a script written again starts
  // without any.
  const tierPath = (bytes: Uint8Array): string | undefined => {
    const file = cachePath(dir, bytes);
    try {
      const stat = fs.statSync(file);
      return `${file.slice(0, -3)}.${stat.size}-${Math.trunc(stat.mtimeMs)}.tier.jsonl`;
    } catch {
      return undefined;
    }
  };
  return {
    lookupTierUps: (bytes) => {
      const file = tierPath(bytes);
      return file === undefined ? undefined : read(file);
    },
    storeTierUp: (bytes, record) => {
      const file = tierPath(bytes);
      try {
        // One append of one line: processes running the same module at once do not interleave.
        if (file !== undefined) fs.appendFileSync(file, record);
      } catch {
        // A read-only cache still runs.
      }
    },
    lookup: (bytes) => read(cachePath(dir, bytes)),
    store: (bytes, script) => write(cachePath(dir, bytes), script),
    lookupError: (bytes) => read(errorPath(dir, bytes)),
    storeError: (bytes, text) => write(errorPath(dir, bytes), text),
    evaluate: (bytes, script) => {
      const file = cachePath(dir, bytes);
      let codeCache: string | undefined;
      let cachedData: Buffer | undefined;
      try {
        const stat = fs.statSync(file);
        codeCache = `${file.slice(0, -3)}.${stat.size}-${Math.trunc(stat.mtimeMs)}.${engineTag}.v8`;
        cachedData = fs.readFileSync(codeCache);
      } catch {
        // No script file (a cache that did not store it), or no code cache for it yet.
      }
      const compiled = new vm.Script(script, { filename: pathToFileURL(file).href, cachedData });
      const value: unknown = compiled.runInThisContext();
      if (codeCache && (!cachedData || compiled.cachedDataRejected)) {
        try {
          write(codeCache, compiled.createCachedData());
          remakeAtExit(codeCache, compiled, write);
          // Older code caches of this module for this engine (of a script since written again).
          const prefix = path.basename(file).slice(0, -3);
          for (const name of fs.readdirSync(dir)) {
            if (name.startsWith(`${prefix}.`) && name.endsWith(`.${engineTag}.v8`) && path.join(dir, name) !== codeCache) fs.rmSync(path.join(dir, name), { force: true });
          }
        } catch {
          // A read-only cache still runs.
        }
      }
      return value;
    },
  };
}
