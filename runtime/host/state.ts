// runtime/host/: the host's shared state. Everything the host ops share between threads lives
// in one SharedArrayBuffer of 32-bit words (the "host heap"), apart from the kernel's linear
// memory: handles index its tables, blocking waits are Atomics.wait on its words. Each thread
// (worker) wraps the same buffer in a HostState. kernel/README.md draws the layout. On one JS
// thread (single-thread.ts) it may be a plain ArrayBuffer: Atomics work on it, only waits
// cannot block (the green threads never do).

/** Table sizes, fixed at boot. */
export interface HostLimits {
  /** Thread records: the boot thread, kernel threads and timer threads alive or unjoined at once. */
  threads: number;
  /** Semaphores and mutexes alive at once. */
  syncObjects: number;
  /** TLS keys (key 0 is never handed out). */
  tlsKeys: number;
  /** Timers alive at once. */
  timers: number;
  /** Workers (each runs one thread at a time and is reused). */
  workers: number;
  /** Blocks of the memory pool (allocated or free) at once. */
  poolBlocks: number;
}

export const DEFAULT_LIMITS: HostLimits = { threads: 1024, syncObjects: 16384, tlsKeys: 128, timers: 256, workers: 256, poolBlocks: 16384 };

// Header words.
export const H_MAGIC = 0;
/** 0 while running; else why it stopped (HALT_*). */
export const H_HALTED = 1;
export const H_POOL_LOCK = 2;
export const H_NEXT_TID = 3;
/** Workers started and not yet exited (kept by the spawner). */
export const H_LIVE_WORKERS = 4;
export const H_WORKERS_SPAWNED = 5;
/** Bumped (and notified) whenever a worker record asks to be started. */
export const H_SPAWN_SEQ = 6;
/** Bytes of fault text; -1 while a thread writes it. */
export const H_FAULT_LEN = 7;
export const H_POOL_BLOCKS = 8;
export const H_STACK_SIZE = 9;
export const H_THREADS_CREATED = 10;
export const H_TIMERS_FIRED = 11;
export const H_TLS_DESTRUCTORS = 12;
const H_LIMITS = 16;
/** BigInt64 index of the clock offset: host time = hrtime + offset (ns since the Unix epoch). */
const H_EPOCH64 = 12;
const HEADER_WORDS = 32;
const MAGIC = 0x484a3257; // 'W2JH'

export const HALT_NONE = 0;
/** halt() was called. */
export const HALT_REQUESTED = 1;
/** The kernel called panic(). */
export const HALT_PANIC = 2;
/** A thread trapped or a host op failed; the fault text says where. */
export const HALT_FAULT = 3;

// Sync objects: [type, value, owner tid, recursion depth].
export const SYNC_WORDS = 4;
export const S_TYPE = 0;
export const S_VALUE = 1;
export const S_OWNER = 2;
export const S_DEPTH = 3;
export const SYNC_FREE = 0;
export const SYNC_SEM = 1;
export const SYNC_MUTEX = 2;
export const SYNC_RMUTEX = 3;

// Threads.
export const THREAD_WORDS = 12;
export const T_STATE = 0;
export const T_TID = 1;
export const T_DETACHED = 2;
export const T_RESULT = 3;
export const T_FUNC = 4;
export const T_ARG = 5;
export const T_STACK_BASE = 6;
export const T_STACK_SIZE = 7;
export const T_KIND = 8;
/** The word this thread is blocked on (-1: none), so halting can wake it. */
export const T_WAIT = 9;
export const T_WORKER = 10;
export const THREAD_FREE = 0;
export const THREAD_STARTING = 1;
export const THREAD_RUNNING = 2;
export const THREAD_EXITED = 3;
export const KIND_THREAD = 0;
export const KIND_TIMER = 1;
export const KIND_BOOT = 2;

// TLS keys: [used, destructor].
export const TLS_WORDS = 2;

// Timers: [used, word, func, arg, thread, fired, deadline (i64)]. `word` = seq << 2 | DISPOSED | ARMED.
export const TIMER_WORDS = 8;
export const M_USED = 0;
export const M_WORD = 1;
export const M_FUNC = 2;
export const M_ARG = 3;
export const M_THREAD = 4;
export const M_FIRED = 5;
const M_DEADLINE = 6;
export const TIMER_ARMED = 1;
export const TIMER_DISPOSED = 2;

// Workers: [state, assigned thread, threads run].
export const WORKER_WORDS = 4;
export const W_STATE = 0;
export const W_ASSIGN = 1;
export const W_RUNS = 2;
export const WORKER_NONE = 0;
export const WORKER_STARTING = 1;
export const WORKER_IDLE = 2;
export const WORKER_CLAIMED = 3;
export const WORKER_BUSY = 4;

// Memory pool blocks, in address order: [start, size, used].
export const BLOCK_WORDS = 4;

const FAULT_BYTES = 16384;

/** One thread's view of the host state. */
export class HostState {
  readonly i32: Int32Array;
  readonly i64: BigInt64Array;
  readonly u8: Uint8Array;
  readonly limits: HostLimits;
  private readonly syncBase: number;
  private readonly threadBase: number;
  private readonly tlsBase: number;
  private readonly timerBase: number;
  private readonly workerBase: number;
  private readonly blockBase: number;
  private readonly faultByte: number;

  /**
   * A fresh state for `limits` (on the boot thread); `plain`: in a plain ArrayBuffer, for one JS
   * thread (the default where SharedArrayBuffer is missing).
   */
  static create(limits: HostLimits, stackSize: number, plain = typeof SharedArrayBuffer !== 'function'): HostState {
    const words = layout(limits).end;
    const bytes = words * 4 + FAULT_BYTES;
    const sab = plain ? new ArrayBuffer(bytes) : new SharedArrayBuffer(bytes);
    const i32 = new Int32Array(sab);
    i32[H_MAGIC] = MAGIC;
    i32[H_LIMITS] = limits.threads;
    i32[H_LIMITS + 1] = limits.syncObjects;
    i32[H_LIMITS + 2] = limits.tlsKeys;
    i32[H_LIMITS + 3] = limits.timers;
    i32[H_LIMITS + 4] = limits.workers;
    i32[H_LIMITS + 5] = limits.poolBlocks;
    i32[H_NEXT_TID] = 1;
    i32[H_STACK_SIZE] = stackSize;
    const state = new HostState(sab);
    // ns since the Unix epoch, from the monotonic clock: wall-clock-like and never going back.
    state.i64[H_EPOCH64] = BigInt(Date.now()) * 1_000_000n - monotonicNs();
    for (let t = 0; t < limits.threads; t++) i32[state.thread(t) + T_WAIT] = -1;
    return state;
  }

  /** The state behind `buffer` (made by create on another thread). */
  constructor(readonly buffer: SharedArrayBuffer | ArrayBuffer) {
    this.i32 = new Int32Array(buffer);
    this.i64 = new BigInt64Array(buffer, 0, Math.floor(buffer.byteLength / 8));
    this.u8 = new Uint8Array(buffer);
    if (this.i32[H_MAGIC] !== MAGIC) throw new Error('host state: not a w2js host state buffer');
    const l = this.i32;
    this.limits = {
      threads: l[H_LIMITS]!,
      syncObjects: l[H_LIMITS + 1]!,
      tlsKeys: l[H_LIMITS + 2]!,
      timers: l[H_LIMITS + 3]!,
      workers: l[H_LIMITS + 4]!,
      poolBlocks: l[H_LIMITS + 5]!,
    };
    const at = layout(this.limits);
    this.syncBase = at.sync;
    this.threadBase = at.threads;
    this.tlsBase = at.tls;
    this.timerBase = at.timers;
    this.workerBase = at.workers;
    this.blockBase = at.blocks;
    this.faultByte = at.end * 4;
  }

  /** The buffer, to hand to workers: a SharedArrayBuffer (a plain state serves one thread only). */
  get shared(): SharedArrayBuffer {
    if (typeof SharedArrayBuffer !== 'function' || !(this.buffer instanceof SharedArrayBuffer)) throw new Error('host state: a plain ArrayBuffer state cannot be shared with workers');
    return this.buffer;
  }

  /** Word index of sync object `h`'s record. */
  sync(h: number): number {
    return this.syncBase + h * SYNC_WORDS;
  }
  thread(t: number): number {
    return this.threadBase + t * THREAD_WORDS;
  }
  tls(k: number): number {
    return this.tlsBase + k * TLS_WORDS;
  }
  timer(t: number): number {
    return this.timerBase + t * TIMER_WORDS;
  }
  /** BigInt64 index of timer `t`'s deadline. */
  timerDeadline(t: number): number {
    return (this.timer(t) + M_DEADLINE) / 2;
  }
  worker(w: number): number {
    return this.workerBase + w * WORKER_WORDS;
  }
  block(b: number): number {
    return this.blockBase + b * BLOCK_WORDS;
  }

  /** Host time in ns: monotonic, and counted from the Unix epoch. */
  now(): bigint {
    return monotonicNs() + this.i64[H_EPOCH64]!;
  }

  /** Kernel threads (not the boot thread) starting or running now. */
  runningThreads(): number {
    let n = 0;
    for (let t = 1; t < this.limits.threads; t++) {
      const at = this.thread(t);
      const s = Atomics.load(this.i32, at + T_STATE);
      if ((s === THREAD_RUNNING || s === THREAD_STARTING) && this.i32[at + T_KIND] !== KIND_BOOT) n++;
    }
    return n;
  }

  get halted(): number {
    return Atomics.load(this.i32, H_HALTED);
  }

  /** Record the first fault's text (later ones are dropped). */
  recordFault(text: string): void {
    if (Atomics.compareExchange(this.i32, H_FAULT_LEN, 0, -1) !== 0) return;
    const bytes = new TextEncoder().encode(text).subarray(0, FAULT_BYTES);
    this.u8.set(bytes, this.faultByte);
    Atomics.store(this.i32, H_FAULT_LEN, bytes.length);
  }

  /** The recorded fault, if any. */
  fault(): string | undefined {
    const n = Atomics.load(this.i32, H_FAULT_LEN);
    if (n <= 0) return undefined;
    return new TextDecoder().decode(this.u8.slice(this.faultByte, this.faultByte + n));
  }

  /**
   * Stop the kernel: the first caller sets why, then every thread blocked in a host wait and
   * every idle worker is woken (they see the halt and unwind).
   */
  halt(reason: number): boolean {
    if (Atomics.compareExchange(this.i32, H_HALTED, HALT_NONE, reason) !== HALT_NONE) return false;
    this.wakeAll();
    return true;
  }

  /** Wake every waiter this state knows of. */
  wakeAll(): void {
    for (let t = 0; t < this.limits.threads; t++) {
      const at = Atomics.load(this.i32, this.thread(t) + T_WAIT);
      if (at >= 0) Atomics.notify(this.i32, at);
    }
    for (let w = 0; w < this.limits.workers; w++) Atomics.notify(this.i32, this.worker(w) + W_STATE);
    Atomics.add(this.i32, H_SPAWN_SEQ, 1);
    Atomics.notify(this.i32, H_SPAWN_SEQ);
  }
}

/**
 * The process-wide monotonic clock in ns: Node's hrtime (the same clock on every thread);
 * elsewhere performance.now() from the time origin, which workers share only approximately.
 * Deno's process.hrtime counts from each thread's own start: timers armed on one kernel thread
 * and checked on another fired out of order there, so Deno takes the time origin too.
 */
function monotonicNs(): bigint {
  const p = (globalThis as { process?: { hrtime?: { bigint(): bigint } } }).process;
  if (p?.hrtime && !('Deno' in globalThis)) return p.hrtime.bigint();
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

function layout(limits: HostLimits): { sync: number; threads: number; tls: number; timers: number; workers: number; blocks: number; end: number } {
  let at = HEADER_WORDS;
  const take = (words: number): number => {
    const start = at;
    at += words + (words % 2); // keep every region 8-byte aligned
    return start;
  };
  const sync = take(limits.syncObjects * SYNC_WORDS);
  const threads = take(limits.threads * THREAD_WORDS);
  const tls = take(limits.tlsKeys * TLS_WORDS);
  const timers = take(limits.timers * TIMER_WORDS);
  const workers = take(limits.workers * WORKER_WORDS);
  const blocks = take(limits.poolBlocks * BLOCK_WORDS);
  return { sync, threads, tls, timers, workers, blocks, end: at };
}
