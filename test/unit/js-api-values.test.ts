// test/unit/js-api-values.test.ts: exported functions convert JS arguments exactly as the JS
// API's ToWebAssemblyValue does (issue 9, item 3), checked against V8's own WebAssembly on the
// same module: the same values in, the same results or the same TypeError out.

import { describe, expect, it } from 'vitest';
import { load, wat } from '../helpers/wasm.js';

const module = wat(`(module
  (func (export "i32") (param i32) (result i32) (local.get 0))
  (func (export "i64") (param i64) (result i64) (local.get 0))
  (func (export "f32") (param f32) (result f32) (local.get 0))
  (func (export "f64") (param f64) (result f64) (local.get 0))
  (func (export "ref") (param funcref) (result i32) (ref.is_null (local.get 0))))`);

type Outcome = { value: unknown } | { error: string };

function outcome(f: () => unknown): Outcome {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

describe('exported functions convert arguments as WebAssembly does', async () => {
  const ours = (await load(module)).exports;
  const native = new WebAssembly.Instance(new WebAssembly.Module(module)).exports as Record<string, (...a: unknown[]) => unknown>;
  const cases: [string, unknown[]][] = [
    ['i32', [5]], ['i32', [1n]], ['i32', ['7']], ['i32', [undefined]], ['i32', [2 ** 32 + 3]], ['i32', [{ valueOf: () => 9 }]],
    ['i64', [5n]], ['i64', [5]], ['i64', [1.9]], ['i64', ['12']], ['i64', [true]], ['i64', [undefined]], ['i64', [null]], ['i64', [2n ** 64n + 1n]],
    ['f32', [1.5]], ['f32', [1n]], ['f32', ['2.5']],
    ['f64', [1.5]], ['f64', [1n]], ['f64', [undefined]],
    ['ref', [null]], ['ref', [undefined]], ['ref', []], ['ref', [() => 1]], ['ref', [0]],
  ];
  it.each(cases)('%s(%o)', (name, args) => {
    const expected = outcome(() => native[name]!(...args));
    expect(outcome(() => (ours[name] as (...a: unknown[]) => unknown)(...args))).toEqual(expected);
  });

  it('passes a function exported by wasm as a funcref', () => {
    expect((ours.ref as (f: unknown) => number)(ours.i32)).toBe(0);
  });
});

describe('exported functions have the name and length WebAssembly gives them', async () => {
  // Arities 0..12 with an i64 among them: the runtime makes fixed-arity functions (for V8's fast
  // properties: runtime/funcref.ts withNameAndLength) up to 8 parameters and a fallback above.
  const params = (n: number) => Array.from({ length: n }, (_, i) => (i === 1 ? 'i64' : 'i32')).join(' ');
  const text = `(module ${Array.from({ length: 13 }, (_, n) => `(func (export "f${n}") ${n ? `(param ${params(n)})` : ''} (result i32) (i32.const ${n}))`).join(' ')})`;
  const bytes = wat(text);
  const ours = (await load(bytes)).exports as Record<string, (...a: unknown[]) => unknown>;
  const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, (...a: unknown[]) => unknown>;
  for (let n = 0; n <= 12; n++) {
    it(`f${n}`, () => {
      const args = Array.from({ length: n }, (_, i) => (i === 1 ? 2n : i));
      expect([ours[`f${n}`]!.name, ours[`f${n}`]!.length, ours[`f${n}`]!(...args)]).toEqual([native[`f${n}`]!.name, native[`f${n}`]!.length, native[`f${n}`]!(...args)]);
    });
  }
});
