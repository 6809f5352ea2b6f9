// f32 reinterprets inline (compiler/emit/numeric.ts reinterpretF32): through a scratch word for
// every value but a NaN, which goes through the exact helpers; abs and neg likewise (signOp).
// Every bit pattern tried must come out as native's, cold and hot (TurboFan), and a literal
// operand folds (a select of two such too).

import { expect, it } from 'vitest';
import { functionText, load, wat } from '../helpers/wasm.js';

const MODULE = wat(`(module
  (memory (export "mem") 1)
  (func $roundTrip (export "roundTrip") (param i32) (result i32) (i32.reinterpret_f32 (f32.reinterpret_i32 (local.get 0))))
  ;; Rust's f32 rounding shape: bits to float, arithmetic, float to bits.
  (func (export "nudge") (param i32) (result i32)
    (i32.reinterpret_f32 (f32.add (f32.reinterpret_i32 (i32.and (local.get 0) (i32.const 0x7fffffff))) (f32.const 8388608))))
  ;; A float kept in memory, its bits read back as an f32 and stored.
  (func (export "viaMemory") (param i32) (f32.store (i32.const 16) (f32.reinterpret_i32 (local.get 0))))
  ;; A mask made as a float: all ones (a NaN) or zero, selected; its bits fold to \`c ? -1 : 0\`.
  (func $mask (export "mask") (param f32) (result i32)
    (i32.reinterpret_f32 (select (f32.reinterpret_i32 (i32.const -1)) (f32.const 0) (f32.lt (local.get 0) (f32.const -0.5)))))
  ;; abs and neg inline but for a NaN (numeric.ts signOp): the sign bit alone changes.
  (func $abs32 (export "abs32") (param i32) (result i32) (i32.reinterpret_f32 (f32.abs (f32.reinterpret_i32 (local.get 0)))))
  (func (export "neg32") (param i32) (result i32) (i32.reinterpret_f32 (f32.neg (f32.reinterpret_i32 (local.get 0)))))
  (func (export "abs64") (param i64) (result i64) (i64.reinterpret_f64 (f64.abs (f64.reinterpret_i64 (local.get 0)))))
  (func (export "neg64") (param i64) (result i64) (i64.reinterpret_f64 (f64.neg (f64.reinterpret_i64 (local.get 0)))))
  (func $folded (export "folded") (result i32)
    (i32.add (i32.reinterpret_f32 (f32.const 1.5)) (i32.reinterpret_f32 (f32.reinterpret_i32 (i32.const 0x3f800000))))))`);

it('carries every f32 bit pattern as native does, a NaN included, and folds literals', async () => {
  const { exports, code } = await load(MODULE);
  const native = (await WebAssembly.instantiate(MODULE)).instance.exports as Record<string, any>;
  expect(functionText(code, '$roundTrip')).toContain('(i32Scratch[0] = p0, f32Scratch[0])');
  expect(functionText(code, '$folded')).not.toMatch(/Scratch|Bits/);
  expect(exports.folded()).toBe(native.folded());
  expect(functionText(code, '$mask')).toContain('? -1 : 0');
  expect(functionText(code, '$abs32')).toMatch(/=== t\d+ \? Math\.abs\(t\d+\) : f32_abs\(t\d+\)/);
  for (const x of [-1, -0.5, 0, 3, NaN, -Infinity]) expect(exports.mask(x)).toBe(native.mask(x));
  let seed = 0x6b43a9b5;
  const rand32 = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), seed | 0);
  const patterns = [0, -0x80000000, 1, 0x7f800000, -0x800000, 0x7fc00000, -0x400000, 0x7f800001, 0x7fa00000, 0x7fffffff, -1, 0x3f800000, 0x00800000, 0x007fffff];
  for (let i = 0; i < 3000; i++) patterns.push(i % 3 === 0 ? rand32() | 0x7f800000 : rand32());
  const stored = (exps: Record<string, any>) => new Int32Array(exps.mem.buffer)[4];
  for (const rounds of [1, 20]) {
    for (const bits of patterns) {
      for (let k = 0; k < rounds; k++) {
        expect(exports.roundTrip(bits)).toBe(native.roundTrip(bits));
        expect(exports.nudge(bits)).toBe(native.nudge(bits));
        expect([bits, exports.abs32(bits), exports.neg32(bits)]).toEqual([bits, native.abs32(bits), native.neg32(bits)]);
        const wide = (BigInt(bits) << 32n) | BigInt(patterns[(bits >>> 3) % patterns.length]! >>> 0);
        expect([wide, exports.abs64(wide), exports.neg64(wide)]).toEqual([wide, native.abs64(wide), native.neg64(wide)]);
        exports.viaMemory(bits);
        native.viaMemory(bits);
        expect(stored(exports)).toBe(stored(native));
      }
    }
  }
  expect(exports.roundTrip(0x7f800001)).toBe(0x7f800001);
});
