// test/kernel/: the test kernel on one JS thread (issue 13): compiled with --asyncify, every
// kernel thread a green thread (runtime/host/single-thread.ts), no workers. Its boot log and
// syscall results must equal the threaded boot's; a blocked call must suspend its green thread
// (other threads, timers and the event loop go on); failures surface as on the threaded host.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { BootOptions } from '../../runtime/host/boot.js';
import type { SingleThreadKernel } from '../../runtime/host/single-thread.js';
import { besideThreaded, BLOCK_TESTS, BOOT_LOG, bootOneThread, bootWithoutSharedArrayBuffer, expectCrashFault, oneThreadOptions, exportMemoryKernel, NR, repo, testKernel, THREADS_AFTER_BOOT } from './helpers.js';

const cli = path.join(repo, 'dist/compiler/cli.js');
const runtimeUrl = pathToFileURL(path.join(repo, 'dist/runtime/index.js')).href;

const singleThreadOptions = (extra: BootOptions = {}): BootOptions => oneThreadOptions('asyncify', extra);

const bootSingleThread = (extra: BootOptions = {}): Promise<SingleThreadKernel> => bootOneThread('asyncify', extra);

describe('the test kernel on one JS thread', () => {
  const k = besideThreaded('asyncify');

  // A page that is not cross-origin isolated has no SharedArrayBuffer: there the memory and the
  // host state are plain ArrayBuffers. A child process with the global deleted boots that way.
  test.each([
    ['a non-shared WebAssembly.Memory', {}],
    ['a resizable ArrayBuffer (no WebAssembly)', { W2JS_TEST_NO_WASM: '1' }],
    ['ArrayBuffers that cannot resize (copied at each grow)', { W2JS_TEST_NO_WASM: '1', W2JS_TEST_NO_RESIZE: '1' }],
  ])('without SharedArrayBuffer (deleted from globalThis), memory in %s: the same log and syscall results', (_, env: Record<string, string>) => {
    const result = bootWithoutSharedArrayBuffer(singleThreadOptions({ compileTo: undefined }), env);
    expect(result.sharedArrayBuffer).toBe('undefined');
    expect(result.webAssembly).toBe(env.W2JS_TEST_NO_WASM ? 'undefined' : 'object');
    expect(result.plain).toBe(true);
    expect(result.resizable).toBe(env.W2JS_TEST_NO_WASM === '1' && !env.W2JS_TEST_NO_RESIZE);
    expect(result.log).toEqual(BOOT_LOG);
    expect(result.grew).toBe(true);
    expect(result.transcript).toEqual(k.threadedTranscript());
  }, 60_000);

  test('no workers; the host counted the same threads, timers and destructors', () => {
    const s = k.single.stats();
    const t = k.threaded.stats();
    expect(s.workersSpawned).toBe(0);
    expect(s.workersAlive).toBe(0);
    expect(s.threadsRunning).toBe(THREADS_AFTER_BOOT);
    expect(s.tlsDestructors).toBe(10);
    expect(s.threadsCreated).toBe(t.threadsCreated);
  });

  // The boot thread blocks in one host op for ~300 ms while a timer or another green thread
  // holds it up. If a blocking op did not suspend the green thread, nothing else could run:
  // the call would never return (the kernel reports a deadlock or the host would hang).
  test.each(BLOCK_TESTS)('block test %i: %s suspends, the others run, and it burns no CPU', (kind) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const ms = k.single.syscall(NR.block_test, [kind, 300]);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    expect(ms).toBeGreaterThanOrEqual(290); // as the kernel measured it
    expect(ms).toBeLessThan(2000);
    expect(wall).toBeGreaterThanOrEqual(290);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(100); // the scheduler sleeps until the timer, it does not poll
  });

  test('syscallAsync: while the kernel waits for a timer, the event loop runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      const ms = await k.single.syscallAsync(NR.block_test, [1, 300]);
      expect(ms).toBeGreaterThanOrEqual(290);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThanOrEqual(10);
  });

  test('nanosleep on a green thread sleeps on the clock event', () => {
    const ts = k.single.alloc(32);
    k.single.writeBytes(ts, new Uint8Array(new BigInt64Array([0n, 30_000_000n]).buffer));
    const t0 = performance.now();
    expect(k.single.syscall(NR.nanosleep, [ts, 0])).toBe(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    k.single.free(ts);
  });

  test('halt: every kernel thread ends as on the threaded host', async () => {
    const report = await k.single.halt();
    expect(report).toEqual({ result: 0, threadsStopped: 0, workersLeft: 0 });
    expect(k.single.stats().threadsRunning).toBe(0);
    const lines = k.single.logLines();
    expect(lines.at(-3)).toBe('cpu: 23 tasks started, 23 exited');
    expect(lines.at(-1)).toBe('reboot: System halted');
    expect(() => k.single.syscall(NR.getpid)).toThrow(/the kernel has halted/);
  });
});

test('the other kernel shape (defines and exports its memory and __stack_pointer) boots the same way', async () => {
  const kernel = await bootOneThread('asyncify', {}, exportMemoryKernel);
  try {
    expect(kernel.logLines()).toEqual(BOOT_LOG);
    expect(kernel.syscall(NR.getpid)).toBe(1);
  } finally {
    await kernel.halt();
  }
});

describe('single-thread failures', () => {
  test('a trap on another green thread stops the kernel: KernelError fault, with the trap', async () => {
    await expectCrashFault(await bootSingleThread());
  });

  test('an asyncify buffer too small for a suspended stack is a fault, not a hang', async () => {
    await expect(bootSingleThread({ asyncifyDataSize: 64 })).rejects.toThrow(/init\(\)[\s\S]*64-byte asyncify buffer/);
  });

  test('a kernel compiled without --asyncify is refused with a clear error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-no-asyncify-'));
    try {
      execFileSync(process.execPath, [cli, 'compile', testKernel, '-o', dir, '-q', '--runtime', runtimeUrl]);
      const { readKernelWasm } = (await import(path.join(repo, 'dist/runtime/host/wasm-info.js'))) as typeof import('../../runtime/host/wasm-info.js');
      fs.writeFileSync(path.join(dir, 'w2js-kernel.json'), JSON.stringify(readKernelWasm(new Uint8Array(fs.readFileSync(testKernel)))));
      const { bootKernel } = (await import(path.join(repo, 'dist/runtime/host/boot.js'))) as typeof import('../../runtime/host/boot.js');
      await expect(bootKernel(dir, { singleThread: true })).rejects.toThrow(/not compiled with --asyncify/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the single-thread core imports no Node module (it is to run in a browser page)', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
        const spec = m[1]!;
        expect(spec.startsWith('.'), `${path.relative(repo, file)} imports ${spec}`).toBe(true);
        visit(path.resolve(path.dirname(file), spec));
      }
    };
    visit(path.join(repo, 'dist/runtime/host/single-thread.js'));
    expect(seen.size).toBeGreaterThan(5);
  });
});

describe('compile --asyncify', () => {
  test('instruments only the functions that may reach a blocking host op', async () => {
    const { asyncifyWasm } = (await import(path.join(repo, 'dist/compiler/asyncify/asyncify.js'))) as typeof import('../../compiler/asyncify/asyncify.js');
    const { findBlockingFunctions } = (await import(path.join(repo, 'dist/compiler/asyncify/blocking-set.js'))) as typeof import('../../compiler/asyncify/blocking-set.js');
    const bytes = new Uint8Array(fs.readFileSync(testKernel));
    const { blocking, defined } = findBlockingFunctions(bytes, ['env.nccc_call64']);
    const { readModule } = (await import(path.join(repo, 'dist/compiler/read/module.js'))) as typeof import('../../compiler/read/module.js');
    const names = readModule(bytes).names.funcs;
    const blockingNames = new Set([...blocking].map((i) => names.get(i)));
    for (const n of ['host_sem_down', 'host_mutex_lock', 'host_thread_join', 'host_jmp_buf_set', 'kernel_init', 'kernel_syscall']) expect(blockingNames).toContain(n);
    for (const n of ['host_print', 'host_sem_up', 'host_mutex_unlock', 'host_time', 'memcpy']) expect(blockingNames).not.toContain(n);
    const result = await asyncifyWasm(bytes);
    expect(result.instrumented).toBe(blocking.size - 1); // the import is not instrumented
    expect(result.instrumented).toBeLessThan(defined * 0.7);
    expect(result.bytes.length).toBeLessThan(bytes.length * 1.6);
  });
});
