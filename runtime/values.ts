// runtime/: conversions between JS values and wasm values at the JS API boundary
// (ToWebAssemblyValue / ToJSValue, JS API 4.x), by wasm type name.

import { f32FromBits, f32ToBits, f32ToRepresentation } from './numeric/bits.js';

/** ToInt32: unary plus is ToNumber, which throws a TypeError for a BigInt (Number() would convert it). */
export const toInt32 = (v: unknown): number => +(v as number) | 0;

/** ToWebAssemblyValue. */
export function fromJS(type: string, v: unknown): unknown {
  switch (type) {
    case 'i32':
      return toInt32(v);
    case 'i64':
      return BigInt.asIntN(64, toBigInt(v));
    case 'f32':
      // A NaN keeps its payload (only normalised to the f32 form), as it would between wasm
      // functions: the spec's tests pass signalling NaNs through exported functions.
      if (typeof v === 'number' && v !== v) return f32FromBits(f32ToBits(v));
      return f32ToRepresentation(+(v as number));
    case 'f64':
      // typeof first: ToNumber on a signalling NaN quietens it.
      return typeof v === 'number' ? v : +(v as number);
    case 'funcref':
      if (v === null) return null;
      if (typeof v !== 'function' || typeof (v as { wasmCode?: unknown }).wasmCode !== 'function') {
        throw new TypeError('a funcref must be null or a function exported by wasm');
      }
      return v;
    default:
      return v;
  }
}

/** ECMAScript ToBigInt: a Number, undefined, null or Symbol is a TypeError (BigInt() would convert a Number). */
function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' || v === undefined || v === null || typeof v === 'symbol') {
    throw new TypeError(`cannot convert ${typeof v === 'symbol' ? 'a symbol' : String(v)} to an i64 (a BigInt)`);
  }
  return BigInt(v as string | boolean);
}

/** ToJSValue: values keep their representation; i64 is already a BigInt. */
export function toJS(_type: string, v: unknown): unknown {
  return v;
}

/** The default value of a type (tables, globals). */
export function defaultValue(type: string): unknown {
  if (type === 'i64') return 0n;
  if (type === 'funcref' || type === 'externref') return null;
  return 0;
}
