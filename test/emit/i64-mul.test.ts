// i64.mul is emitted inline (Math.imul of the halves plus `mul_high_u32` for the low halves'
// carry into the high word), with the terms of a literal zero half left out: zero-extended
// operands (a high half of 0) and constants whose low half is 0. Against native on edge values.

import { describe, expect, it } from 'vitest';
import { functionText, loadWithNative, wat } from '../helpers/wasm.js';

const MODULE = `(module
  (func (export "mul") (param $a i64) (param $b i64) (result i64) (i64.mul (local.get $a) (local.get $b)))
  (func (export "mul_ext") (param $x i32) (param $b i64) (result i64) (i64.mul (i64.extend_i32_u (local.get $x)) (local.get $b)))
  (func (export "mul_ext2") (param $x i32) (param $y i32) (result i64) (i64.mul (i64.extend_i32_u (local.get $x)) (i64.extend_i32_u (local.get $y))))
  (func (export "mul_ext_s") (param $x i32) (param $b i64) (result i64) (i64.mul (local.get $b) (i64.extend_i32_s (local.get $x))))
  (func (export "mul_const") (param $a i64) (result i64) (i64.mul (local.get $a) (i64.const 0x9e3779b97f4a7c15)))
  (func (export "mul_high_const") (param $a i64) (result i64) (i64.mul (i64.const 0x500000000) (local.get $a)))
  (func (export "mul_small") (param $a i64) (result i64) (i64.mul (local.get $a) (i64.const 10)))
  (func (export "mul_self") (param $a i64) (result i64) (i64.mul (local.get $a) (local.get $a)))
  (func (export "mul_effects") (param $a i64) (result i64) (local $n i64)
    ;; Each operand evaluated once, in order, although the inline form reads each half twice.
    (i64.mul
      (local.tee $n (i64.add (local.get $a) (i64.const 3)))
      (local.tee $n (i64.mul (local.get $n) (i64.const -7)))))
)`;

const I64S = [0n, 1n, -1n, 2n, 3n, 0xffffn, 0x10000n, 0xffffffffn, 1n << 32n, (1n << 32n) + 1n, 0x7fffffffn, 0x80000000n,
  -(1n << 63n), (1n << 63n) - 1n, 0x123456789abcdefn, -0x123456789abcdefn, 0xfffffffffffffn, 0xdeadbeefcafebabn];
const I32S = [0, 1, -1, 2, 0xffff, 0x10000, 0x7fffffff, -0x80000000, 123456789, -987654321];

describe('i64.mul inline', () => {
  it('agrees with native on edge operands, zero-extended and constant ones included', async () => {
    const { native, ...w2js } = await loadWithNative(wat(MODULE));
    for (const a of I64S) {
      for (const name of ['mul_const', 'mul_high_const', 'mul_small', 'mul_self', 'mul_effects']) expect([name, a, w2js.exports[name](a)]).toEqual([name, a, native[name]!(a)]);
      for (const b of I64S) expect([a, b, w2js.exports.mul(a, b)]).toEqual([a, b, native.mul!(a, b)]);
      for (const x of I32S) {
        expect(['mul_ext', x, a, w2js.exports.mul_ext(x, a)]).toEqual(['mul_ext', x, a, native.mul_ext!(x, a)]);
        expect(['mul_ext_s', x, a, w2js.exports.mul_ext_s(x, a)]).toEqual(['mul_ext_s', x, a, native.mul_ext_s!(x, a)]);
      }
    }
    for (const x of I32S) for (const y of I32S) expect([x, y, w2js.exports.mul_ext2(x, y)]).toEqual([x, y, native.mul_ext2!(x, y)]);
    // No helper call with a `high.bits` round trip; the zero halves' terms are gone.
    expect(w2js.code).not.toMatch(/i64_mul\(/);
    expect(functionText(w2js.code, '$mul_ext2')).not.toMatch(/Math\.imul\([^()]*, 0\)|Math\.imul\(0,/);
    expect(functionText(w2js.code, '$mul_ext2').match(/Math\.imul/g)).toHaveLength(1);
    expect(functionText(w2js.code, '$mul_high_const').match(/Math\.imul/g)).toHaveLength(2);
  });
});
