// i64 shifts by a count known only at run time are emitted inline (emit/i64.ts shiftByVariable):
// k = n & 63, then per half a choice on k & 32. Against native for every count class (0, 1..31,
// 32, 33..63, 64 and past it, negative) on edge values, and on operands with an effect.

import { describe, expect, it } from 'vitest';
import { loadWithNative, wat } from '../helpers/wasm.js';

const MODULE = `(module
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (func $count (param i32) (result i32) (global.set $calls (i32.add (global.get $calls) (i32.const 1))) (local.get 0))
  (func (export "shl") (param $a i64) (param $n i64) (result i64) (i64.shl (local.get $a) (local.get $n)))
  (func (export "shr_u") (param $a i64) (param $n i64) (result i64) (i64.shr_u (local.get $a) (local.get $n)))
  (func (export "shr_s") (param $a i64) (param $n i64) (result i64) (i64.shr_s (local.get $a) (local.get $n)))
  ;; The count computed by a call (evaluated once), the operand an expression.
  (func (export "shl_call") (param $a i64) (param $n i32) (result i64)
    (i64.shl (i64.add (local.get $a) (i64.const 1)) (i64.extend_i32_u (call $count (local.get $n)))))
  (func (export "shr_s_call") (param $a i64) (param $n i32) (result i64)
    (i64.shr_s (i64.xor (local.get $a) (i64.const -1)) (i64.extend_i32_u (call $count (local.get $n)))))
)`;

const VALUES = [0n, 1n, -1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n, 0x123456789abcdef0n, -0x123456789abcdef0n,
  -(1n << 63n), (1n << 63n) - 1n, 0x8000000080000001n].map((v) => BigInt.asIntN(64, v));
const COUNTS = [...Array.from({ length: 71 }, (_, i) => BigInt(i)), -1n, -31n, -32n, -33n, 127n, 1n << 40n, (1n << 32n) + 5n];

describe('i64 shifts by a variable count, inline', () => {
  it('agree with native for every count class, and evaluate a counted operand once', async () => {
    const { native, exports, code } = await loadWithNative(wat(MODULE));
    expect(code).not.toMatch(/i64_sh[lr]_?[su]?\(/);
    for (const a of VALUES) {
      for (const n of COUNTS) {
        for (const name of ['shl', 'shr_u', 'shr_s']) expect([name, a, n, exports[name](a, n)]).toEqual([name, a, n, native[name]!(a, n)]);
      }
      for (const n of [0, 1, 31, 32, 33, 63, 64, -1]) {
        for (const name of ['shl_call', 'shr_s_call']) expect([name, a, n, exports[name](a, n)]).toEqual([name, a, n, native[name]!(a, n)]);
      }
    }
    expect(exports.calls.value).toBe(native.calls.value);
  });
});
