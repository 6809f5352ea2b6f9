// i64.mul's high word (compiler/emit/i64.ts mulInline): the mul_high_u32 helper, or, in a function
// with more multiplications than TurboFan inlines the helper for, inline from the double product
// and the exact low word (mulHigh). Both must give native's products, cold and hot.

import { expect, it } from 'vitest';
import { functionText, load, wat } from '../helpers/wasm.js';

const STEPS = 20;
const constants = Array.from({ length: STEPS }, (_, i) => BigInt.asIntN(64, 0x9e3779b97f4a7c15n * BigInt(2 * i + 1)));
// x = x * K_i + y, twenty times: a Blake2b-like chain of multiplications.
const chain = constants.map((k) => `(local.set 0 (i64.add (i64.mul (local.get 0) (i64.const ${k})) (local.get 1)))`).join('\n');
const MODULE = wat(`(module
  (func $many (export "many") (param i64 i64) (result i64) ${chain} (local.get 0))
  (func $one (export "one") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1))))`);

it('multiplies i64s as native does, with the high word inline in a function of many', async () => {
  const { exports, code } = await load(MODULE);
  const native = (await WebAssembly.instantiate(MODULE)).instance.exports as Record<string, any>;
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
