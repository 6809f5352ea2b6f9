// test/kernel/large.test.ts: the large kernel (kernel/large-kernel.wasm), shaped like a real LKL
// build: ~4000 functions and ~2 MB of wasm, function pointers from table index 4096, thousands
// of generated initcalls run in parts on 16 kernel threads of one non-SMP CPU. Booted on both
// engines with the same host; the log (with the initcalls' checksum), syscalls and the end of
// every thread are checked. Also through the `w2js boot` command, as a user would.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readModule } from '../../compiler/read/module.js';
import type { Kernel } from '../../runtime/host/boot.js';
import { boot, BOOT_LOG, NR, repo, THREADS_AFTER_BOOT } from './helpers.js';

const largeKernel = path.join(repo, 'kernel/large-kernel.wasm');

/** The generated initcalls' line: the same checksum on every engine and every run (xor of the 16 parts). */
const LARGE_INITCALLS_LINE = 'kthreads: 16 kernel threads ran 379 initcalls, checksum 833c962e';
/** The large kernel's boot log: the test kernel's, with its own initcalls. */
const LARGE_BOOT_LOG = BOOT_LOG.map((line) => (line.startsWith('kthreads: 16 kernel threads ran') ? LARGE_INITCALLS_LINE : line));

test('the large kernel is the size of a real one, linked like LKL', () => {
  const bytes = new Uint8Array(fs.readFileSync(largeKernel));
  const m = readModule(bytes);
  expect(bytes.length).toBeGreaterThanOrEqual(1.5e6);
  expect(m.funcs.length).toBeGreaterThanOrEqual(4000);
  const offset = m.elems[0]?.offset?.body[0];
  expect(offset?.op).toBe('i32.const');
  expect(offset?.value).toBe(4096); // --table-base=4096: function pointers start at 4096
  expect(m.elems[0]!.init.length).toBeGreaterThanOrEqual(2000);
});

describe.each(['w2js', 'native'] as const)('the large kernel on %s', (engine) => {
  let kernel: Kernel;

  beforeAll(async () => {
    kernel = await boot(largeKernel, engine);
  });

  afterAll(async () => {
    await kernel?.halt();
  });

  test('boots: the log line by line, with the generated initcalls run on 16 kernel threads', () => {
    expect(kernel.initResult).toBe(0);
    expect(kernel.logLines()).toEqual(LARGE_BOOT_LOG);
    const s = kernel.stats();
    expect(s.threadsRunning).toBe(THREADS_AFTER_BOOT);
    expect(s.threadsCreated).toBeGreaterThanOrEqual(60);
  });

  test('syscalls: a pipe round trip and /proc files, many times', () => {
    const fds = kernel.alloc(8);
    const buf = kernel.alloc(512);
    expect(kernel.syscall(NR.pipe2, [fds, 0])).toBe(0);
    const [r, w] = [kernel.readU32(fds), kernel.readU32(fds + 4)];
    const pathPtr = kernel.allocString('/proc/self/stat');
    for (let i = 0; i < 2000; i++) {
      kernel.writeU32(buf, i);
      expect(kernel.syscall(NR.write, [w, buf, 64])).toBe(64);
      kernel.writeU32(buf, 0);
      expect(kernel.syscall(NR.read, [r, buf, 64])).toBe(64);
      expect(kernel.readU32(buf)).toBe(i);
      const fd = kernel.syscall(NR.openat, [-100, pathPtr, 0, 0]);
      expect(fd).toBeGreaterThanOrEqual(3);
      expect(kernel.syscall(NR.read, [fd, buf, 512])).toBeGreaterThan(40);
      expect(kernel.syscall(NR.close, [fd])).toBe(0);
    }
    expect(kernel.readString(buf, 8)).toBe('1 (init)');
    [fds, buf, pathPtr].forEach((p) => kernel.free(p));
  });

  test('halt: every task dies through its sched_jb, no worker is left', async () => {
    const report = await kernel.halt();
    expect(report.workersLeft).toBe(0);
    expect(kernel.logLines().slice(-3)[0]).toBe('cpu: 23 tasks started, 23 exited');
  });
});

describe('w2js boot (the command line) on the large kernel', () => {
  const cli = path.join(repo, 'dist/compiler/cli.js');
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-cli-boot-'));
  const script = (name: string, body: string): string => {
    const file = path.join(cache, name);
    fs.writeFileSync(file, `export default async function (kernel) {\n${body}\n}\n`);
    return file;
  };
  afterAll(() => fs.rmSync(cache, { recursive: true, force: true }));

  test('compiles once (cached), boots, runs the script, halts, exits 0', () => {
    const exec = script('ok.mjs', `console.log('getpid=' + kernel.syscall(${NR.getpid}));`);
    const out = execFileSync(process.execPath, [cli, 'boot', largeKernel, '--cache', cache, '--exec', exec], { encoding: 'utf8', timeout: 300_000 });
    expect(out).toContain(LARGE_INITCALLS_LINE);
    expect(out).toContain('getpid=1');
    expect(out.trim().split('\n').at(-1)).toBe('reboot: System halted');
    const compiled = fs.readdirSync(cache).filter((d) => d.startsWith('large-kernel-'));
    expect(compiled).toHaveLength(1);
    expect(fs.existsSync(path.join(cache, compiled[0]!, 'index.script.v8cache'))).toBe(true); // the code cache, for the next boot
  });

  test('a trap on a kernel thread prints where it happened and exits 1', () => {
    const exec = script('crash.mjs', `kernel.syscall(${NR.crash}, [2]);`);
    const r = spawnSync(process.execPath, [cli, 'boot', largeKernel, '--cache', cache, '--exec', exec], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/RuntimeError: unreachable/);
    expect(r.stderr).toMatch(/crash_deep[\s\S]*crash_thread/);
    expect(fs.readdirSync(cache).filter((d) => d.startsWith('large-kernel-'))).toHaveLength(1); // not compiled again
  });
});
