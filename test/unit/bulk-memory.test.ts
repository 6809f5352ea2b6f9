// test/unit/bulk-memory.test.ts: memory.copy and memory.fill at every length around the sizes
// where they stop looping over words (aligned) or bytes and call copyWithin or fill
// (runtime/small-bulk.ts), overlapping either way, against a reference
// memmove and memset on a copy of the same bytes.

import { describe, expect, it } from 'vitest';
import { Memory, memory_copy, memory_fill } from '../../runtime/memory.js';

function filled(): Memory {
  const mem = new Memory({ initial: 1 });
  for (let i = 0; i < 256; i++) mem.u8[i] = (i * 37 + 11) & 0xff;
  return mem;
}

describe('memory.copy and memory.fill, small and large', () => {
  it('copy as memmove does, overlapping upwards and downwards, at lengths 0 to 40', () => {
    for (let len = 0; len <= 40; len++) {
      for (const [d, s] of [[10, 10], [10, 13], [13, 10], [60, 7], [7, 60], [100, 99], [99, 100], [8, 24], [24, 8], [32, 36], [36, 32]] as const) {
        const mem = filled();
        const expected = mem.u8.slice(0, 256);
        expected.set(expected.slice(s, s + len), d);
        memory_copy(mem, mem, d, s, len);
        expect([len, d, s, Array.from(mem.u8.subarray(0, 256))]).toEqual([len, d, s, Array.from(expected)]);
      }
    }
  });

  it('fill with the low byte of the value, at lengths 0 to 40', () => {
    for (let len = 0; len <= 40; len++) {
      for (const d of [33, 32]) {
        const mem = filled();
        const expected = mem.u8.slice(0, 256);
        expected.fill(0x5a, d, d + len);
        memory_fill(mem, d, 0x12345a, len);
        expect([len, d, Array.from(mem.u8.subarray(0, 256))]).toEqual([len, d, Array.from(expected)]);
      }
    }
  });

  it('trap before writing anything when the range runs past the end', () => {
    const mem = filled();
    const before = mem.u8.slice();
    expect(() => memory_copy(mem, mem, 65536 - 4, 0, 8)).toThrow(/out of bounds/);
    expect(() => memory_fill(mem, 65536 - 4, 1, 8)).toThrow(/out of bounds/);
    expect(mem.u8).toEqual(before);
  });
});
