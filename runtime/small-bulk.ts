// runtime/: memmove and memset inside one memory, for memory.copy and memory.fill (runtime/memory.ts)
// and the loops that copy or fill an element at a time (runtime/bulk-loop.ts). Their callers have
// checked the bounds.

import type { Memory } from './memory.js';

/**
 * Small copies and fills without a builtin call: copyWithin and fill cost the same whatever the
 * size (36 ns in S21's measure, 18.5 in S43's). Aligned, a loop over words beats them up to 32
 * bytes (S21: 16 ns for 16 bytes, 25 for 32); otherwise a loop over bytes up to 16 (S43: 4.3 ns
 * for 1 byte, 17 for 16). clang turns small memcpys into memory.copy: quickjs's workload copies
 * 19 times an iteration, 3–16 bytes mostly (bench/README.md S21, S43).
 */
const SMALL_WORDS = 32;
const SMALL_BYTES = 16;

/** memmove of `n` bytes from `s` to `d` inside `mem`, both ranges already in bounds. */
export function moveWithin(mem: Memory, d: number, s: number, n: number): void {
  if (n <= SMALL_WORDS && ((d | s | n) & 3) === 0) {
    const i32 = mem.i32;
    const w = d >>> 2;
    const ws = s >>> 2;
    const words = n >>> 2;
    // memmove's order: upwards unless the destination starts inside the source.
    if (w <= ws) for (let i = 0; i < words; i++) i32[w + i] = i32[ws + i]!;
    else for (let i = words - 1; i >= 0; i--) i32[w + i] = i32[ws + i]!;
  } else if (n <= SMALL_BYTES) {
    const u8 = mem.u8;
    if (d <= s) for (let i = 0; i < n; i++) u8[d + i] = u8[s + i]!;
    else for (let i = n - 1; i >= 0; i--) u8[d + i] = u8[s + i]!;
  } else mem.u8.copyWithin(d, s, s + n);
}

/** memset of `n` bytes at `d` inside `mem` to `value`'s low byte, the range already in bounds. */
export function fillWithin(mem: Memory, d: number, value: number, n: number): void {
  if (n <= SMALL_WORDS && ((d | n) & 3) === 0) {
    const i32 = mem.i32;
    const word = Math.imul(value & 0xff, 0x01010101);
    for (let i = d >>> 2, end = (d + n) >>> 2; i < end; i++) i32[i] = word;
  } else if (n <= SMALL_BYTES) {
    const u8 = mem.u8;
    for (let i = 0; i < n; i++) u8[d + i] = value;
  } else mem.u8.fill(value & 0xff, d, d + n);
}

