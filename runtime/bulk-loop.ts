// runtime/: the fast path of loops that copy or fill memory an element at a time
// (compiler/emit/bulk-loop.ts). Each does the whole loop's work, or nothing and returns false,
// so the loop itself runs (and traps where wasm does). Addresses are the first iteration's,
// unsigned and before the memarg offset; `count` iterations (0 is 2^32: never taken here) move
// them `step` bytes each (±size).

import type { Memory } from './memory.js';

/** The bytes `count` elements of `size` touch from `first` + `offset`, moving `step`: [low, high), or undefined when they wrap below 0. */
function span(first: number, offset: number, count: number, step: number, size: number): [number, number] | undefined {
  if (step > 0) return [first + offset, first + offset + count * size];
  const low = first - (count - 1) * size;
  return low < 0 ? undefined : [low + offset, first + offset + size];
}

/** store(d, load(s)) per element. Not taken when an element read was written by an earlier iteration (memmove differs there). */
export function bulk_loop_copy(mem: Memory, dst: number, dstOffset: number, src: number, srcOffset: number, count: number, step: number): boolean {
  const size = step < 0 ? -step : step;
  if (count === 0) return false;
  const d = span(dst, dstOffset, count, step, size);
  const s = span(src, srcOffset, count, step, size);
  if (!d || !s || d[1] > mem.length || s[1] > mem.length) return false;
  // Counting up, a later read meets an earlier write when the destination starts above the source
  // and within the bytes copied; counting down, when the source starts above the destination.
  const ahead = step > 0 ? d[0] - s[0] : s[0] - d[0];
  if (ahead > 0 && ahead < count * size) return false;
  mem.u8.copyWithin(d[0], s[0], s[1]);
  return true;
}

/** store8(d, value), or a zero word, per element. */
export function bulk_loop_fill(mem: Memory, dst: number, dstOffset: number, value: number, count: number, step: number, size: number): boolean {
  if (count === 0) return false;
  const d = span(dst, dstOffset, count, step, size);
  if (!d || d[1] > mem.length) return false;
  mem.u8.fill(value & 0xff, d[0], d[1]);
  return true;
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
