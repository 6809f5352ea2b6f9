// runtime/host/: one kernel thread as a green thread on the single JS thread (single-thread.ts).
// It is an instance of the kernel that shares memory and table with every other and has its own
// globals: its own __stack_pointer and Binaryen's asyncify state, with its own asyncify data
// buffer in linear memory. A blocking host op suspends it by unwinding its wasm stack into that
// buffer (asyncify_start_unwind; the op's nccc_call64 returns and every instrumented frame saves
// itself and returns); resuming it calls the same entry again in rewind state, which replays the
// frames down to that nccc_call64, which then completes the op (`compiler/asyncify/`).
//
// JS frames between wasm frames cannot be unwound by asyncify, so each is made replayable:
// the thread's top-level calls are generator steps (callKernel), and jmp_buf_set, the one host
// op that calls back into the kernel, records its frame when unwound and re-enters it on rewind.
//
// Generator mode (`generators`: a kernel compiled with --generators, compiler/asyncify/generators.ts):
// no asyncify. Every function that may block is a generator, so a call into the kernel may return
// one; callKernel drives it with yield*. A blocking op that cannot complete returns its Wait from
// suspend(), and the scheduler's nccc_call64 turns it into a generator that yields the Wait and
// then runs the op again (GreenScheduler.nccc): the kernel's frames stay suspended in between.

import { createThreadInstance, type ThreadInstance } from '../instance-thread.js';
import type { FuncRef } from '../funcref.js';
import type { HostThread } from './host-thread.js';
import { JmpTokens } from './unwind.js';
import { is_gen } from '../generators.js';

/** What a suspended thread waits for: `ready()` turning true, or the `deadline` (performance.now() ms). */
export interface Wait {
  ready(): boolean;
  deadline?: number;
}

/** A thread's body: yields a Wait each time it suspends; returns when the thread is done. */
export type ThreadBody = Generator<Wait, unknown, void>;

type Code = (...args: number[]) => unknown;

/** Binaryen's asyncify exports (compiler/asyncify/asyncify.ts). */
interface AsyncifyControl {
  startUnwind: Code;
  stopUnwind: Code;
  startRewind: Code;
  stopRewind: Code;
}

/** Bytes of the asyncify data buffer header: [current, end] (Binaryen's layout). */
const DATA_HEADER = 8;

export class GreenThread {
  /** What it waits for; null when runnable (the scheduler's). */
  wait: Wait | null = null;
  /** What the blocking op that unwound this thread waits for, until callKernel yields it. */
  private suspendedOn: Wait | null = null;
  /** The running body; null when the thread has nothing to run (the boot thread between calls). */
  body: ThreadBody | null = null;
  /** The boot thread: its calls' results and failures go to the caller (single-thread.ts), not to the fault text. */
  boot = false;
  /** host-ops.ts's nccc_call64 for this thread: every op that neither blocks nor creates threads. */
  hostOps: (input: number, output: number) => void = () => {
    throw new Error('internal error: a green thread without host ops');
  };
  /** The last body's return value, or what it threw. */
  result: unknown;
  failure: unknown;
  /** Set by a blocking op that started unwinding; cleared once the stack is unwound. */
  unwinding = false;
  /** Set while the stack is being rewound to the op that suspended. */
  rewinding = false;
  /** Tokens of this thread's jmp_buf_set frames. */
  private readonly jmpTokens = new JmpTokens();
  /** jmp_buf_set frames taken off by an unwind, innermost first: re-entered on rewind. */
  private readonly unwoundJmpFrames: { token: number; sp: number }[] = [];
  private readonly control: AsyncifyControl | undefined;

  constructor(
    readonly host: HostThread,
    readonly instance: ThreadInstance,
    private readonly table: { get(i: number): unknown },
    /** The asyncify data buffer in linear memory: DATA_HEADER bytes, then saved frames. */
    readonly dataPtr: number,
    readonly dataSize: number,
    /** Generator mode: the kernel's blocking functions are generators; no asyncify exports. */
    readonly generators = false,
  ) {
    if (generators) return;
    const direct = (name: string): Code => {
      const ref = instance.exports[name] as FuncRef | undefined;
      if (typeof ref !== 'function') throw new Error(`the kernel has no ${name} export: compile it with --asyncify`);
      return (...args: number[]) => (ref.wasmCode as Code).call(null, ref.wasmInst as never, ...args);
    };
    this.control = {
      startUnwind: direct('asyncify_start_unwind'),
      stopUnwind: direct('asyncify_stop_unwind'),
      startRewind: direct('asyncify_start_rewind'),
      stopRewind: direct('asyncify_stop_rewind'),
    };
  }

  get slot(): number {
    return this.host.slot;
  }

  /** Call table function `func` on this thread's instance (its globals); the i32 result. */
  call(func: number, ...args: number[]): number {
    let f: unknown;
    try {
      f = this.table.get(func);
    } catch {
      f = undefined;
    }
    if (typeof f !== 'function') throw new Error(`function pointer ${func} is not a function in the kernel's table`);
    const ref = f as FuncRef;
    return toI32((ref.wasmCode as Code).call(null, this.instance.inst as never, ...args));
  }

  /**
   * Whether a call into the kernel that returned `result` is not done: it unwound (asyncify), or
   * (generator mode) it returned a generator that callKernel/continueKernel must drive.
   */
  pending(result: unknown): boolean {
    return this.unwinding || is_gen(result);
  }

  /** Export `name` on this thread's instance, as a plain function (no JS API conversions). */
  exportCode(name: string): Code {
    const ref = this.instance.exports[name] as FuncRef | undefined;
    if (typeof ref !== 'function') throw new Error(`the kernel does not export ${name}()`);
    const code = ref.wasmCode as (inst: unknown, ...args: number[]) => unknown;
    const inst = ref.wasmInst;
    return (...args: number[]) => toI32(code(inst, ...args));
  }

  /** exportCode for a function of three i32 parameters, with no rest arguments (the syscall export). */
  exportCode3(name: string): (a: number, b: number, c: number) => number {
    const ref = this.instance.exports[name] as FuncRef | undefined;
    if (typeof ref !== 'function') throw new Error(`the kernel does not export ${name}()`);
    const code = ref.wasmCode as (inst: unknown, a: number, b: number, c: number) => unknown;
    const inst = ref.wasmInst;
    return (a, b, c) => toI32(code(inst, a, b, c));
  }

  /** Call export `name` on this thread's instance. */
  callExport(name: string, ...args: number[]): number {
    return this.exportCode(name)(...args) as number;
  }

  /**
   * Run `entry` (a call into the kernel) to its end, suspending as often as the kernel blocks:
   * after each unwind it yields the thread's Wait, and when resumed calls `entry` again to rewind.
   */
  *callKernel(entry: () => unknown): Generator<Wait, unknown, void> {
    return yield* this.continueKernel(entry, entry());
  }

  /**
   * Generator mode: take `gen` (a call into the kernel) to its first suspension, on the spot; its
   * result if it never suspended, else a generator that goes on from there (for continueKernel).
   */
  startGen(gen: Generator<Wait, unknown, void>): number {
    const first = gen.next();
    if (first.done) return toI32(first.value);
    return GreenThread.goOn(gen, first.value) as unknown as number;
  }

  private static *goOn(gen: Generator<Wait, unknown, void>, wait: Wait): Generator<Wait, unknown, void> {
    yield wait;
    return yield* gen;
  }

  /** callKernel after its first call of `entry` returned `result` (unwound, or done). */
  *continueKernel(entry: () => unknown, result: unknown): Generator<Wait, unknown, void> {
    if (this.generators) return is_gen(result) ? toI32(yield* result as Generator<Wait, unknown, void>) : result;
    while (this.unwinding) {
      this.stopUnwind();
      this.unwinding = false;
      const wait = this.suspendedOn;
      if (!wait) throw new Error('internal error: a green thread unwound without saying what it waits for');
      this.suspendedOn = null;
      yield wait;
      this.rewinding = true;
      this.control!.startRewind(this.dataPtr);
      result = entry();
      if (this.rewinding) throw new Error('internal error: a green thread rewound without reaching the host op that suspended it');
    }
    return result;
  }

  /** Binaryen's stop_unwind traps if the frames overflowed the buffer: say so. Records the peak use. */
  private stopUnwind(): void {
    try {
      this.control!.stopUnwind();
    } catch (e) {
      throw new Error(`a suspended kernel thread's wasm frames need more than its ${this.dataSize}-byte asyncify buffer (asyncifyDataSize): ${(e as Error).message}`);
    }
    const used = this.host.mem(this.dataPtr, 4).getUint32(this.dataPtr, true) - this.dataPtr;
    if (used > GreenThread.peakDataBytes) GreenThread.peakDataBytes = used;
  }

  /** The most asyncify buffer any green thread used so far (bench/README.md measures it). */
  static peakDataBytes = 0;

  /** In a blocking op, first: a rewind that ends at this op is finished (the op now runs for real). */
  endRewind(): void {
    if (this.rewinding) {
      this.rewinding = false;
      this.control!.stopRewind();
    }
  }

  /**
   * In a blocking op that cannot complete now: record `wait` and start unwinding. The op then
   * returns, every instrumented frame saves itself and returns, and callKernel yields `wait`.
   */
  suspend(wait: Wait): Wait | undefined {
    if (this.generators) return wait; // nccc_call64 hands it to the kernel's frames (GreenScheduler.nccc)
    this.suspendedOn = wait;
    const v = this.host.mem(this.dataPtr, DATA_HEADER);
    v.setUint32(this.dataPtr, this.dataPtr + DATA_HEADER, true);
    v.setUint32(this.dataPtr + 4, this.dataPtr + this.dataSize, true);
    this.unwinding = true;
    this.control!.startUnwind(this.dataPtr);
    return undefined;
  }

  /**
   * jmp_buf_set(jmpbuf, func) as host-thread.ts has it, made replayable: when func's frames
   * unwind (a suspension below), this frame is recorded and returns; the rewind calls
   * nccc_call64 here again, which re-enters func with the same token and stack pointer.
   */
  jmpBufSet(jmpbuf: number, func: number): void | Generator<Wait, void, void> {
    if (this.generators) return this.jmpBufSetGen(jmpbuf, func);
    let token: number;
    let sp: number;
    if (this.rewinding) {
      const frame = this.unwoundJmpFrames.pop();
      if (!frame) throw new Error('internal error: rewinding into a jmp_buf_set frame that was never unwound');
      ({ token, sp } = frame);
    } else {
      token = this.jmpTokens.next(this.slot, (t) => this.unwoundJmpFrames.some((f) => f.token === t));
      this.host.mem(jmpbuf, 4).setUint32(jmpbuf, token, true);
      sp = this.instance.getStackPointer()!;
    }
    if (this.jmpTokens.run(token, () => this.call(func))) this.instance.setStackPointer(sp);
    if (this.unwinding) this.unwoundJmpFrames.push({ token, sp });
  }

  /** jmp_buf_set in generator mode: func's frames (a generator when it may block) run inside this one. */
  private *jmpBufSetGen(jmpbuf: number, func: number): Generator<Wait, void, void> {
    const token = this.jmpTokens.next(this.slot);
    this.host.mem(jmpbuf, 4).setUint32(jmpbuf, token, true);
    const sp = this.instance.getStackPointer()!;
    if (yield* this.jmpTokens.runGen(token, () => this.call(func))) this.instance.setStackPointer(sp);
  }
}

/** A kernel thread's instance: a sibling of `root` with its own globals and stack pointer. */
export function threadInstance(root: object, stackPointer: number): ThreadInstance {
  return createThreadInstance(root, { stackPointer });
}

/** A call's i32 result; a generator (generator mode: the call may block) is passed on as it is, for callKernel. */
function toI32(r: unknown): number {
  if (is_gen(r)) return r as unknown as number;
  return typeof r === 'number' ? r | 0 : typeof r === 'bigint' ? Number(BigInt.asIntN(32, r)) : 0;
}
