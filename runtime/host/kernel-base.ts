// runtime/host/: what the two kernel hosts (threads on workers: kernel.ts; one JS thread:
// single-thread.ts) give a host script alike: the log, whether the kernel halted, and its linear
// memory (strings, bytes, words, allocations from the host pool). Every memory access is
// bounds-checked against the memory's current size and throws RangeError outside it.

import type { HaltReport, KernelStats } from './kernel.js';
import { H_LIVE_WORKERS, H_THREADS_CREATED, H_TIMERS_FIRED, H_TLS_DESTRUCTORS, H_WORKERS_SPAWNED, type HostState } from './state.js';

/** The host pool linear memory for host scripts comes from (memory-pool.ts). */
interface Pool {
  alloc(size: number): number;
  free(ptr: number): void;
  stats(): KernelStats['pool'];
}

export abstract class KernelBase {
  constructor(
    protected readonly state: HostState,
    /** The kernel log as the host keeps it. */
    protected readonly shared: { text(): string },
  ) {}

  get log(): string {
    return this.shared.text();
  }

  logLines(): string[] {
    const lines = this.log.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines;
  }

  get halted(): boolean {
    return this.state.halted !== 0;
  }

  /** The host's counters (no workers on one JS thread: those stay 0). */
  stats(): KernelStats {
    const i32 = this.state.i32;
    return {
      threadsCreated: Atomics.load(i32, H_THREADS_CREATED) - 1,
      threadsRunning: this.state.runningThreads(),
      workersAlive: Atomics.load(i32, H_LIVE_WORKERS),
      workersSpawned: Atomics.load(i32, H_WORKERS_SPAWNED),
      timersFired: Atomics.load(i32, H_TIMERS_FIRED),
      tlsDestructors: Atomics.load(i32, H_TLS_DESTRUCTORS),
      pool: this.hostPool().stats(),
    };
  }

  private stopping: Promise<HaltReport> | undefined;

  /** Stop the kernel once; every call answers with that one stop's report. */
  halt(): Promise<HaltReport> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  protected abstract stop(): Promise<HaltReport>;

  /** The kernel memory's current buffer. */
  protected abstract memoryBuffer(): ArrayBufferLike;
  protected abstract hostPool(): Pool;
  /** A DataView that covers the 4 bytes at `ptr` (the host thread's cached view: no allocation). */
  protected abstract wordView(ptr: number): DataView;

  protected view(ptr: number, length: number): Uint8Array {
    const buffer = this.memoryBuffer();
    if (!(ptr >= 0 && ptr + length <= buffer.byteLength)) throw new RangeError(`0x${ptr.toString(16)} (+${length}) is outside linear memory`);
    return new Uint8Array(buffer, ptr, length);
  }

  alloc(size: number): number {
    const p = this.hostPool().alloc(size);
    if (!p) throw new RangeError(`alloc: no room for ${size} bytes in linear memory`);
    return p;
  }

  free(ptr: number): void {
    this.hostPool().free(ptr);
  }

  readBytes(ptr: number, length: number): Uint8Array {
    return this.view(ptr, length).slice();
  }

  writeBytes(ptr: number, bytes: Uint8Array): void {
    this.view(ptr, bytes.length).set(bytes);
  }

  readString(ptr: number, max = 65536): string {
    const bytes = this.view(ptr, Math.min(max, this.memoryBuffer().byteLength - ptr));
    const end = bytes.indexOf(0);
    return new TextDecoder().decode(bytes.slice(0, end < 0 ? bytes.length : end));
  }

  writeString(ptr: number, text: string): number {
    const bytes = new TextEncoder().encode(text);
    const v = this.view(ptr, bytes.length + 1);
    v.set(bytes);
    v[bytes.length] = 0;
    return bytes.length;
  }

  allocString(text: string): number {
    const p = this.alloc(new TextEncoder().encode(text).length + 1);
    this.writeString(p, text);
    return p;
  }

  readU32(ptr: number): number {
    return this.word(ptr).getUint32(ptr, true);
  }

  writeU32(ptr: number, value: number): void {
    this.word(ptr).setUint32(ptr, value >>> 0, true);
  }

  private word(ptr: number): DataView {
    const outside = () => new RangeError(`0x${ptr.toString(16)} (+4) is outside linear memory`);
    if (!(ptr >= 0)) throw outside();
    try {
      return this.wordView(ptr);
    } catch {
      throw outside();
    }
  }
}
