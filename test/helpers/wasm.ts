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

/** Assemble wat text (all post-MVP features the spec suite uses enabled); w2js validates it. */
export function wat(text: string, names = true): Uint8Array {
  const module = wabt.parseWat('test.wat', text, { threads: true, multi_value: true, bulk_memory: true, reference_types: true, sign_extension: true, sat_float_to_int: true });
  try {
    module.resolveNames();
    return module.toBinary({ write_debug_names: names }).buffer;
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

/** The module on w2js (as `load`) and on this host's WebAssembly, to compare the two. */
export async function loadWithNative(bytes: Uint8Array, options: CompileOptions = {}): Promise<Loaded & { native: Record<string, any> }> {
  const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, any>;
  return { ...(await load(bytes, {}, options)), native };
}

/** The text of one generated function, `function $name(...) {...}`. */
export function functionText(code: string, name: string): string {
  const start = code.indexOf(`function ${name}(`);
  if (start < 0) throw new Error(`no function ${name} in output`);
  const end = code.indexOf('\n}\n', start);
  return code.slice(start, end + 2);
}

const utf8 = new TextEncoder();
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}
const nameBytes = (s: string): number[] => {
  const b = [...utf8.encode(s)];
  return [...leb(b.length), ...b];
};
function nameMap(entries: [number, string][]): number[] {
  return [...leb(entries.length), ...entries.flatMap(([i, s]) => [...leb(i), ...nameBytes(s)])];
}

/** Append a "name" custom section naming functions, their locals and globals. */
export function withNames(bytes: Uint8Array, names: { funcs?: [number, string][]; locals?: [number, [number, string][]][]; globals?: [number, string][] }): Uint8Array {
  const subsections: number[] = [];
  const sub = (id: number, payload: number[]) => subsections.push(id, ...leb(payload.length), ...payload);
  if (names.funcs) sub(1, nameMap(names.funcs));
  if (names.locals) sub(2, [...leb(names.locals.length), ...names.locals.flatMap(([f, m]) => [...leb(f), ...nameMap(m)])]);
  if (names.globals) sub(7, nameMap(names.globals));
  const payload = [...nameBytes('name'), ...subsections];
  return new Uint8Array([...bytes, 0, ...leb(payload.length), ...payload]);
}
