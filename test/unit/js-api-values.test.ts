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

describe('exports of i32 parameters only (runtime/funcref.ts i32Caller) behave as WebAssembly\'s', async () => {
  // Arities 0..6, with and without a result: up to 4 parameters take the fixed-arity caller, more
  // the general path. Each argument's valueOf runs once, in order, before the call; a BigInt stops
  // the conversions where it stands with a TypeError; a trap is a RuntimeError.
  const params = (n: number) => (n ? `(param ${Array(n).fill('i32').join(' ')})` : '');
  const sum = (n: number) => Array.from({ length: n }, (_, i) => `(local.get ${i})`).reduce((a, b) => `(i32.add ${a} ${b})`, '(i32.const 100)');
  const text = `(module (global $g (mut i32) (i32.const 0))
    ${Array.from({ length: 7 }, (_, n) => `(func (export "r${n}") ${params(n)} (result i32) ${sum(n)})
      (func (export "v${n}") ${params(n)} (global.set $g ${sum(n)}))
      (func (export "t${n}") ${params(n)} (result i32) (if (i32.eq ${sum(n)} (i32.const 99)) (then unreachable)) ${sum(n)})`).join('\n')}
    (func (export "g") (result i32) (global.get $g)))`;
  const bytes = wat(text);
  const ours = (await load(bytes)).exports as Record<string, (...a: unknown[]) => unknown>;
  const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, (...a: unknown[]) => unknown>;
  const run = (exports: Record<string, (...a: unknown[]) => unknown>, name: string, args: (log: string[]) => unknown[]) => {
    const log: string[] = [];
    const result = outcome(() => exports[name]!(...args(log)));
    return { result, log, g: exports.g!(), name: exports[name]!.name, length: exports[name]!.length };
  };
  const argSets: [string, (log: string[]) => unknown[]][] = [
    ['numbers', () => [1, -2, 2 ** 32 + 3, 4.9, -0.5, 6]],
    ['valueOf in order', (log) => Array.from({ length: 6 }, (_, i) => ({ valueOf: () => (log.push(`v${i}`), i) }))],
    ['a BigInt third', (log) => [{ valueOf: () => (log.push('a'), 1) }, { valueOf: () => (log.push('b'), 2) }, 3n, { valueOf: () => (log.push('d'), 4) }]],
    ['too few', () => [5]],
    ['strings and undefined', () => ['7', undefined, null, true]],
    ['summing to 99: a trap', () => [-1, 0, 0, 0, 0, 0]],
  ];
  for (let n = 0; n <= 6; n++) {
    for (const kind of ['r', 'v', 't']) {
      it.each(argSets)(`${kind}${n}: %s`, (_, args) => {
        expect(run(ours, `${kind}${n}`, args)).toEqual(run(native, `${kind}${n}`, args));
      });
    }
  }
});
