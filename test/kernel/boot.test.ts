// test/kernel/: our test kernel booted by runtime/boot.ts on both engines with the same host
// ops: the w2js-compiled kernel and Node's native WebAssembly, each with its threads on real
// workers. Checks the boot log line by line, syscalls, pipes between threads, that timers
// fired and TLS destructors ran, that blocking host ops block without spinning, and that halt
// leaves no worker behind.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Kernel } from '../../runtime/host/boot.js';
import { boot, BOOT_LOG, kstats, NR, testKernel, THREADS_AFTER_BOOT } from './helpers.js';

const EINVAL = -22;
const ENOSYS = -38;
const EBADF = -9;
const ENOENT = -2;

describe.each(['w2js', 'native'] as const)('the test kernel on %s', (engine) => {
  let kernel: Kernel;
  let bootMs = 0;

  beforeAll(async () => {
    const t0 = performance.now();
    kernel = await boot(testKernel, engine);
    bootMs = performance.now() - t0;
  });

  afterAll(async () => {
    await kernel?.halt();
  });

  test('boots: init() returns 0 and the log is the expected one, line by line', () => {
    expect(kernel.initResult).toBe(0);
    expect(kernel.logLines()).toEqual(BOOT_LOG);
    expect(bootMs).toBeLessThan(30_000);
  });

  test('threads ran on workers, each timer fired, TLS destructors ran', () => {
    const k = kstats(kernel);
    expect(k.timersArmed).toBeGreaterThanOrEqual(4);
    expect(k.timersFired).toBe(k.timersArmed);
    expect(k.tlsDestructors).toBe(10); // 5 threads x (first round + the value a destructor set)
    expect(k.longjmps).toBe(200);
    const s = kernel.stats();
    expect(s.threadsCreated).toBeGreaterThanOrEqual(30);
    expect(s.workersSpawned).toBeGreaterThan(1);
    expect(s.workersSpawned).toBeLessThan(s.threadsCreated); // idle workers are reused
    expect(s.tlsDestructors).toBe(10);
    expect(s.timersFired).toBeGreaterThan(k.timersFired); // the host's count includes the clock event's irqs
    expect(s.threadsRunning).toBe(THREADS_AFTER_BOOT);
  });

  test('getpid, gettid, uname, clock_gettime, nanosleep', () => {
    expect(kernel.syscall(NR.getpid)).toBe(1);
    expect(kernel.syscall(NR.getppid)).toBe(0);
    expect(kernel.syscall(NR.gettid)).toBe(1); // the boot thread's tid
    const uts = kernel.alloc(6 * 65);
    expect(kernel.syscall(NR.uname, [uts])).toBe(0);
    const fields = [0, 1, 2, 3, 4, 5].map((i) => kernel.readString(uts + 65 * i, 65));
    expect(fields).toEqual(['w2js-test-kernel', 'w2js', '1.0.0', '#1 SMP wasm32', 'wasm32', '(none)']);
    kernel.free(uts);

    const ts = kernel.alloc(32);
    const nowNs = (): bigint => {
      expect(kernel.syscall(NR.clock_gettime, [1, ts])).toBe(0);
      const b = new DataView(kernel.readBytes(ts, 16).buffer);
      return b.getBigInt64(0, true) * 1_000_000_000n + b.getBigInt64(8, true);
    };
    const t0 = nowNs();
    expect(Number(t0 / 1_000_000n)).toBeGreaterThan(Date.now() - 60_000); // counted from the epoch
    const req = ts + 16;
    kernel.writeBytes(req, new Uint8Array(new BigInt64Array([0n, 30_000_000n]).buffer));
    expect(kernel.syscall(NR.nanosleep, [req, 0])).toBe(0);
    const slept = Number(nowNs() - t0) / 1e6;
    expect(slept).toBeGreaterThanOrEqual(29);
    kernel.free(ts);
  });

  test('bad syscalls: an unknown number, a wrong argument count', () => {
    expect(kernel.syscall(999)).toBe(ENOSYS);
    expect(kernel.syscall(NR.getpid, [1])).toBe(EINVAL);
    expect(kernel.syscall(NR.close, [42])).toBe(EBADF);
  });

  test('write and read through an in-kernel pipe', () => {
    const fds = kernel.alloc(8);
    expect(kernel.syscall(NR.pipe2, [fds, 0])).toBe(0);
    const [r, w] = [kernel.readU32(fds), kernel.readU32(fds + 4)];
    const msg = kernel.allocString('hello, pipe');
    expect(kernel.syscall(NR.write, [w, msg, 11])).toBe(11);
    const buf = kernel.alloc(64);
    expect(kernel.syscall(NR.read, [r, buf, 64])).toBe(11);
    expect(kernel.readString(buf, 11)).toBe('hello, pipe');
    expect(kernel.syscall(NR.close, [w])).toBe(0);
    expect(kernel.syscall(NR.read, [r, buf, 64])).toBe(0); // end of file
    expect(kernel.syscall(NR.close, [r])).toBe(0);
    [fds, msg, buf].forEach((p) => kernel.free(p));
  });

  test('pipes between the host thread and a kernel thread (read blocks until it writes)', () => {
    const fds = kernel.alloc(16);
    expect(kernel.syscall(NR.pipe2, [fds, 0])).toBe(0);
    expect(kernel.syscall(NR.pipe2, [fds + 8, 0])).toBe(0);
    const [inR, inW, outR, outW] = [0, 4, 8, 12].map((o) => kernel.readU32(fds + o));
    expect(kernel.syscall(NR.pipe_echo, [inR, outW])).toBe(0); // a kernel thread: in → upper case → out
    const buf = kernel.alloc(256);
    for (const word of ['ping', 'hello from the host', 'w2js']) {
      kernel.writeString(buf, word);
      expect(kernel.syscall(NR.write, [inW, buf, word.length])).toBe(word.length);
      let got = '';
      while (got.length < word.length) {
        const n = kernel.syscall(NR.read, [outR, buf, 256]);
        expect(n).toBeGreaterThan(0);
        got += kernel.readString(buf, n);
      }
      expect(got).toBe(word.toUpperCase());
    }
    expect(kernel.syscall(NR.close, [inW])).toBe(0); // the echo thread sees end of file and closes its ends
    expect(kernel.syscall(NR.read, [outR, buf, 256])).toBe(0);
    expect(kernel.syscall(NR.close, [outR])).toBe(0);
    kernel.free(fds);
    kernel.free(buf);
  });

  test('open, read and close /proc files (the syscall takes the one CPU, as in LKL)', () => {
    const buf = kernel.alloc(512);
    const read = (path: string): string => {
      const p = kernel.allocString(path);
      const fd = kernel.syscall(NR.openat, [-100, p, 0, 0]);
      kernel.free(p);
      expect(fd).toBeGreaterThanOrEqual(3);
      let text = '';
      for (let n; (n = kernel.syscall(NR.read, [fd, buf, 100])) > 0; ) text += kernel.readString(buf, n);
      expect(kernel.syscall(NR.close, [fd])).toBe(0);
      return text;
    };
    expect(read('/proc/version')).toBe('Linux version 1.0.0 (w2js-test-kernel) #1 SMP wasm32\n');
    expect(read('/proc/self/stat')).toMatch(/^1 \(init\) S 0 1 1 0 -1 4194560 \d+ 0 0 0 \d+ \d+ 0 0 20 0 18 0 \d+ \d+ \d+\n$/);
    expect(read('/proc/meminfo')).toMatch(/^MemTotal: +8192 kB\n/);
    const missing = kernel.allocString('/proc/nope');
    expect(kernel.syscall(NR.openat, [-100, missing, 0, 0])).toBe(ENOENT);
    kernel.free(missing);
    kernel.free(buf);
  });

  test('write(1) reaches the kernel log', () => {
    const msg = kernel.allocString('hello from the host\n');
    expect(kernel.syscall(NR.write, [1, msg, 20])).toBe(20);
    kernel.free(msg);
    expect(kernel.logLines().at(-1)).toBe('hello from the host');
  });

  // Each blocks this (the boot) thread in one host op for ~1 s while another thread or a timer
  // holds it up. Nothing spins: the process's CPU time over the second stays near 0.
  test.each([
    [1, 'sem_down (woken by a timer callback)'],
    [2, 'mutex_lock (held by another thread)'],
    [4, 'mutex_lock on a recursive mutex held twice'],
    [3, 'thread_join (of a thread sleeping on a timer)'],
  ])('block test %i: %s blocks, wakes, and burns no CPU', (kind) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const ms = kernel.syscall(NR.block_test, [kind, 1000]);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    expect(ms).toBeGreaterThanOrEqual(990); // as the kernel measured it
    expect(ms).toBeLessThan(3000);
    expect(wall).toBeGreaterThanOrEqual(990);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(100); // measured: 2-6 ms
  });

  test('halt: the reboot syscall ends every kernel thread, then no worker is left', async () => {
    const report = await kernel.halt();
    expect(report.result).toBe(0);
    expect(report.threadsStopped).toBe(0);
    expect(report.workersLeft).toBe(0);
    const s = kernel.stats();
    expect(s.workersAlive).toBe(0);
    expect(s.threadsRunning).toBe(0);
    const lines = kernel.logLines();
    expect(lines.at(-3)).toBe('cpu: 23 tasks started, 23 exited'); // every task died through its sched_jb
    expect(lines.at(-2)).toMatch(/^reboot: kworker stopped, \d+ threads started, \d+ timers fired, 10 TLS destructors run$/);
    expect(lines.at(-1)).toBe('reboot: System halted');
    expect(kernel.halted).toBe(true);
    expect(() => kernel.syscall(NR.getpid)).toThrow(/the kernel has halted/);
    expect(await kernel.halt()).toBe(report); // idempotent
  });
});
