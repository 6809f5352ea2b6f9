// runtime/host/: a kernel of the WasmLinux host ABI booted on one JS thread, with no workers:
// every kernel thread is a green thread (green-thread.ts, green-scheduler.ts) of a kernel
// compiled with `w2js compile --asyncify`. The host ops and the host state are the threaded
// host's; only blocking, thread creation and timers differ. No Node modules here (a browser
// page boots this way too); single-thread-node.ts is the Node entry (`w2js boot --single-thread`).
//
// syscall() runs the scheduler synchronously until the call returns, sleeping for timers
// with `sleepSync` where the host allows blocking (Node); syscallAsync() and init() wait for
// timers on the event loop instead.

import { getMayBlock, setMayBlock } from '../atomics.js';
import { INSTANTIATE_OPTIONS, getStackPointer, type InstantiateOptions } from '../instance-thread.js';
import type { Instance } from '../instantiate.js';
import { Deadlock, GreenScheduler } from './green-scheduler.js';
import type { GreenThread, ThreadBody, Wait } from './green-thread.js';
import { is_gen } from '../generators.js';
import { BootError, KernelError, type HaltReport, type Kernel } from './kernel.js';
import { KernelBase } from './kernel-base.js';
import type { SharedLog } from './log.js';
import type { MemoryLike } from './memory-pool.js';
import {
  DEFAULT_LIMITS, HALT_FAULT, HALT_PANIC, HALT_REQUESTED, HostState, KIND_BOOT, type HostLimits,
} from './state.js';
import { claimThread, markRunning } from './threads.js';
import { KernelHalted, ThreadExit } from './unwind.js';
import { haltText } from './wait.js';

/** A compiled kernel's index.js (compiled with --asyncify), as imported. */
export interface CompiledKernelModule {
  instantiate(imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
  Memory: new (d: { initial: number; maximum: number; shared: boolean; plain?: boolean }) => MemoryLike & { plain?: boolean; onMove?: () => void };
}

/** What the host needs to know of the kernel binary (runtime/host/wasm-info.ts's KernelWasmInfo has it). */
export interface KernelShape {
  memory: { min: number; max: number | null; import: { module: string; name: string } | null };
  heapBaseValue?: number;
}

export interface SingleThreadOptions {
  /** Bytes of linear memory per kernel thread's stack (default 256 KiB, as the threaded host). */
  stackSize?: number;
  /** Bytes of each thread's asyncify buffer: its wasm frames while it is suspended (default 64 KiB). */
  asyncifyDataSize?: number;
  /** Bytes of log kept (default 4 MiB). */
  logCapacity?: number;
  limits?: Partial<HostLimits>;
  /** Called with each print of the kernel as it happens (live output). */
  onPrint?: (bytes: Uint8Array) => void;
  /**
   * Keep linear memory and the host state in plain ArrayBuffers (a page that is not cross-origin
   * isolated has no SharedArrayBuffer). Default: only where SharedArrayBuffer is missing.
   */
  plainBuffers?: boolean;
  /** Block the JS thread for `ms` (Node: Atomics.wait): lets syscall() wait for a timer synchronously. */
  sleepSync?: (ms: number) => void;
  /**
   * The kernel was compiled with --generators instead of --asyncify (compiler/asyncify/generators.ts):
   * its blocking functions are generators, driven by the scheduler (green-thread.ts).
   */
  generators?: boolean;
}

/** A Kernel whose calls may also be awaited, letting the event loop run while the kernel waits for timers. */
export interface SingleThreadKernel extends Kernel {
  syscallAsync(no: number, args?: readonly (number | bigint)[]): Promise<number>;
}

const ARG_SLOTS = 16;
const NR_REBOOT = 142;
const REBOOT_ARGS = [0xfee1dead, 672274793, 0x01234567, 0]; // LINUX_REBOOT_CMD_RESTART, as lkl_sys_halt
/** The async driver lets the event loop run at least this often (ms) while threads keep running. */
const SLICE_MS = 50;

/** The kernel log, in this thread's memory (as log.ts's SharedLog, without the SharedArrayBuffer). */
class GreenLog {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  dropped = 0;

  constructor(
    private readonly capacity: number,
    private readonly onPrint: ((bytes: Uint8Array) => void) | undefined,
  ) {}

  append(bytes: Uint8Array): void {
    const room = Math.max(0, Math.min(bytes.length, this.capacity - this.size));
    if (room > 0) this.chunks.push(room === bytes.length ? bytes : bytes.subarray(0, room));
    this.size += room;
    this.dropped += bytes.length - room;
    this.onPrint?.(bytes);
  }

  text(): string {
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    return new TextDecoder().decode(all);
  }
}

/** Instantiate `mod` and run its init() with every kernel thread as a green thread. */
export async function bootSingleThreadKernel(mod: CompiledKernelModule, shape: KernelShape, options: SingleThreadOptions = {}): Promise<SingleThreadKernel> {
  const t0 = performance.now();
  if (shape.memory.max === null) throw new BootError('the kernel\'s memory has no maximum');
  const plain = options.plainBuffers ?? typeof SharedArrayBuffer !== 'function';
  const state = HostState.create({ ...DEFAULT_LIMITS, ...options.limits }, options.stackSize ?? 256 * 1024, plain);
  const log = new GreenLog(options.logCapacity ?? 4 << 20, options.onPrint);
  // Shared, as the module declares it: its atomic waits check for a shared memory (a green
  // thread's never block: the kernel blocks through host ops). `plain`: backed by an ArrayBuffer.
  const memory = new mod.Memory({ initial: shape.memory.min, maximum: shape.memory.max, shared: true, plain });
  if (plain && memory.plain !== true) throw new BootError('the compiled kernel\'s runtime cannot back a shared memory by a plain ArrayBuffer (compiled by an older w2js?)');
  let scheduler: GreenScheduler | undefined;
  const nccc = (input: number, output: number): unknown => scheduler!.nccc(input, output);
  const found: { inst?: Instance } = {};
  const instantiateOptions: InstantiateOptions = { memories: shape.memory.import ? undefined : [memory as never], onInstance: (i) => void (found.inst = i) };
  // Generator mode: the import's result (a generator, when the op suspends) must reach the kernel's
  // frames, which a host function's wrapper would drop (its type returns nothing): the import is
  // given as a function reference (runtime/funcref.ts's shape), called directly by generated code.
  const ncccImport = options.generators
    ? Object.assign((input: number, output: number) => void nccc(input, output), { wasmCode: (_inst: unknown, input: number, output: number) => nccc(input, output), wasmInst: null, wasmType: 'i32,i32->', wasmDirect: nccc })
    : nccc;
  const imports: Record<string | symbol, unknown> = { env: { nccc_call64: ncccImport }, [INSTANTIATE_OPTIONS]: instantiateOptions };
  if (shape.memory.import) ((imports[shape.memory.import.module] ??= {}) as Record<string, unknown>)[shape.memory.import.name] = memory;
  const { instance } = await mod.instantiate(imports);
  const exports = instance.exports;
  const generators = options.generators === true;
  if (generators && typeof exports.asyncify_start_unwind === 'function') throw new BootError('the kernel was compiled with --asyncify, not --generators');
  if (!generators && typeof exports.asyncify_start_unwind !== 'function') throw new BootError('the kernel was not compiled with --asyncify: it cannot run its threads on one JS thread');
  const table = (exports.__indirect_function_table ?? Object.values(exports).find((v) => typeof v === 'object' && v !== null && typeof (v as { get?: unknown }).get === 'function')) as { get(i: number): unknown } | undefined;
  if (!table) throw new BootError('the kernel exports no function table (link with --export-table)');
  // The internal instance, not the exports: the compiled kernel may carry its own copy of the
  // runtime, whose registry of instances this copy cannot see.
  const root = found.inst;
  if (!root) throw new BootError('the compiled kernel did not report its instance (compiled by an older w2js?)');
  scheduler = new GreenScheduler(state, log as unknown as SharedLog, root, memory, table, { asyncifyDataSize: options.asyncifyDataSize ?? 64 * 1024, generators });
  if (plain) memory.onMove = () => scheduler!.forgetViews();

  const slot = claimThread(state, KIND_BOOT, 0, 0, { base: 0, size: 0 });
  markRunning(state, slot, -1);
  const heapBase = heapBaseOf(exports, root) ?? shape.heapBaseValue ?? memory.buffer.byteLength;
  const boot = scheduler.makeThread(slot, getStackPointer(root) ?? 0, (size, host) => {
    host.pool.init(heapBase);
    return host.pool.alloc(size);
  });
  boot.boot = true;
  const kernel = new GreenKernel(state, log, scheduler, boot, options.sleepSync);
  const t1 = performance.now();
  kernel.timings.prepareMs = t1 - t0;
  try {
    kernel.initResult = await kernel.callAsync('init()', () => boot.callExport('init'));
  } catch (e) {
    await kernel.halt().catch(() => undefined);
    throw e;
  }
  kernel.timings.initMs = performance.now() - t1;
  return kernel;
}

function heapBaseOf(exports: Record<string, unknown>, inst: Instance | undefined): number | undefined {
  const exported = exports.__heap_base as { value?: number } | undefined;
  if (exported && typeof exported.value === 'number') return exported.value;
  if (!inst) return undefined;
  const i = inst.module.globalProps.findIndex((p) => /^\$__heap_base(\$\$\d+)?$/.test(p));
  if (i < 0) return undefined;
  const v = inst[inst.module.globalProps[i]!];
  return (inst.module.globalCells[i] ? (v as { v: number }).v : v) as number;
}

class GreenKernel extends KernelBase implements SingleThreadKernel {
  readonly engine = 'w2js' as const;
  initResult = 0;
  timings = { prepareMs: 0, initMs: 0 };
  private argPtr = 0;

  constructor(
    state: HostState,
    protected override readonly shared: GreenLog,
    private readonly scheduler: GreenScheduler,
    private readonly boot: GreenThread,
    private readonly sleepSync: ((ms: number) => void) | undefined,
  ) {
    super(state, shared);
  }

  get exports(): Record<string, unknown> {
    return this.boot.instance.exports;
  }

  // ---- calls into the kernel: a body for the boot thread, run by the scheduler until it ends ----

  private begin(what: string, entry: () => number): void {
    if (this.state.halted !== 0) throw this.stoppedError(this.state.halted, what);
    if (this.boot.body) throw new Error(`${what}: another call into the kernel is still running`);
    this.boot.failure = undefined;
    this.scheduler.start(this.boot, this.boot.callKernel(entry) as ThreadBody);
  }

  private end(what: string): number {
    const failure = this.boot.failure;
    if (failure !== undefined) throw this.failed(failure, what);
    if (this.boot.body) throw this.stoppedError(this.state.halted, what); // another thread stopped the kernel
    return this.boot.result as number;
  }

  /** Run `entry` on the boot thread, waiting for timers on the event loop. */
  async callAsync(what: string, entry: () => number): Promise<number> {
    this.begin(what, entry);
    let sliceStart = performance.now();
    while (this.boot.body && this.state.halted === 0) {
      const next = this.step(what);
      if (next === 0) {
        if (performance.now() - sliceStart > SLICE_MS) {
          await sleep(0);
          sliceStart = performance.now();
        }
        continue;
      }
      await sleep(next - performance.now());
      sliceStart = performance.now();
    }
    return this.end(what);
  }

  /** Run `entry` on the boot thread without returning to the event loop. */
  callSync(what: string, entry: () => number, unwound?: number): number {
    // Fast path: most calls never block; only one that suspends needs the scheduler.
    let result = unwound;
    if (result === undefined) {
      result = this.tryDirect(what, entry);
      if (!this.boot.pending(result)) return result;
    }
    this.scheduler.start(this.boot, this.boot.continueKernel(entry, result) as ThreadBody);
    while (this.boot.body && this.state.halted === 0) {
      const next = this.step(what);
      if (next === 0) continue;
      if (!this.sleepSync) {
        this.boot.host.fault(new Error(`${what} waits for a timer, and this thread cannot block: use syscallAsync()`));
        break;
      }
      this.sleepSync(Math.max(0, next - performance.now()));
    }
    return this.end(what);
  }

  /** Call `entry(...args)` on the boot thread directly; if it suspended (boot.unwinding), the scheduler goes on with it. */
  private tryDirect(call: string | number, entry: (...args: number[]) => unknown, ...args: number[]): number {
    if (this.state.halted !== 0) throw this.stoppedError(this.state.halted, describe(call));
    if (this.boot.body) throw new Error(`${describe(call)}: another call into the kernel is still running`);
    this.boot.failure = undefined;
    try {
      return this.scheduler.runAs(this.boot, entry, ...args) as number;
    } catch (e) {
      throw this.failed(e, describe(call));
    }
  }

  /** One scheduler step; a deadlock stops the kernel (a fault). */
  private step(what: string): number {
    const next = this.scheduler.step();
    if (next === Infinity) {
      const blocked = this.scheduler.threads.map((t) => `tid ${t.host.tid}`).join(', ');
      this.boot.host.fault(new Deadlock(`during ${what}; blocked: ${blocked}`));
    }
    return next;
  }

  private args(args: readonly (number | bigint)[]): number {
    if (args.length > ARG_SLOTS) throw new RangeError(`syscall: at most ${ARG_SLOTS} arguments`);
    if (!this.argPtr) this.argPtr = this.alloc(ARG_SLOTS * 4);
    const at = this.argPtr;
    const v = this.boot.host.mem(at, 4 * ARG_SLOTS);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      v.setUint32(at + 4 * i, typeof a === 'bigint' ? Number(BigInt.asUintN(32, a)) : a >>> 0, true);
    }
    return at;
  }

  private syscallCode: ((no: number, n: number, at: number) => number) | undefined;

  syscall(no: number, args: readonly (number | bigint)[] = []): number {
    const at = this.args(args);
    const code = (this.syscallCode ??= this.boot.exportCode3('syscall'));
    // The hot path: a direct call when it does not block, the description made only on failure.
    const n = args.length;
    // The hot path, as tryDirect but with no rest arguments or closures.
    if (this.state.halted !== 0 || this.boot.body) return this.tryDirect(no, code, no, n, at);
    const scheduler = this.scheduler;
    const mayBlock = getMayBlock();
    setMayBlock(false);
    scheduler.current = this.boot;
    let result: number;
    try {
      result = code(no, n, at) as number;
      // Generator mode: the syscall export is a generator; run it here, and only one that
      // suspends goes to the scheduler (from where it stopped).
      if (is_gen(result)) result = this.boot.startGen(result as unknown as Generator<Wait, unknown, void>);
    } catch (e) {
      throw this.failed(e, `syscall ${no}`);
    } finally {
      scheduler.current = null;
      setMayBlock(mayBlock);
    }
    if (!this.boot.pending(result)) return result;
    return this.callSync(`syscall ${no}`, () => code(no, n, at) as number, result);
  }

  syscallAsync(no: number, args: readonly (number | bigint)[] = []): Promise<number> {
    const at = this.args(args);
    return this.callAsync(`syscall ${no}`, () => this.boot.callExport('syscall', no, args.length, at));
  }

  taskmgmt(op: number, arg = 0, v0 = 0, v1 = 0): number {
    return this.callSync(`taskmgmt(${op})`, () => this.boot.callExport('taskmgmt', op, arg, v0, v1));
  }

  /** The KernelError for `e`, thrown by a call into the kernel (`what`); faults stop the kernel. */
  private failed(e: unknown, what: string): KernelError {
    if (e instanceof KernelHalted) return this.stoppedError(e.reason, what);
    if (e instanceof ThreadExit) this.boot.host.fault(new Error(`thread_exit called on the boot thread during ${what}`));
    else this.boot.host.fault(e);
    return this.stoppedError(this.state.halted, what);
  }

  private stoppedError(reason: number, what: string): KernelError {
    const text = haltText(this.state, reason);
    if (reason === HALT_PANIC) {
      const tail = this.logLines().slice(-8).join('\n');
      return new KernelError(`${what}: ${text}\n--- last kernel log lines ---\n${tail}`, 'panic');
    }
    return new KernelError(`${what}: ${text}`, reason === HALT_FAULT ? 'fault' : 'halted');
  }

  // ---- linear memory (kernel-base.ts) ----

  protected memoryBuffer(): ArrayBufferLike {
    return this.boot.host.instance.memory.buffer;
  }

  protected hostPool() {
    return this.boot.host.pool;
  }

  protected wordView(ptr: number): DataView {
    this.view(ptr, 4);
    return this.boot.host.mem(ptr, 4);
  }

  // ---- state ----

  protected async stop(): Promise<HaltReport> {
    let result: number | undefined;
    let failure: unknown;
    let threadsStopped = 0;
    if (this.state.halted === 0 && !this.boot.body) {
      try {
        result = typeof this.exports.halt === 'function'
          ? await this.callAsync('halt()', () => this.boot.callExport('halt'))
          : await this.syscallAsync(NR_REBOOT, REBOOT_ARGS);
      } catch (e) {
        failure = e;
      }
      // Threads the kernel ended themselves (timer threads after timer_free) finish within moments.
      const until = performance.now() + 500;
      while (this.state.halted === 0 && this.scheduler.threads.length > 0) {
        const next = this.scheduler.step();
        if (next === 0) continue;
        if (next > until) break;
        await sleep(next - performance.now());
      }
      threadsStopped = this.state.runningThreads();
    }
    this.state.halt(HALT_REQUESTED);
    this.scheduler.threads.length = 0; // the rest never run again
    if (failure) throw failure;
    return { result, threadsStopped, workersLeft: 0 };
  }
}

/** A syscall number, or a call's description. */
const describe = (call: string | number): string => (typeof call === 'number' ? `syscall ${call}` : call);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
