// runtime/: linear memory (spec 4.2.8) and the load/store helpers generated code calls.
//
// Views are fixed-length over the current size, so every access is a plain typed view access
// (measured: typed arrays over a growable SharedArrayBuffer run ~5x slower than fixed ones).
//  - non-shared memory grows by copying into a new ArrayBuffer, as engines may move memory;
//  - shared memory is one growable SharedArrayBuffer reserved up to the declared maximum; it
//    never moves, so a grow by any thread is visible to all: a thread whose views predate the
//    grow sees an out-of-bounds access first, refreshes its views and retries (slow path only).

import { RuntimeError, TRAP_MEMORY_OOB, trap } from './trap.js';
import { f32FromBits, f32ToBits } from './numeric/bits.js';

export const PAGE_SIZE = 65536;
/** Memories without a declared maximum may grow to 65536 pages (4 GiB) as wasm32 allows. */
const MAX_PAGES = 65536;

export interface MemoryDescriptor {
  initial: number;
  maximum?: number;
  shared?: boolean;
}

export class Memory {
  /** Current size in bytes (this thread's view of it, for shared memories). */
  length: number;
  dv: DataView;
  u8: Uint8Array;
  /** Typed views for the atomics (runtime/atomics.ts), kept in step with `dv` and `u8`. */
  u16!: Uint16Array;
  i32!: Int32Array;
  u32!: Uint32Array;
  i64!: BigInt64Array;
  /** Aligned f64 accesses inlined by the compiler (Float64Array keeps NaN payloads). */
  f64!: Float64Array;
  readonly maximum: number | undefined;
  readonly shared: boolean;
  private raw: ArrayBuffer | SharedArrayBuffer;

  constructor(descriptor: MemoryDescriptor | { buffer: SharedArrayBuffer; maximum: number }) {
    if ('buffer' in descriptor) {
      // A shared memory seen from another thread (worker): same buffer, own views.
      this.raw = descriptor.buffer;
      this.maximum = descriptor.maximum;
      this.shared = true;
    } else {
      const initial = toPages(descriptor.initial, 'initial');
      const maximum = descriptor.maximum === undefined ? undefined : toPages(descriptor.maximum, 'maximum');
      if (maximum !== undefined && maximum < initial) throw new RangeError('Memory: maximum is below initial');
      this.maximum = maximum;
      this.shared = descriptor.shared === true;
      if (this.shared) {
        if (maximum === undefined) throw new TypeError('Memory: a shared memory needs a maximum');
        this.raw = new (SharedArrayBuffer as unknown as new (n: number, o: object) => SharedArrayBuffer)(initial * PAGE_SIZE, { maxByteLength: maximum * PAGE_SIZE });
      } else {
        this.raw = new ArrayBuffer(initial * PAGE_SIZE);
      }
    }
    this.length = this.raw.byteLength;
    this.dv = new DataView(this.raw, 0, this.length);
    this.u8 = new Uint8Array(this.raw, 0, this.length);
    this.viewAtomics();
  }

  /** (Re)create the atomics' views over the current length. */
  private viewAtomics(): void {
    const n = this.length; // a multiple of the page size, up to 2^32 (so no `>>>` here)
    this.u16 = new Uint16Array(this.raw, 0, n / 2);
    this.i32 = new Int32Array(this.raw, 0, n / 4);
    this.u32 = new Uint32Array(this.raw, 0, n / 4);
    this.i64 = new BigInt64Array(this.raw, 0, n / 8);
    this.f64 = new Float64Array(this.raw, 0, n / 8);
  }

  /** The current buffer (JS API). */
  get buffer(): ArrayBuffer | SharedArrayBuffer {
    this.refresh();
    return this.raw;
  }

  get pages(): number {
    this.refresh();
    return this.length / PAGE_SIZE;
  }

  /** Re-view a shared buffer another thread has grown. Returns whether anything changed. */
  refresh(): boolean {
    if (!this.shared || this.raw.byteLength === this.length) return false;
    this.length = this.raw.byteLength;
    this.dv = new DataView(this.raw, 0, this.length);
    this.u8 = new Uint8Array(this.raw, 0, this.length);
    this.viewAtomics();
    return true;
  }

  /** memory.grow: the old size in pages, or -1 if the memory cannot grow that far. */
  growPages(delta: number): number {
    this.refresh();
    const old = this.length / PAGE_SIZE;
    const limit = Math.min(this.maximum ?? MAX_PAGES, MAX_PAGES);
    if (delta > limit - old) return -1;
    if (delta === 0) return old;
    const length = (old + delta) * PAGE_SIZE;
    if (this.shared) {
      (this.raw as SharedArrayBuffer & { grow(n: number): void }).grow(length);
    } else {
      let next: ArrayBuffer;
      try {
        next = new ArrayBuffer(length);
      } catch {
        return -1; // the host could not allocate it: wasm lets memory.grow fail
      }
      new Uint8Array(next).set(this.u8);
      this.raw = next;
    }
    this.length = length;
    this.dv = new DataView(this.raw, 0, length);
    this.u8 = new Uint8Array(this.raw, 0, length);
    this.viewAtomics();
    return old;
  }

  /** JS API grow: throws where wasm's memory.grow returns -1. */
  grow(delta: number): number {
    const old = this.growPages(toPages(delta, 'delta'));
    if (old < 0) throw new RangeError('Memory.grow(): maximum size exceeded');
    return old;
  }
}

function toPages(value: number, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGES) throw new TypeError(`Memory: ${what} must be an integer number of pages up to ${MAX_PAGES}`);
  return n;
}

/**
 * Bounds check for an access of `size` bytes at `addr` (an exact, non-negative number that
 * may exceed 2^32); traps when out of bounds. Returns `mem` with views that cover the access:
 * callers read the view from the result (`checked(mem, a, 4).dv.getInt32(a)`), never before the
 * call, because the check may refresh the views after another thread grew a shared memory, and
 * JS evaluates `mem.dv` before the arguments of a call on it.
 */
export function checked(mem: Memory, addr: number, size: number): Memory {
  if (addr + size > mem.length && !(mem.refresh() && addr + size <= mem.length)) trap(TRAP_MEMORY_OOB);
  return mem;
}

/** Typed views use the platform's byte order; wasm's is little-endian (DataView is told so). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Aligned accesses (the common case in compiled C) take the typed view; others the DataView.
// Measured in bench/README.md ("memory views").
export function i32_load(mem: Memory, addr: number): number {
  if (LITTLE_ENDIAN && (addr & 3) === 0 && addr + 4 <= mem.length) return mem.i32[addr >>> 2]!;
  return checked(mem, addr, 4).dv.getInt32(addr, true);
}
export function f32_load(mem: Memory, addr: number): number {
  // Through the bits: reading a Float32 would quieten a signalling NaN.
  return f32FromBits(checked(mem, addr, 4).dv.getUint32(addr, true));
}
export function f64_load(mem: Memory, addr: number): number {
  return checked(mem, addr, 8).dv.getFloat64(addr, true);
}
export function i32_load8_s(mem: Memory, addr: number): number {
  return checked(mem, addr, 1).dv.getInt8(addr);
}
export function i32_load8_u(mem: Memory, addr: number): number {
  return checked(mem, addr, 1).u8[addr]!;
}
export function i32_load16_s(mem: Memory, addr: number): number {
  return checked(mem, addr, 2).dv.getInt16(addr, true);
}
export function i32_load16_u(mem: Memory, addr: number): number {
  return checked(mem, addr, 2).dv.getUint16(addr, true);
}

export function i32_store(mem: Memory, addr: number, value: number): void {
  if (LITTLE_ENDIAN && (addr & 3) === 0 && addr + 4 <= mem.length) mem.i32[addr >>> 2] = value;
  else checked(mem, addr, 4).dv.setInt32(addr, value, true);
}
export function f32_store(mem: Memory, addr: number, value: number): void {
  checked(mem, addr, 4).dv.setInt32(addr, f32ToBits(value), true);
}
export function f64_store(mem: Memory, addr: number, value: number): void {
  checked(mem, addr, 8).dv.setFloat64(addr, value, true);
}
export function i32_store8(mem: Memory, addr: number, value: number): void {
  checked(mem, addr, 1).u8[addr] = value;
}
export function i32_store16(mem: Memory, addr: number, value: number): void {
  checked(mem, addr, 2).dv.setInt16(addr, value, true);
}

export function memory_size(mem: Memory): number {
  return mem.pages;
}
export function memory_grow(mem: Memory, delta: number): number {
  return mem.growPages(delta >>> 0);
}

/** memory.fill (bulk memory): bounds are checked before anything is written. */
export function memory_fill(mem: Memory, dest: number, value: number, n: number): void {
  const d = dest >>> 0;
  const len = n >>> 0;
  checked(mem, d, len).u8.fill(value & 0xff, d, d + len);
}
export function memory_copy(dst: Memory, src: Memory, dest: number, source: number, n: number): void {
  const d = dest >>> 0;
  const s = source >>> 0;
  const len = n >>> 0;
  checked(src, s, len);
  checked(dst, d, len);
  // The views are read after both checks, which may have refreshed them.
  if (dst === src) dst.u8.copyWithin(d, s, s + len);
  else dst.u8.set(src.u8.subarray(s, s + len), d);
}
export function memory_init(mem: Memory, datas: Uint8Array[], segment: number, dest: number, source: number, n: number): void {
  const data = datas[segment]!;
  const d = dest >>> 0;
  const s = source >>> 0;
  const len = n >>> 0;
  if (s + len > data.length) trap(TRAP_MEMORY_OOB);
  checked(mem, d, len).u8.set(data.subarray(s, s + len), d);
}
/** data.drop and elem.drop: the segment becomes empty. */
export function segment_drop(segments: { slice(a: number, b: number): unknown }[], segment: number): void {
  segments[segment] = segments[segment]!.slice(0, 0) as never;
}

export { RuntimeError };
