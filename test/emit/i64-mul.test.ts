// i64.mul is emitted inline (Math.imul of the halves plus `mul_high_u32` for the low halves'
// carry into the high word), with the terms of a literal zero half left out: zero-extended
// operands (a high half of 0) and constants whose low half is 0. Against native on edge values.
// In a function with more multiplications than TurboFan inlines `mul_high_u32` for, the high word
// is computed inline from the double product and the exact low word (i64.ts mulHigh).

import { describe, expect, it } from 'vitest';
import { functionText, load, loadWithNative, wat } from '../helpers/wasm.js';

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

const STEPS = 20;
const constants = Array.from({ length: STEPS }, (_, i) => BigInt.asIntN(64, 0x9e3779b97f4a7c15n * BigInt(2 * i + 1)));
// x = x * K_i + y, twenty times: a Blake2b-like chain of multiplications.
const chain = constants.map((k) => `(local.set 0 (i64.add (i64.mul (local.get 0) (i64.const ${k})) (local.get 1)))`).join('\n');
const MANY_MULS = wat(`(module
  (func $many (export "many") (param i64 i64) (result i64) ${chain} (local.get 0))
  (func $one (export "one") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1))))`);

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

  it('multiplies as native does with the high word inline in a function of many multiplications', async () => {
    const { exports, code } = await load(MANY_MULS);
    const native = (await WebAssembly.instantiate(MANY_MULS)).instance.exports as Record<string, any>;
    expect(functionText(code, '$many')).not.toContain('mul_high_u32');
    expect(functionText(code, '$many')).toContain('* 2.3283064365386963e-10 + 0.5 | 0');
    expect(functionText(code, '$one')).toContain('mul_high_u32(');
    let seed = 0x3c6ef372;
    const rand32 = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), BigInt(seed >>> 0));
    const values = [0n, 1n, -1n, 0xffffffffn, 0x100000000n, -0x8000000000000000n, 0x7fffffffffffffffn, 0xffffffff00000000n];
    for (let i = 0; i < 2000; i++) values.push(BigInt.asIntN(64, (rand32() << 32n) | rand32()));
    for (const rounds of [1, 30]) {
      values.forEach((x, i) => {
        const y = values[(i * 13 + 5) % values.length]!;
        for (let k = 0; k < rounds; k++) {
          expect([x, y, exports.many(x, y)]).toEqual([x, y, native.many(x, y)]);
          expect(exports.one(x, y)).toBe(native.one(x, y));
        }
      });
    }
  });
});
