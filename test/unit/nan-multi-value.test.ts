// test/unit/nan-multi-value.test.ts: signalling NaNs keep every bit when they travel as several
// results of one call, direct or through call_indirect (issue 9, item 4: the results array was
// an array of doubles, whose stores set the quiet bit). Checked against V8's own wasm, also after
// the calls are hot enough for the optimizing compiler.

import { describe, expect, it } from 'vitest';
import { load, wat } from '../helpers/wasm.js';

const bytes = wat(`(module
  (type $t (func (param i32) (result f32 f64 i32)))
  (table 1 funcref) (elem (i32.const 0) $triple)
  (func $triple (param i32) (result f32 f64 i32)
    (f32.reinterpret_i32 (i32.or (i32.const 0x7fa00000) (local.get 0)))
    (f64.reinterpret_i64 (i64.or (i64.const 0x7ff4000000000000) (i64.extend_i32_u (local.get 0))))
    (local.get 0))
  ;; xor of the bits of every result over n calls (i from 1 to n)
  (func (export "direct") (param $n i32) (result i64) (local $i i32) (local $acc i64) (local $c i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (call $triple (local.get $i))
      (local.set $c)
      i64.reinterpret_f64 (local.get $acc) i64.xor (local.set $acc)
      i32.reinterpret_f32 i64.extend_i32_u (local.get $acc) i64.xor (local.set $acc)
      (local.set $acc (i64.xor (local.get $acc) (i64.extend_i32_u (local.get $c))))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))
  (func (export "indirect") (param $n i32) (result i64) (local $i i32) (local $acc i64) (local $c i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (call_indirect (type $t) (local.get $i) (i32.const 0))
      (local.set $c)
      i64.reinterpret_f64 (local.get $acc) i64.xor (local.set $acc)
      i32.reinterpret_f32 i64.extend_i32_u (local.get $acc) i64.xor (local.set $acc)
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc)))`);

describe('signalling NaNs as several results', () => {
  it.each(['direct', 'indirect'])('%s calls, cold and hot, match V8 bit for bit', async (name) => {
    const ours = (await load(bytes)).exports[name] as (n: number) => bigint;
    const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports[name] as (n: number) => bigint;
    for (const n of [1, 3, 200_000]) expect(ours(n), `n = ${n}`).toBe(native(n));
    expect(ours(1)).toBe(0x7ff4000000000001n ^ 0x7fa00001n ^ 1n ^ (name === 'direct' ? 0n : 1n));
  });
});
