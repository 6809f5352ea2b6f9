// i64.add against a constant: the carry out of the low halves tested as \`a >>> 0 > 2^32 - 1 - c\`
// (one add fewer than summing), and a high half of 0 added as nothing (compiler/emit/i64.ts,
// bench/README.md S49). Every constant at a carry's edges, on either side, against V8's wasm.

import { describe, expect, it } from 'vitest';
import { loadWithNative, wat } from '../helpers/wasm.js';

const CONSTS = 14;
const MODULE = wat(`(module
  (func (export "r0") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const 0)))
  (func (export "l0") (param $a i64) (result i64) (i64.add (i64.const 0) (local.get $a)))
  (func (export "z0") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const 0)))
  (func (export "r1") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const 1)))
  (func (export "l1") (param $a i64) (result i64) (i64.add (i64.const 1) (local.get $a)))
  (func (export "z1") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const 1)))
  (func (export "r2") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const 7)))
  (func (export "l2") (param $a i64) (result i64) (i64.add (i64.const 7) (local.get $a)))
  (func (export "z2") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const 7)))
  (func (export "r3") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const 1544)))
  (func (export "l3") (param $a i64) (result i64) (i64.add (i64.const 1544) (local.get $a)))
  (func (export "z3") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const 1544)))
  (func (export "r4") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const 0x7fffffff)))
  (func (export "l4") (param $a i64) (result i64) (i64.add (i64.const 0x7fffffff) (local.get $a)))
  (func (export "z4") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const 0x7fffffff)))
  (func (export "r5") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const 0x80000000)))
  (func (export "l5") (param $a i64) (result i64) (i64.add (i64.const 0x80000000) (local.get $a)))
  (func (export "z5") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const 0x80000000)))
  (func (export "r6") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const 0xffffffff)))
  (func (export "l6") (param $a i64) (result i64) (i64.add (i64.const 0xffffffff) (local.get $a)))
  (func (export "z6") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const 0xffffffff)))
  (func (export "r7") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const 0x100000000)))
  (func (export "l7") (param $a i64) (result i64) (i64.add (i64.const 0x100000000) (local.get $a)))
  (func (export "z7") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const 0x100000000)))
  (func (export "r8") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const 0x100000001)))
  (func (export "l8") (param $a i64) (result i64) (i64.add (i64.const 0x100000001) (local.get $a)))
  (func (export "z8") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const 0x100000001)))
  (func (export "r9") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const -1)))
  (func (export "l9") (param $a i64) (result i64) (i64.add (i64.const -1) (local.get $a)))
  (func (export "z9") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const -1)))
  (func (export "r10") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const -2)))
  (func (export "l10") (param $a i64) (result i64) (i64.add (i64.const -2) (local.get $a)))
  (func (export "z10") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const -2)))
  (func (export "r11") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const -0x80000000)))
  (func (export "l11") (param $a i64) (result i64) (i64.add (i64.const -0x80000000) (local.get $a)))
  (func (export "z11") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const -0x80000000)))
  (func (export "r12") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const 0x9e3779b97f4a7c15)))
  (func (export "l12") (param $a i64) (result i64) (i64.add (i64.const 0x9e3779b97f4a7c15) (local.get $a)))
  (func (export "z12") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const 0x9e3779b97f4a7c15)))
  (func (export "r13") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const -0x100000000)))
  (func (export "l13") (param $a i64) (result i64) (i64.add (i64.const -0x100000000) (local.get $a)))
  (func (export "z13") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const -0x100000000)))
)`);

const I64S = [0n, 1n, -1n, 2n, 6n, 7n, 8n, 0x7ffffffen, 0x7fffffffn, 0x80000000n, 0x80000001n, 0xfffffff8n, 0xfffffff9n, 0xfffffffen, 0xffffffffn,
  1n << 32n, (1n << 32n) + 1n, (1n << 32n) - 1544n, (1n << 32n) - 1545n, -(1n << 63n), (1n << 63n) - 1n, 0x123456789abcdefn, -0x123456789abcdefn];
const I32S = [0, 1, -1, 6, 7, -7, -8, 0x7fffffff, -0x80000000, -1544, -1545, 123456789];

describe('i64.add of a constant', () => {
  it('tests the carry against one constant, without adding a zero high half', async () => {
    const { code } = await loadWithNative(MODULE);
    const all = code.match(/^function [\s\S]*?^}/gm)!.join('\n');
    expect(all).not.toMatch(/4294967295\)/);
    expect(all).not.toMatch(/_hi \+ 0 \+/);
    expect(all).toMatch(/\(a_0 >>> 0 > 4294967294\)/); // + 1
    expect(all).toMatch(/\(a_0 >>> 0 > 4294965751\)/); // + 1544
    expect(all).toMatch(/high\.bits = a_0_hi \| 0;/); // + 0: no carry, nothing to add
  });

  it('adds as V8\'s wasm does, at every carry\'s edge, the constant on either side', async () => {
    const { exports, native } = await loadWithNative(MODULE);
    for (let i = 0; i < CONSTS; i++) {
      for (const a of I64S) {
        expect(exports[`r${i}`](a), `r${i}(${a})`).toBe(native[`r${i}`](a));
        expect(exports[`l${i}`](a), `l${i}(${a})`).toBe(native[`l${i}`](a));
      }
      for (const x of I32S) expect(exports[`z${i}`](x), `z${i}(${x})`).toBe(native[`z${i}`](x));
    }
  });
});
