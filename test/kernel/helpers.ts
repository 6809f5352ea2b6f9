// test/kernel/: booting the committed test kernel (kernel/test-kernel.wasm) for the tests, on
// either engine, through the built runtime (dist/): kernel threads run on real workers, which
// load plain JS. The w2js engine compiles with the built CLI into <tmpdir>/w2js-test-kernel-cache, keyed by
// the kernel's bytes and the compiler's build.

import { execFileSync } from 'node:child_process';
import { buildId } from '../../compiler/build-id.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BootOptions, Kernel } from '../../runtime/host/boot.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SingleThreadKernel } from '../../runtime/host/single-thread.js';
import { transcript } from '../../web/transcript.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');
export const testKernel = path.join(repo, 'kernel/test-kernel.wasm');
export const exportMemoryKernel = path.join(repo, 'kernel/test-kernel.export-memory.wasm');
const cli = path.join(repo, 'dist/compiler/cli.js');
const runtimeUrl = pathToFileURL(path.join(repo, 'dist/runtime/index.js')).href;

export const bootOptions = (engine: 'w2js' | 'native', extra: BootOptions = {}): BootOptions => ({
  engine,
  cacheDir: path.join(os.tmpdir(), 'w2js-test-kernel-cache'),
  compilerId: `${buildId(path.join(repo, 'dist'))}\n--runtime ${runtimeUrl} --script`,
  // The compiled kernel imports the built runtime itself rather than a copy: one runtime for
  // host and kernel, whose files have their source maps beside them.
  compileTo: (wasm, out) => void execFileSync(process.execPath, [cli, 'compile', wasm, '-o', out, '-q', '--script', '--runtime', runtimeUrl]),
  ...extra,
});

/** bootKernel from the build (the workers run dist/ too, so both sides share one copy). */
export async function boot(wasm: string, engine: 'w2js' | 'native', extra: BootOptions = {}): Promise<Kernel> {
  const { bootKernel } = (await import(path.join(repo, 'dist/runtime/host/boot.js'))) as typeof import('../../runtime/host/boot.js');
  return bootKernel(wasm, bootOptions(engine, extra));
}

// Syscall numbers of the test kernel (kernel/test-kernel/syscalls.c).
export const NR = {
  openat: 56, pipe2: 59, close: 57, read: 63, write: 64, nanosleep: 101, clock_gettime: 113, reboot: 142, uname: 160,
  getpid: 172, getppid: 173, gettid: 178, kstat: 500, block_test: 501, pipe_echo: 502, hostcall: 503, crash: 504,
} as const;

/** struct kstats, in order. */
export const KSTATS = ['threadsStarted', 'threadsFinished', 'timersArmed', 'timersFired', 'tlsDestructors', 'longjmps', 'syscalls'] as const;

export function kstats(kernel: Kernel): Record<(typeof KSTATS)[number], number> {
  const buf = kernel.alloc(KSTATS.length * 4);
  try {
    const n = kernel.syscall(NR.kstat, [buf, KSTATS.length * 4]);
    if (n !== KSTATS.length * 4) throw new Error(`kstat returned ${n}`);
    return Object.fromEntries(KSTATS.map((k, i) => [k, kernel.readU32(buf + 4 * i) | 0])) as Record<(typeof KSTATS)[number], number>;
  } finally {
    kernel.free(buf);
  }
}

/**
 * Kernel threads alive after boot: kworker, idle, ksoftirqd, the clock event's timer thread and
 * the 16 kernel threads of kthreads.c (each asleep on its semaphore).
 */
export const THREADS_AFTER_BOOT = 20;

/** The log lines init() prints, in order, on every run. */
export const BOOT_LOG = [
  'w2js-test-kernel 1.0.0 (wasm32, WasmLinux host ABI)',
  'kmem: 8192 KiB heap from the host',
  'grow: 12 of 12 threads from before the grow accessed the new memory',
  'selftest: mem: 4 blocks of 1 MiB allocated, filled, freed and reused',
  'selftest: sem: 4 producers, 2 consumers, 1000 items, sum 499500',
  'selftest: mutex: 4 threads x 5000 increments = 20000',
  'selftest: rmutex: 3 threads x 100 rounds at depth 3 = 300',
  'selftest: join: results 0 1 4 9',
  'selftest: tls: 5 threads, 5 destructors, 5 second-round destructors',
  'selftest: thread_exit: 6 threads left from depth 10, none returned',
  'selftest: timers: 3 fired in order 1 3 2',
  'selftest: sleep: a timer woke a sleeper',
  'selftest: longjmp: 2 threads x 100 jumps from depth 64, stack pointer restored',
  'selftest: pipe: 65536 bytes through a 4096-byte pipe between 2 threads, checksum abaa9dc5',
  'selftest: kworker: 10 work items done',
  'kthreads: 16 kernel threads ran 64 initcalls, checksum 67854680',
  'kthreads: 4 workers slept and died, results 0 1 4 9',
  'kthreads: memory grown by a task, then written here: 6984ee0a',
  'syscalls: 17 entries',
  'boot: done',
];

/** The crash syscall traps on another green thread: the kernel stops, and the syscall fails with a fault naming the trap's function. */
export async function expectCrashFault(kernel: { syscall(nr: number, args?: number[]): unknown; halted: boolean; halt(): Promise<void> }): Promise<void> {
  try {
    let error: { reason?: string; message?: string } = {};
    try {
      kernel.syscall(NR.crash, [2]);
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.reason).toBe('fault');
    expect(error.message).toMatch(/crash_deep/);
    expect(kernel.halted).toBe(true);
  } finally {
    await kernel.halt();
  }
}

/**
 * Boot options for one JS thread: the kernel compiled with `--asyncify` (the default
 * single-thread mode) or `--generators`, cached like the threaded build.
 */
export function oneThreadOptions(mode: 'asyncify' | 'generators', extra: BootOptions = {}): BootOptions {
  const cli = path.join(repo, 'dist/compiler/cli.js');
  const runtimeUrl = pathToFileURL(path.join(repo, 'dist/runtime/index.js')).href;
  return bootOptions('w2js', {
    singleThread: true,
    generators: mode === 'generators',
    compileTo: (wasm, out) => void execFileSync(process.execPath, [cli, 'compile', wasm, '-o', out, '-q', `--${mode}`, '--runtime', runtimeUrl]),
    ...extra,
  });
}

/** Boot `wasm` on one JS thread in `mode`, from the dist/ build. */
export async function bootOneThread(mode: 'asyncify' | 'generators', extra: BootOptions = {}, wasm = testKernel): Promise<SingleThreadKernel> {
  const { bootKernel } = (await import(path.join(repo, 'dist/runtime/host/boot.js'))) as typeof import('../../runtime/host/boot.js');
  return (await bootKernel(wasm, oneThreadOptions(mode, extra))) as SingleThreadKernel;
}

/** The kernels of a describe that compares a one-thread boot with the threaded one. */
export interface BesideThreaded {
  single: SingleThreadKernel;
  threaded: Kernel;
  /** The threaded boot's syscall transcript, run once (a second run would count more syscalls). */
  threadedTranscript(): string[];
}

/**
 * Inside a describe: boot the test kernel on one thread in `mode` and threaded before its tests,
 * halt both after, and add the two tests every one-thread mode must pass: the threaded boot's log,
 * line by line, and its syscall results.
 */
export function besideThreaded(mode: 'asyncify' | 'generators'): BesideThreaded {
  let lines: string[] | undefined;
  const k = { threadedTranscript: () => (lines ??= transcript(k.threaded)) } as BesideThreaded;
  beforeAll(async () => {
    k.single = await bootOneThread(mode);
    k.threaded = await boot(testKernel, 'w2js');
  }, 60_000);
  afterAll(async () => {
    await k.single?.halt();
    await k.threaded?.halt();
  });
  test('boots: init() returns 0 and the log is the threaded boot\'s, line by line', () => {
    expect(k.single.initResult).toBe(0);
    expect(k.single.logLines()).toEqual(BOOT_LOG);
    expect(k.single.logLines()).toEqual(k.threaded.logLines());
  });
  test('the same syscall results as the threaded boot', () => {
    const mine = transcript(k.single);
    expect(mine).toEqual(k.threadedTranscript());
    expect(mine).toContain('echoed = HELLO FROM THE HOST');
  });
  return k;
}

/** The blocking host ops the test kernel's block_test syscall exercises: kind, what. */
export const BLOCK_TESTS: [number, string][] = [
  [1, 'sem_down (woken by a timer callback)'],
  [2, 'mutex_lock (held by another thread)'],
  [4, 'mutex_lock on a recursive mutex held twice'],
  [3, 'thread_join (of a thread sleeping on a timer)'],
];

/** Boot in a child process with SharedArrayBuffer deleted from globalThis (test/kernel/no-shared-buffer.mjs); its report. */
export function bootWithoutSharedArrayBuffer(options: BootOptions, env: Record<string, string>): { sharedArrayBuffer: string; webAssembly: string; plain: boolean; resizable: boolean; log: string[]; transcript: string[]; grew: boolean } {
  const out = execFileSync(process.execPath, ['--import', path.join(repo, 'test/kernel/delete-shared-array-buffer.mjs'), path.join(repo, 'test/kernel/no-shared-buffer.mjs'), JSON.stringify(options)], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env },
  });
  return JSON.parse(out);
}
