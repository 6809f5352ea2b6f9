// The polyfill's `WebAssembly` against V8's own: the same calls of the JS API on both, the same
// outcomes (values, which error class, instanceof, the shapes of descriptors).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileScript, createWebAssembly, inProcessBackend, WebAssembly as Polyfill } from '../../polyfill/index.js';
import { runNode } from '../helpers/run-node.js';
import { wat } from '../helpers/wasm.js';
import { repo } from '../kernel/helpers.js';

type Namespace = typeof WebAssembly;
const native = globalThis.WebAssembly;
const poly = Polyfill as unknown as Namespace;

const demo = new Uint8Array(fs.readFileSync(path.join(repo, 'test/fixtures/demo/demo.wasm')));
const withImports = wat(`(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (import "env" "g" (global i32))
  (import "env" "m" (memory 1))
  (import "env" "t" (table 2 funcref))
  (func (export "call") (param i32) (result i32) (call $f (local.get 0)))
  (global (export "glob") i32 (global.get 0)))`);
/** A custom section "hello" with payload "abc" appended (wat has no syntax for one here). */
const withCustom = new Uint8Array([...withImports, 0, 9, 5, ...new TextEncoder().encode('hello'), 97, 98, 99]);
const truncated = demo.subarray(0, 20);

/** What a call did, comparable across engines: its value (via `show`) or the error's class name. */
async function outcome(ns: Namespace, run: (ns: Namespace) => unknown, show: (v: any) => unknown = (v) => v): Promise<unknown> {
  try {
    return { value: show(await run(ns)) };
  } catch (e) {
    const classes = ['CompileError', 'LinkError', 'RuntimeError'] as const;
    const own = classes.find((c) => e instanceof ns[c]);
    return { error: own ?? (e as Error).constructor.name };
  }
}

async function same(run: (ns: Namespace) => unknown, show?: (v: any) => unknown): Promise<unknown> {
  const expected = await outcome(native, run, show);
  expect(await outcome(poly, run, show)).toEqual(expected);
  return expected;
}

describe.runIf(native)('the polyfill behaves as V8\'s WebAssembly', () => {
  test('validate', async () => {
    expect(await same((W) => W.validate(demo))).toEqual({ value: true });
    expect(await same((W) => W.validate(truncated))).toEqual({ value: false });
    expect(await same((W) => W.validate('nope' as never))).toEqual({ error: 'TypeError' });
  });

  test('Module: construction, imports, exports, custom sections, errors', async () => {
    expect(await same((W) => W.Module.exports(new W.Module(demo)))).toEqual({ value: expect.arrayContaining([{ name: 'checksum', kind: 'function' }, { name: 'memory', kind: 'memory' }]) });
    expect(await same((W) => W.Module.imports(new W.Module(withImports)))).toEqual({ value: [
      { module: 'env', name: 'f', kind: 'function' }, { module: 'env', name: 'g', kind: 'global' },
      { module: 'env', name: 'm', kind: 'memory' }, { module: 'env', name: 't', kind: 'table' }] });
    await same((W) => W.Module.exports(new W.Module(withImports)));
    expect(await same((W) => W.Module.customSections(new W.Module(withCustom), 'hello'), (bufs: ArrayBuffer[]) => bufs.map((b) => [...new Uint8Array(b)]))).toEqual({ value: [[97, 98, 99]] });
    await same((W) => W.Module.customSections(new W.Module(withCustom), 'absent'));
    expect(await same((W) => new W.Module(truncated))).toEqual({ error: 'CompileError' });
    expect(await same((W) => (W.Module as unknown as (b: Uint8Array) => unknown)(demo))).toEqual({ error: 'TypeError' });
    expect(await same((W) => W.Module.exports({} as never))).toEqual({ error: 'TypeError' });
    await same((W) => new W.Module(demo) instanceof W.Module);
  });

  test('Instance and instantiate: both overloads, imports, link errors', async () => {
    const imports = (W: Namespace) => ({
      env: { f: (x: number) => x * 3, g: 7, m: new W.Memory({ initial: 1 }), t: new W.Table({ initial: 2, element: 'anyfunc' }) },
    });
    expect(await same((W) => {
      const i = new W.Instance(new W.Module(withImports), imports(W));
      return [i instanceof W.Instance, (i.exports.call as (x: number) => number)(5), (i.exports.glob as WebAssembly.Global).value, i.exports.glob instanceof W.Global];
    })).toEqual({ value: [true, 15, 7, true] });
    await same(async (W) => {
      const r = await W.instantiate(demo);
      return [r.module instanceof W.Module, r.instance instanceof W.Instance, (r.instance.exports.checksum as (n: number) => number)(7)];
    });
    await same(async (W) => (await W.instantiate(new W.Module(demo))) instanceof W.Instance);
    expect(await same((W) => new W.Instance(new W.Module(withImports), { env: { ...imports(W).env, m: 5 } }))).toEqual({ error: 'LinkError' });
    expect(await same((W) => new W.Instance(new W.Module(withImports)))).toEqual({ error: 'TypeError' });
    expect(await same((W) => W.instantiate(truncated))).toEqual({ error: 'CompileError' });
    expect(await same((W) => W.instantiate(42 as never))).toEqual({ error: 'TypeError' });
  });

  test('Memory, Table, Global as WebAssembly has them', async () => {
    await same((W) => {
      const m = new W.Memory({ initial: 1, maximum: 3 });
      const before = m.buffer;
      const old = m.grow(1);
      return [old, m.buffer.byteLength, before.byteLength, m.buffer === before];
    });
    await same((W) => new W.Global({ value: 'i64', mutable: true }, 5n).value);
    expect(await same((W) => new W.Memory({ initial: 2, maximum: 1 }))).toEqual({ error: 'RangeError' });
    await same((W) => new W.Table({ initial: 2, element: 'anyfunc' }).length);
  });

  test('streaming: the MIME type is checked, then the module compiles', async () => {
    const response = (type: string) => new Response(demo, { headers: { 'content-type': type } });
    await same(async (W) => {
      const { instance } = await W.instantiateStreaming(response('application/wasm'));
      return (instance.exports.checksum as (n: number) => number)(7);
    });
    expect(await same((W) => W.compileStreaming(response('text/plain')))).toEqual({ error: 'TypeError' });
  });

  test('the namespace\'s own shape', () => {
    expect(Object.prototype.toString.call(poly)).toBe('[object WebAssembly]');
    for (const key of ['validate', 'compile', 'instantiate', 'compileStreaming', 'instantiateStreaming', 'Module', 'Instance', 'Memory', 'Table', 'Global', 'CompileError', 'LinkError', 'RuntimeError']) {
      expect(typeof (poly as unknown as Record<string, unknown>)[key], key).toBe('function');
      expect(Object.keys(poly)).not.toContain(key); // not enumerable, as on WebAssembly
    }
  });
});

test('a trap names its wasm function, and the evaluated script is named for debuggers', () => {
  // Evaluated by the namespace's own indirect eval (no disk cache): V8 names such code's location
  // `eval at …, <anonymous>` unless the script has a sourceURL.
  const W = createWebAssembly(inProcessBackend()) as unknown as Namespace;
  const bytes = wat('(module (memory 1) (func $boom (export "boom") (param i32) (result i32) (i32.load (local.get 0))))');
  const boom = new W.Instance(new W.Module(bytes)).exports.boom as (a: number) => number;
  let error: Error | undefined;
  try {
    boom(70000);
  } catch (e) {
    error = e as Error;
  }
  expect(error).toBeInstanceOf(W.RuntimeError);
  expect(error!.message).toBe('out of bounds memory access in boom');
  expect(error!.stack).toMatch(/at \$boom \(w2js-module-\d+\.js:\d+:\d+\)/);
});

test('a cached script is used only if this version of w2js wrote it', () => {
  const script = compileScript(demo);
  let compiled = 0;
  const withCache = (cached: string) => createWebAssembly({
    ...inProcessBackend(),
    compile: (bytes) => (compiled++, compileScript(bytes)),
    lookup: () => cached,
  }) as unknown as Namespace;
  const checksum = (W: Namespace) => (new W.Instance(new W.Module(demo)).exports.checksum as (n: number) => number)(7);
  expect(checksum(withCache(script))).toBe(-1702384147);
  expect(compiled).toBe(0);
  // Another version's script (here: one that would throw if evaluated) is compiled afresh.
  expect(checksum(withCache(script.replace(/^\/\/ Generated by w2js \S+ /, '// Generated by w2js 0.0.0 ').replace('(function (rt)', 'throw 1, (function (rt)')))).toBe(-1702384147);
  expect(compiled).toBe(1);
  // So is one of this version that takes a helper the runtime no longer has.
  expect(script).toMatch(/^const \{ [^}]*\bmul_high_u32\b/m);
  expect(checksum(withCache(script.replace(/^(const \{ [^}]*)\bmul_high_u32\b/m, '$1i64_gone').replace('(function (rt)', 'throw 1, (function (rt)')))).toBe(-1702384147);
  expect(compiled).toBe(2);
});

test('a module that does not compile is remembered in the disk cache, by this version of w2js only', async () => {
  const { diskCache } = await import('../../polyfill/disk-cache.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-errcache-'));
  // A SIMD instruction after a plain function: the compiler works through func 0 before it fails.
  const simd = wat('(module (func (result i32) (i32.const 1)) (func (result i32) (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4))))');
  let compiled = 0;
  const fresh = () => {
    const backend = inProcessBackend(diskCache(dir));
    return createWebAssembly({ ...backend, compile: (bytes) => (compiled++, backend.compile(bytes)) }) as unknown as Namespace;
  };
  const attempt = (W: Namespace) => {
    try {
      new W.Module(simd);
    } catch (e) {
      return { name: (e as Error).constructor === W.CompileError ? 'CompileError' : String(e), message: (e as Error).message };
    }
    return { name: 'compiled' };
  };
  const first = attempt(fresh());
  expect(first.name).toBe('CompileError');
  expect(first.message).toMatch(/E_UNSUPPORTED: SIMD/);
  expect(compiled).toBe(1);
  // The next process (a fresh namespace over the same directory) gets the same error without compiling.
  expect(attempt(fresh())).toEqual(first);
  expect(compiled).toBe(1);
  // One kept by another version is not trusted: compiled again.
  const errorFile = fs.readdirSync(dir).find((f) => f.endsWith('.error'))!;
  fs.writeFileSync(path.join(dir, errorFile), fs.readFileSync(path.join(dir, errorFile), 'utf8').replace(/^w2js \S+/, 'w2js 0.0.0'));
  expect(attempt(fresh())).toEqual(first);
  expect(compiled).toBe(2);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the disk cache keeps V8's code cache beside each script, with the functions its first process ran: used by the next process, made again when V8 rejects it or the script is written again", async () => {
  // Each step a process of its own: within one, V8's own compilation cache answers instead.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-codecache-'));
  const program = `const W = globalThis.WebAssembly; const bytes = require('node:fs').readFileSync(${JSON.stringify(path.join(repo, 'test/fixtures/demo/demo.wasm'))});
    console.log(new W.Instance(new W.Module(bytes)).exports.checksum(7));`;
  const checksum = async () => {
    const run = await runNode(['--import', path.join(repo, 'dist/polyfill/node.js'), '-e', program], undefined, { W2JS_POLYFILL: 'force', W2JS_CACHE: dir });
    expect(run.stderr).toBe('');
    return Number(run.stdout.trim());
  };
  const codeCaches = () => fs.readdirSync(dir).filter((f) => f.endsWith('.v8'));
  const identity = (f: string) => fs.statSync(path.join(dir, f)).ino;
  expect(await checksum()).toBe(-1702384147);
  expect(codeCaches()).toHaveLength(1);
  const [first] = codeCaches() as [string];
  expect(fs.statSync(path.join(dir, first)).size).toBeGreaterThan(100);
  // Made again as that process exited, with the bytecode of the functions its run compiled: larger
  // than the one of a process that only instantiated the module (bench/README.md S38).
  const idle = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-codecache-'));
  const instantiateOnly = program.replace(/\.exports\.checksum\(7\)/, ' && 0');
  expect(instantiateOnly).not.toBe(program);
  await runNode(['--import', path.join(repo, 'dist/polyfill/node.js'), '-e', instantiateOnly], undefined, { W2JS_POLYFILL: 'force', W2JS_CACHE: idle });
  const idleCache = fs.readdirSync(idle).find((f) => f.endsWith('.v8'))!;
  expect(fs.statSync(path.join(dir, first)).size).toBeGreaterThan(fs.statSync(path.join(idle, idleCache)).size);
  fs.rmSync(idle, { recursive: true, force: true });
  // The next process takes it: V8 accepts it, nothing is written.
  const ino = identity(first);
  expect(await checksum()).toBe(-1702384147);
  expect(codeCaches()).toEqual([first]);
  expect(identity(first)).toBe(ino);
  // One V8 rejects (here: garbage) is made again, and the module runs all the same.
  fs.writeFileSync(path.join(dir, first), 'not a code cache');
  expect(await checksum()).toBe(-1702384147);
  expect(codeCaches()).toEqual([first]);
  expect(fs.readFileSync(path.join(dir, first), 'utf8')).not.toBe('not a code cache');
  // A script written again (a later compile) gets its own, and the old one goes.
  const script = fs.readdirSync(dir).find((f) => f.endsWith('.js'))!;
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(dir, script), later, later);
  expect(await checksum()).toBe(-1702384147);
  expect(codeCaches()).toHaveLength(1);
  expect(codeCaches()[0]).not.toBe(first);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the disk cache reads a script back as it was written, an ASCII one and one with names that are not', async () => {
  // An ASCII script is read as Latin-1 (byte for char), any other as UTF-8 (disk-cache.ts decode).
  // The second module's export is "π→ok名", written as its UTF-8 bytes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-decode-'));
  const modules = { ascii: wat('(module (func (export "seven") (result i32) i32.const 7))'), named: wat('(module (func (export "\\cf\\80\\e2\\86\\92ok\\e5\\90\\8d") (result i32) i32.const 8))') };
  const files = Object.fromEntries(Object.entries(modules).map(([k, bytes]) => {
    const file = path.join(dir, `${k}.wasm`);
    fs.writeFileSync(file, bytes);
    return [k, file];
  }));
  const program = `const W = globalThis.WebAssembly; const fs = require('node:fs');
    const out = [];
    for (const f of ${JSON.stringify(Object.values(files))}) {
      const { exports } = new W.Instance(new W.Module(fs.readFileSync(f)));
      for (const [name, fn] of Object.entries(exports)) out.push([name, fn()]);
    }
    console.log(JSON.stringify(out));`;
  const cache = path.join(dir, 'cache');
  const run = async () => {
    const r = await runNode(['--import', path.join(repo, 'dist/polyfill/node.js'), '-e', program], undefined, { W2JS_POLYFILL: 'force', W2JS_CACHE: cache });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout.trim());
  };
  const expected = [['seven', 7], ['π→ok名', 8]];
  expect(await run()).toEqual(expected); // compiled and written
  const scripts = fs.readdirSync(cache).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(cache, f)));
  expect(scripts.map((b) => b.every((c) => c < 0x80)).sort()).toEqual([false, true]);
  expect(await run()).toEqual(expected); // read back from the cache
  fs.rmSync(dir, { recursive: true, force: true });
});
