// runtime/host/: the core of the threaded boot, with no Node modules: the host state and log,
// the boot thread's instance, the spawner worker, and init() on this thread (which blocks it in
// Atomics.wait: Node's main thread, or a Web Worker, never a page's main thread). boot.ts
// prepares a kernel from a file in Node and calls bootThreads; a page's boot worker calls it with
// a kernel bundled ahead (web/boot-worker.ts), its workers made by the Web Worker adapter.

import { defaultWorkerAdapter, type WorkerHandle } from '../threads/worker-adapter.js';
import { createNccc } from './host-ops.js';
import { HostThread } from './host-thread.js';
import { instantiateKernel, type KernelSpec } from './kernel-instance.js';
import { BootedKernel } from './kernel.js';
import { fdSink, SharedLog } from './log.js';
import type { MemoryLike } from './memory-pool.js';
import { DEFAULT_LIMITS, HostState, KIND_BOOT } from './state.js';
import { claimThread, markRunning, prestartWorkers, waitWorkersStarted } from './threads.js';
import type { SpawnerData, SpawnerMessage } from './worker-protocol.js';
// Types only (erased): boot.ts itself is Node's and is never loaded here.
import type { BootOptions } from './boot.js';

/** A kernel ready to instantiate on every thread. */
export interface PreparedKernel {
  engine: 'w2js' | 'native';
  spec: KernelSpec;
  /** The shared memory every thread's instance gets. */
  memory: MemoryLike;
  /** __heap_base from the binary, where the instance does not tell it. */
  heapBaseValue?: number;
}

/** The threaded boot's options: those of boot.ts's BootOptions it reads (documented there), and where its workers' scripts are. */
export interface ThreadedBootOptions extends Pick<BootOptions, 'stackSize' | 'logFd' | 'logCapacity' | 'limits' | 'sourceMaps' | 'workerStackSizeMb' | 'prestartWorkers' | 'awaitPrestart'> {
  /** The spawner's script (runtime/host/spawner.ts, built or bundled). */
  spawnerUrl: URL;
  /** The thread workers' script (runtime/host/thread-worker.ts, or a bundle that runs it), absolute. */
  threadWorkerUrl: string;
  /** performance.now() when the boot began (for timings.prepareMs). */
  startedAt?: number;
  /** Called with the log's buffer once the host exists, before init() (a page shows it as it grows). */
  onLog?: (log: SharedArrayBuffer) => void;
}

const DEFAULT_PRESTART = 4;

/** Make the host and the boot thread's instance of `kernel`, start the spawner and run init() here. */
export async function bootThreads(kernel: PreparedKernel, options: ThreadedBootOptions): Promise<BootedKernel> {
  const t0 = options.startedAt ?? performance.now();
  const { spec, memory } = kernel;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const state = HostState.create(limits, options.stackSize ?? 256 * 1024, false);
  const log = SharedLog.create(options.logCapacity ?? 4 << 20, false);
  const logFd = options.logFd ?? -1;

  const boot = new HostThread(state, new SharedLog(log.buffer, await fdSink(logFd)));
  const slot = claimThread(state, KIND_BOOT, 0, 0, { base: 0, size: 0 });
  boot.enter(slot);
  markRunning(state, slot, -1);
  const instance = await instantiateKernel(spec, createNccc(boot), true, memory);
  boot.attach(instance);
  boot.pool.init(instance.heapBase() ?? kernel.heapBaseValue ?? memory.buffer.byteLength);

  const spawner = await startSpawner(options.spawnerUrl, {
    spec, state: state.shared, log: log.buffer as SharedArrayBuffer, logFd, sourceMaps: options.sourceMaps === true,
    stackSizeMb: options.workerStackSizeMb, threadWorkerUrl: options.threadWorkerUrl,
  });
  const booted = new BootedKernel(kernel.engine, state, log, boot, instance, spawner);
  options.onLog?.(log.buffer as SharedArrayBuffer);
  try {
    const ready = prestartWorkers(state, options.prestartWorkers ?? DEFAULT_PRESTART);
    if (options.awaitPrestart) waitWorkersStarted(state, ready); // throws KernelHalted if one failed to start
    const t1 = performance.now();
    booted.timings.prepareMs = t1 - t0;
    booted.init();
    booted.timings.initMs = performance.now() - t1;
  } catch (e) {
    await booted.halt().catch(() => undefined);
    throw e;
  }
  return booted;
}

/** The spawner worker (host/spawner.ts), once it listens. */
async function startSpawner(script: URL, data: SpawnerData): Promise<{ handle: WorkerHandle; stopped: Promise<SpawnerMessage> }> {
  const handle = await defaultWorkerAdapter().spawn(script, data, { name: 'w2js kernel spawner' });
  handle.keepAlive(false); // the program may end without halt(); workers die with it
  let ready!: () => void;
  let failed!: (e: Error) => void;
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  const stopped = new Promise<SpawnerMessage>((resolve) => {
    handle.onMessage((m) => {
      const msg = m as SpawnerMessage;
      if (msg.type === 'ready') ready();
      else resolve(msg);
    });
    handle.onExit((code) => {
      failed(new Error(`the kernel spawner exited (code ${code})`));
      resolve({ type: 'stopped', workersLeft: -1 });
    });
  });
  handle.onError((e) => failed(e));
  // The spawner is unref'd, so nothing else may keep the event loop alive while we wait for it
  // (Deno exits with code 0 under a pending promise no handle holds).
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    await started;
  } finally {
    clearInterval(keepAlive);
  }
  return { handle, stopped };
}
