// bench/lib/boot-child.mjs: one kernel boot, measured in a fresh process (so no run warms the
// next). Boots the kernel on one engine, times init(), then two syscall loops, halts, and
// prints one JSON line. Run by bench/kernel-boot.mjs:
//   node boot-child.mjs <engine> <kernel.wasm> <cacheDir> <prestart> <awaitPrestart 0|1> <seconds per loop>

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './util.mjs';

const [engine, wasm, cacheDir, prestart, awaitPrestart, seconds] = process.argv.slice(2);
const NR = { openat: 56, close: 57, read: 63, write: 64, pipe2: 59, getpid: 172 };
const cli = path.join(ROOT, 'dist/compiler/cli.js');
const { bootKernel } = await import(path.join(ROOT, 'dist/runtime/host/boot.js'));

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const kernel = await bootKernel(wasm, {
  engine,
  cacheDir,
  prestartWorkers: Number(prestart),
  awaitPrestart: awaitPrestart === '1',
  compileTo: (input, out) => void execFileSync(process.execPath, [cli, 'compile', input, '-o', out, '-q', '--script']),
});
const bootMs = performance.now() - t0;
const bootCpu = process.cpuUsage(cpu0);
if (kernel.initResult !== 0) throw new Error(`init() returned ${kernel.initResult}`);
const logLines = kernel.logLines();

/** Run `body` for about `seconds`; iterations per second. */
function rate(body) {
  const budget = Number(seconds) * 1000;
  for (let i = 0; i < 200; i++) body(); // the first calls of each path, out of the clock
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < budget) {
    for (let i = 0; i < 100; i++) body();
    n += 100;
    now = performance.now();
  }
  return n / ((now - start) / 1000);
}

// getpid + a 64-byte write and read back through an in-kernel pipe: 3 syscalls.
const fds = kernel.alloc(8);
if (kernel.syscall(NR.pipe2, [fds, 0]) !== 0) throw new Error('pipe2 failed');
const [r, w] = [kernel.readU32(fds), kernel.readU32(fds + 4)];
const buf = kernel.alloc(512);
const pipeRate = 3 * rate(() => {
  kernel.syscall(NR.getpid);
  if (kernel.syscall(NR.write, [w, buf, 64]) !== 64) throw new Error('write failed');
  if (kernel.syscall(NR.read, [r, buf, 64]) !== 64) throw new Error('read failed');
});

// open, read (whole), close of /proc/self/stat: one file operation.
const pathPtr = kernel.allocString('/proc/self/stat');
const fileRate = rate(() => {
  const fd = kernel.syscall(NR.openat, [-100, pathPtr, 0, 0]);
  if (fd < 0) throw new Error(`openat failed: ${fd}`);
  if (kernel.syscall(NR.read, [fd, buf, 512]) <= 0) throw new Error('read failed');
  kernel.syscall(NR.close, [fd]);
});

const report = await kernel.halt();
process.stdout.write(
  `${JSON.stringify({
    engine,
    bootMs,
    prepareMs: kernel.timings.prepareMs,
    initMs: kernel.timings.initMs,
    bootCpuMs: (bootCpu.user + bootCpu.system) / 1000,
    pipeRate,
    fileRate,
    workersSpawned: kernel.stats().workersSpawned,
    workersLeft: report.workersLeft,
    log: logLines,
  })}\n`,
);
