// test/kernel/: the test kernel on one JS thread in generator mode (issue 13, item 2): compiled
// with --generators (every function that may reach a blocking host op a `function*`, its calls
// `yield*`: compiler/asyncify/generators.ts), every kernel thread a green thread driven by those
// generators (runtime/host/green-thread.ts), no Binaryen. Same log and syscall results as the
// threaded boot; blocking ops suspend their green thread; failures surface as in asyncify mode.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { BootOptions } from '../../runtime/host/boot.js';
import type { SingleThreadKernel } from '../../runtime/host/single-thread.js';
import { besideThreaded, BLOCK_TESTS, BOOT_LOG, bootOneThread, bootWithoutSharedArrayBuffer, expectCrashFault, oneThreadOptions, exportMemoryKernel, NR, repo, testKernel, THREADS_AFTER_BOOT } from './helpers.js';

const cli = path.join(repo, 'dist/compiler/cli.js');
const runtimeUrl = pathToFileURL(path.join(repo, 'dist/runtime/index.js')).href;

const generatorOptions = (extra: BootOptions = {}): BootOptions => oneThreadOptions('generators', extra);

const bootGenerators = (wasm = testKernel): Promise<SingleThreadKernel> => bootOneThread('generators', {}, wasm);

describe('the test kernel on one JS thread, generator mode', () => {
  const k = besideThreaded('generators');

  test('the same threads as the threaded boot, and no worker', () => {
    expect(k.single.stats().workersSpawned).toBe(0);
    expect(k.single.stats().threadsRunning).toBe(THREADS_AFTER_BOOT);
    expect(k.single.stats().threadsCreated).toBe(k.threaded.stats().threadsCreated);
  });

  // As in single-thread.test.ts: if a blocking op did not suspend its green thread, nothing else
  // could run and the call would never return.
  test.each(BLOCK_TESTS)('block test %i: %s suspends and the others run', (kind) => {
    const t0 = performance.now();
    const ms = k.single.syscall(NR.block_test, [kind, 200]);
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(ms).toBeLessThan(2000);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
  });

  test('syscallAsync: while the kernel waits for a timer, the event loop runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      expect(await k.single.syscallAsync(NR.block_test, [1, 200])).toBeGreaterThanOrEqual(190);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThanOrEqual(5);
  });

  // Suspended generator frames hold the memory object across a grow: with no SharedArrayBuffer and
  // memory copied into a new ArrayBuffer at each grow, they must still see the new memory.
  test.each([
    ['a non-shared WebAssembly.Memory', {}],
    ['ArrayBuffers that cannot resize (copied at each grow)', { W2JS_TEST_NO_WASM: '1', W2JS_TEST_NO_RESIZE: '1' }],
  ])('without SharedArrayBuffer, memory in %s: the same log and syscall results', (_, env: Record<string, string>) => {
    const result = bootWithoutSharedArrayBuffer(generatorOptions({ compileTo: undefined }), env);
    expect(result.sharedArrayBuffer).toBe('undefined');
    expect(result.plain).toBe(true);
    expect(result.grew).toBe(true);
    expect(result.log).toEqual(BOOT_LOG);
    expect(result.transcript).toEqual(k.threadedTranscript());
  }, 60_000);

  test('halt: every kernel thread ends as on the threaded host', async () => {
    const report = await k.single.halt();
    expect(report).toEqual({ result: 0, threadsStopped: 0, workersLeft: 0 });
    expect(k.single.stats().threadsRunning).toBe(0);
    expect(k.single.logLines().at(-1)).toBe('reboot: System halted');
  });
});

describe('generator mode, other cases', () => {
  test('the other kernel shape (exports its memory and __stack_pointer) boots the same way', async () => {
    const kernel = await bootGenerators(exportMemoryKernel);
    try {
      expect(kernel.logLines()).toEqual(BOOT_LOG);
      expect(kernel.syscall(NR.getpid)).toBe(1);
    } finally {
      await kernel.halt();
    }
  });

  test('a trap on another green thread stops the kernel: KernelError fault, with the trap', async () => {
    await expectCrashFault(await bootGenerators());
  });

  test('compile: blocking functions are generators, the rest plain; the default output has no generator', async () => {
    const { compile } = (await import(path.join(repo, 'dist/compiler/index.js'))) as typeof import('../../compiler/index.js');
    const { findBlockingFunctions } = (await import(path.join(repo, 'dist/compiler/asyncify/blocking-set.js'))) as typeof import('../../compiler/asyncify/blocking-set.js');
    const bytes = new Uint8Array(fs.readFileSync(testKernel));
    const { blocking } = findBlockingFunctions(bytes, ['env.nccc_call64']);
    const gen = compile(bytes, { generators: true }).files.get('index.js')!;
    const plain = compile(bytes).files.get('index.js')!;
    expect(gen.match(/^function\* /gm)?.length).toBe(blocking.size - 1); // the import is the host's
    for (const n of ['host_sem_down', 'host_thread_join', 'kernel_init', 'kernel_syscall']) expect(gen).toMatch(new RegExp(`^function\\* \\$${n}\\(`, 'm'));
    for (const n of ['host_print', 'host_sem_up', 'memcpy']) expect(gen).toMatch(new RegExp(`^function \\$${n}\\(`, 'm'));
    expect(plain).not.toMatch(/function\*|yield/);
    // Every yield is inside a generator: the module parses (imports it as a whole).
    const dir = fs.mkdtempSync(path.join(repo, 'out', 'gen-'));
    try {
      fs.writeFileSync(path.join(dir, 'index.mjs'), gen.replaceAll('./runtime/index.js', runtimeUrl));
      await expect(import(pathToFileURL(path.join(dir, 'index.mjs')).href)).resolves.toBeDefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--generators is refused with --asyncify or --ts', () => {
    expect(() => execFileSync(process.execPath, [cli, 'compile', testKernel, '-o', path.join(repo, 'out', 'never'), '-q', '--generators', '--asyncify'], { stdio: 'pipe' })).toThrow(/--generators goes with neither/);
  });
});
