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
 * may exceed 2^32). Returns `addr`; traps when out of bounds.
 */
function check(mem: Memory, addr: number, size: number): number {
  if (addr + size > mem.length && !(mem.refresh() && addr + size <= mem.length)) trap(TRAP_MEMORY_OOB);
  return addr;
}

/** Typed views use the platform's byte order; wasm's is little-endian (DataView is told so). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Aligned accesses (the common case in compiled C) take the typed view; others the DataView.
// Measured in bench/README.md ("memory views").
export function i32_load(mem: Memory, addr: number): number {
  if (LITTLE_ENDIAN && (addr & 3) === 0 && addr + 4 <= mem.length) return mem.i32[addr >>> 2]!;
  return mem.dv.getInt32(check(mem, addr, 4), true);
}
export function f32_load(mem: Memory, addr: number): number {
  // Through the bits: reading a Float32 would quieten a signalling NaN.
  return f32FromBits(mem.dv.getUint32(check(mem, addr, 4), true));
}
export function f64_load(mem: Memory, addr: number): number {
  return mem.dv.getFloat64(check(mem, addr, 8), true);
}
export function i32_load8_s(mem: Memory, addr: number): number {
  return mem.dv.getInt8(check(mem, addr, 1));
}
export function i32_load8_u(mem: Memory, addr: number): number {
  return mem.u8[check(mem, addr, 1)]!;
}
export function i32_load16_s(mem: Memory, addr: number): number {
  return mem.dv.getInt16(check(mem, addr, 2), true);
}
export function i32_load16_u(mem: Memory, addr: number): number {
  return mem.dv.getUint16(check(mem, addr, 2), true);
}

export function i32_store(mem: Memory, addr: number, value: number): void {
  if (LITTLE_ENDIAN && (addr & 3) === 0 && addr + 4 <= mem.length) mem.i32[addr >>> 2] = value;
  else mem.dv.setInt32(check(mem, addr, 4), value, true);
}
export function f32_store(mem: Memory, addr: number, value: number): void {
  mem.dv.setInt32(check(mem, addr, 4), f32ToBits(value), true);
}
export function f64_store(mem: Memory, addr: number, value: number): void {
  mem.dv.setFloat64(check(mem, addr, 8), value, true);
}
export function i32_store8(mem: Memory, addr: number, value: number): void {
  mem.u8[check(mem, addr, 1)] = value;
}
export function i32_store16(mem: Memory, addr: number, value: number): void {
  mem.dv.setInt16(check(mem, addr, 2), value, true);
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
  check(mem, d, len);
  mem.u8.fill(value & 0xff, d, d + len);
}
export function memory_copy(dst: Memory, src: Memory, dest: number, source: number, n: number): void {
  const d = dest >>> 0;
  const s = source >>> 0;
  const len = n >>> 0;
  check(src, s, len);
  check(dst, d, len);
  if (dst === src) dst.u8.copyWithin(d, s, s + len);
  else dst.u8.set(src.u8.subarray(s, s + len), d);
}
export function memory_init(mem: Memory, datas: Uint8Array[], segment: number, dest: number, source: number, n: number): void {
  const data = datas[segment]!;
  const d = dest >>> 0;
  const s = source >>> 0;
  const len = n >>> 0;
  if (s + len > data.length) trap(TRAP_MEMORY_OOB);
  check(mem, d, len);
  mem.u8.set(data.subarray(s, s + len), d);
}
/** data.drop and elem.drop: the segment becomes empty. */
export function segment_drop(segments: { slice(a: number, b: number): unknown }[], segment: number): void {
  segments[segment] = segments[segment]!.slice(0, 0) as never;
}

export { RuntimeError };
