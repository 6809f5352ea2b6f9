// select of integers is a bit-select, not a JS conditional (emit/select.ts, bench/README.md
// S33): the mask must be all ones for every condition that is not 0, INT_MIN and other values
// that are neither 0 nor 1 included, both from a plain i32 and from a comparison's 0/1, and an
// i64 select must take both halves from the same operand. Against native on edge values.

import { describe, expect, it } from 'vitest';
import { functionText, loadWithNative, wat } from '../helpers/wasm.js';

const MODULE = `(module
  (func (export "sel") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (select (local.get $a) (local.get $b) (local.get $c)))
  (func (export "sel_lt") (param $a i32) (param $b i32) (param $x i32) (param $y i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_u (local.get $x) (local.get $y))))
  (func (export "sel_const") (param $a i32) (param $c i32) (result i32)
    (select (i32.const 7) (i32.add (local.get $a) (i32.const 1)) (local.get $c)))
  (func (export "sel64") (param $a i64) (param $b i64) (param $c i32) (result i64)
    (select (local.get $a) (local.get $b) (local.get $c)))
  (func (export "sel64_eqz") (param $a i64) (param $b i64) (param $x i64) (result i64)
    (select (local.get $a) (local.get $b) (i64.eqz (local.get $x))))
)`;

describe('select of integers', () => {
  it('agrees with native for every kind of condition', async () => {
    const { native, ...w2js } = await loadWithNative(wat(MODULE));
    const i32s = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 0x10000, -2];
    const i64s = [0n, 1n, -1n, 1n << 32n, (1n << 32n) - 1n, -(1n << 63n), 0x1_00000001n];
    for (const c of i32s) {
      for (const a of i32s) {
        for (const b of [3, -0x80000000, 0]) {
          expect(['sel', a, b, c, w2js.exports.sel(a, b, c)]).toEqual(['sel', a, b, c, native.sel!(a, b, c)]);
          expect(w2js.exports.sel_lt(a, b, c, a)).toBe(native.sel_lt!(a, b, c, a));
        }
        expect(w2js.exports.sel_const(a, c)).toBe(native.sel_const!(a, c));
      }
      for (const a of i64s) for (const b of i64s) expect(w2js.exports.sel64(a, b, c)).toBe(native.sel64!(a, b, c));
    }
    for (const a of i64s) for (const b of i64s) for (const x of i64s) expect(w2js.exports.sel64_eqz(a, b, x)).toBe(native.sel64_eqz!(a, b, x));
    // No conditional is left: a branch is what the bit-select replaces.
    for (const name of ['$sel', '$sel_lt', '$sel64', '$sel64_eqz']) expect(functionText(w2js.code, name)).not.toContain('?');
  });
});
