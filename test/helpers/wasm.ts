// Test helpers: wat text → wasm bytes (wabt.js), and compile → load through w2js.

import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import wabtInit from 'wabt';
import { compile, type CompileOptions } from '../../compiler/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RUNTIME_URL = pathToFileURL(path.join(root, 'dist/runtime/index.js')).href;
const cacheDir = path.join(root, 'test/.cache/helpers');

const wabt = await wabtInit();

/** Assemble wat text (all post-MVP features the spec suite uses enabled). */
export function wat(text: string): Uint8Array {
  const module = wabt.parseWat('test.wat', text, { threads: true, multi_value: true, bulk_memory: true, reference_types: true, sign_extension: true, sat_float_to_int: true });
  try {
    module.resolveNames();
    module.validate();
    return module.toBinary({ write_debug_names: true }).buffer;
  } finally {
    module.destroy();
  }
}

/** Compile with w2js and return the generated index.js text. */
export function compileText(bytes: Uint8Array, options: CompileOptions = {}): string {
  return compile(bytes, { runtimeImport: RUNTIME_URL, ...options }).files.get('index.js')!;
}

export interface Loaded {
  exports: Record<string, any>;
  code: string;
}

/** Compile, write to the test cache (keyed by content) and instantiate. */
export async function load(bytes: Uint8Array, imports: Record<string, unknown> = {}, options: CompileOptions = {}): Promise<Loaded> {
  const code = compileText(bytes, options);
  const dir = path.join(cacheDir, createHash('sha1').update(code).digest('hex'));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'index.js');
  if (!fs.existsSync(file)) fs.writeFileSync(file, code);
  const mod = await import(pathToFileURL(file).href);
  const { instance } = await mod.instantiate(imports);
  return { exports: instance.exports, code };
}

/** The text of one generated function, `function $name(...) {...}`. */
export function functionText(code: string, name: string): string {
  const start = code.indexOf(`function ${name}(`);
  if (start < 0) throw new Error(`no function ${name} in output`);
  const end = code.indexOf('\n}\n', start);
  return code.slice(start, end + 2);
}
