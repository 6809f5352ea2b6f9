// runtime/numeric/convert.ts: conversions between integers and floats; called by generated code.
// Every f32 value is an exact double, so each float->int truncation serves f32 and f64 alike: the range
// checks below compare exact doubles against the exact integer bounds (spec 4.3.4 trunc, trunc_sat).

import { TRAP_INT_OVERFLOW, TRAP_INVALID_CONVERSION, trap } from '../trap.js';
import { HI, LO, f32QuietNan, f64QuietNan, scratchI64, scratchU32 } from './bits.js';

const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;
const TWO_64 = 18446744073709551616;
const I64_MIN = -0x8000000000000000n;
const I64_MAX = 0x7fffffffffffffffn;

/** Trap for a truncation whose input is NaN or out of range. */
function trapTrunc(x: number): never {
  trap(x !== x ? TRAP_INVALID_CONVERSION : TRAP_INT_OVERFLOW);
}

/** i32.trunc_f64_s: truncate toward zero; NaN or a result outside int32 traps. */
export function i32_trunc_f64_s(x: number): number {
  // Valid iff -2^31 - 1 < x < 2^31 (NaN fails both comparisons); `| 0` then truncates exactly.
  if (!(x > -2147483649 && x < 2147483648)) trapTrunc(x);
  return x | 0;
}

/** i32.trunc_f64_u: truncate toward zero to uint32 (returned as int32); NaN or out of range traps. */
export function i32_trunc_f64_u(x: number): number {
  if (!(x > -1 && x < TWO_32)) trapTrunc(x);
  // ToInt32 truncates and wraps [2^31, 2^32) to the signed form the contract wants.
  return x | 0;
}

/** i64.trunc_f64_s: truncate toward zero to a signed i64; NaN or out of range traps. */
export function i64_trunc_f64_s(x: number): bigint {
  // The next double below -2^63 is -2^63 - 2048, so x >= -2^63 is the exact test for x > -2^63 - 1.
  if (!(x >= -TWO_63 && x < TWO_63)) trapTrunc(x);
  return BigInt(Math.trunc(x));
}

/** i64.trunc_f64_u: truncate toward zero to uint64 (returned as signed i64); NaN or out of range traps. */
export function i64_trunc_f64_u(x: number): bigint {
  if (!(x > -1 && x < TWO_64)) trapTrunc(x);
  return x < TWO_63 ? BigInt(Math.trunc(x)) : BigInt.asIntN(64, BigInt(x));
}

/** i32.trunc_f32_s: as i32.trunc_f64_s (an f32 is an exact double). */
export const i32_trunc_f32_s: (x: number) => number = i32_trunc_f64_s;
/** i32.trunc_f32_u: as i32.trunc_f64_u. */
export const i32_trunc_f32_u: (x: number) => number = i32_trunc_f64_u;
/** i64.trunc_f32_s: as i64.trunc_f64_s. */
export const i64_trunc_f32_s: (x: number) => bigint = i64_trunc_f64_s;
/** i64.trunc_f32_u: as i64.trunc_f64_u. */
export const i64_trunc_f32_u: (x: number) => bigint = i64_trunc_f64_u;

/** i32.trunc_sat_f64_s: truncate toward zero, clamping to int32; NaN gives 0. */
export function i32_trunc_sat_f64_s(x: number): number {
  if (x !== x) return 0;
  if (x >= 2147483647) return 2147483647;
  if (x <= -2147483648) return -2147483648;
  return x | 0;
}

/** i32.trunc_sat_f64_u: truncate toward zero, clamping to uint32 (returned as int32); NaN gives 0. */
export function i32_trunc_sat_f64_u(x: number): number {
  if (x !== x || x <= 0) return 0;
  if (x >= 4294967295) return -1;
  return x | 0;
}

/** i64.trunc_sat_f64_s: truncate toward zero, clamping to int64; NaN gives 0. */
export function i64_trunc_sat_f64_s(x: number): bigint {
  if (x !== x) return 0n;
  if (x >= TWO_63) return I64_MAX;
  if (x <= -TWO_63) return I64_MIN;
  return BigInt(Math.trunc(x));
}

/** i64.trunc_sat_f64_u: truncate toward zero, clamping to uint64 (returned as signed i64); NaN gives 0. */
export function i64_trunc_sat_f64_u(x: number): bigint {
  if (x !== x || x <= 0) return 0n;
  if (x >= TWO_64) return -1n;
  return x < TWO_63 ? BigInt(Math.trunc(x)) : BigInt.asIntN(64, BigInt(x));
}

/** i32.trunc_sat_f32_s: as i32.trunc_sat_f64_s. */
export const i32_trunc_sat_f32_s: (x: number) => number = i32_trunc_sat_f64_s;
/** i32.trunc_sat_f32_u: as i32.trunc_sat_f64_u. */
export const i32_trunc_sat_f32_u: (x: number) => number = i32_trunc_sat_f64_u;
/** i64.trunc_sat_f32_s: as i64.trunc_sat_f64_s. */
export const i64_trunc_sat_f32_s: (x: number) => bigint = i64_trunc_sat_f64_s;
/** i64.trunc_sat_f32_u: as i64.trunc_sat_f64_u. */
export const i64_trunc_sat_f32_u: (x: number) => bigint = i64_trunc_sat_f64_u;

/** f32.convert_i32_s: an int32 is an exact double, so one rounding to f32 is correct. */
export function f32_convert_i32_s(x: number): number {
  return Math.fround(x);
}

/** f32.convert_i32_u: the unsigned value is an exact double, so one rounding to f32 is correct. */
export function f32_convert_i32_u(x: number): number {
  return Math.fround(x >>> 0);
}

/** f64.convert_i32_s: exact. */
export function f64_convert_i32_s(x: number): number {
  return x;
}

/** f64.convert_i32_u: exact. */
export function f64_convert_i32_u(x: number): number {
  return x >>> 0;
}

/** f64.convert_i64_s: Number(bigint) rounds to nearest, ties to even. */
export function f64_convert_i64_s(x: bigint): number {
  return Number(x);
}

/** f64.convert_i64_u: the unsigned value, rounded to nearest, ties to even. */
export function f64_convert_i64_u(x: bigint): number {
  return Number(x >= 0n ? x : BigInt.asUintN(64, x));
}

/**
 * The uint64 hi * 2^32 + lo (both uint32) rounded to the nearest f32, ties to even, with one rounding.
 * Math.fround(Number(n)) rounds twice and can land on a false tie (0x0020000020000001 becomes 2^53 instead
 * of 2^53 + 2^30). So above 2^53 we first round to 53 bits "to odd" (drop the low bits, OR their sticky
 * bit into the last kept bit); rounding to odd with at least 2 extra bits makes the second rounding exact
 * (Boldo & Melquiond, "When double rounding is odd", 2005).
 */
function f32FromU64(hi: number, lo: number): number {
  // Below 2^53 the double is exact, so Math.fround is the only rounding.
  if (hi < 0x200000) return Math.fround(hi * TWO_32 + lo);
  // The value has 64 - clz(hi) bits; keep the top 53. 1 <= dropped <= 11, so the dropped bits are all in lo.
  const dropped = 11 - Math.clz32(hi);
  const mask = (1 << dropped) - 1;
  let kept = lo & ~mask;
  if ((lo & mask) !== 0) kept |= 1 << dropped;
  // hi * 2^32 is exact, and the sum has 53 significant bits, so it is exact too.
  return Math.fround(hi * TWO_32 + (kept >>> 0));
}

/** f32.convert_i64_s: the signed value rounded directly to the nearest f32, ties to even. */
export function f32_convert_i64_s(x: bigint): number {
  scratchI64[0] = x;
  const hi = scratchU32[HI]!;
  const lo = scratchU32[LO]!;
  if (hi < 0x80000000) return f32FromU64(hi, lo);
  // Negate in two's complement on the words; INT64_MIN gives 2^63, which is still right as a magnitude.
  // Round-to-nearest-even is symmetric, so rounding the magnitude and negating is exact.
  const negLo = (0 - lo) >>> 0;
  const negHi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  return -f32FromU64(negHi, negLo);
}

/** f32.convert_i64_u: the unsigned value rounded directly to the nearest f32, ties to even. */
export function f32_convert_i64_u(x: bigint): number {
  scratchI64[0] = x;
  return f32FromU64(scratchU32[HI]!, scratchU32[LO]!);
}

/** f32.demote_f64: round to f32; a NaN becomes the quiet f32 NaN keeping its sign and top payload bits. */
export function f32_demote_f64(x: number): number {
  return x === x ? Math.fround(x) : f32QuietNan(x);
}

/** f64.promote_f32: exact for numbers; a NaN (already laid out as a double) just gets its quiet bit. */
export function f64_promote_f32(x: number): number {
  return x === x ? x : f64QuietNan(x);
}
