// i64.add and i64.sub against a constant: the carry out of the low halves tested as
// `a >>> 0 > 2^32 - 1 - c` (one add fewer than summing), a high half of 0 added or subtracted as
// nothing, a low half of 0 neither carrying nor borrowing (compiler/emit/i64.ts, bench/README.md
// S49). Every constant at a carry's edges, on either side, against V8's wasm.

import { describe, expect, it } from 'vitest';
import { loadWithNative, wat } from '../helpers/wasm.js';

const CONSTS = ['0', '1', '7', '1544', '0x7fffffff', '0x80000000', '0xffffffff', '0x100000000', '0x100000001', '-1', '-2', '-0x80000000', '0x9e3779b97f4a7c15', '-0x100000000'];
// For each constant: x + c, c + x, a zero-extended i32 + c, x - c and c - x.
const MODULE = wat(`(module
${CONSTS.map((c, i) => `
  (func (export "r${i}") (param $a i64) (result i64) (i64.add (local.get $a) (i64.const ${c})))
  (func (export "l${i}") (param $a i64) (result i64) (i64.add (i64.const ${c}) (local.get $a)))
  (func (export "z${i}") (param $x i32) (result i64) (i64.add (i64.extend_i32_u (local.get $x)) (i64.const ${c})))
  (func (export "s${i}") (param $a i64) (result i64) (i64.sub (local.get $a) (i64.const ${c})))
  (func (export "n${i}") (param $a i64) (result i64) (i64.sub (i64.const ${c}) (local.get $a)))`).join('')})`);

const I64S = [0n, 1n, -1n, 2n, 6n, 7n, 8n, 0x7ffffffen, 0x7fffffffn, 0x80000000n, 0x80000001n, 0xfffffff8n, 0xfffffff9n, 0xfffffffen, 0xffffffffn,
  1n << 32n, (1n << 32n) + 1n, (1n << 32n) - 1544n, (1n << 32n) - 1545n, -(1n << 63n), (1n << 63n) - 1n, 0x123456789abcdefn, -0x123456789abcdefn];
const I32S = [0, 1, -1, 6, 7, -7, -8, 0x7fffffff, -0x80000000, -1544, -1545, 123456789];

describe('i64.add and i64.sub of a constant', () => {
  it('tests the carry against one constant, without adding a zero high half', async () => {
    const { code } = await loadWithNative(MODULE);
    const all = code.match(/^function [\s\S]*?^}/gm)!.join('\n');
    expect(all).not.toMatch(/> 4294967295\)/);
    expect(all).not.toMatch(/_hi - 0 -/);
    expect(all).not.toMatch(/_hi \+ 0 \+/);
    expect(all).toMatch(/\(a_0 >>> 0 > 4294967294\)/); // + 1
    expect(all).toMatch(/\(a_0 >>> 0 > 4294965751\)/); // + 1544
    expect(all).toMatch(/high\.bits = a_0_hi \| 0;/); // + 0: no carry, nothing to add
  });

  it('adds as V8\'s wasm does, at every carry\'s edge, the constant on either side', async () => {
    const { exports, native } = await loadWithNative(MODULE);
    for (let i = 0; i < CONSTS.length; i++) {
      for (const a of I64S) {
        expect(exports[`r${i}`](a), `r${i}(${a})`).toBe(native[`r${i}`](a));
        for (const f of ['l', 's', 'n']) expect(exports[`${f}${i}`](a), `${f}${i}(${a})`).toBe(native[`${f}${i}`](a));
      }
      for (const x of I32S) expect(exports[`z${i}`](x), `z${i}(${x})`).toBe(native[`z${i}`](x));
    }
  });
});
