// polyfill/: compile modules ahead into the polyfill's disk cache (`w2js cache <in.wasm…> -o <dir>`),
// so an app run with W2JS_CACHE=<dir> compiles nothing at load time. Large modules compile on
// worker threads (compiler/parallel.ts); the script form is the one the namespace evaluates.

import fs from 'node:fs';
import { compileParallel } from '../compiler/parallel.js';
import { cachePath } from './disk-cache.js';
import { POLYFILL_COMPILE_OPTIONS } from './tier-up.js';

/** Compile `bytes` into `dir`, named by their content hash; the file written. */
export async function precompileBytes(bytes: Uint8Array, dir: string, options: { threads?: number; filename?: string } = {}): Promise<string> {
  const { files } = await compileParallel(bytes, { ...POLYFILL_COMPILE_OPTIONS, filename: options.filename ?? 'module.wasm', threads: options.threads });
  const file = cachePath(dir, bytes);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(`${file}.tmp`, files.get('index.script.js')!);
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

/** Compile each .wasm file into `dir`; returns the files written, in order. */
export async function precompile(inputs: string[], dir: string, options: { threads?: number } = {}): Promise<string[]> {
  const written: string[] = [];
  for (const input of inputs) written.push(await precompileBytes(new Uint8Array(fs.readFileSync(input)), dir, { ...options, filename: input }));
  return written;
}
