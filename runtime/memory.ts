// runtime/: linear memory (spec 4.2.8) and the load/store helpers generated code calls.
//
// Views are fixed-length over the current size, so every access is a plain typed view access
// (measured: typed arrays over a growable SharedArrayBuffer run ~5x slower than fixed ones).
//  - non-shared memory keeps its bytes where the engine can grow them in place (see `BACKING`);
//    a grow replaces the views and, as the JS API's memory.grow does, detaches the old buffer;
//  - shared memory is one growable SharedArrayBuffer reserved up to the declared maximum; it
//    never moves, so a grow by any thread is visible to all: a thread whose views predate the
//    grow sees an out-of-bounds access first, refreshes its views and retries (slow path only);
//  - a shared memory may instead be backed by a plain ArrayBuffer (`plain: true`, or wherever
//    SharedArrayBuffer is missing: a page that is not cross-origin isolated). It serves one JS
//    thread only (green threads, runtime/host/single-thread.ts): no worker can see it, and
//    atomics work on it except a wait that would block. Its bytes live in a non-shared
//    WebAssembly.Memory where the host has one (grown in place; views as fast as any), else in a
//    resizable ArrayBuffer (grown in place; slower views, see runtime/README.md), else in a
//    plain one copied into a larger one at each grow (the test kernel's 36 grows made its boot
//    3x slower). Where the buffer object changes, `onMove` is called so hosts drop old views.

import { RuntimeError, TRAP_MEMORY_OOB, trap } from './trap.js';
import { HI, LO, NAN_BITS_KEPT, f32FromBits, f32ToBits, scratchF64, scratchI32, signedNan } from './numeric/bits.js';
import { fillWithin, moveWithin } from './small-bulk.js';

export const PAGE_SIZE = 65536;
/** Memories without a declared maximum may grow to 65536 pages (4 GiB) as wasm32 allows. */
const MAX_PAGES = 65536;

export interface MemoryDescriptor {
  initial: number;
  maximum?: number;
  shared?: boolean;
  /** A shared memory backed by a plain ArrayBuffer, for one JS thread (the default where SharedArrayBuffer is missing). */
  plain?: boolean;
}

/** The host's WebAssembly.Memory, where `WebAssembly` exists (not under `node --jitless`). */
interface HostWasmMemory {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}
type HostWasmMemoryClass = new (descriptor: { initial: number; maximum?: number }) => HostWasmMemory;
const HostMemory = (globalThis as { WebAssembly?: { Memory?: HostWasmMemoryClass } }).WebAssembly?.Memory;

/** A resizable ArrayBuffer (ES2024), typed here because lib is ES2022. */
interface ResizableBuffer extends ArrayBuffer {
  resize(length: number): void;
}

/**
 * Where a non-shared memory keeps its bytes: the first of these the engine offers (measured in
 * bench/README.md D7; contract in runtime/README.md "Non-shared memory: backing"):
 *  - `wasm`: a `WebAssembly.Memory`. The engine reserves address space up to the maximum and grows
 *    in place; its `buffer` is exactly what the JS API's `memory.buffer` is (a fixed-length,
 *    non-resizable ArrayBuffer, a new one after each grow, the old one detached), and typed views
 *    over it are as fast as over any ArrayBuffer;
 *  - `resizable`: a resizable ArrayBuffer reserved up to the maximum and resized in place (hosts
 *    without `WebAssembly`: `node --jitless`, some embedders). The buffer object is moved to a new
 *    one at each grow so the old one detaches; unlike the JS API's it reports `resizable: true`;
 *  - `copy`: a plain ArrayBuffer, copied into a larger one at each grow.
 */
const BACKING: 'wasm' | 'resizable' | 'copy' = HostMemory
  ? 'wasm'
  : typeof (ArrayBuffer.prototype as Partial<ResizableBuffer>).resize === 'function' ? 'resizable' : 'copy';

/**
 * Move `buffer`'s bytes to a new ArrayBuffer object without copying them, detaching `buffer` (the
 * JS API detaches the old buffer at every grow). `ArrayBuffer.prototype.transfer` (ES2024) where it
 * exists, else `structuredClone` with a transfer list (Node 17+, browsers, Deno, Bun), which keeps
 * a resizable buffer resizable. Returns `buffer` itself where neither exists (nothing detaches).
 */
function moveBuffer(buffer: ArrayBuffer): ArrayBuffer {
  const transfer = (buffer as { transfer?: () => ArrayBuffer }).transfer;
  if (typeof transfer === 'function') return transfer.call(buffer);
  const clone = (globalThis as { structuredClone?: (v: unknown, o: { transfer: unknown[] }) => unknown }).structuredClone;
  if (typeof clone === 'function') return clone(buffer, { transfer: [buffer] }) as ArrayBuffer;
  return buffer;
}

/**
 * Whether a NaN read through DataView.getFloat64 keeps its sign. JavaScriptCore makes every NaN it
 * reads through a DataView the positive canonical one (its Float64Array keeps the sign: the NaN
 * contract, runtime/README.md). Probed with a negative signalling NaN written as two words.
 */
const DATA_VIEW_NAN_SIGN_KEPT: boolean = (() => {
  const probe = new DataView(new ArrayBuffer(8));
  probe.setUint32(4, 0xfff40000, true);
  probe.setUint32(0, 1, true);
  scratchF64[0] = probe.getFloat64(0, true);
  return scratchI32[HI]! < 0;
})();

/**
 * A DataView whose getFloat64 keeps a NaN's sign, taken from the high word as `f64_load` does: the
 * memory's DataView on engines whose own loses it. Generated code reads f64s through `mem.dv`, so
 * the fix costs V8 nothing (a second field for it cost nbody 1.2×: bench/README.md S14).
 */
const DataViewClass = DataView as new (buffer: ArrayBufferLike, byteOffset: number, byteLength: number) => DataView;
class SignKeepingDataView extends DataViewClass {
  override getFloat64(byteOffset: number, littleEndian?: boolean): number {
    const x = super.getFloat64(byteOffset, littleEndian);
    return x === x ? x : signedNan(littleEndian ? super.getInt32(byteOffset + 4, true) : super.getInt32(byteOffset, false));
  }
}

/** The memory's DataView over `raw`'s first `length` bytes. */
function dataView(raw: ArrayBuffer | SharedArrayBuffer, length: number): DataView {
  return DATA_VIEW_NAN_SIGN_KEPT ? new DataView(raw, 0, length) : new SignKeepingDataView(raw, 0, length);
}

// Every view field starts as an empty view of its own kind, not `undefined` (what a declared class
// field starts as): V8 then records the field's class, and generated code's `mem.dv`, read again
// after every call, is not tested for a small integer where it is used (bench/README.md S42).
const NO_BYTES = new ArrayBuffer(0);
const NO_VIEW = new DataView(NO_BYTES);

export class Memory {
  /** Current size in bytes (this thread's view of it, for shared memories). */
  length = 0;
  /**
   * The whole memory: the compiler's accesses to a non-shared memory go through it alone (its
   * bounds check is the trap). Where the engine's getFloat64 loses a NaN's sign, one that keeps it.
   */
  dv: DataView = NO_VIEW;
  u8: Uint8Array = new Uint8Array(NO_BYTES);
  /** Typed views for the atomics (runtime/atomics.ts) and inlined accesses, kept in step with `dv` and `u8`. */
  i8: Int8Array = new Int8Array(NO_BYTES);
  i16: Int16Array = new Int16Array(NO_BYTES);
  u16: Uint16Array = new Uint16Array(NO_BYTES);
  i32: Int32Array = new Int32Array(NO_BYTES);
  u32: Uint32Array = new Uint32Array(NO_BYTES);
  i64: BigInt64Array = new BigInt64Array(NO_BYTES);
  /** Aligned f64 accesses inlined by the compiler (Float64Array keeps NaN payloads). */
  f64: Float64Array = new Float64Array(NO_BYTES);
  readonly maximum: number | undefined;
  readonly shared: boolean;
  private raw: ArrayBuffer | SharedArrayBuffer;
  /** The WebAssembly.Memory holding the bytes, for the `wasm` backing; `raw` is its buffer. */
  private engineMemory: HostWasmMemory | undefined;
  /** For the `resizable` backing: `raw` resizes in place. */
  private resizable = false;
  /** A shared memory backed by a plain ArrayBuffer (one JS thread): resized in place, or replaced at each grow. */
  readonly plain: boolean = false;
  /** Called after a plain-backed shared memory moved to a larger buffer (views of the old one are stale). */
  onMove: (() => void) | undefined = undefined;

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
        this.plain = descriptor.plain === true || typeof SharedArrayBuffer !== 'function';
        // One JS thread, no SharedArrayBuffer: a non-shared memory's backing (onMove tells when a grow moved it).
        if (this.plain) this.raw = this.allocate(initial, Math.min(maximum, MAX_PAGES));
        else this.raw = new (SharedArrayBuffer as unknown as new (n: number, o: object) => SharedArrayBuffer)(initial * PAGE_SIZE, { maxByteLength: maximum * PAGE_SIZE });
      } else {
        this.raw = this.allocate(initial, Math.min(maximum ?? MAX_PAGES, MAX_PAGES));
      }
    }
    this.length = this.raw.byteLength;
    this.dv = dataView(this.raw, this.length);
    this.u8 = new Uint8Array(this.raw, 0, this.length);
    this.viewTyped();
  }

  /**
   * A non-shared (or plain-backed shared) memory's first buffer, in the first backing that can
   * reserve `limit` pages: a non-shared `WebAssembly.Memory`'s (grown in place, fast views; its
   * old buffer detaches), a resizable ArrayBuffer (grown in place), a plain one copied at each grow.
   */
  private allocate(initial: number, limit: number): ArrayBuffer {
    if (BACKING === 'wasm') {
      try {
        this.engineMemory = new HostMemory!(limit < MAX_PAGES ? { initial, maximum: limit } : { initial });
        return this.engineMemory.buffer;
      } catch {
        // The engine could not reserve it (address space): try the next backing.
      }
    }
    if (BACKING !== 'copy') {
      try {
        const buffer = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(initial * PAGE_SIZE, { maxByteLength: limit * PAGE_SIZE });
        // An engine without resizable buffers ignores the option and returns a plain one.
        this.resizable = (buffer as { resizable?: boolean }).resizable === true;
        return buffer;
      } catch {
        // Likewise: fall back to copying.
      }
    }
    return new ArrayBuffer(initial * PAGE_SIZE);
  }

  /** (Re)create the typed views over the current length. */
  private viewTyped(): void {
    const n = this.length; // a multiple of the page size, up to 2^32 (so no `>>>` here)
    this.i8 = new Int8Array(this.raw, 0, n);
    this.i16 = new Int16Array(this.raw, 0, n / 2);
    this.u16 = new Uint16Array(this.raw, 0, n / 2);
    this.i32 = new Int32Array(this.raw, 0, n / 4);
    this.u32 = new Uint32Array(this.raw, 0, n / 4);
    this.i64 = new BigInt64Array(this.raw, 0, n / 8);
    this.f64 = new Float64Array(this.raw, 0, n / 8);
  }

  /** The current buffer (JS API): for a non-shared memory, a new object after each grow, the old one detached. */
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
    this.view();
    return true;
  }

  /** Replace every view with one over `raw`'s current length (after a grow or a refresh). */
  private view(): void {
    this.dv = dataView(this.raw, this.length);
    this.u8 = new Uint8Array(this.raw, 0, this.length);
    this.viewTyped();
  }

  /**
   * memory.grow: the old size in pages, or -1 if the memory cannot grow that far (nothing
   * changes then). A non-shared memory gets a new buffer object even for a delta of 0, as the
   * JS API's grow and V8's memory.grow do; the old one is detached.
   */
  growPages(delta: number): number {
    this.refresh();
    const old = this.length / PAGE_SIZE;
    const limit = Math.min(this.maximum ?? MAX_PAGES, MAX_PAGES);
    if (delta > limit - old) return -1;
    const length = (old + delta) * PAGE_SIZE;
    const before = this.raw;
    if (this.shared && !this.plain) {
      if (delta === 0) return old;
      (this.raw as SharedArrayBuffer & { grow(n: number): void }).grow(length);
    } else {
      // A plain-backed shared memory (one JS thread) grows like a non-shared one, except that its
      // buffer never detaches and a delta of 0 changes nothing; hosts learn of a move by onMove.
      if (this.plain && delta === 0) return old;
      const detach = !this.plain;
      if (this.engineMemory) {
        try {
          this.engineMemory.grow(delta); // in place, within the engine's reservation; detaches the old buffer
        } catch {
          return -1; // the host could not commit it: wasm lets memory.grow fail
        }
        this.raw = this.engineMemory.buffer;
      } else if (this.resizable) {
        try {
          (this.raw as ResizableBuffer).resize(length);
        } catch {
          return -1;
        }
        if (detach) this.raw = moveBuffer(this.raw as ArrayBuffer);
      } else if (delta === 0) {
        this.raw = moveBuffer(this.raw as ArrayBuffer);
      } else {
        let next: ArrayBuffer;
        try {
          next = new ArrayBuffer(length);
        } catch {
          return -1;
        }
        new Uint8Array(next).set(this.u8);
        if (detach) moveBuffer(this.raw as ArrayBuffer);
        this.raw = next;
      }
    }
    this.length = length;
    this.view();
    if (this.plain && this.raw !== before) this.onMove?.();
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
  const dv = checked(mem, addr, 8).dv;
  const x = dv.getFloat64(addr, true);
  // JSC canonicalises a NaN read as a float (numeric/bits.ts): take its sign from the high word.
  return x === x || NAN_BITS_KEPT ? x : signedNan(dv.getInt32(addr + 4, true));
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
  const dv = checked(mem, addr, 8).dv;
  if (value === value) {
    dv.setFloat64(addr, value, true);
    return;
  }
  // A NaN goes in as its two words: V8 15 (Deno 2.9) sets a signalling NaN's quiet bit in an
  // optimised DataView.setFloat64 (test/engines/nan-probe.mjs, f64_store_unaligned).
  scratchF64[0] = value;
  dv.setInt32(addr, scratchI32[LO]!, true);
  dv.setInt32(addr + 4, scratchI32[HI]!, true);
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
  fillWithin(checked(mem, d, len), d, value, len);
}
export function memory_copy(dst: Memory, src: Memory, dest: number, source: number, n: number): void {
  const d = dest >>> 0;
  const s = source >>> 0;
  const len = n >>> 0;
  checked(src, s, len);
  checked(dst, d, len);
  // The views are read after both checks, which may have refreshed them.
  if (dst === src) moveWithin(dst, d, s, len);
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
