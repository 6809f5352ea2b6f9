// test/threads helpers: compile a fixture with w2js into the test cache (workers import it by
// URL, so it must be a file) and instantiate the program's first instance on this thread.

import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compile } from '../../compiler/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built runtime: compiled fixtures, the pool and its workers all use this one copy. */
export const RUNTIME_URL = pathToFileURL(path.join(root, 'dist/runtime/index.js')).href;
export const THREADS_URL = pathToFileURL(path.join(root, 'dist/runtime/threads/index.js')).href;
const cacheDir = path.join(root, 'test/.cache/threads');

export const fixture = (name: string): string => path.join(root, 'test/threads/fixtures', name);

/** Compile wasm bytes to `index.js` in the cache; its file URL. */
export function compileToFile(bytes: Uint8Array, filename: string): string {
  const code = compile(bytes, { filename, runtimeImport: RUNTIME_URL }).files.get('index.js')!;
  const dir = path.join(cacheDir, createHash('sha1').update(code).digest('hex'));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'index.js');
  if (!fs.existsSync(file)) fs.writeFileSync(file, code);
  return pathToFileURL(file).href;
}

/** Write a module (an imports factory) into the cache; its file URL. */
export function writeModule(text: string): string {
  const dir = path.join(cacheDir, 'modules');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${createHash('sha1').update(text).digest('hex')}.mjs`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, text);
  return pathToFileURL(file).href;
}

const wabt = await (await import('wabt')).default();
const FEATURES = { threads: true, multi_value: true, bulk_memory: true, reference_types: true, sign_extension: true, sat_float_to_int: true };

/** Assemble wat text with the threads feature (test/helpers' `wat` validates without it). */
export function wat(text: string): Uint8Array {
  const module = wabt.parseWat('test.wat', text, FEATURES);
  try {
    module.resolveNames();
    module.validate(FEATURES);
    return module.toBinary({ write_debug_names: true }).buffer;
  } finally {
    module.destroy();
  }
}
