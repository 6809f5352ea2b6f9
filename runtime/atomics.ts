// runtime/: the threads proposal's atomic memory instructions (spec: threads proposal, 4.4.7
// "Atomic Memory Instructions"), called by generated code like the plain load/store helpers:
// `i32.atomic.rmw8.add_u` → `i32_atomic_rmw8_add_u(mem, addr, value)`, `addr` being the exact
// effective address `(a >>> 0) + offset`.
//
// Every access is a JS `Atomics` operation on one of Memory's typed views (u8, u16, i32, u32,
// i64), so it is sequentially consistent across workers sharing the SharedArrayBuffer. Atomics
// work on a plain ArrayBuffer too (then they are simply non-atomic), which is what the spec asks
// of atomics on a non-shared memory. Typed views use the host's byte order: like the rest of the
// runtime's typed-array fast paths this assumes a little-endian host (every platform Node runs on).
//
// Checks, in the reference interpreter's order: alignment ('unaligned atomic'), then bounds;
// a wait then also needs a shared memory and a thread allowed to block.

import { checked, type Memory } from './memory.js';
import { trap } from './trap.js';
import { high, i64_join, i64_split } from './numeric/i64-pair.js';

/** Trap text of a misaligned atomic access (threads proposal). */
export const TRAP_UNALIGNED_ATOMIC = 'unaligned atomic';
/** Trap text of memory.atomic.wait on a non-shared memory (threads proposal). */
export const TRAP_EXPECTED_SHARED = 'expected shared memory';
/** Trap text of memory.atomic.wait on a thread that must not block (a browser's main thread). */
export const TRAP_CANNOT_BLOCK = 'atomic wait on a thread that cannot block';

// A browser's main thread (it has a `document`) must not block: Atomics.wait throws there.
let mayBlock = typeof (globalThis as { document?: unknown }).document === 'undefined';

/** Whether memory.atomic.wait may block this JS thread (default: everywhere but a browser's main thread). */
export function setMayBlock(value: boolean): void {
  mayBlock = value;
}

/** Whether memory.atomic.wait may block this JS thread. */
export function getMayBlock(): boolean {
  return mayBlock;
}

/**
 * The alignment check, then the bounds check (`size` a power of two). Returns `mem` with views
 * covering the access: callers take the view from the result (`Atomics.add(at4(mem, a).i32, a >>> 2, v)`),
 * because the check may refresh the views after another thread grew the memory.
 */
function access(mem: Memory, addr: number, size: number): Memory {
  // An atomic is where a thread may learn of another's grow: plain accesses after it go through
  // `mem.dv`, which must then cover the new pages (runtime/README.md "Shared memory that grows").
  mem.refresh();
  // `&` keeps the low bits of any integer below 2^53, and effective addresses stay below 2^33.
  if ((addr & (size - 1)) !== 0) trap(TRAP_UNALIGNED_ATOMIC);
  return checked(mem, addr, size);
}
// One checker per width, so each call site stays monomorphic; past the check `addr` < 2^32, so
// `>>>` turns it into an element index exactly.
const at1 = (mem: Memory, addr: number): Memory => access(mem, addr, 1);
const at2 = (mem: Memory, addr: number): Memory => access(mem, addr, 2);
const at4 = (mem: Memory, addr: number): Memory => access(mem, addr, 4);
const at8 = (mem: Memory, addr: number): Memory => access(mem, addr, 8);

// ---- loads and stores ----

export function i32_atomic_load(mem: Memory, addr: number): number {
  return Atomics.load(at4(mem, addr).i32, addr >>> 2);
}
export function i32_atomic_load8_u(mem: Memory, addr: number): number {
  return Atomics.load(at1(mem, addr).u8, addr);
}
export function i32_atomic_load16_u(mem: Memory, addr: number): number {
  return Atomics.load(at2(mem, addr).u16, addr >>> 1);
}

export function i32_atomic_store(mem: Memory, addr: number, value: number): void {
  Atomics.store(at4(mem, addr).i32, addr >>> 2, value);
}
export function i32_atomic_store8(mem: Memory, addr: number, value: number): void {
  Atomics.store(at1(mem, addr).u8, addr, value);
}
export function i32_atomic_store16(mem: Memory, addr: number, value: number): void {
  Atomics.store(at2(mem, addr).u16, addr >>> 1, value);
}

// ---- read-modify-write: each returns the old value, zero-extended for the narrow forms.
// The narrow forms wrap their operands to the access width (as the typed views do); cmpxchg
// compares the loaded value with the wrapped `expected`.

export function i32_atomic_rmw_add(mem: Memory, addr: number, value: number): number {
  return Atomics.add(at4(mem, addr).i32, addr >>> 2, value);
}
export function i32_atomic_rmw8_add_u(mem: Memory, addr: number, value: number): number {
  return Atomics.add(at1(mem, addr).u8, addr, value);
}
export function i32_atomic_rmw16_add_u(mem: Memory, addr: number, value: number): number {
  return Atomics.add(at2(mem, addr).u16, addr >>> 1, value);
}
export function i32_atomic_rmw_sub(mem: Memory, addr: number, value: number): number {
  return Atomics.sub(at4(mem, addr).i32, addr >>> 2, value);
}
export function i32_atomic_rmw8_sub_u(mem: Memory, addr: number, value: number): number {
  return Atomics.sub(at1(mem, addr).u8, addr, value);
}
export function i32_atomic_rmw16_sub_u(mem: Memory, addr: number, value: number): number {
  return Atomics.sub(at2(mem, addr).u16, addr >>> 1, value);
}
export function i32_atomic_rmw_and(mem: Memory, addr: number, value: number): number {
  return Atomics.and(at4(mem, addr).i32, addr >>> 2, value);
}
export function i32_atomic_rmw8_and_u(mem: Memory, addr: number, value: number): number {
  return Atomics.and(at1(mem, addr).u8, addr, value);
}
export function i32_atomic_rmw16_and_u(mem: Memory, addr: number, value: number): number {
  return Atomics.and(at2(mem, addr).u16, addr >>> 1, value);
}
export function i32_atomic_rmw_or(mem: Memory, addr: number, value: number): number {
  return Atomics.or(at4(mem, addr).i32, addr >>> 2, value);
}
export function i32_atomic_rmw8_or_u(mem: Memory, addr: number, value: number): number {
  return Atomics.or(at1(mem, addr).u8, addr, value);
}
export function i32_atomic_rmw16_or_u(mem: Memory, addr: number, value: number): number {
  return Atomics.or(at2(mem, addr).u16, addr >>> 1, value);
}
export function i32_atomic_rmw_xor(mem: Memory, addr: number, value: number): number {
  return Atomics.xor(at4(mem, addr).i32, addr >>> 2, value);
}
export function i32_atomic_rmw8_xor_u(mem: Memory, addr: number, value: number): number {
  return Atomics.xor(at1(mem, addr).u8, addr, value);
}
export function i32_atomic_rmw16_xor_u(mem: Memory, addr: number, value: number): number {
  return Atomics.xor(at2(mem, addr).u16, addr >>> 1, value);
}
export function i32_atomic_rmw_xchg(mem: Memory, addr: number, value: number): number {
  return Atomics.exchange(at4(mem, addr).i32, addr >>> 2, value);
}
export function i32_atomic_rmw8_xchg_u(mem: Memory, addr: number, value: number): number {
  return Atomics.exchange(at1(mem, addr).u8, addr, value);
}
export function i32_atomic_rmw16_xchg_u(mem: Memory, addr: number, value: number): number {
  return Atomics.exchange(at2(mem, addr).u16, addr >>> 1, value);
}
export function i32_atomic_rmw_cmpxchg(mem: Memory, addr: number, expected: number, replacement: number): number {
  return Atomics.compareExchange(at4(mem, addr).i32, addr >>> 2, expected, replacement);
}
export function i32_atomic_rmw8_cmpxchg_u(mem: Memory, addr: number, expected: number, replacement: number): number {
  return Atomics.compareExchange(at1(mem, addr).u8, addr, expected, replacement);
}
export function i32_atomic_rmw16_cmpxchg_u(mem: Memory, addr: number, expected: number, replacement: number): number {
  return Atomics.compareExchange(at2(mem, addr).u16, addr >>> 1, expected, replacement);
}

// ---- i64: generated code passes an i64 as two i32 halves and takes one back as lo + high.bits
// (numeric/i64-pair.ts). Narrow accesses need no BigInt; full-width ones go through BigInt64Array.
export function i64_atomic_load(mem: Memory, addr: number): number {
  return i64_split(Atomics.load(at8(mem, addr).i64, addr >>> 3));
}
export function i64_atomic_store(mem: Memory, addr: number, lo: number, hi: number): void {
  Atomics.store(at8(mem, addr).i64, addr >>> 3, i64_join(lo, hi));
}
export function i64_atomic_load8_u(mem: Memory, addr: number): number {
  high.bits = 0;
  return Atomics.load(at1(mem, addr).u8, addr) | 0;
}
export function i64_atomic_store8(mem: Memory, addr: number, lo: number, _hi: number): void {
  Atomics.store(at1(mem, addr).u8, addr, lo);
}
export function i64_atomic_load16_u(mem: Memory, addr: number): number {
  high.bits = 0;
  return Atomics.load(at2(mem, addr).u16, addr >>> 1) | 0;
}
export function i64_atomic_store16(mem: Memory, addr: number, lo: number, _hi: number): void {
  Atomics.store(at2(mem, addr).u16, addr >>> 1, lo);
}
export function i64_atomic_load32_u(mem: Memory, addr: number): number {
  high.bits = 0;
  return Atomics.load(at4(mem, addr).u32, addr >>> 2) | 0;
}
export function i64_atomic_store32(mem: Memory, addr: number, lo: number, _hi: number): void {
  Atomics.store(at4(mem, addr).u32, addr >>> 2, lo);
}
export function i64_atomic_rmw_add(mem: Memory, addr: number, lo: number, hi: number): number {
  return i64_split(Atomics.add(at8(mem, addr).i64, addr >>> 3, i64_join(lo, hi)));
}
export function i64_atomic_rmw8_add_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.add(at1(mem, addr).u8, addr, lo) | 0;
}
export function i64_atomic_rmw16_add_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.add(at2(mem, addr).u16, addr >>> 1, lo) | 0;
}
export function i64_atomic_rmw32_add_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.add(at4(mem, addr).u32, addr >>> 2, lo) | 0;
}
export function i64_atomic_rmw_sub(mem: Memory, addr: number, lo: number, hi: number): number {
  return i64_split(Atomics.sub(at8(mem, addr).i64, addr >>> 3, i64_join(lo, hi)));
}
export function i64_atomic_rmw8_sub_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.sub(at1(mem, addr).u8, addr, lo) | 0;
}
export function i64_atomic_rmw16_sub_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.sub(at2(mem, addr).u16, addr >>> 1, lo) | 0;
}
export function i64_atomic_rmw32_sub_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.sub(at4(mem, addr).u32, addr >>> 2, lo) | 0;
}
export function i64_atomic_rmw_and(mem: Memory, addr: number, lo: number, hi: number): number {
  return i64_split(Atomics.and(at8(mem, addr).i64, addr >>> 3, i64_join(lo, hi)));
}
export function i64_atomic_rmw8_and_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.and(at1(mem, addr).u8, addr, lo) | 0;
}
export function i64_atomic_rmw16_and_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.and(at2(mem, addr).u16, addr >>> 1, lo) | 0;
}
export function i64_atomic_rmw32_and_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.and(at4(mem, addr).u32, addr >>> 2, lo) | 0;
}
export function i64_atomic_rmw_or(mem: Memory, addr: number, lo: number, hi: number): number {
  return i64_split(Atomics.or(at8(mem, addr).i64, addr >>> 3, i64_join(lo, hi)));
}
export function i64_atomic_rmw8_or_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.or(at1(mem, addr).u8, addr, lo) | 0;
}
export function i64_atomic_rmw16_or_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.or(at2(mem, addr).u16, addr >>> 1, lo) | 0;
}
export function i64_atomic_rmw32_or_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.or(at4(mem, addr).u32, addr >>> 2, lo) | 0;
}
export function i64_atomic_rmw_xor(mem: Memory, addr: number, lo: number, hi: number): number {
  return i64_split(Atomics.xor(at8(mem, addr).i64, addr >>> 3, i64_join(lo, hi)));
}
export function i64_atomic_rmw8_xor_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.xor(at1(mem, addr).u8, addr, lo) | 0;
}
export function i64_atomic_rmw16_xor_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.xor(at2(mem, addr).u16, addr >>> 1, lo) | 0;
}
export function i64_atomic_rmw32_xor_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.xor(at4(mem, addr).u32, addr >>> 2, lo) | 0;
}
export function i64_atomic_rmw_xchg(mem: Memory, addr: number, lo: number, hi: number): number {
  return i64_split(Atomics.exchange(at8(mem, addr).i64, addr >>> 3, i64_join(lo, hi)));
}
export function i64_atomic_rmw8_xchg_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.exchange(at1(mem, addr).u8, addr, lo) | 0;
}
export function i64_atomic_rmw16_xchg_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.exchange(at2(mem, addr).u16, addr >>> 1, lo) | 0;
}
export function i64_atomic_rmw32_xchg_u(mem: Memory, addr: number, lo: number, _hi: number): number {
  high.bits = 0;
  return Atomics.exchange(at4(mem, addr).u32, addr >>> 2, lo) | 0;
}
export function i64_atomic_rmw_cmpxchg(mem: Memory, addr: number, elo: number, ehi: number, rlo: number, rhi: number): number {
  return i64_split(Atomics.compareExchange(at8(mem, addr).i64, addr >>> 3, i64_join(elo, ehi), i64_join(rlo, rhi)));
}
export function i64_atomic_rmw8_cmpxchg_u(mem: Memory, addr: number, elo: number, _ehi: number, rlo: number, _rhi: number): number {
  // The expected value is compared at the access width, as the typed view converts it.
  high.bits = 0;
  return Atomics.compareExchange(at1(mem, addr).u8, addr, elo, rlo) | 0;
}
export function i64_atomic_rmw16_cmpxchg_u(mem: Memory, addr: number, elo: number, _ehi: number, rlo: number, _rhi: number): number {
  // The expected value is compared at the access width, as the typed view converts it.
  high.bits = 0;
  return Atomics.compareExchange(at2(mem, addr).u16, addr >>> 1, elo, rlo) | 0;
}
export function i64_atomic_rmw32_cmpxchg_u(mem: Memory, addr: number, elo: number, _ehi: number, rlo: number, _rhi: number): number {
  // The expected value is compared at the access width, as the typed view converts it.
  high.bits = 0;
  return Atomics.compareExchange(at4(mem, addr).u32, addr >>> 2, elo, rlo) | 0;
}


// ---- wait and notify ----

/** Atomics.wait's outcome → memory.atomic.wait's result: 0 "ok", 1 "not-equal", 2 "timed-out". */
const WAIT_RESULT: Record<string, number> = { ok: 0, 'not-equal': 1, 'timed-out': 2 };

/** The wait timeout: i64 nanoseconds, negative meaning forever → Atomics.wait's milliseconds. */
function timeoutMs(timeout: bigint): number {
  return timeout < 0n ? Infinity : Number(timeout) / 1e6;
}

// A zero timeout, or a thread that may not block, is answered without Atomics.wait (which
// throws on a browser's main thread even for a zero timeout); only a real block traps there.


export function memory_atomic_wait32(mem: Memory, addr: number, expected: number, timeout: bigint): number {
  at4(mem, addr);
  const index = addr >>> 2;
  if (!mem.shared) trap(TRAP_EXPECTED_SHARED);
  if (timeout === 0n || !mayBlock) {
    if (Atomics.load(mem.i32, index) !== expected) return 1;
    if (timeout === 0n) return 2;
    trap(TRAP_CANNOT_BLOCK);
  }
  const result = WAIT_RESULT[Atomics.wait(mem.i32, index, expected, timeoutMs(timeout))]!;
  mem.refresh(); // the waker may have grown the memory
  return result;
}

export function memory_atomic_wait64(mem: Memory, addr: number, expected: bigint, timeout: bigint): number {
  at8(mem, addr);
  const index = addr >>> 3;
  if (!mem.shared) trap(TRAP_EXPECTED_SHARED);
  if (timeout === 0n || !mayBlock) {
    if (Atomics.load(mem.i64, index) !== expected) return 1;
    if (timeout === 0n) return 2;
    trap(TRAP_CANNOT_BLOCK);
  }
  const result = WAIT_RESULT[Atomics.wait(mem.i64, index, expected, timeoutMs(timeout))]!;
  mem.refresh(); // the waker may have grown the memory
  return result;
}

/** Wake up to `count` (u32) waiters on `addr`; the number woken. A non-shared memory has none. */
export function memory_atomic_notify(mem: Memory, addr: number, count: number): number {
  at4(mem, addr);
  const index = addr >>> 2;
  if (!mem.shared) return 0;
  // V8 keys waiters by buffer and byte address, so this also wakes wait64 waiters on `addr`.
  return Atomics.notify(mem.i32, index, count >>> 0);
}
