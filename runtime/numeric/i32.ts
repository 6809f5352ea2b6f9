// runtime/numeric/i32.ts: i32 instructions that need more than a JS operator; called by generated code.
// Inputs and outputs are signed int32 numbers. i32.clz and i32.mul are emitted inline (Math.clz32, Math.imul).

import { TRAP_DIV_ZERO, TRAP_INT_OVERFLOW, trap } from '../trap.js';

/** i32.div_s: truncating signed division; traps on a zero divisor and on INT_MIN / -1 (spec 4.3.2 idiv_s). */
export function i32_div_s(a: number, b: number): number {
  if (b === 0) trap(TRAP_DIV_ZERO);
  if (a === -0x80000000 && b === -1) trap(TRAP_INT_OVERFLOW);
  // The double quotient of two int32s never rounds across an integer, so truncating it is exact.
  return (a / b) | 0;
}

/** i32.div_u: truncating unsigned division; traps on a zero divisor. */
export function i32_div_u(a: number, b: number): number {
  if (b === 0) trap(TRAP_DIV_ZERO);
  return ((a >>> 0) / (b >>> 0)) | 0;
}

/** i32.rem_s: remainder with the dividend's sign; traps on a zero divisor; INT_MIN rem -1 is 0. */
export function i32_rem_s(a: number, b: number): number {
  if (b === 0) trap(TRAP_DIV_ZERO);
  // JS % is exact and takes the dividend's sign; `| 0` turns INT_MIN % -1 = -0 into 0.
  return (a % b) | 0;
}

/** i32.rem_u: unsigned remainder; traps on a zero divisor. */
export function i32_rem_u(a: number, b: number): number {
  if (b === 0) trap(TRAP_DIV_ZERO);
  return ((a >>> 0) % (b >>> 0)) | 0;
}

/** i32.ctz: count trailing zero bits (32 for 0). */
export function i32_ctz(x: number): number {
  // x & -x isolates the lowest set bit; its clz gives the position.
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/** i32.popcnt: count set bits. */
export function i32_popcnt(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** i32.rotl: rotate left by `n` mod 32. */
export function i32_rotl(x: number, n: number): number {
  // JS shift counts are already taken mod 32, and x >>> 32 is x, so n = 0 gives x | x.
  return (x << n) | (x >>> (32 - n));
}

/** i32.rotr: rotate right by `n` mod 32. */
export function i32_rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}
