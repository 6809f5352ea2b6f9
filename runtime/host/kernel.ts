// runtime/host/: the booted kernel as runtime/boot.ts hands it out: syscalls and taskmgmt on
// the calling (boot) thread, buffers and strings in linear memory, the log, host counters and
// halt(). A trap or a halt inside a call becomes a KernelError carrying the fault and where.

import type { WorkerHandle } from '../threads/worker-adapter.js';
import type { HostThread } from './host-thread.js';
import type { KernelInstance } from './kernel-instance.js';
import { KernelBase } from './kernel-base.js';
import type { SharedLog } from './log.js';
import {
  H_LIVE_WORKERS, HALT_FAULT, HALT_PANIC, HALT_REQUESTED, HostState,
} from './state.js';
import { KernelHalted, ThreadExit } from './unwind.js';
import { haltText } from './wait.js';
import type { SpawnerMessage } from './worker-protocol.js';

/** What halt() found. */
export interface HaltReport {
  /** The halt export's or the reboot syscall's result (undefined if the kernel had already stopped). */
  result: number | undefined;
  /** Kernel threads still running when the kernel had halted (they were stopped). */
  threadsStopped: number;
  /** Workers alive once everything was stopped (0 unless a worker refused to exit). */
  workersLeft: number;
}

/** Counters of the host side. */
export interface KernelStats {
  threadsCreated: number;
  /** Thread records not yet ended (running, or starting), the boot thread excluded. */
  threadsRunning: number;
  workersAlive: number;
  workersSpawned: number;
  timersFired: number;
  tlsDestructors: number;
  pool: { used: number; free: number; blocks: number };
}

/** The kernel cannot be booted as given (missing file, wrong shape): a user error, no stack. */
export class BootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootError';
  }
}

/** The kernel stopped: it panicked, a thread trapped, or a host op failed. */
export class KernelError extends Error {
  constructor(
    message: string,
    readonly reason: 'panic' | 'fault' | 'halted',
  ) {
    super(message);
    this.name = 'KernelError';
  }
}

/** A booted kernel. All calls run on this thread and may block it. */
export interface Kernel {
  readonly engine: 'w2js' | 'native';
  /** The boot instance's exports (init, syscall, and taskmgmt or halt where the kernel has them). */
  readonly exports: Record<string, unknown>;
  /** What init() returned. */
  readonly initResult: number;
  /** Milliseconds spent by bootKernel: making the boot instance and host (`prepareMs`), and in init() (`initMs`). */
  readonly timings: { prepareMs: number; initMs: number };
  /** Everything the kernel has printed. */
  readonly log: string;
  logLines(): string[];
  /** Run syscall `no` with exactly these arguments (u32 each); the result or -errno. */
  syscall(no: number, args?: readonly (number | bigint)[]): number;
  /** taskmgmt(op, arg, v0, v1) where the kernel exports it. */
  taskmgmt(op: number, arg?: number, v0?: number, v1?: number): number;
  /** A buffer in linear memory from the host's pool (as mem_alloc); throws when there is no room. */
  alloc(size: number): number;
  free(ptr: number): void;
  readBytes(ptr: number, length: number): Uint8Array;
  writeBytes(ptr: number, bytes: Uint8Array): void;
  /** A NUL-terminated UTF-8 string at `ptr` (at most `max` bytes). */
  readString(ptr: number, max?: number): string;
  /** Write `text` NUL-terminated; its byte length (without the NUL). */
  writeString(ptr: number, text: string): number;
  /** alloc + writeString. */
  allocString(text: string): number;
  readU32(ptr: number): number;
  writeU32(ptr: number, value: number): void;
  stats(): KernelStats;
  /** Stop the kernel (its halt export, else the reboot syscall), then every thread; idempotent. */
  halt(): Promise<HaltReport>;
  readonly halted: boolean;
}

const NR_REBOOT = 142;
const LINUX_REBOOT_MAGIC1 = 0xfee1dead;
const LINUX_REBOOT_MAGIC2 = 672274793;
const LINUX_REBOOT_CMD_RESTART = 0x01234567; // what LKL's lkl_sys_halt asks for
const ARG_SLOTS = 16;

/** The Kernel of runtime/boot.ts. */
export class BootedKernel extends KernelBase implements Kernel {
  initResult = 0;
  timings = { prepareMs: 0, initMs: 0 };
  private readonly argPtr: number;
  private syscallFn: ((...args: number[]) => unknown) | undefined;

  constructor(
    readonly engine: 'w2js' | 'native',
    state: HostState,
    protected override readonly shared: SharedLog,
    private readonly boot: HostThread,
    private readonly instance: KernelInstance,
    private readonly spawner: { handle: WorkerHandle; stopped: Promise<SpawnerMessage> },
  ) {
    super(state, shared);
    this.argPtr = this.alloc(ARG_SLOTS * 4);
  }

  get exports(): Record<string, unknown> {
    return this.instance.exports;
  }

  init(): void {
    this.initResult = this.enter('init()', () => this.fn('init')()) as number;
  }

  syscall(no: number, args: readonly (number | bigint)[] = []): number {
    if (args.length > ARG_SLOTS) throw new RangeError(`syscall: at most ${ARG_SLOTS} arguments`);
    // The hot path of every syscall: one cached view, no closure, the description made only on failure.
    const at = this.argPtr;
    const v = this.boot.mem(at, 4 * args.length);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      v.setUint32(at + 4 * i, typeof a === 'bigint' ? Number(BigInt.asUintN(32, a)) : a >>> 0, true);
    }
    const syscall = this.syscallFn ?? (this.syscallFn = this.fn('syscall'));
    if (this.state.halted !== 0) throw this.stoppedError(this.state.halted, `syscall ${no}`);
    try {
      return (syscall(no, args.length, at) as number) | 0;
    } catch (e) {
      throw this.failed(e, `syscall ${no}`);
    }
  }

  taskmgmt(op: number, arg = 0, v0 = 0, v1 = 0): number {
    return (this.enter(`taskmgmt(${op})`, () => this.fn('taskmgmt')(op, arg, v0, v1)) as number) | 0;
  }

  private fn(name: string): (...args: number[]) => unknown {
    const f = this.instance.exportFn(name);
    if (!f) throw new Error(`the kernel does not export ${name}()`);
    return f;
  }

  /** Call into the kernel on this thread; a trap or a halt becomes a KernelError. */
  private enter(what: string, call: () => unknown): unknown {
    const reason = this.state.halted;
    if (reason !== 0) throw this.stoppedError(reason, what);
    try {
      return call();
    } catch (e) {
      throw this.failed(e, what);
    }
  }

  /** The KernelError for `e`, thrown by a call into the kernel (`what`); faults stop the kernel. */
  private failed(e: unknown, what: string): KernelError {
    if (e instanceof KernelHalted) return this.stoppedError(e.reason, what);
    if (e instanceof ThreadExit) this.boot.fault(new Error(`thread_exit called on the boot thread during ${what}`));
    else this.boot.fault(e);
    return this.stoppedError(this.state.halted, what);
  }

  private stoppedError(reason: number, what: string): KernelError {
    const text = haltText(this.state, reason);
    if (reason === HALT_PANIC) {
      const tail = this.logLines().slice(-8).join('\n');
      return new KernelError(`${what}: ${text}\n--- last kernel log lines ---\n${tail}`, 'panic');
    }
    if (reason === HALT_FAULT) return new KernelError(`${what}: ${text}`, 'fault');
    return new KernelError(`${what}: ${text}`, 'halted');
  }

  // ---- linear memory (kernel-base.ts) ----

  protected memoryBuffer(): ArrayBufferLike {
    return this.instance.memory.buffer;
  }

  protected hostPool() {
    return this.boot.pool;
  }

  protected wordView(ptr: number): DataView {
    return this.boot.mem(ptr, 4);
  }

  // ---- state ----

  protected async stop(): Promise<HaltReport> {
    let result: number | undefined;
    let failure: unknown;
    let threadsStopped = 0;
    if (this.state.halted === 0) {
      try {
        result = typeof this.instance.exports.halt === 'function'
          ? (this.enter('halt()', () => this.fn('halt')()) as number | undefined)
          : this.syscall(NR_REBOOT, [LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_RESTART, 0]);
      } catch (e) {
        failure = e;
      }
      // Threads the kernel ended themselves (timer threads after timer_free) finish within moments.
      for (let waited = 0; waited < 500 && this.state.runningThreads() > 0 && this.state.halted === 0; waited += 5) await sleep(5);
      threadsStopped = this.state.runningThreads();
      this.state.halt(HALT_REQUESTED);
    }
    const stopped = await this.spawner.stopped;
    await this.spawner.handle.terminate();
    if (failure) throw failure;
    const workersLeft = stopped.type === 'stopped' && stopped.workersLeft >= 0 ? stopped.workersLeft : Atomics.load(this.state.i32, H_LIVE_WORKERS);
    return { result, threadsStopped, workersLeft };
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
