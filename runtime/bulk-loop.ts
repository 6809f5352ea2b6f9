// runtime/: the fast path of loops that copy or fill memory an element at a time
// (compiler/emit/bulk-loop.ts). Each does the whole loop's work, or nothing and returns false,
// so the loop itself runs (and traps where wasm does). Addresses are the first iteration's,
// unsigned and before the memarg offset; `count` iterations (0 is 2^32: never taken here) move
// them `step` bytes each (±size).

import { LITTLE_ENDIAN, type Memory } from './memory.js';
import { fillWithin, moveWithin } from './small-bulk.js';

/**
 * The lowest byte `count` elements of `size` touch from `first` + `offset`, moving `step`; −1 when
 * they wrap below 0. (A number, not a pair: the copies are mostly of 16 or 32 bytes, and
 * allocating the pair was a tenth of their cost, bench S21.)
 */
function lowest(first: number, offset: number, count: number, step: number, size: number): number {
  if (step > 0) return first + offset;
  const back = (count - 1) * size;
  return first < back ? -1 : first - back + offset;
}

const aligned = (x: number): boolean => (x & 3) === 0;

/** store(d, load(s)) per element. Not taken when an element read was written by an earlier iteration (memmove differs there). */
export function bulk_loop_copy(mem: Memory, dst: number, dstOffset: number, src: number, srcOffset: number, count: number, step: number): boolean {
  if (count === 0) return false;
  const size = step < 0 ? -step : step;
  const bytes = count * size;
  const d = lowest(dst, dstOffset, count, step, size);
  const s = lowest(src, srcOffset, count, step, size);
  if (d < 0 || s < 0 || d + bytes > mem.length || s + bytes > mem.length) return false;
  // Counting up, a later read meets an earlier write when the destination starts above the source
  // and within the bytes copied; counting down, when the source starts above the destination.
  const ahead = step > 0 ? d - s : s - d;
  if (ahead > 0 && ahead < bytes) return false;
  // Otherwise the loop's effect is memmove's.
  moveWithin(mem, d, s, bytes);
  return true;
}

/** store8(d, value), or a zero word, per element. */
export function bulk_loop_fill(mem: Memory, dst: number, dstOffset: number, value: number, count: number, step: number, size: number): boolean {
  if (count === 0) return false;
  const bytes = count * size;
  const d = lowest(dst, dstOffset, count, step, size);
  if (d < 0 || d + bytes > mem.length) return false;
  // A word fill's value may be any word: as bytes when they are all one, else as words, aligned
  // (on a little-endian host; else the loop runs).
  const byte = value & 0xff;
  if (size === 4 && value !== Math.imul(byte, 0x01010101)) {
    if (!aligned(d) || !LITTLE_ENDIAN) return false;
    mem.i32.fill(value, d >>> 2, (d + bytes) >>> 2);
    return true;
  }
  fillWithin(mem, d, byte, bytes);
  return true;
}

/**
 * Iterations of a loop that stores at `start` (unsigned), moves up by `step` and goes on while the
 * moved address is below `end` (unsigned), the first iteration always running. Exact when no
 * address wraps past 2^32; where one would, the stores run past the memory and the fill or copy
 * is not taken (the loop itself runs and traps).
 */
export function bulk_loop_until(start: number, end: number, step: number): number {
  const s = start >>> 0;
  const e = end >>> 0;
  return e <= s + step ? 1 : Math.ceil((e - s) / step);
}

/**
 * Iterations of a loop whose count `n` falls by `by` each time and which goes on while it is
 * above `above` (unsigned), the first iteration always running; 0 when the count would wrap below
 * 0 on the way (the loop then goes on past it: left to the loop itself).
 */
export function bulk_loop_count(n: number, by: number, above: number): number {
  const start = n >>> 0;
  if (start < by) return 0;
  const after = start - by;
  if (after <= above) return 1;
  const k = 1 + Math.ceil((after - above) / by);
  return start - k * by < 0 ? 0 : k;
}
