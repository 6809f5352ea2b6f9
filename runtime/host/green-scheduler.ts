// runtime/host/: the scheduler of green threads (single-thread.ts) and the host ops that differ
// from the threaded host's: the ones that block (sem_down, mutex_lock, thread_join suspend the
// calling green thread), create threads and timers (green threads, not workers), or call back
// into the kernel (jmp_buf_set). Every other op is host-ops.ts's, on the same host state.
//
// One thread runs at a time, until it blocks; the scheduler then resumes the next runnable one
// in round-robin order (a blocked thread is runnable once its Wait is ready or its deadline
// passed). Timers are green threads that wait for their deadline; when no thread can run, the
// caller (single-thread.ts) waits for the earliest deadline on the event loop or in a blocking
// sleep. No Node modules here: this runs in a browser page too.

import { getMayBlock, setMayBlock } from '../atomics.js';
import { HostAbiError } from './abi.js';
import { GreenThread, threadInstance, type ThreadBody, type Wait } from './green-thread.js';
import { HostThread } from './host-thread.js';
import { createNccc } from './host-ops.js';
import type { KernelInstance } from './kernel-instance.js';
import type { SharedLog } from './log.js';
import type { MemoryLike } from './memory-pool.js';
import {
  H_STACK_SIZE, H_TIMERS_FIRED, H_TLS_DESTRUCTORS, HostState, KIND_THREAD, KIND_TIMER, M_ARG, M_FIRED, M_FUNC, M_THREAD, M_USED, M_WORD,
  S_OWNER, S_TYPE, S_VALUE, SYNC_MUTEX, SYNC_RMUTEX, SYNC_SEM, T_STACK_BASE, T_STATE, T_DETACHED, THREAD_EXITED, TIMER_ARMED, TIMER_DISPOSED,
} from './state.js';
import { mutexLock, semDown } from './sync.js';
import { is_gen } from '../generators.js';
import { claimThread, joinThread, markExited, markRunning, threadRecord } from './threads.js';
import { timerFree, timerSetOneshot } from './timers.js';
import { ThreadExit } from './unwind.js';

/** POSIX runs TLS destructors at most this many rounds (as host-thread.ts). */
const DESTRUCTOR_ROUNDS = 4;

export interface SchedulerOptions {
  /** Bytes of each thread's asyncify data buffer (its saved wasm frames while suspended). */
  asyncifyDataSize: number;
  /** Generator mode: a kernel compiled with --generators (green-thread.ts); no asyncify buffers. */
  generators?: boolean;
}

/** Thrown when no thread can run and none waits for a deadline: the kernel can never go on. */
export class Deadlock extends Error {
  constructor(detail: string) {
    super(`every kernel thread is blocked and no timer is armed (${detail})`);
    this.name = 'Deadlock';
  }
}

/** The green threads of one kernel, the host ops that differ on one thread, and step(). */
export class GreenScheduler {
  /** Threads with a body, in creation order. */
  readonly threads: GreenThread[] = [];
  current: GreenThread | null = null;
  private nextIndex = 0;
  /** The host side of every green thread not yet ended, whose cached memory views forgetViews() drops. */
  private readonly hosts = new Set<HostThread>();

  constructor(
    readonly state: HostState,
    private readonly log: SharedLog,
    /** The first (internal) instance: every thread's instance is its sibling. */
    private readonly root: object,
    private readonly memory: MemoryLike,
    private readonly table: { get(i: number): unknown },
    private readonly options: SchedulerOptions,
  ) {}

  // ---- threads ----

  /**
   * A green thread for thread record `slot`, its stack pointer at `stackTop` (the boot thread
   * keeps the module's own stack). Its asyncify buffer comes from `allocData` (the pool).
   */
  makeThread(slot: number, stackTop: number, allocData: (size: number, host: HostThread) => number): GreenThread {
    const host = new HostThread(this.state, this.log);
    host.enter(slot);
    this.hosts.add(host);
    const instance = threadInstance(this.root, stackTop);
    const kernel: KernelInstance = {
      exports: instance.exports,
      memory: this.memory,
      exportFn: () => undefined,
      func: (i) => (...args: number[]) => green.call(i, ...args),
      getStackPointer: () => instance.getStackPointer()!,
      setStackPointer: (sp) => instance.setStackPointer(sp),
      heapBase: () => undefined,
    };
    host.attach(kernel);
    const gen = this.options.generators === true;
    const size = gen ? 0 : this.options.asyncifyDataSize;
    // Generator mode: no buffer, but allocData is still called (the boot thread's sets up the pool).
    const data = allocData(size, host);
    if (gen && data) host.pool.free(data);
    if (!data && !gen) throw new HostAbiError(`thread_create: no room for a ${size}-byte asyncify buffer in linear memory`);
    const green = new GreenThread(host, instance, this.table, gen ? 0 : data, size, gen);
    green.hostOps = createNccc(host);
    return green;
  }

  /** Give `g` a body to run; it is runnable. */
  start(g: GreenThread, body: ThreadBody): void {
    g.body = body;
    g.wait = null;
    if (!this.threads.includes(g)) this.threads.push(g);
  }

  /** thread_create: a green thread running func(arg) on a stack from the pool; 0 if no room. */
  private createThread(parent: GreenThread, kind: number, func: number, arg: number, body: (g: GreenThread) => ThreadBody): number {
    const size = this.state.i32[H_STACK_SIZE]!;
    const base = parent.host.pool.alloc(size);
    if (!base) return 0;
    const slot = claimThread(this.state, kind, func, arg, { base, size });
    if (slot < 0) {
      parent.host.pool.free(base);
      return 0;
    }
    const g = this.makeThread(slot, (base + size) & ~15, (n) => parent.host.pool.alloc(n));
    markRunning(this.state, slot, -1);
    this.start(g, body(g));
    return slot;
  }

  /** A kernel thread's body: func(arg), then its TLS destructors, then its end. */
  private *threadBody(g: GreenThread, func: number, arg: number): Generator<Wait, void, void> {
    let result = 0;
    try {
      result = (yield* g.callKernel(() => g.call(func, arg))) as number;
    } catch (e) {
      if (!(e instanceof ThreadExit)) throw e;
    }
    yield* this.runTlsDestructors(g);
    this.endThread(g, result);
  }

  /** A timer's thread: wait for each deadline and call func(arg), until the timer is freed (as timers.ts runTimer). */
  private *timerBody(g: GreenThread, h: number): Generator<Wait, void, void> {
    const state = this.state;
    const i32 = state.i32;
    const at = state.timer(h);
    for (;;) {
      const w = Atomics.load(i32, at + M_WORD);
      if (w & TIMER_DISPOSED) break;
      const changed = (): boolean => Atomics.load(i32, at + M_WORD) !== w;
      if (!(w & TIMER_ARMED)) {
        yield { ready: changed };
        continue;
      }
      const left = Atomics.load(state.i64, state.timerDeadline(h)) - state.now();
      if (left > 0n) {
        yield { ready: changed, deadline: performance.now() + Number(left) / 1e6 };
        continue;
      }
      if (Atomics.compareExchange(i32, at + M_WORD, w, w & ~TIMER_ARMED) !== w) continue;
      Atomics.add(i32, at + M_FIRED, 1);
      Atomics.add(i32, H_TIMERS_FIRED, 1);
      const func = i32[at + M_FUNC]!;
      const arg = i32[at + M_ARG]!;
      try {
        yield* g.callKernel(() => g.call(func, arg));
      } catch (e) {
        if (!(e instanceof ThreadExit)) throw e;
        break;
      }
    }
    Atomics.store(i32, at + M_USED, 0);
    yield* this.runTlsDestructors(g);
    this.endThread(g, 0);
  }

  private *runTlsDestructors(g: GreenThread): Generator<Wait, void, void> {
    const keys = this.state.limits.tlsKeys;
    for (let round = 0; round < DESTRUCTOR_ROUNDS; round++) {
      let ran = false;
      for (let k = 1; k < keys; k++) {
        const value = g.host.tlsGet(k);
        if (!value) continue;
        const at = this.state.tls(k);
        const dtor = Atomics.load(this.state.i32, at) === 1 ? this.state.i32[at + 1]! : -1;
        if (dtor <= 0) continue;
        g.host.tlsSet(k, 0);
        ran = true;
        Atomics.add(this.state.i32, H_TLS_DESTRUCTORS, 1);
        try {
          yield* g.callKernel(() => g.call(dtor, value));
        } catch (e) {
          if (!(e instanceof ThreadExit)) throw e;
        }
      }
      if (!ran) return;
    }
  }

  private endThread(g: GreenThread, result: number): void {
    const base = this.state.i32[this.state.thread(g.slot) + T_STACK_BASE]!;
    if (g.dataPtr) g.host.pool.free(g.dataPtr);
    g.host.pool.free(base);
    markExited(this.state, g.slot, result);
    this.hosts.delete(g.host);
  }

  /** The memory moved to a new buffer (a plain-backed memory grew): no host may write through an old view. */
  forgetViews(): void {
    for (const h of this.hosts) h.forgetView();
  }

  /** timer_alloc: a timer whose thread is a green thread; 0 if no room. */
  private createTimer(parent: GreenThread, func: number, arg: number): number {
    const state = this.state;
    const i32 = state.i32;
    for (let h = 1; h < state.limits.timers; h++) {
      const at = state.timer(h);
      if (Atomics.compareExchange(i32, at + M_USED, 0, -1) !== 0) continue;
      i32[at + M_FUNC] = func;
      i32[at + M_ARG] = arg;
      i32[at + M_FIRED] = 0;
      Atomics.store(i32, at + M_WORD, 0);
      const slot = this.createThread(parent, KIND_TIMER, h, 0, (g) => this.timerBody(g, h));
      if (!slot) {
        Atomics.store(i32, at + M_USED, 0);
        return 0;
      }
      i32[at + M_THREAD] = slot;
      Atomics.store(i32, at + M_USED, 1);
      return h;
    }
    throw new HostAbiError(`timer_alloc: all ${state.limits.timers - 1} timers are in use`);
  }

  // ---- the blocking ops: each proceeds through sync.ts / threads.ts only when it cannot block ----

  // No closure is made unless the op suspends: these run on every kernel lock and CPU hand-over.

  private semDown(g: GreenThread, h: number): Wait | undefined {
    g.endRewind();
    const i32 = this.state.i32;
    const value = this.syncWord(h, SYNC_SEM, SYNC_SEM);
    if (value >= 0 && Atomics.load(i32, value) <= 0) return g.suspend({ ready: () => Atomics.load(i32, value) > 0 });
    semDown(g.host, h);
    return undefined;
  }

  private mutexLock(g: GreenThread, h: number): Wait | undefined {
    g.endRewind();
    const i32 = this.state.i32;
    const value = this.syncWord(h, SYNC_MUTEX, SYNC_RMUTEX);
    if (value >= 0 && Atomics.load(i32, value) !== 0 && Atomics.load(i32, value - S_VALUE + S_OWNER) !== g.host.tid) {
      return g.suspend({ ready: () => Atomics.load(i32, value) === 0 });
    }
    mutexLock(g.host, h);
    return undefined;
  }

  private threadJoin(g: GreenThread, t: number, output: number): Wait | undefined {
    g.endRewind();
    const i32 = this.state.i32;
    const at = threadRecord(this.state, t, 'thread_join');
    // Misuse (joining itself, a detached thread) is refused by joinThread at once.
    if (Atomics.load(i32, at + T_STATE) !== THREAD_EXITED && t !== g.slot && i32[at + T_DETACHED] === 0) {
      return g.suspend({ ready: () => Atomics.load(i32, at + T_STATE) === THREAD_EXITED });
    }
    putU32(g.host, output, joinThread(g.host, t));
    return undefined;
  }

  /** The value word of sync object `h` if it is of type `a` or `b`; -1 otherwise (sync.ts then throws the right error). */
  private syncWord(h: number, a: number, b: number): number {
    if (!(h > 0 && h < this.state.limits.syncObjects)) return -1;
    const at = this.state.sync(h);
    const type = Atomics.load(this.state.i32, at + S_TYPE);
    return type === a || type === b ? at + S_VALUE : -1;
  }

  // ---- nccc_call64 ----

  /**
   * The kernel's env.nccc_call64 for every green thread: the op runs for the current one. In
   * generator mode an op that must wait returns a generator that the kernel's frames yield* (its
   * Wait, then the op again once the scheduler resumes the thread), and jmp_buf_set one that runs
   * the callback's frames; otherwise undefined.
   */
  readonly nccc = (input: number, output: number): unknown => {
    const r = this.ncccOp(input, output);
    return r === undefined || is_gen(r) ? r : this.waitAndRetry(r as Wait, input, output);
  };

  /** Generator mode: yield `wait`, then run the op again, until it completes. */
  private *waitAndRetry(wait: Wait, input: number, output: number): Generator<Wait, void, void> {
    for (;;) {
      yield wait;
      const r = this.ncccOp(input, output);
      if (r === undefined) return;
      if (is_gen(r)) return void (yield* r as Generator<Wait, void, void>);
      wait = r as Wait;
    }
  }

  private ncccOp(input: number, output: number): unknown {
    const g = this.current;
    if (!g) throw new Error('internal error: nccc_call64 with no green thread running');
    if (g.unwinding) throw new Error('internal error: a host op was called while the stack unwinds (a function on a blocking path was not instrumented by asyncify)');
    const p = input >>> 0;
    const out = output >>> 0;
    const v = g.host.mem(p, 32);
    const group = v.getUint32(p, true);
    const op = v.getUint32(p + 8, true);
    const a0 = v.getUint32(p + 16, true);
    const key = group * 16 + op;
    if (g.rewinding && key !== 0x51 && key !== 0x14 && key !== 0x17 && key !== 0x24) {
      throw new Error(`internal error: rewinding reached host op ${group}.${op}, not one that suspends`);
    }
    switch (key) {
      case 0x14: return this.semDown(g, a0);
      case 0x17: return this.mutexLock(g, a0);
      case 0x21: {
        const arg = g.host.mem(p + 24, 8).getUint32(p + 24, true);
        return putU32(g.host, out, this.createThread(g, KIND_THREAD, a0, arg, (t) => this.threadBody(t, a0, arg)));
      }
      case 0x24: return this.threadJoin(g, a0, out);
      case 0x42: return putU32(g.host, out, this.createTimer(g, a0, g.host.mem(p + 24, 8).getUint32(p + 24, true)));
      case 0x43:
        timerSetOneshot(this.state, a0, g.host.mem(p + 24, 8).getBigUint64(p + 24, true));
        return putU32(g.host, out, 0);
      case 0x44: return timerFree(this.state, a0);
      case 0x51: return g.jmpBufSet(a0, g.host.mem(p + 24, 8).getUint32(p + 24, true));
    }
    return g.hostOps(input, output);
  }

  // ---- running ----

  /**
   * Run `body` as thread `g`. Meanwhile a host wait that would really block (Atomics.wait: a
   * blocking op that failed to suspend) throws instead (wait.ts), so it cannot hang the one thread.
   */
  runAs<T>(g: GreenThread, body: (...args: number[]) => T, ...args: number[]): T {
    const mayBlock = getMayBlock();
    setMayBlock(false);
    this.current = g;
    try {
      return body(...args);
    } finally {
      this.current = null;
      setMayBlock(mayBlock);
    }
  }

  /**
   * Run one runnable thread until it blocks or ends. Returns 0 if one ran, else the earliest
   * deadline a blocked thread waits for (Infinity: none).
   */
  step(): number {
    const n = this.threads.length;
    let earliest = Infinity;
    let now = -1;
    for (let k = 0; k < n; k++) {
      const i = (this.nextIndex + k) % n;
      let g = this.threads[i]!;
      const w = g.wait;
      if (w && !w.ready()) {
        if (w.deadline === undefined) continue;
        if (now < 0) now = performance.now();
        if (w.deadline > now) {
          if (w.deadline < earliest) earliest = w.deadline;
          continue;
        }
        g = this.earliestDue(now);
      }
      this.nextIndex = this.threads.indexOf(g) + 1;
      this.resume(g);
      return 0;
    }
    return earliest;
  }

  /**
   * Of the threads whose deadline has passed, the one with the earliest: a page's thread busy
   * for longer than the gap between two timers' deadlines must still fire them in deadline
   * order, as the threaded host's timer threads do (each wakes on its own).
   */
  private earliestDue(now: number): GreenThread {
    let best: GreenThread | undefined;
    for (const t of this.threads) {
      const d = t.wait?.deadline;
      if (d !== undefined && d <= now && (!best || d < best.wait!.deadline!) && !t.wait!.ready()) best = t;
    }
    return best!;
  }

  private resume(g: GreenThread): void {
    g.wait = null;
    let r: IteratorResult<Wait, unknown>;
    try {
      r = this.runAs(g, () => g.body!.next());
    } catch (e) {
      this.finish(g);
      g.failure = e;
      // A kernel thread's failure stops the kernel; the boot thread's goes to its caller.
      if (!g.boot) g.host.fault(e);
      return;
    }
    if (r.done) {
      this.finish(g);
      g.result = r.value;
    } else {
      g.wait = r.value;
    }
  }

  private finish(g: GreenThread): void {
    g.body = null;
    g.wait = null;
    g.unwinding = false;
    g.rewinding = false;
    const i = this.threads.indexOf(g);
    if (i >= 0) this.threads.splice(i, 1);
    if (i < this.nextIndex) this.nextIndex--;
  }
}

function putU32(host: HostThread, out: number, value: number): void {
  if (out === 0) return;
  const v = host.mem(out, 8);
  v.setUint32(out, value >>> 0, true);
  v.setUint32(out + 4, value < 0 ? 0xffffffff : 0, true);
}

