// An i64 computed into temporaries and then set into a local is computed into the local
// (compiler/emit/assign-into.ts): no `x = t; x_hi = t_hi;` copy after an i64.load or a division
// helper. What must hold: the value is native's, a load from the local's own value reads the old
// value, a trapping load or division leaves the local as it was, and a pending read of the local
// is taken before it is written.

import { describe, expect, it } from 'vitest';
import { functionText, loadWithNative, wat } from '../helpers/wasm.js';

const MODULE = wat(`(module
  (memory (export "mem") 1)
  (global $g (mut i64) (i64.const 0))
  ;; x = *(p + 8); y = *x; x = *x (through its own value); y = x / y; x + y.
  (func $chain (export "chain") (param $p i32) (result i64) (local $x i64) (local $y i64)
    (local.set $x (i64.load offset=8 (local.get $p)))
    (local.set $y (i64.load (i32.wrap_i64 (local.get $x))))
    (local.set $x (i64.load (i32.wrap_i64 (local.get $x))))
    (local.set $y (i64.div_u (local.get $x) (local.get $y)))
    (i64.add (local.get $x) (local.get $y)))
  ;; A load that traps (p out of bounds) or a division by zero: x keeps its value, kept in $g.
  (func (export "trapLoad") (param $p i32) (local $x i64)
    (local.set $x (i64.const 77))
    (global.set $g (local.get $x))
    (local.set $x (i64.load (local.get $p)))
    (global.set $g (local.get $x)))
  (func (export "trapDiv") (param $d i64) (local $x i64)
    (local.set $x (i64.const 5))
    (global.set $g (local.get $x))
    (local.set $x (i64.div_s (local.get $x) (local.get $d)))
    (global.set $g (local.get $x)))
  (func (export "g") (result i64) (global.get $g))
  ;; The old x is still on the stack (a pending read) when the load overwrites x.
  (func (export "pending") (param $p i32) (result i64) (local $x i64)
    (local.set $x (i64.const 1000))
    (local.get $x)
    (local.set $x (i64.load (local.get $p)))
    (local.get $x)
    (i64.sub)))`);

function fill(mem: WebAssembly.Memory | { buffer: ArrayBuffer }): void {
  const dv = new DataView(mem.buffer);
  dv.setBigUint64(8, 64n, true); // *(0 + 8) = 64: x
  dv.setBigUint64(64, 0xfedcba9876543210n, true); // *x
}

describe('an i64 computed into the local it is set to', () => {
  it('leaves no copy after a load or a division helper', async () => {
    const { code } = await loadWithNative(MODULE);
    const chain = functionText(code, '$chain');
    expect(chain).not.toMatch(/\b[xy]_\d+(_hi)? = t\d+(_hi)?;/);
    expect(chain).toMatch(/\bx_1_hi = dv\.getInt32\(t\d+ \+ 4, true\), x_1 = dv\.getInt32\(t\d+, true\);/);
    expect(chain).toMatch(/\by_2 = i64_div_u\(x_1, x_1_hi, y_2, y_2_hi\);\s+y_2_hi = high\.bits;/);
  });

  it('computes what native wasm does, traps leaving the local as it was', async () => {
    const { exports, native } = await loadWithNative(MODULE);
    fill(exports.mem);
    fill(native.mem);
    expect(exports.chain(0)).toBe(native.chain(0));
    expect(exports.pending(64)).toBe(native.pending(64));
    for (const [name, arg] of [['trapLoad', 65536 - 4], ['trapDiv', 0n]] as const) {
      expect(() => exports[name](arg), name).toThrow(WebAssembly.RuntimeError);
      expect(() => native[name](arg), name).toThrow(WebAssembly.RuntimeError);
      expect(exports.g(), name).toBe(native.g());
    }
    expect(exports.g()).toBe(5n);
  });
});
