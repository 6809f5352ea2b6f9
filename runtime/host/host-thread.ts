// runtime/host/: one thread's side of the host: its slot and tid, its TLS values, its kernel
// instance, and the host ops that need them (calling kernel functions by table index,
// jmp_buf_set, the end of a thread). host-ops.ts decodes nccc_call64 calls into these.

import { asWasmTrap } from '../funcref.js';
import { HostAbiError } from './abi.js';
import type { KernelInstance } from './kernel-instance.js';
import { SharedLog } from './log.js';
import { MemoryPool } from './memory-pool.js';
import type { Caller } from './sync.js';
import { H_STACK_SIZE, H_TLS_DESTRUCTORS, HALT_FAULT, HostState, T_DETACHED, T_STACK_BASE, T_STACK_SIZE, T_TID } from './state.js';
import { claimThread, dispatchThread, tlsDestructor } from './threads.js';
import { timerAlloc } from './timers.js';
import { JmpTokens, KernelHalted, LongJump, ThreadExit } from './unwind.js';

/** POSIX runs destructors at most this many rounds (PTHREAD_DESTRUCTOR_ITERATIONS is 4). */
const DESTRUCTOR_ROUNDS = 4;

export class HostThread implements Caller {
  /** This thread's record (the handle thread_self returns); -1 before the first assignment. */
  slot = -1;
  tid = 0;
  private memoryPool: MemoryPool | undefined;
  /** TLS values by key (this thread's own). */
  private tls: number[] = [];
  /** Tokens of this thread's jmp_buf_set frames. */
  private readonly jmpTokens = new JmpTokens();
  private kernel: KernelInstance | undefined;
  private view: DataView | undefined;

  constructor(
    readonly state: HostState,
    readonly log: SharedLog,
  ) {}

  /** The instance this thread runs (set once it is instantiated). */
  get instance(): KernelInstance {
    if (!this.kernel) throw new Error('internal error: host op before the thread has an instance');
    return this.kernel;
  }

  attach(instance: KernelInstance): void {
    this.kernel = instance;
    this.memoryPool = new MemoryPool(this.state, instance.memory, () => this.slot);
  }

  /** The shared memory pool, through this thread. */
  get pool(): MemoryPool {
    if (!this.memoryPool) throw new Error('internal error: host op before the thread has an instance');
    return this.memoryPool;
  }

  /** Become thread `slot`: fresh TLS, its tid. */
  enter(slot: number): void {
    this.slot = slot;
    this.tid = this.state.i32[this.state.thread(slot) + T_TID]!;
    this.tls = [];
  }

  // ---- linear memory ----

  /** A view of linear memory covering [addr, addr + size), refreshed after the memory grew. */
  mem(addr: number, size: number): DataView {
    let v = this.view;
    if (!v || addr + size > v.byteLength) {
      // An explicit length: over w2js's growable SharedArrayBuffer a view without one tracks the
      // buffer's length, and every access through it is several times slower (runtime/README.md).
      const buffer = this.instance.memory.buffer;
      v = new DataView(buffer, 0, buffer.byteLength);
      this.view = v;
      if (addr + size > v.byteLength) throw new HostAbiError(`host op: address 0x${addr.toString(16)} (+${size}) is outside linear memory`);
    }
    return v;
  }

  /** Drop the cached view: the memory moved to a new buffer (a plain-backed memory grew, runtime/memory.ts). */
  forgetView(): void {
    this.view = undefined;
  }

  bytes(addr: number, size: number): Uint8Array {
    const v = this.mem(addr, size);
    return new Uint8Array(v.buffer, addr, size);
  }

  // ---- calling into the kernel ----

  /** Call the kernel function at table index `func`; its i32 result (0 for none). */
  call(func: number, ...args: number[]): number {
    const r = this.instance.func(func)(...args);
    return typeof r === 'number' ? r | 0 : typeof r === 'bigint' ? Number(BigInt.asIntN(32, r)) : 0;
  }

  // ---- threads ----

  /** thread_create: a new thread running func(arg) on a stack from the pool; 0 if none. */
  createThread(kind: number, func: number, arg: number): number {
    const stack = this.allocStack();
    if (!stack) return 0;
    const t = claimThread(this.state, kind, func, arg, stack);
    if (t < 0) {
      this.pool.free(stack.base);
      return 0;
    }
    dispatchThread(this.state, t);
    return t;
  }

  /** timer_alloc: a timer whose thread (with a stack from the pool) is running; 0 if none. */
  createTimer(func: number, arg: number): number {
    const stack = this.allocStack();
    if (!stack) return 0;
    try {
      return timerAlloc(this, func, arg, stack);
    } catch (e) {
      this.pool.free(stack.base);
      throw e;
    }
  }

  allocStack(): { base: number; size: number } | null {
    const size = this.state.i32[H_STACK_SIZE]!;
    const base = this.pool.alloc(size);
    return base ? { base, size } : null;
  }

  detach(): void {
    this.state.i32[this.state.thread(this.slot) + T_DETACHED] = 1;
  }

  /**
   * Run the body of this thread (func(arg), or a timer's loop) on its own stack, then its TLS
   * destructors; the result, or undefined if the kernel halted meanwhile.
   */
  runThread(body: () => number): number | undefined {
    const at = this.state.thread(this.slot);
    const base = this.state.i32[at + T_STACK_BASE]!;
    const size = this.state.i32[at + T_STACK_SIZE]!;
    // The top of the stack, 16-aligned (the C ABI's stack alignment).
    this.instance.setStackPointer((base + size) & ~15);
    let result = 0;
    try {
      result = body();
    } catch (e) {
      if (!(e instanceof ThreadExit)) throw e;
    }
    this.runTlsDestructors();
    this.pool.free(base);
    return result;
  }

  /** Run destructors of non-null TLS values, round after round while values remain. */
  private runTlsDestructors(): void {
    for (let round = 0; round < DESTRUCTOR_ROUNDS; round++) {
      let ran = false;
      for (let k = 1; k < this.tls.length; k++) {
        const value = this.tls[k];
        if (!value) continue;
        const dtor = tlsDestructor(this.state, k);
        if (dtor <= 0) continue;
        this.tls[k] = 0;
        ran = true;
        Atomics.add(this.state.i32, H_TLS_DESTRUCTORS, 1);
        try {
          this.call(dtor, value);
        } catch (e) {
          if (!(e instanceof ThreadExit)) throw e; // thread_exit inside a destructor ends only the destructor
        }
      }
      if (!ran) return;
    }
  }

  tlsSet(key: number, value: number): void {
    this.tls[key] = value;
  }

  tlsGet(key: number): number {
    return this.tls[key] ?? 0;
  }

  // ---- context: jmp_buf_set / longjmp ----

  /**
   * Call func(); a longjmp through any buffer holding this call's token unwinds back here (as a
   * JS exception through the kernel's frames), and we return normally with the stack pointer as
   * it was. The token, not the buffer's address, names the frame: LKL's `__switch_to` copies a
   * dying thread's `sched_jb` into a local jmp_buf and longjmps to the copy.
   */
  jmpBufSet(jmpbuf: number, func: number): void {
    const token = this.jmpTokens.next(this.slot);
    this.mem(jmpbuf, 4).setUint32(jmpbuf, token, true);
    const sp = this.instance.getStackPointer();
    if (this.jmpTokens.run(token, () => this.call(func))) this.instance.setStackPointer(sp);
  }

  longjmp(jmpbuf: number, value: number): never {
    throw new LongJump(jmpbuf, this.mem(jmpbuf, 4).getUint32(jmpbuf, true), value);
  }

  /** Record what went wrong on this thread and stop the kernel (waking every thread). */
  fault(e: unknown): void {
    if (e instanceof KernelHalted) return;
    // The host calls kernel code directly, past the exports' wrappers: a RangeError that is a wasm trap becomes the RuntimeError.
    const trapped = asWasmTrap(e);
    const err = trapped instanceof Error ? trapped : new Error(String(trapped));
    const where = this.slot >= 0 ? `thread ${this.slot} (tid ${this.tid})` : 'a kernel thread';
    this.state.recordFault(`${where}: ${err.stack ?? `${err.name}: ${err.message}`}`);
    this.state.halt(HALT_FAULT);
  }
}
