// Integer parameters the body assigns are converted to int32 at entry (emit/param-coerce.ts), and
// a split function's parts convert their `pc`: loop phis that start as int32. Parameters only read
// are left as they come. Against native on values past a Smi's 31 bits, where a tagged phi boxes.

import { describe, expect, it } from 'vitest';
import { functionText, loadWithNative, wat } from '../helpers/wasm.js';

// walk(x, n): x goes through n xorshift steps, assigned in a loop; scale(a, b, k): a and b only
// read; walk64(x, n): an i64 parameter assigned, both halves.
const MODULE = `(module
  (func (export "walk") (param $x i32) (param $n i32) (result i32)
    (loop $l
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $x))
  (func (export "scale") (param $a i32) (param $b i32) (result i32)
    (i32.add (i32.mul (local.get $a) (local.get $b)) (local.get $b)))
  (func (export "walk64") (param $x i64) (param $n i32) (result i64)
    (loop $l
      (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 6364136223846793005)) (i64.const 1442695040888963407)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $x)))`;

describe('integer parameters the body assigns: int32 from entry', () => {
  it('converts assigned parameters (both halves of an i64) and leaves read-only ones alone, with native results', async () => {
    const { exports, native, code } = await loadWithNative(wat(MODULE));
    const walk = functionText(code, '$walk');
    expect(walk).toMatch(/^\s+x_0 = x_0 \| 0;$/m);
    expect(walk).toMatch(/^\s+n_1 = n_1 \| 0;$/m);
    expect(functionText(code, '$scale')).not.toMatch(/(\w+) = \1 \| 0/);
    const walk64 = functionText(code, '$walk64');
    expect(walk64).toMatch(/^\s+x_0 = x_0 \| 0;$/m);
    expect(walk64).toMatch(/^\s+x_0_hi = x_0_hi \| 0;$/m);
    for (const x of [1, 0x3fffffff, 0x40000000, -0x40000001, -1, 0x7fffffff, -0x80000000]) {
      // Enough calls for V8 to optimize: the conversion must not change a result once compiled.
      for (let i = 0; i < 300; i++) expect(exports.walk(x, 50 + (i % 7))).toBe(native.walk(x, 50 + (i % 7)));
      expect(exports.scale(x, 3)).toBe(native.scale(x, 3));
    }
    for (const x of [0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdefn]) {
      expect(exports.walk64(x, 100)).toBe(native.walk64(x, 100));
    }
  });

  it("converts a part's pc at entry and the pc a part returns", async () => {
    const layout = { flatAbove: 1, flatSpan: 1, cutStatements: 1, splitAboveTokens: -1, partNodes: 20 };
    const { exports, native, code } = await loadWithNative(wat(MODULE), { layout });
    const part = code.match(/function \$walk\$\$p\d+\(inst, fi0, fd0, fo0, pc\) \{\n\s*pc = pc \| 0;/);
    expect(part).not.toBeNull();
    expect(functionText(code, '$walk')).toMatch(/pc = rv0 \| 0;/);
    for (const x of [7, 0x40000000, -1]) expect(exports.walk(x, 1000)).toBe(native.walk(x, 1000));
    expect(exports.walk64(-5n, 77)).toBe(native.walk64(-5n, 77));
  });
});
