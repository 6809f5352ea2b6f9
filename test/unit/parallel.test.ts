// compileParallel gives compile()'s output byte for byte, and the same first error, whichever
// worker finishes first. It runs from dist/ (its workers are built .js files).

import { describe, expect, it } from 'vitest';
import { compile, CompileError } from '../../compiler/index.js';
import { compileParallel } from '../../dist/compiler/parallel.js';
import { CompileError as BuiltCompileError } from '../../dist/compiler/diagnostics.js';
import { nestedBlocksBrTable } from '../helpers/deep-modules.js';
import { wat } from '../helpers/wasm.js';

/** n functions of different sizes calling each other, with a table and memory. */
function module(n: number, bad: number[] = []): Uint8Array {
  const funcs = Array.from({ length: n }, (_, i) => {
    const body = bad.includes(i) ? '(i64.const 1)' : `(i32.add (call $f${(i * 13 + 5) % n} (i32.const ${i})) (i32.load offset=${i * 4} (local.get 0)))`;
    const filler = '(drop (i32.mul (local.get 0) (i32.const 3)))'.repeat(i % 17);
    return `(func $f${i} (param i32) (result i32) ${filler} ${bad.includes(i) ? `${body})` : `(if (result i32) (i32.eqz (local.get 0)) (then (i32.const ${i})) (else ${body})))`}`;
  });
  return wat(`(module (memory 1) (table ${n} funcref) (elem (i32.const 0) ${Array.from({ length: n }, (_, i) => `$f${i}`).join(' ')}) ${funcs.join('\n')} (export "f0" (func $f0)))`);
}

describe('compileParallel', () => {
  it('writes the same files as compile(), with and without source maps and splitting', async () => {
    const bytes = module(600);
    for (const options of [{}, { sourceMap: true, split: 150, typings: true }]) {
      const serial = compile(bytes, { filename: 'm.wasm', ...options }).files;
      const parallel = (await compileParallel(bytes, { filename: 'm.wasm', threads: 2, ...options })).files;
      expect([...parallel.keys()]).toEqual([...serial.keys()]);
      for (const [name, text] of serial) expect(parallel.get(name) === text, name).toBe(true);
    }
  });

  it('reports the first invalid function in index order, as compile() does', async () => {
    const bytes = module(600, [431, 77, 599]);
    let serial: CompileError | undefined;
    try {
      compile(bytes, { filename: 'm.wasm' });
    } catch (e) {
      serial = e as CompileError;
    }
    expect(serial?.funcIndex).toBe(77);
    const parallel = await compileParallel(bytes, { filename: 'm.wasm', threads: 3 }).then(() => undefined, (e: unknown) => e);
    expect(parallel).toBeInstanceOf(BuiltCompileError);
    expect((parallel as CompileError).message).toBe(serial!.message);
  });

  it('compiles a deeply nested module on workers', async () => {
    const bytes = nestedBlocksBrTable(20_000, 500);
    const serial = compile(bytes).files.get('index.js');
    expect((await compileParallel(bytes, { threads: 2 })).files.get('index.js') === serial).toBe(true);
  }, 60_000);
});
