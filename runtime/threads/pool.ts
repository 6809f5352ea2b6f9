// runtime/threads/: ThreadPool, the main-thread side of threads. spawn() gives each thread its
// own worker running worker-main.ts, its own stack, and a handle to join it; terminateAll()
// stops every worker so none outlives the program. See README.md in this directory.

import type { Memory } from '../memory.js';
import type { ThreadEntry, ThreadFailure, ThreadStart, WorkerMessage } from './protocol.js';
import { checkStack, initialStackPointer, RegionStackAllocator, type StackAllocator, type StackRegion } from './stack.js';
import { defaultWorkerAdapter, type WorkerAdapter, type WorkerHandle } from './worker-adapter.js';

export interface ThreadPoolOptions {
  /** The compiled module's `index.js` (absolute URL, file URL or absolute path). */
  moduleUrl: string | URL;
  /** The shared memory every thread uses (a runtime Memory with `shared: true`). */
  memory: Memory;
  /** A module whose default export builds a worker's imports: `async (ctx) => imports`. */
  importsUrl?: string | URL;
  /** Structured-cloneable data handed to the imports factory as `ctx.data`. */
  importsData?: unknown;
  /** Where thread stacks come from: an allocator, or a region of linear memory to carve them from. */
  stacks?: StackAllocator | StackRegion;
  /** Bytes per thread stack (default 64 KiB). */
  stackSize?: number;
  /** Messages a worker sends with `ctx.post(message)`. */
  onMessage?: (message: unknown, thread: Thread) => void;
  /** How workers are made (default: Node's worker_threads). */
  adapter?: WorkerAdapter;
  /** Let the program exit while threads still run (Node's `unref`); default false. */
  unref?: boolean;
  /** Passed to each worker (Node: `{ stackSizeMb }` etc.). */
  resourceLimits?: Record<string, number>;
}

export interface SpawnOptions {
  /** This thread's stack instead of one from the pool's allocator; null: leave __stack_pointer alone. */
  stack?: StackRegion | null;
  /** Worker name (debuggers show it). */
  name?: string;
}

/** How a thread ended: its result, or the trap or error that stopped it. */
export type ThreadOutcome = { ok: true; value: unknown } | ({ ok: false } & ThreadFailure);

/** A thread's trap or error, as `join()` rethrows it: `name` and `message` are the original's. */
export class ThreadError extends Error {
  constructor(
    readonly threadId: number,
    failure: ThreadFailure,
  ) {
    super(failure.message);
    this.name = failure.name;
    if (failure.stack) this.stack = failure.stack;
  }
}

const WORKER_SCRIPT = new URL('./worker-main.js', import.meta.url);
const DEFAULT_STACK_SIZE = 64 * 1024;

function toUrl(value: string | URL): string {
  if (value instanceof URL) return value.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value)) return value;
  // An absolute file path (POSIX or Windows).
  const path = value.replace(/\\/g, '/');
  return new URL(`file://${path.startsWith('/') ? '' : '/'}${encodeURI(path)}`).href;
}

function isAllocator(s: StackAllocator | StackRegion): s is StackAllocator {
  return typeof (s as StackAllocator).allocate === 'function';
}

/** One spawned thread. */
export class Thread {
  /** Resolves once the worker has instantiated, with its stack pointer (null if it has none). */
  readonly started: Promise<{ stackPointer: number | null }>;
  /** Never rejects: the result, or the trap. */
  readonly outcome: Promise<ThreadOutcome>;
  /** Resolves once the worker has exited and the stack is released. */
  readonly exited: Promise<void>;
  /** @internal */
  handle: WorkerHandle | null = null;
  /** @internal */
  terminateRequested = false;
  /** @internal The worker's report, kept from its arrival until the outcome settles. */
  reported: ThreadOutcome | null = null;
  /** @internal */ settle!: (o: ThreadOutcome) => void;
  /** @internal */ ready!: (v: { stackPointer: number | null }) => void;
  /** @internal */ notReady!: (e: unknown) => void;
  /** @internal */ markExited!: () => void;

  constructor(readonly id: number) {
    this.outcome = new Promise((resolve) => (this.settle = resolve));
    this.started = new Promise((resolve, reject) => {
      this.ready = resolve;
      this.notReady = reject;
    });
    this.started.catch(() => undefined); // a failure is reported by outcome/join
    this.exited = new Promise((resolve) => (this.markExited = resolve));
  }

  /** The function's result (JS API value); rejects with ThreadError on a trap or error. */
  async join(): Promise<unknown> {
    const o = await this.outcome;
    if (o.ok) return o.value;
    throw new ThreadError(this.id, o);
  }

  /** Stop the thread now, even inside an Atomics.wait; resolves once its worker has exited. */
  async terminate(): Promise<void> {
    this.terminateRequested = true;
    if (!this.reported) this.settle({ ok: false, name: 'ThreadTerminated', message: `thread ${this.id} was terminated` });
    if (this.handle) await this.handle.terminate();
    await this.exited;
  }
}

/** Runs wasm functions on threads: one worker per thread, all sharing one memory. */
export class ThreadPool {
  private readonly options: ThreadPoolOptions;
  private readonly adapter: WorkerAdapter;
  private readonly allocator: StackAllocator | null;
  private readonly live = new Set<Thread>();
  private nextId = 1;
  private closed = false;

  constructor(options: ThreadPoolOptions) {
    if (!options.memory.shared) throw new TypeError('ThreadPool: the memory must be shared');
    if (options.memory.plain) throw new TypeError('ThreadPool: the memory is backed by a plain ArrayBuffer (no SharedArrayBuffer here): only one JS thread can use it');
    this.options = options;
    this.adapter = options.adapter ?? defaultWorkerAdapter();
    const stacks = options.stacks;
    this.allocator = stacks === undefined ? null : isAllocator(stacks) ? stacks : new RegionStackAllocator(stacks);
  }

  get memory(): Memory {
    return this.options.memory;
  }

  /** Threads whose worker has not exited yet. */
  get liveWorkers(): number {
    return this.live.size;
  }

  /** Start a thread running `entry(...args)`; `args` is one argument or a list (JS API values). */
  spawn(entry: ThreadEntry, args: unknown = [], options: SpawnOptions = {}): Thread {
    if (this.closed) throw new Error('ThreadPool: terminateAll() has been called');
    const thread = new Thread(this.nextId++);
    this.live.add(thread);
    void this.start(thread, entry, Array.isArray(args) ? args : [args], options);
    return thread;
  }

  private async start(thread: Thread, entry: ThreadEntry, args: unknown[], options: SpawnOptions): Promise<void> {
    const o = this.options;
    let stack: StackRegion | null = null;
    let owned = false;
    const fail = (e: unknown): void => {
      const err = e instanceof Error ? e : new Error(String(e));
      thread.settle({ ok: false, name: err.name, message: err.message, stack: err.stack });
      thread.notReady(err);
    };
    try {
      if (options.stack !== undefined) {
        stack = options.stack === null ? null : checkStack(options.stack);
      } else if (this.allocator) {
        stack = checkStack(await this.allocator.allocate(o.stackSize ?? DEFAULT_STACK_SIZE, thread.id));
        owned = true;
      }
      const memory = o.memory;
      const data: ThreadStart = {
        threadId: thread.id,
        moduleUrl: toUrl(o.moduleUrl),
        importsUrl: o.importsUrl === undefined ? null : toUrl(o.importsUrl),
        importsData: o.importsData,
        memory: { buffer: memory.buffer as SharedArrayBuffer, maximum: memory.maximum! },
        entry,
        args,
        stack: stack && { ...stack, stackPointer: initialStackPointer(stack) },
        stackMissing: options.stack === undefined && !this.allocator,
      };
      if (this.closed || thread.terminateRequested) throw new Error(`thread ${thread.id} was terminated before it started`);
      const handle = await this.adapter.spawn(WORKER_SCRIPT, data, { name: options.name ?? `w2js thread ${thread.id}`, resourceLimits: o.resourceLimits });
      thread.handle = handle;
      handle.keepAlive(!o.unref);
      const release = this.releaser(thread, owned ? stack : null);
      handle.onMessage((m) => void this.receive(thread, m as WorkerMessage, release));
      handle.onError((e) => {
        if (!thread.reported) fail(e);
      });
      handle.onExit((code) => {
        if (!thread.reported) fail(new Error(`thread ${thread.id}: worker exited (code ${code}) before reporting a result`));
        void release().finally(() => this.finish(thread));
      });
      // terminateAll() may have run while the worker was being created.
      if (this.closed || thread.terminateRequested) await handle.terminate();
    } catch (e) {
      fail(e);
      if (!thread.handle) {
        await this.releaser(thread, owned ? stack : null)();
        this.finish(thread);
      }
    }
  }

  /** Releases `stack` once, however many times it is called. */
  private releaser(thread: Thread, stack: StackRegion | null): () => Promise<void> {
    let done: Promise<void> | null = null;
    return () => (done ??= stack ? Promise.resolve(this.allocator!.release(stack, thread.id)) : Promise.resolve());
  }

  // The stack is free as soon as the entry function has returned or unwound (result or
  // failure), so it is released before join() resolves; a terminated thread's only at exit.
  private async receive(thread: Thread, m: WorkerMessage, release: () => Promise<void>): Promise<void> {
    switch (m.type) {
      case 'ready':
        thread.ready({ stackPointer: m.stackPointer });
        break;
      case 'post':
        this.options.onMessage?.(m.message, thread);
        break;
      case 'result':
      case 'failure': {
        const outcome: ThreadOutcome = m.type === 'result' ? { ok: true, value: m.value } : { ok: false, ...m.error };
        thread.reported = outcome;
        if (m.type === 'failure') thread.notReady(new ThreadError(thread.id, m.error));
        void thread.handle?.terminate(); // done: do not wait for its event loop to drain
        try {
          await release();
          thread.settle(outcome);
        } catch (e) {
          const err = e instanceof Error ? e : new Error(String(e));
          thread.settle({ ok: false, name: err.name, message: `thread ${thread.id}: releasing its stack failed: ${err.message}`, stack: err.stack });
        }
        break;
      }
    }
  }

  private finish(thread: Thread): void {
    if (this.live.delete(thread)) thread.markExited();
  }

  /** Stop every thread (even those blocked in a wait) and refuse new ones; resolves when all workers have exited. */
  async terminateAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.live].map((t) => t.terminate()));
  }
}
