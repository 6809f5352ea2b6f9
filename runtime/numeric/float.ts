// runtime/numeric/float.ts: f32/f64 instructions that need more than a JS operator; called by generated code.
// f32 values are numbers in contract form (runtime/README.md), so most f32 helpers share the f64 logic:
// every f32 value, NaNs included, is a double whose sign bit is the f32's sign bit.

import { HI, NAN_BITS_KEPT, f32QuietNan, f64QuietNan, scratchF64, scratchI32, scratchU32, signedNan } from './bits.js';

const SIGN = 0x80000000;
const TWO_52 = 4503599627370496;

/** f32.min: NaN if either operand is NaN, and -0 is below +0 (spec 4.3.3 fmin). */
export function f32_min(a: number, b: number): number {
  // Math.min already orders -0 below +0; NaN is checked first because Math.min may hand back a
  // signalling NaN operand, while the spec's result must be a quiet NaN. The canonical NaN is always allowed.
  return a !== a || b !== b ? NaN : Math.min(a, b);
}

/** f32.max: NaN if either operand is NaN, and +0 is above -0 (spec 4.3.3 fmax). */
export function f32_max(a: number, b: number): number {
  return a !== a || b !== b ? NaN : Math.max(a, b);
}

/** f64.min: NaN if either operand is NaN, and -0 is below +0. */
export function f64_min(a: number, b: number): number {
  return a !== a || b !== b ? NaN : Math.min(a, b);
}

/** f64.max: NaN if either operand is NaN, and +0 is above -0. */
export function f64_max(a: number, b: number): number {
  return a !== a || b !== b ? NaN : Math.max(a, b);
}

/** f64.nearest: round to the nearest integer, ties to even, keeping the sign of zero (spec 4.3.3 fnearest). */
export function f64_nearest(x: number): number {
  // |x| >= 2^52 (and ±inf) is already integral. NaN fails the test and must come out quiet.
  if (!(Math.abs(x) < TWO_52)) return x === x ? x : f64QuietNan(x);
  // Math.round rounds ties up (and gives -0 for -0.5 <= x < 0); step back down when that left an odd tie.
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** f32.nearest: as f64.nearest; every f32 is a double and the result is an f32 again (|x| < 2^23 or integral). */
export function f32_nearest(x: number): number {
  if (x !== x) return f32QuietNan(x);
  return f64_nearest(x);
}

// Math.trunc/floor/ceil keep the sign of zero as the spec does, but V8 returns a signalling NaN operand
// unchanged from the interpreter and quiets it from optimised code; the spec wants a quiet NaN
// (spec 4.3.3: the result of fceil/ffloor/ftrunc on a NaN is in nans{z}), so NaNs take the quieting path.
/** f64.ceil: round toward +inf; a NaN comes out quiet. */
export function f64_ceil(x: number): number {
  return x === x ? Math.ceil(x) : f64QuietNan(x);
}

/** f64.floor: round toward -inf; a NaN comes out quiet. */
export function f64_floor(x: number): number {
  return x === x ? Math.floor(x) : f64QuietNan(x);
}

/** f64.trunc: round toward zero; a NaN comes out quiet. */
export function f64_trunc(x: number): number {
  return x === x ? Math.trunc(x) : f64QuietNan(x);
}

/** f32.ceil: round toward +inf (an integral f32 stays an f32); a NaN comes out quiet in contract form. */
export function f32_ceil(x: number): number {
  return x === x ? Math.ceil(x) : f32QuietNan(x);
}

/** f32.floor: round toward -inf; a NaN comes out quiet in contract form. */
export function f32_floor(x: number): number {
  return x === x ? Math.floor(x) : f32QuietNan(x);
}

/** f32.trunc: round toward zero; a NaN comes out quiet in contract form. */
export function f32_trunc(x: number): number {
  return x === x ? Math.trunc(x) : f32QuietNan(x);
}

/** f32.sqrt: the double square root rounded to f32; double rounding is harmless for sqrt (53 >= 2*24 + 2). */
export function f32_sqrt(x: number): number {
  return x === x ? Math.fround(Math.sqrt(x)) : f32QuietNan(x);
}

/** f64.abs: clear the sign bit; a NaN keeps its payload bit for bit (spec: abs is not arithmetic; on JSC only the sign is exact). */
export function f64_abs(x: number): number {
  if (x === x) return Math.abs(x);
  if (!NAN_BITS_KEPT) return NaN; // JSC: the positive NaN (see bits.ts)
  scratchF64[0] = x;
  scratchU32[HI] = scratchU32[HI]! & ~SIGN;
  return scratchF64[0]!;
}

/** f64.neg: flip the sign bit; a NaN keeps its payload bit for bit (on JSC: its sign is flipped exactly). */
export function f64_neg(x: number): number {
  if (x === x) return -x;
  scratchF64[0] = x;
  if (!NAN_BITS_KEPT) return signedNan(~scratchI32[HI]!);
  scratchU32[HI] = scratchU32[HI]! ^ SIGN;
  return scratchF64[0]!;
}

/** f64.copysign: x's magnitude with y's sign bit; NaN payloads in x are kept (on JSC: the sign only) and NaN signs in y are read. */
export function f64_copysign(x: number, y: number): number {
  let negative: boolean;
  if (y === y) {
    negative = y < 0 || (y === 0 && 1 / y < 0);
  } else {
    scratchF64[0] = y;
    negative = (scratchU32[HI]! & SIGN) !== 0;
  }
  if (x === x) return negative ? -Math.abs(x) : Math.abs(x);
  if (!NAN_BITS_KEPT) return signedNan(negative ? -1 : 0);
  scratchF64[0] = x;
  scratchU32[HI] = negative ? scratchU32[HI]! | SIGN : scratchU32[HI]! & ~SIGN;
  return scratchF64[0]!;
}

// An f32 in contract form carries its sign in the double's sign bit and the rest of its bits untouched
// below it, so the f64 sign operations are exact for f32 too, NaN payloads included.
/** f32.abs: clear the sign bit, keeping a NaN's payload. */
export const f32_abs: (x: number) => number = f64_abs;
/** f32.neg: flip the sign bit, keeping a NaN's payload. */
export const f32_neg: (x: number) => number = f64_neg;
/** f32.copysign: x's magnitude with y's sign bit, keeping a NaN's payload. */
export const f32_copysign: (x: number, y: number) => number = f64_copysign;
