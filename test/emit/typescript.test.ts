// TypeScript output (compile option `ts`, `w2js compile --ts`): `tsc --strict` with
// `noUncheckedIndexedAccess` accepts it for our test kernel, the bench programs and the fixtures,
// and with its types stripped it computes what the JS output computes. The spec suite's modules
// get both checks in test/spec/spec.test.ts.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { compile, type CompileOptions } from '../../compiler/index.js';
import { stripTypes } from '../helpers/typescript.mjs';
import { runNode } from '../helpers/run-node.js';
import { wat } from '../helpers/wasm.js';
import { boot, BOOT_LOG, bootOptions, NR, repo, testKernel } from '../kernel/helpers.js';

const runtimePath = path.join(repo, 'dist/runtime/index.js');

/** tsc --strict over `files` in a child process (test/helpers/typescript.mjs): its diagnostics. */
async function typeCheck(files: string[]): Promise<string[]> {
  const r = await runNode([path.join(repo, 'test/helpers/typescript.mjs'), 'check', ...files]);
  if (r.code !== 0) throw new Error(`type check failed to run: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as string[];
}
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-ts-'));
fs.writeFileSync(path.join(root, 'package.json'), '{"type":"module"}');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A module with one of everything the emitter types: imports of each kind, i64s, references, tuples, tables. */
const everything = wat(`(module
  (type $pair (func (param i32) (result i32 i64)))
  (import "env" "log" (func $log (param i32 i64) (result i64)))
  (import "env" "pick" (func $pick (param externref) (result externref)))
  (import "env" "memory" (memory 1))
  (import "env" "table" (table 4 funcref))
  (import "env" "g64" (global $g64 (mut i64)))
  (import "env" "gref" (global $gref externref))
  (global $counter (export "counter") (mut i32) (i32.const 0))
  (global $fref (mut funcref) (ref.null func))
  (table $t2 2 externref)
  (elem (table 0) (i32.const 0) func $twice $split)
  (func $twice (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1)))
  (func $split (type $pair) (local.get 0) (i64.extend_i32_u (local.get 0)))
  (func (export "calls") (param $x i32) (result i32 i64 f64)
    (local $r funcref) (local $e externref)
    (local.set $r (table.get 0 (i32.const 1)))
    (global.set $fref (local.get $r))
    (local.set $e (call $pick (global.get $gref)))
    (table.set $t2 (i32.const 0) (local.get $e))
    (global.set $g64 (call $log (local.get $x) (global.get $g64)))
    (call_indirect (type $pair) (local.get $x) (i32.const 1))
    (drop)
    (drop)
    (call_indirect (param i32) (result i32) (local.get $x) (i32.const 0))
    (i64.load (i32.const 8))
    (f64.const 1.5))
  (func (export "branches") (param $x i32) (result i32)
    (block $a (block $b (block $c
      (br_table $a $b $c (local.get $x)))
      (return (i32.const 10)))
      (if (i32.eq (local.get $x) (i32.const 12)) (then (return (i32.const 12))))
      (return (select (i32.const 3) (i32.const 4) (i32.const 5))))
    (i32.eq (i32.const 10) (i32.const 1))))`);

const bench = ['hash', 'i64', 'interp', 'mem', 'nbody'];

/** Compile `bytes` into root/<name> (or a path), importing the built runtime; the TypeScript files written. */
function write(name: string, bytes: Uint8Array, options: CompileOptions): string[] {
  const dir = path.resolve(root, name);
  fs.mkdirSync(dir, { recursive: true });
  const runtimeImport = path.relative(dir, runtimePath).split(path.sep).join('/');
  const { files } = compile(bytes, { filename: `${name}.wasm`, runtimeImport, ...options });
  for (const [file, text] of files) fs.writeFileSync(path.join(dir, file), text);
  return [...files.keys()].filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

/** The TypeScript output of `bytes` with its types stripped, beside it as .js, and imported. */
async function loadStripped(name: string, bytes: Uint8Array): Promise<{ instantiate(imports?: object): Promise<{ instance: { exports: Record<string, unknown> } }> }> {
  writeStripped(name, bytes);
  return import(pathToFileURL(path.join(root, name, 'index.js')).href);
}

function writeStripped(name: string, bytes: Uint8Array): void {
  for (const file of write(name, bytes, { ts: true })) fs.writeFileSync(file.replace(/\.ts$/, '.js'), stripTypes(fs.readFileSync(file, 'utf8')));
}

async function loadJs(name: string, bytes: Uint8Array) {
  write(name, bytes, {});
  return import(pathToFileURL(path.join(root, name, 'index.js')).href) as ReturnType<typeof loadStripped>;
}

const read = (file: string) => new Uint8Array(fs.readFileSync(path.join(repo, file)));

describe('TypeScript output', () => {
  test('tsc --strict accepts the test kernel, the bench programs and the fixtures, split or not, with source maps', async () => {
    const files = [
      ...write('kernel', read('kernel/test-kernel.wasm'), { ts: true }),
      ...write('kernel-split', read('kernel/test-kernel.wasm'), { ts: true, split: 40, sourceMap: true }),
      ...bench.flatMap((p) => write(`bench-${p}`, read(`bench/programs/${p}.wasm`), { ts: true })),
      ...write('demo', read('test/fixtures/demo/demo.wasm'), { ts: true }),
      ...write('dwarf', read('test/fixtures/dwarf/lines.wasm'), { ts: true, sourceMap: true }),
      ...write('everything', everything, { ts: true }),
    ];
    expect(files.filter((f) => /funcs-\d+\.ts$/.test(f)).length).toBeGreaterThanOrEqual(3);
    expect(await typeCheck(files)).toEqual([]);
    const map = JSON.parse(fs.readFileSync(path.join(root, 'kernel-split/funcs-0.ts.map'), 'utf8')) as { file: string; sources: string[] };
    expect(map.file).toBe('funcs-0.ts');
    expect(map.sources).toEqual(['kernel-split.wasm']);
  });

  test('the types say what the code does: a misuse is a type error', async () => {
    const [index] = write('misuse', read('test/fixtures/demo/demo.wasm'), { ts: true });
    const text = fs.readFileSync(index!, 'utf8');
    expect(text).toContain('function $checksum(inst: ModuleInstance, p0: number): number {');
    expect(text).toContain('export interface ModuleInstance extends Instance {');
    fs.appendFileSync(index!, 'export const misuse = (inst: ModuleInstance): string => $checksum(inst, 1);\n');
    const errors = await typeCheck([index!]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/TS2322: Type 'number' is not assignable to type 'string'/);
  });

  test('deterministic: the same input gives the same files', () => {
    const bytes = read('kernel/test-kernel.wasm');
    const once = compile(bytes, { filename: 'k.wasm', ts: true, sourceMap: true, split: 50 }).files;
    const again = compile(bytes, { filename: 'k.wasm', ts: true, sourceMap: true, split: 50 }).files;
    expect([...once.keys()].sort()).toEqual(['funcs-0.ts', 'funcs-0.ts.map', 'funcs-1.ts', 'funcs-1.ts.map', 'funcs-2.ts', 'funcs-2.ts.map', 'index.ts', 'index.ts.map']);
    expect(again).toEqual(once);
  });

  test('the types of the instance, imports and tuples', () => {
    const [index] = write('everything-text', everything, { ts: true });
    const text = fs.readFileSync(index!, 'utf8');
    expect(text).toContain('$log: (p0: number, p1: number, p2: number) => number;'); // an i64 is two halves inside
    expect(text).toContain('$g64: { v: bigint };'); // a mutable imported global is a cell
    expect(text).toContain('$fref: FuncRef | null;');
    expect(text).toMatch(/function \$calls\(inst: ModuleInstance, \w+: number\): \[number, number, number, number, null\] \{/);
    expect(text).toMatch(/let .*\w+: FuncRef \| null = null/);
    expect(text).toMatch(/log\(p0: number, p1: bigint\): bigint;/); // the JS API's view in Imports
  });

  test('stripped of its types, it computes what the JS output computes', async () => {
    for (const p of bench) {
      const bytes = read(`bench/programs/${p}.wasm`);
      const [js, tsOut] = [await loadJs(`run-js-${p}`, bytes), await loadStripped(`run-ts-${p}`, bytes)];
      const results = [];
      for (const mod of [js, tsOut]) {
        const { instance } = await mod.instantiate({});
        const value = (instance.exports.run as (n: number) => unknown)(1);
        const memory = (instance.exports.memory as { buffer: ArrayBuffer }).buffer;
        results.push({ value, memory: createHash('sha1').update(new Uint8Array(memory)).digest('hex') });
      }
      expect(results[1], p).toEqual(results[0]);
    }

    const imports = async (mod: Awaited<ReturnType<typeof loadStripped>>) => {
      const { Memory, Table, Global } = (await import(pathToFileURL(runtimePath).href)) as typeof import('../../runtime/index.js');
      const calls: unknown[] = [];
      const env = {
        log: (a: number, b: bigint) => (calls.push([a, b]), b * 3n + BigInt(a)),
        pick: (e: unknown) => (calls.push(e), e),
        memory: new Memory({ initial: 1 }),
        table: new Table({ initial: 4, element: 'anyfunc' }),
        g64: new Global({ value: 'i64', mutable: true }, 5n),
        gref: new Global({ value: 'externref' }, 'host'),
      };
      const { instance } = await mod.instantiate({ env });
      const ex = instance.exports as Record<string, (...a: number[]) => unknown>;
      return { calls: [ex.calls!(7), ex.branches!(0), ex.branches!(1), ex.branches!(2), ex.branches!(12)], log: calls, g64: env.g64.value };
    };
    expect(await imports(await loadStripped('run-ts-everything', everything))).toEqual(await imports(await loadJs('run-js-everything', everything)));
  });

  test('the test kernel compiled as TypeScript and stripped boots as the JS build does', async () => {
    const options = bootOptions('w2js', {
      cacheDir: path.join(root, 'kernel-cache'),
      compileTo: (wasm, out) => writeStripped(out, new Uint8Array(fs.readFileSync(wasm))),
    });
    const kernel = await boot(testKernel, 'w2js', options);
    try {
      expect(kernel.logLines()).toEqual(BOOT_LOG);
      expect(kernel.syscall(NR.getpid)).toBe(1);
      const uts = kernel.alloc(6 * 65);
      expect(kernel.syscall(NR.uname, [uts])).toBe(0);
      expect(kernel.readString(uts, 65)).toBe('w2js-test-kernel');
      kernel.free(uts);
    } finally {
      await kernel.halt();
    }
  }, 120_000);
});
