// test/unit/stale-views.test.ts: every memory helper of the runtime, called on a thread's view
// of a shared memory that another thread has grown (issue 8: LKL died in `i32_store` with
// "Offset is outside the bounds of the DataView" because `mem.dv` was read before the bounds
// check refreshed it).
//
// A second `Memory` over the same SharedArrayBuffer is exactly what a worker holds. Each helper
// gets a fresh stale view and an address in the grown part, so its first access must refresh the
// views before touching them. Every exported function of the three helper modules is listed:
// a new helper with the same pattern fails the coverage check below until it is added here.

import { describe, expect, it } from 'vitest';
import * as A from '../../runtime/atomics.js';
import * as M from '../../runtime/memory.js';
import { Memory } from '../../runtime/memory.js';
import * as P from '../../runtime/numeric/i64-pair.js';

const PAGE = 65536;
/** An address in the second page (the part the other thread grew), 8-aligned. */
const NEW = PAGE + 0x100;

/** A one-page shared memory grown to two pages by "another thread", and this thread's stale view of it. */
function staleView(): { grower: Memory; stale: Memory } {
  const grower = new Memory({ initial: 1, maximum: 4, shared: true });
  const stale = new Memory({ buffer: grower.buffer as SharedArrayBuffer, maximum: 4 });
  expect(grower.grow(1)).toBe(1);
  expect(stale.length).toBe(PAGE); // still the old view, as on a worker
  return { grower, stale };
}

/** Bytes at NEW as the grower sees them. */
const bytesAt = (m: Memory, n: number) => Array.from(new Uint8Array(m.buffer, NEW, n));

type Case = (stale: Memory, grower: Memory) => void;

const plain: Record<string, Case> = {
  i32_load: (s, g) => { new DataView(g.buffer).setInt32(NEW + 1, -5, true); expect(M.i32_load(s, NEW + 1)).toBe(-5); },
  i32_store: (s, g) => { M.i32_store(s, NEW + 2, 0x01020304); expect(bytesAt(g, 6)).toEqual([0, 0, 4, 3, 2, 1]); },
  f32_load: (s, g) => { new DataView(g.buffer).setFloat32(NEW, 1.5, true); expect(M.f32_load(s, NEW)).toBe(1.5); },
  f32_store: (s, g) => { M.f32_store(s, NEW, 2.5); expect(new DataView(g.buffer).getFloat32(NEW, true)).toBe(2.5); },
  f64_load: (s, g) => { new DataView(g.buffer).setFloat64(NEW, 3.25, true); expect(M.f64_load(s, NEW)).toBe(3.25); },
  f64_store: (s, g) => { M.f64_store(s, NEW + 4, 4.5); expect(new DataView(g.buffer).getFloat64(NEW + 4, true)).toBe(4.5); },
  i32_load8_s: (s, g) => { new Uint8Array(g.buffer)[NEW] = 0xff; expect(M.i32_load8_s(s, NEW)).toBe(-1); },
  i32_load8_u: (s, g) => { new Uint8Array(g.buffer)[NEW] = 0xfe; expect(M.i32_load8_u(s, NEW)).toBe(0xfe); },
  i32_load16_s: (s, g) => { new DataView(g.buffer).setInt16(NEW, -2, true); expect(M.i32_load16_s(s, NEW)).toBe(-2); },
  i32_load16_u: (s, g) => { new DataView(g.buffer).setUint16(NEW, 0xfffe, true); expect(M.i32_load16_u(s, NEW)).toBe(0xfffe); },
  i32_store8: (s, g) => { M.i32_store8(s, NEW, 0x1ab); expect(bytesAt(g, 1)).toEqual([0xab]); },
  i32_store16: (s, g) => { M.i32_store16(s, NEW, 0x1234); expect(bytesAt(g, 2)).toEqual([0x34, 0x12]); },
  memory_size: (s) => { expect(M.memory_size(s)).toBe(2); },
  memory_grow: (s, g) => { expect(M.memory_grow(s, 1)).toBe(2); expect(g.pages).toBe(3); },
  memory_fill: (s, g) => { M.memory_fill(s, NEW, 7, 3); expect(bytesAt(g, 4)).toEqual([7, 7, 7, 0]); },
  memory_copy: (s, g) => {
    new Uint8Array(g.buffer).set([1, 2, 3], NEW);
    M.memory_copy(s, s, NEW + 8, NEW, 3);
    expect(Array.from(new Uint8Array(g.buffer, NEW + 8, 3))).toEqual([1, 2, 3]);
  },
  memory_init: (s, g) => { M.memory_init(s, [new Uint8Array([9, 8])], 0, NEW, 0, 2); expect(bytesAt(g, 2)).toEqual([9, 8]); },
  checked: (s) => { expect(M.checked(s, NEW, 4).dv.byteLength).toBe(2 * PAGE); },
};

const pair: Record<string, Case> = {
  i64_load: (s, g) => {
    new DataView(g.buffer).setBigInt64(NEW + 2, -3n, true);
    expect(P.i64_load(s, NEW + 2)).toBe(-3);
    expect(P.high.bits).toBe(-1);
  },
  i64_store: (s, g) => { P.i64_store(s, NEW + 2, 5, 6); expect(new DataView(g.buffer).getBigInt64(NEW + 2, true)).toBe((6n << 32n) | 5n); },
};

/** An atomic helper's arguments after (mem, addr): i32 forms take values, i64 forms take halves. */
function atomicArgs(name: string): number[] {
  const operands = name.includes('cmpxchg') ? 2 : name.includes('load') ? 0 : 1;
  const perOperand = name.startsWith('i64') ? [1, 0] : [1];
  // cmpxchg: expect 0 (the word is zero), replace with 1.
  if (operands === 2) return name.startsWith('i64') ? [0, 0, 1, 0] : [0, 1];
  return operands === 0 ? [] : perOperand;
}

describe('runtime helpers on a thread whose views predate a grow', () => {
  for (const [name, run] of Object.entries(plain)) {
    it(name, () => {
      const { grower, stale } = staleView();
      run(stale, grower);
    });
  }
  for (const [name, run] of Object.entries(pair)) {
    it(name, () => {
      const { grower, stale } = staleView();
      run(stale, grower);
    });
  }

  const atomics = Object.keys(A).filter((k) => /^i(32|64)_atomic_/.test(k));
  it.each(atomics)('%s', (name) => {
    const { grower, stale } = staleView();
    const fn = (A as unknown as Record<string, (m: Memory, a: number, ...v: number[]) => number | void>)[name]!;
    fn(stale, NEW, ...atomicArgs(name));
    const after = bytesAt(grower, 1)[0];
    // The word was zero: each write leaves 1 there (0 - 1 wraps; 0 & 1 and loads leave 0).
    const expected = name.includes('sub') ? 0xff : /store|add|_or|xor|xchg/.test(name) ? 1 : 0;
    expect(after, 'the access reached the shared buffer').toBe(expected);
  });

  it('memory.atomic.notify and wait (zero timeout)', () => {
    const { stale } = staleView();
    expect(A.memory_atomic_notify(stale, NEW, 1)).toBe(0);
    const { stale: s2 } = staleView();
    expect(A.memory_atomic_wait32(s2, NEW, 0, 0n)).toBe(2);
    const { stale: s3 } = staleView();
    expect(A.memory_atomic_wait64(s3, NEW, 1n, 0n)).toBe(1);
  });

  it('covers every memory helper the runtime exports', () => {
    const covered = new Set([...Object.keys(plain), ...Object.keys(pair), 'memory_atomic_notify', 'memory_atomic_wait32', 'memory_atomic_wait64']);
    const memoryHelpers = Object.keys(M).filter((k) => typeof (M as Record<string, unknown>)[k] === 'function' && k !== 'Memory' && k !== 'RuntimeError' && k !== 'segment_drop');
    const pairHelpers = Object.keys(P).filter((k) => /_(load|store)/.test(k));
    const atomicHelpers = Object.keys(A).filter((k) => k.startsWith('memory_atomic_'));
    for (const k of [...memoryHelpers, ...pairHelpers, ...atomicHelpers]) expect(covered, k).toContain(k);
  });
});
