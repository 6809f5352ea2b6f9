// runtime/host/: the memory pool (ABI group 3, and thread stacks). It hands out blocks of the
// kernel's linear memory from above __heap_base up to the memory's size, growing the memory
// (where its maximum allows) when nothing fits. Its bookkeeping is a table of blocks in the
// host state, in address order, behind a futex lock, so every thread shares one pool and the
// kernel's own memory holds no allocator headers. First fit, 16-byte aligned, neighbours merged.

import { HostAbiError } from './abi.js';
import { BLOCK_WORDS, H_POOL_BLOCKS, H_POOL_LOCK, HostState } from './state.js';

/** Fields of a block record. */
const B = { START: 0, SIZE: 1, USED: 2 } as const;
import { lockWord, unlockWord } from './wait.js';

/** The memory's JS API surface both engines share (WebAssembly.Memory and w2js's Memory). */
export interface MemoryLike {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}

const PAGE = 65536;
const ALIGN = 16;

/** Pool operations for one thread. */
export class MemoryPool {
  constructor(
    private readonly state: HostState,
    private readonly memory: MemoryLike,
    /** The calling thread's slot, so a wait for the lock can be woken by a halt. */
    private readonly slot: () => number,
  ) {}

  /** Make [start, memory size) the pool (once, at boot). */
  init(start: number): void {
    const base = Math.ceil(start / ALIGN) * ALIGN;
    const end = this.memory.buffer.byteLength;
    if (end > base) this.insert(0, base, end - base, false);
  }

  /** A block of at least `size` bytes, or 0 when the memory cannot grow enough. */
  alloc(size: number): number {
    const want = Math.max(ALIGN, Math.ceil(size / ALIGN) * ALIGN);
    if (!(want <= 0xffffffff)) return 0;
    lockWord(this.state, this.slot(), H_POOL_LOCK);
    try {
      let at = this.findFit(want);
      if (at < 0 && this.grow(want)) at = this.findFit(want);
      if (at < 0) return 0;
      return this.take(at, want);
    } finally {
      unlockWord(this.state, H_POOL_LOCK);
    }
  }

  free(ptr: number): void {
    lockWord(this.state, this.slot(), H_POOL_LOCK);
    try {
      const n = this.count;
      let lo = 0;
      let hi = n - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const start = this.get(mid, B.START);
        if (start === ptr) {
          if (!this.get(mid, B.USED)) throw new HostAbiError(`mem_free: 0x${ptr.toString(16)} is already free`);
          this.set(mid, B.USED, 0);
          this.merge(mid);
          return;
        }
        if (start < ptr) lo = mid + 1;
        else hi = mid - 1;
      }
      throw new HostAbiError(`mem_free: 0x${ptr.toString(16)} was not allocated by mem_alloc`);
    } finally {
      unlockWord(this.state, H_POOL_LOCK);
    }
  }

  /** Bytes in use and free, and the number of blocks (for tests and the boot report). */
  stats(): { used: number; free: number; blocks: number } {
    let used = 0;
    let free = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.get(i, B.USED)) used += this.get(i, B.SIZE);
      else free += this.get(i, B.SIZE);
    }
    return { used, free, blocks: this.count };
  }

  private get count(): number {
    return this.state.i32[H_POOL_BLOCKS]!;
  }

  private get(i: number, field: number): number {
    return this.state.i32[this.state.block(i) + field]! >>> 0;
  }

  private set(i: number, field: number, value: number): void {
    this.state.i32[this.state.block(i) + field] = value | 0;
  }

  private findFit(want: number): number {
    for (let i = 0; i < this.count; i++) if (!this.get(i, B.USED) && this.get(i, B.SIZE) >= want) return i;
    return -1;
  }

  /** Use block `i` for `want` bytes, splitting off the rest. */
  private take(i: number, want: number): number {
    const start = this.get(i, B.START);
    const size = this.get(i, B.SIZE);
    if (size > want && this.count < this.state.limits.poolBlocks) {
      this.insert(i + 1, start + want, size - want, false);
      this.set(i, B.SIZE, want);
    }
    this.set(i, B.USED, 1);
    return start;
  }

  private insert(i: number, start: number, size: number, used: boolean): void {
    const n = this.count;
    if (n >= this.state.limits.poolBlocks) throw new HostAbiError(`mem_alloc: the pool's block table is full (${n} blocks)`);
    const from = this.state.block(i);
    this.state.i32.copyWithin(from + BLOCK_WORDS, from, this.state.block(n));
    this.state.i32[H_POOL_BLOCKS] = n + 1;
    this.set(i, B.START, start);
    this.set(i, B.SIZE, size);
    this.set(i, B.USED, used ? 1 : 0);
  }

  private remove(i: number): void {
    const n = this.count;
    this.state.i32.copyWithin(this.state.block(i), this.state.block(i + 1), this.state.block(n));
    this.state.i32[H_POOL_BLOCKS] = n - 1;
  }

  /** Merge free block `i` with free neighbours that touch it. */
  private merge(i: number): void {
    const touches = (a: number, b: number): boolean => this.get(a, B.START) + this.get(a, B.SIZE) === this.get(b, B.START);
    if (i + 1 < this.count && !this.get(i + 1, B.USED) && touches(i, i + 1)) {
      this.set(i, B.SIZE, this.get(i, B.SIZE) + this.get(i + 1, B.SIZE));
      this.remove(i + 1);
    }
    if (i > 0 && !this.get(i - 1, B.USED) && touches(i - 1, i)) {
      this.set(i - 1, B.SIZE, this.get(i - 1, B.SIZE) + this.get(i, B.SIZE));
      this.remove(i);
    }
  }

  /** Grow the memory so that a block of `want` bytes fits at its end. */
  private grow(want: number): boolean {
    const n = this.count;
    const last = n - 1;
    const end = this.memory.buffer.byteLength;
    // A free last block that ends where the memory ends only needs topping up.
    const tail = n > 0 && !this.get(last, B.USED) && this.get(last, B.START) + this.get(last, B.SIZE) === end ? this.get(last, B.SIZE) : 0;
    const pages = Math.ceil((want - tail) / PAGE);
    let old: number;
    try {
      old = this.memory.grow(pages);
    } catch {
      return false; // beyond the maximum
    }
    const from = old * PAGE;
    const added = pages * PAGE;
    if (n > 0 && !this.get(last, B.USED) && this.get(last, B.START) + this.get(last, B.SIZE) === from) {
      this.set(last, B.SIZE, this.get(last, B.SIZE) + added);
    } else {
      this.insert(n, from, added, false);
    }
    return true;
  }
}
