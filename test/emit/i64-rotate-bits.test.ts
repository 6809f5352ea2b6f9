// i64 rotates and bit counts are emitted inline (emit/i64.ts rotate, bitCount): a rotate by a
// constant as shifts of the halves, by a variable through k = n & 63 and the halves swapped on
// k & 32; clz and ctz through Math.clz32, popcnt through the i32 helper on each half, every count
// with a literal 0 high half. Against native for every count, constant and variable, on edge values.

import { describe, expect, it } from 'vitest';
import { loadWithNative, wat } from '../helpers/wasm.js';

const COUNTS = [...Array.from({ length: 71 }, (_, i) => BigInt(i)), -1n, -31n, -32n, -33n, 127n, 1n << 40n, (1n << 32n) + 5n];
const byConstant = COUNTS.map((n, i) =>
  `(func (export "rotl_${i}") (param $a i64) (result i64) (i64.rotl (local.get $a) (i64.const ${n})))
   (func (export "rotr_${i}") (param $a i64) (result i64) (i64.rotr (local.get $a) (i64.const ${n})))`).join('\n');

const MODULE = `(module
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (func $count (param i32) (result i32) (global.set $calls (i32.add (global.get $calls) (i32.const 1))) (local.get 0))
  (func (export "rotl") (param $a i64) (param $n i64) (result i64) (i64.rotl (local.get $a) (local.get $n)))
  (func (export "rotr") (param $a i64) (param $n i64) (result i64) (i64.rotr (local.get $a) (local.get $n)))
  ;; The count computed by a call (evaluated once), the operand an expression.
  (func (export "rotl_call") (param $a i64) (param $n i32) (result i64)
    (i64.rotl (i64.add (local.get $a) (i64.const 1)) (i64.extend_i32_u (call $count (local.get $n)))))
  (func (export "clz") (param $a i64) (result i64) (i64.clz (local.get $a)))
  (func (export "ctz") (param $a i64) (result i64) (i64.ctz (local.get $a)))
  (func (export "popcnt") (param $a i64) (result i64) (i64.popcnt (local.get $a)))
  ;; A count used as an i64 operand afterwards: its high half is 0.
  (func (export "counts") (param $a i64) (result i64)
    (i64.add (i64.add (i64.clz (i64.xor (local.get $a) (i64.const 5))) (i64.ctz (i64.or (local.get $a) (i64.const 64))))
             (i64.mul (i64.popcnt (local.get $a)) (i64.const 0x100000001))))
  ${byConstant}
)`;

const bit = (k: number) => 1n << BigInt(k);
const VALUES = [0n, 1n, -1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n, 0x123456789abcdef0n, -0x123456789abcdef0n,
  -(1n << 63n), (1n << 63n) - 1n, 0x8000000080000001n, ...[0, 1, 30, 31, 32, 33, 62, 63].map(bit)].map((v) => BigInt.asIntN(64, v));

describe('i64 rotates and bit counts, inline', () => {
  it('agree with native for every count, constant and variable, and evaluate a counted operand once', async () => {
    const { native, exports, code } = await loadWithNative(wat(MODULE));
    expect(code).not.toMatch(/i64_(rot[lr]|clz|ctz|popcnt)\(/);
    for (const a of VALUES) {
      COUNTS.forEach((n, i) => {
        for (const name of ['rotl', 'rotr']) expect([name, a, n, exports[name](a, n)]).toEqual([name, a, n, native[name]!(a, n)]);
        for (const name of [`rotl_${i}`, `rotr_${i}`]) expect([name, a, exports[name](a)]).toEqual([name, a, native[name]!(a)]);
      });
      for (const n of [0, 1, 31, 32, 33, 63, 64, -1]) expect(['rotl_call', a, n, exports.rotl_call(a, n)]).toEqual(['rotl_call', a, n, native.rotl_call!(a, n)]);
      for (const name of ['clz', 'ctz', 'popcnt', 'counts']) expect([name, a, exports[name](a)]).toEqual([name, a, native[name]!(a)]);
    }
    expect(exports.calls.value).toBe(native.calls.value);
  });
});
