// i64.eqz, i64.eq and i64.ne of zero-extended i32s (Go's `i64.extend_i32_u` of a comparison, then
// i64.eqz and i32.eqz, all over esbuild.wasm) test only the low halves: a 0/1 comparison's i64.eqz
// is that comparison negated, and its i32.eqz the comparison again. Against native on edge values.

import { describe, expect, it } from 'vitest';
import { functionText, loadWithNative, wat } from '../helpers/wasm.js';

const MODULE = `(module
  (func (export "go_bool") (param $a i64) (param $b i64) (result i32)
    (i32.eqz (i64.eqz (i64.extend_i32_u (i64.eqz (i64.or (local.get $a) (local.get $b)))))))
  (func (export "eqz_ext") (param $x i32) (result i32) (i64.eqz (i64.extend_i32_u (local.get $x))))
  (func (export "eqz_ext_s") (param $x i32) (result i32) (i64.eqz (i64.extend_i32_s (local.get $x))))
  (func (export "eqz") (param $a i64) (result i32) (i64.eqz (local.get $a)))
  (func (export "eq_ext") (param $x i32) (param $y i32) (result i32) (i64.eq (i64.extend_i32_u (local.get $x)) (i64.extend_i32_u (local.get $y))))
  (func (export "ne_ext") (param $x i32) (param $y i32) (result i32) (i64.ne (i64.extend_i32_u (local.get $x)) (i64.extend_i32_u (local.get $y))))
  (func (export "eq_const") (param $x i32) (result i32) (i64.eq (i64.extend_i32_u (local.get $x)) (i64.const 0xffffffff)))
  (func (export "ne_mixed") (param $x i32) (param $a i64) (result i32) (i64.ne (i64.extend_i32_u (local.get $x)) (local.get $a)))
  (func (export "eq_high") (param $x i32) (result i32) (i64.eq (i64.extend_i32_u (local.get $x)) (i64.const 0x1_00000000)))
)`;

describe('i64 equality of zero-extended values', () => {
  it('agrees with native and tests low halves only where the high ones are the same literal', async () => {
    const { native, ...w2js } = await loadWithNative(wat(MODULE));
    const i32s = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 0xffff];
    const i64s = [0n, 1n, -1n, 1n << 32n, (1n << 32n) - 1n, -(1n << 63n), 0x1_00000001n];
    for (const a of i64s) {
      expect(w2js.exports.eqz(a)).toBe(native.eqz!(a));
      for (const b of i64s) expect(w2js.exports.go_bool(a, b)).toBe(native.go_bool!(a, b));
    }
    for (const x of i32s) {
      for (const name of ['eqz_ext', 'eqz_ext_s', 'eq_const', 'eq_high']) expect([name, x, w2js.exports[name](x)]).toEqual([name, x, native[name]!(x)]);
      for (const y of i32s) for (const name of ['eq_ext', 'ne_ext']) expect([name, x, y, w2js.exports[name](x, y)]).toEqual([name, x, y, native[name]!(x, y)]);
      for (const a of i64s) expect(w2js.exports.ne_mixed(x, a)).toBe(native.ne_mixed!(x, a));
    }
    // Go's four-instruction test is one comparison.
    expect(functionText(w2js.code, "$go_bool")).toMatch(/return \+\(\(\w+ \| \w+ \| \(\w+ \| \w+\)\) === 0\);/);
  });
});
