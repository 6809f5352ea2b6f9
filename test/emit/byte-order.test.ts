// Two byte loads that read one 16-bit number (`p[0] << 8 | p[1]`, sqlite's get2byte, or `p[0] |
// p[1] << 8`) become one DataView read (compiler/emit/byte-order.ts). What must hold: the same
// value as V8's own wasm at every address, either byte order, signed and unsigned, in either
// operand order and at an offset; the same trap where either byte is out of bounds; and no fusion
// where the bytes are not adjacent or not from one base, which would read the wrong bytes.

import { describe, expect, it } from 'vitest';
import { functionText, loadWithNative, wat } from '../helpers/wasm.js';

const MODULE = wat(`(module
  (memory (export "mem") 1 2)
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  (func $be (export "be") (param $p i32) (result i32)
    (i32.or (i32.shl (i32.load8_u (local.get $p)) (i32.const 8)) (i32.load8_u offset=1 (local.get $p))))
  (func $be_signed (export "beSigned") (param $p i32) (result i32)
    (i32.or (i32.shl (i32.load8_s offset=5 (local.get $p)) (i32.const 8)) (i32.load8_u offset=6 (local.get $p))))
  (func $be_swapped (export "beSwapped") (param $p i32) (result i32)
    (i32.or (i32.load8_u offset=4 (local.get $p)) (i32.shl (i32.load8_u offset=3 (local.get $p)) (i32.const 8))))
  ;; Past the first page: no proof the bytes are in bounds, so through the DataView.
  (func $be_const (export "beConst") (result i32)
    (i32.or (i32.shl (i32.load8_u (i32.const 131070)) (i32.const 8)) (i32.load8_u (i32.const 131071))))
  (func $le (export "le") (param $p i32) (result i32)
    (i32.or (i32.load8_u offset=2 (local.get $p)) (i32.shl (i32.load8_u offset=3 (local.get $p)) (i32.const 8))))
  (func $le_signed (export "leSigned") (param $p i32) (result i32)
    (i32.or (i32.shl (i32.load8_s offset=1 (local.get $p)) (i32.const 8)) (i32.load8_u (local.get $p))))
  ;; Not one number: a byte between, two bases, a signed low byte.
  (func $gap (export "gap") (param $p i32) (result i32)
    (i32.or (i32.shl (i32.load8_u offset=2 (local.get $p)) (i32.const 8)) (i32.load8_u (local.get $p))))
  (func $two_bases (export "twoBases") (param $p i32) (param $q i32) (result i32)
    (i32.or (i32.shl (i32.load8_u (local.get $p)) (i32.const 8)) (i32.load8_u offset=1 (local.get $q))))
  (func $signed_low (export "signedLow") (param $p i32) (result i32)
    (i32.or (i32.shl (i32.load8_u (local.get $p)) (i32.const 8)) (i32.load8_s offset=1 (local.get $p)))))`);

/** The call's value, or the error's class. */
function outcome(f: () => number): string {
  try {
    return String(f());
  } catch (e) {
    return (e as Error).constructor.name; // V8 and w2js word the same trap differently
  }
}

describe('16-bit reads from two byte loads', () => {
  it('are one DataView read, and only where the two bytes are one number', async () => {
    const { code } = await loadWithNative(MODULE);
    expect(functionText(code, '$be')).toMatch(/dv\.getUint16\(p_0 >>> 0\)/);
    expect(functionText(code, '$be_signed')).toMatch(/dv\.getInt16\(\(p_0 >>> 0\) \+ 5\)/);
    expect(functionText(code, '$be_swapped')).toMatch(/dv\.getUint16\(\(p_0 >>> 0\) \+ 3\)/);
    expect(functionText(code, '$be_const')).toMatch(/dv\.getUint16\(131070\)/);
    expect(functionText(code, '$le')).toMatch(/dv\.getUint16\(\(p_0 >>> 0\) \+ 2, true\)/);
    expect(functionText(code, '$le_signed')).toMatch(/dv\.getInt16\(p_0 >>> 0, true\)/);
    for (const name of ['$gap', '$two_bases', '$signed_low']) expect(functionText(code, name)).not.toMatch(/nt16/);
  });

  it('read what the bytes hold, and trap where either byte is past the end, as wasm does', async () => {
    const { exports, native } = await loadWithNative(MODULE);
    for (const mem of [exports.mem, native.mem]) {
      const bytes = new Uint8Array(mem.buffer);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) & 0xff;
    }
    const addresses = [0, 1, 2, 1000, 65525, 65526, 65527, 65528, 65529, 65530, 65531, 65532, 65533, 65534, 65535, 65536, -1, -2, 0x7fffffff];
    let traps = 0;
    for (const p of addresses) {
      for (const name of ['be', 'beSigned', 'beSwapped', 'le', 'leSigned', 'gap', 'signedLow']) {
        const want = outcome(() => native[name](p));
        expect(outcome(() => exports[name](p)), `${name}(${p})`).toBe(want);
        if (want.startsWith('RuntimeError')) traps++;
      }
      expect(outcome(() => exports.twoBases(p, 65534 - p))).toBe(outcome(() => native.twoBases(p, 65534 - p)));
    }
    expect(outcome(() => exports.beConst())).toBe('RuntimeError');
    expect(outcome(() => native.beConst())).toBe('RuntimeError');
    exports.grow();
    native.grow();
    new Uint8Array(exports.mem.buffer).set([0xbe, 0xef], 131070);
    new Uint8Array(native.mem.buffer).set([0xbe, 0xef], 131070);
    expect(exports.beConst()).toBe(0xbeef);
    expect(native.beConst()).toBe(0xbeef);
    expect(traps).toBeGreaterThan(20); // the ends were reached
  });
});
