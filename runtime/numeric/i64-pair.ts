// runtime/numeric/i64-pair.ts: i64 as two i32 halves (lo, hi), the representation generated code
// uses (bench/README.md D1: pairs are 2× faster where i64s go through memory, BigInt allocating
// on every load, and 1.5× on arithmetic once division avoids BigInt, D4). A helper whose result is an i64 returns the low half and leaves the high half in
// `high.bits`, which the caller reads at once (one JS thread runs one call at a time, so the
// scratch cannot be clobbered in between). Halves are signed int32 numbers.

import { checked, type Memory } from '../memory.js';
import { TRAP_DIV_ZERO, TRAP_INT_OVERFLOW, TRAP_INVALID_CONVERSION, trap } from '../trap.js';
import { HI, LO, NAN_BITS_KEPT, scratchF64, scratchI32, scratchI64, signedNan } from './bits.js';
import { f32_convert_i64_s as f32FromBigS, f32_convert_i64_u as f32FromBigU } from './convert.js';

/** The high half of the last i64 a helper returned. */
export const high = { bits: 0 };

const TWO32 = 4294967296;

/** lo/hi → BigInt, where an API (JS boundary, Atomics on BigInt64Array) needs one. */
export function i64_join(lo: number, hi: number): bigint {
  // Through one BigInt64Array element: no shifts, no BigInt() of a number (bench D4: 0.44×).
  scratchI32[LO] = lo;
  scratchI32[HI] = hi;
  return scratchI64[0]!;
}

/** BigInt → lo (returned) and hi (in high.bits). */
export function i64_split(value: bigint): number {
  scratchI64[0] = value; // wraps modulo 2^64, as BigInt.asIntN(64) would
  high.bits = scratchI32[HI]!;
  return scratchI32[LO]!;
}

/**
 * High 32 bits of the unsigned 64-bit product of two u32s, in 16-bit limbs (exact in doubles).
 * Generated code's inline i64.mul calls it (compiler/emit/i64.ts mulInline).
 */
export function mul_high_u32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

export function i64_mul(alo: number, ahi: number, blo: number, bhi: number): number {
  high.bits = (Math.imul(alo, bhi) + Math.imul(ahi, blo) + mul_high_u32(alo, blo)) | 0;
  return Math.imul(alo, blo);
}

/** Whether (lo, hi) is an i64 that fits in a safe double integer (|v| < 2^53). */
const fitsDouble = (lo: number, hi: number): boolean => hi >= -0x200000 && hi < 0x200000;
const toDouble = (lo: number, hi: number): number => hi * TWO32 + (lo >>> 0);

/** A double holding an exact integer in [-2^63, 2^64) → lo, hi (in high.bits). */
function fromDouble(v: number): number {
  high.bits = Math.floor(v / TWO32) | 0;
  return v >>> 0 | 0;
}

// Division without BigInt (bench/README.md D4, S8, S12, S21). A divisor below 2^32 (the common
// case) goes through remU32/divU32: straight-line doubles, no state, small enough for TurboFan to
// inline into the helper and the helper into its caller. Only a divisor of 2^32 or more takes
// divU64, whose results are in the module's divQuotientLo and divRemainderLo/Hi.
const TWO21 = 0x200000;

/**
 * The remainder of the unsigned l + h·2^32 over b, for 0 < b < 2^32 (l, h, b unsigned numbers): an
 * exact double below b. A dividend below 2^53 divides exactly in doubles (the floor of a quotient
 * of integers below 2^53 is exact; `%` on doubles would be a C call, 1.5× slower). A divisor below
 * 2^21 takes the high word first, leaving (h mod b)·2^32 + l < 2^53. A larger one takes one
 * division (see remainderNear) and a correction by one.
 */
function remU32(l: number, h: number, b: number): number {
  if (h < TWO21) {
    const a = h * TWO32 + l;
    return a - Math.floor(a / b) * b;
  }
  if (b < TWO21) {
    const t = (h - Math.floor(h / b) * b) * TWO32 + l;
    return t - Math.floor(t / b) * b;
  }
  const a = h * TWO32 + l;
  const q = Math.floor(a / b);
  const r = remainderNear(a, l, q, b);
  return r < 0 ? r + b : r >= b ? r - b : r;
}

/** The quotient of the same division: its low half returned, its high half in high.bits. */
function divU32(l: number, h: number, b: number): number {
  if (h < TWO21) {
    const q = Math.floor((h * TWO32 + l) / b);
    high.bits = (q / TWO32) | 0;
    return q | 0;
  }
  if (b < TWO21) {
    const qh = Math.floor(h / b);
    high.bits = qh | 0;
    return Math.floor(((h - qh * b) * TWO32 + l) / b) | 0;
  }
  const a = h * TWO32 + l;
  let q = Math.floor(a / b);
  const r = remainderNear(a, l, q, b);
  if (r < 0) q -= 1;
  else if (r >= b) q += 1;
  high.bits = (q / TWO32) | 0;
  return q | 0;
}

/**
 * a − q·b exactly, for a dividend a ≥ 2^53 given as its double `a` (rounded by at most 2^10) and
 * its exact low word l, a divisor 2^21 ≤ b < 2^32, and q = ⌊a/b⌋ in doubles. The quotient is below
 * 2^43, so that floor is within one of the true one and a − q·b within [−b, 2b). In doubles it is
 * off by under 2^12 (a and q·b each rounded by at most 2^11; their difference, of two numbers
 * within 2× of each other, exact); its low word is exact in int32 arithmetic (l − q·b mod 2^32):
 * the two together give the exact value.
 */
function remainderNear(a: number, l: number, q: number, b: number): number {
  const r = a - q * b;
  return r + ((l - Math.imul(q, b) - r) | 0);
}

// divU64's results (nothing allocated).
let divQuotientLo = 0;
let divRemainderLo = 0;
let divRemainderHi = 0;

/**
 * (alo, ahi) ÷ (blo, bhi) for b ≥ 2^32 (bhi ≠ 0), unsigned: the quotient is below 2^32.
 * Below 2^63, the quotient of the operands as doubles is within 2^-19 of the true one (each
 * rounding is 2^-53 relative, the quotient below 2^32), so its floor is off by at most one; the
 * remainder a − q·b, computed exactly mod 2^64, says which way: negative (as signed: b < 2^63
 * keeps a true remainder below 2^63) means q is one too many, ≥ b one too few. At 2^63 and above
 * the quotient is 0 or 1.
 */
function divU64(alo: number, ahi: number, blo: number, bhi: number): void {
  if (bhi < 0) {
    const atLeast = ahi >>> 0 > bhi >>> 0 || (ahi === bhi && alo >>> 0 >= blo >>> 0);
    divQuotientLo = atLeast ? 1 : 0;
    if (atLeast) subPair(alo, ahi, blo, bhi);
    else {
      divRemainderLo = alo;
      divRemainderHi = ahi;
    }
    return;
  }
  let q = Math.floor(((ahi >>> 0) * TWO32 + (alo >>> 0)) / (bhi * TWO32 + (blo >>> 0)));
  // q·b mod 2^64 (q may be 2^32 before the correction: its high half is then 1).
  const qlo = q >>> 0;
  const qhi = q >= TWO32 ? 1 : 0;
  const plo = Math.imul(qlo, blo);
  const phi = (Math.imul(qlo, bhi) + Math.imul(qhi, blo) + mul_high_u32(qlo, blo)) | 0;
  subPair(alo, ahi, plo, phi);
  if (divRemainderHi < 0) {
    q -= 1;
    addPair(divRemainderLo, divRemainderHi, blo, bhi);
  } else if (divRemainderHi > bhi || (divRemainderHi === bhi && divRemainderLo >>> 0 >= blo >>> 0)) {
    q += 1;
    subPair(divRemainderLo, divRemainderHi, blo, bhi);
  }
  divQuotientLo = q | 0;
}

/** (alo, ahi) − (blo, bhi) mod 2^64 into divRemainderLo/Hi. */
function subPair(alo: number, ahi: number, blo: number, bhi: number): void {
  divRemainderLo = (alo - blo) | 0;
  divRemainderHi = (ahi - bhi - (alo >>> 0 < blo >>> 0 ? 1 : 0)) | 0;
}

/** (alo, ahi) + (blo, bhi) mod 2^64 into divRemainderLo/Hi. */
function addPair(alo: number, ahi: number, blo: number, bhi: number): void {
  const lo = (alo >>> 0) + (blo >>> 0);
  divRemainderLo = lo | 0;
  divRemainderHi = (ahi + bhi + (lo > 0xffffffff ? 1 : 0)) | 0;
}

/** −(lo, hi) mod 2^64, the halves apart. */
const negLo = (lo: number): number => -lo | 0;
const negHi = (lo: number, hi: number): number => (~hi + (lo === 0 ? 1 : 0)) | 0;

/** |b| of a signed divisor whose magnitude is below 2^32, as an unsigned number; else −1. */
const smallMagnitude = (blo: number, bhi: number): number => (bhi === 0 ? blo >>> 0 : bhi === -1 && blo !== 0 ? -blo >>> 0 : -1);

/** The magnitude m over |b| for a signed divisor b of magnitude 2^32 and up, into divU64's results. */
function divU64ByMagnitude(mlo: number, mhi: number, blo: number, bhi: number): void {
  if (bhi < 0) divU64(mlo, mhi, negLo(blo), negHi(blo, bhi));
  else divU64(mlo, mhi, blo, bhi);
}

/** The pair of a double holding an exact integer in (−2^53, 2^53), high half in high.bits. */
function fromSafe(v: number): number {
  high.bits = Math.floor(v / TWO32) | 0;
  return v | 0;
}

export function i64_div_s(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) trap(TRAP_DIV_ZERO);
  if (fitsDouble(alo, ahi) && fitsDouble(blo, bhi)) return fromSafe(Math.trunc(toDouble(alo, ahi) / toDouble(blo, bhi)));
  if (ahi === -0x80000000 && alo === 0 && blo === -1 && bhi === -1) trap(TRAP_INT_OVERFLOW);
  // On magnitudes, the quotient negated when the signs differ.
  const negative = ahi < 0;
  const mlo = negative ? negLo(alo) : alo;
  const mhi = negative ? negHi(alo, ahi) : ahi;
  const b = smallMagnitude(blo, bhi);
  let qlo: number;
  let qhi = 0;
  if (b >= 0) {
    qlo = divU32(mlo >>> 0, mhi >>> 0, b);
    qhi = high.bits;
  } else {
    divU64ByMagnitude(mlo, mhi, blo, bhi);
    qlo = divQuotientLo;
  }
  if (negative !== bhi < 0) {
    high.bits = negHi(qlo, qhi);
    return negLo(qlo);
  }
  high.bits = qhi;
  return qlo;
}

export function i64_div_u(alo: number, ahi: number, blo: number, bhi: number): number {
  if (bhi === 0) {
    if (blo === 0) trap(TRAP_DIV_ZERO);
    return divU32(alo >>> 0, ahi >>> 0, blo >>> 0);
  }
  if (ahi >>> 0 < TWO21 && bhi >>> 0 < TWO21) return fromSafe(Math.floor(toDouble(alo, ahi) / toDouble(blo, bhi)));
  divU64(alo, ahi, blo, bhi);
  high.bits = 0;
  return divQuotientLo;
}

export function i64_rem_s(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) trap(TRAP_DIV_ZERO);
  if (fitsDouble(alo, ahi) && fitsDouble(blo, bhi)) {
    // a − trunc(a/b)·b is exact here, as `%` would be (a C call); + 0 turns −0 into 0.
    const a = toDouble(alo, ahi);
    const b = toDouble(blo, bhi);
    return fromSafe(a - Math.trunc(a / b) * b + 0);
  }
  // The remainder takes the dividend's sign (INT64_MIN % -1 is 0: no overflow here). The
  // magnitudes as in i64_div_s: one helper for both, with a flag for which result, ran the i64
  // program 1.07× slower (7 runs), so the four lines are written twice.
  const negative = ahi < 0;
  const mlo = negative ? negLo(alo) : alo;
  const mhi = negative ? negHi(alo, ahi) : ahi;
  const b = smallMagnitude(blo, bhi);
  let rlo: number;
  let rhi = 0;
  if (b >= 0) rlo = remU32(mlo >>> 0, mhi >>> 0, b) | 0;
  else {
    divU64ByMagnitude(mlo, mhi, blo, bhi);
    rlo = divRemainderLo;
    rhi = divRemainderHi;
  }
  if (negative) {
    high.bits = negHi(rlo, rhi);
    return negLo(rlo);
  }
  high.bits = rhi;
  return rlo;
}

export function i64_rem_u(alo: number, ahi: number, blo: number, bhi: number): number {
  if (bhi === 0) {
    if (blo === 0) trap(TRAP_DIV_ZERO);
    high.bits = 0;
    return remU32(alo >>> 0, ahi >>> 0, blo >>> 0) | 0;
  }
  if (ahi >>> 0 < TWO21 && bhi >>> 0 < TWO21) {
    const a = toDouble(alo, ahi);
    const b = toDouble(blo, bhi);
    return fromSafe(a - Math.floor(a / b) * b);
  }
  divU64(alo, ahi, blo, bhi);
  high.bits = divRemainderHi;
  return divRemainderLo;
}

export function i64_shl(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) {
    high.bits = hi;
    return lo;
  }
  if (n < 32) {
    high.bits = (hi << n) | (lo >>> (32 - n));
    return lo << n;
  }
  high.bits = lo << (n - 32);
  return 0;
}

export function i64_shr_s(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) {
    high.bits = hi;
    return lo;
  }
  if (n < 32) {
    high.bits = hi >> n;
    return (lo >>> n) | (hi << (32 - n));
  }
  high.bits = hi >> 31;
  return hi >> (n - 32);
}

export function i64_shr_u(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) {
    high.bits = hi;
    return lo;
  }
  if (n < 32) {
    high.bits = hi >>> n | 0;
    return (lo >>> n) | (hi << (32 - n));
  }
  high.bits = 0;
  return hi >>> (n - 32) | 0;
}

// Rotates and bit counts are emitted inline (compiler/emit/i64.ts, bench S21). These helpers stay
// for scripts compiled before, which a polyfill cache may hold: without them the runtime's BigInt
// helpers of the same names (numeric/index.ts) would answer those calls, wrongly and silently.

export function i64_rotl(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n >= 32) {
    const t = lo;
    lo = hi;
    hi = t;
    n -= 32;
  }
  if (n === 0) {
    high.bits = hi;
    return lo;
  }
  high.bits = (hi << n) | (lo >>> (32 - n));
  return (lo << n) | (hi >>> (32 - n));
}

export function i64_rotr(lo: number, hi: number, n: number): number {
  return i64_rotl(lo, hi, (64 - (n & 63)) & 63);
}

export function i64_clz(lo: number, hi: number): number {
  high.bits = 0;
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

export function i64_ctz(lo: number, hi: number): number {
  high.bits = 0;
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}

function popcnt32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

export function i64_popcnt(lo: number, hi: number): number {
  high.bits = 0;
  return popcnt32(lo) + popcnt32(hi);
}

// ---- conversions ----

const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

/** i64.trunc_f64_s: traps on NaN and out of range (spec 4.3.3, trunc). */
export function i64_trunc_f64_s(x: number): number {
  if (x !== x) trap(TRAP_INVALID_CONVERSION);
  const v = Math.trunc(x);
  if (!(v >= -TWO63 && v < TWO63)) trap(TRAP_INT_OVERFLOW);
  return fromDouble(v);
}
export function i64_trunc_f64_u(x: number): number {
  if (x !== x) trap(TRAP_INVALID_CONVERSION);
  const v = Math.trunc(x);
  if (!(v > -1 && v < TWO64)) trap(TRAP_INT_OVERFLOW);
  return fromDouble(v + 0);
}
export const i64_trunc_f32_s = i64_trunc_f64_s;
export const i64_trunc_f32_u = i64_trunc_f64_u;

export function i64_trunc_sat_f64_s(x: number): number {
  if (x !== x) return (high.bits = 0);
  if (x >= TWO63) {
    high.bits = 0x7fffffff;
    return -1;
  }
  if (x < -TWO63) {
    high.bits = -0x80000000;
    return 0;
  }
  return fromDouble(Math.trunc(x) + 0);
}
export function i64_trunc_sat_f64_u(x: number): number {
  if (x !== x || x <= -1) return (high.bits = 0);
  if (x >= TWO64) {
    high.bits = -1;
    return -1;
  }
  return fromDouble(Math.trunc(x) + 0);
}
export const i64_trunc_sat_f32_s = i64_trunc_sat_f64_s;
export const i64_trunc_sat_f32_u = i64_trunc_sat_f64_u;

/** Correct single rounding: an exact double (|v| < 2^53) rounds once in fround; else via BigInt. */
export function f32_convert_i64_s(lo: number, hi: number): number {
  return fitsDouble(lo, hi) ? Math.fround(toDouble(lo, hi)) : f32FromBigS(i64_join(lo, hi));
}
export function f32_convert_i64_u(lo: number, hi: number): number {
  return hi >>> 0 < 0x200000 ? Math.fround(toDouble(lo, hi)) : f32FromBigU(BigInt.asUintN(64, i64_join(lo, hi)));
}

/** i64.reinterpret_f64: the double's bits (NaN payloads kept: Float64Array is bit-exact). */
export function i64_reinterpret_f64(x: number): number {
  scratchF64[0] = x;
  high.bits = scratchI32[HI]!;
  return scratchI32[LO]!;
}
/** f64.reinterpret_i64: the double with these bits; where NaN bits are not kept (JSC), a NaN keeps its sign only. */
export const f64_reinterpret_i64: (lo: number, hi: number) => number = NAN_BITS_KEPT ? f64FromHalves : f64FromHalvesSigned;
function f64FromHalves(lo: number, hi: number): number {
  scratchI32[LO] = lo;
  scratchI32[HI] = hi;
  return scratchF64[0]!;
}
function f64FromHalvesSigned(lo: number, hi: number): number {
  scratchI32[LO] = lo;
  scratchI32[HI] = hi;
  const x = scratchF64[0]!;
  return x === x ? x : signedNan(hi);
}

// ---- memory ----

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function i64_load(mem: Memory, addr: number): number {
  if (LITTLE_ENDIAN && (addr & 3) === 0 && addr + 8 <= mem.length) {
    high.bits = mem.i32[(addr >>> 2) + 1]!;
    return mem.i32[addr >>> 2]!;
  }
  const dv = checked(mem, addr, 8).dv; // after the check, which may refresh the views
  high.bits = dv.getInt32(addr + 4, true);
  return dv.getInt32(addr, true);
}
export function i64_store(mem: Memory, addr: number, lo: number, hi: number): void {
  if (LITTLE_ENDIAN && (addr & 3) === 0 && addr + 8 <= mem.length) {
    mem.i32[addr >>> 2] = lo;
    mem.i32[(addr >>> 2) + 1] = hi;
    return;
  }
  const dv = checked(mem, addr, 8).dv; // after the check, which may refresh the views
  dv.setInt32(addr, lo, true);
  dv.setInt32(addr + 4, hi, true);
}
