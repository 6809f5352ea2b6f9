// bench/lib/: what the kernel benches (kernel-boot.mjs, single-thread.mjs) share: their options
// and the two syscall loops timed after a boot.

import path from 'node:path';
import { ROOT } from './util.mjs';

/** Syscall numbers of the test kernel (kernel/test-kernel/syscalls.c) the loops use. */
export const NR = { openat: 56, close: 57, read: 63, write: 64, pipe2: 59, getpid: 172 };

/** `--reps n --seconds s --kernel k.wasm…`; without --kernel, `defaultKernels` (repo paths). */
export function parseKernelArgs(argv, tool, defaultKernels) {
  const o = { reps: 3, seconds: 1, kernels: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--reps') o.reps = Number(argv[++i]);
    else if (a === '--seconds') o.seconds = Number(argv[++i]);
    else if (a === '--kernel') o.kernels.push(path.resolve(argv[++i]));
    else throw new Error(`${tool}: unknown option ${a}`);
  }
  if (o.kernels.length === 0) o.kernels = defaultKernels.map((k) => path.join(ROOT, k));
  return o;
}

/** Run `body` for about `seconds` (its first 200 calls out of the clock); iterations per second. */
function rate(body, seconds) {
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

/**
 * The two loops on a booted kernel: `pipeRate`, syscalls per second of getpid + a 64-byte write
 * and read back through an in-kernel pipe; `fileRate`, open/read (whole)/close of
 * /proc/self/stat per second.
 */
export function syscallRates(kernel, seconds) {
  const fds = kernel.alloc(8);
  if (kernel.syscall(NR.pipe2, [fds, 0]) !== 0) throw new Error('pipe2 failed');
  const [r, w] = [kernel.readU32(fds), kernel.readU32(fds + 4)];
  const buf = kernel.alloc(512);
  const pipeRate = 3 * rate(() => {
    kernel.syscall(NR.getpid);
    if (kernel.syscall(NR.write, [w, buf, 64]) !== 64) throw new Error('write failed');
    if (kernel.syscall(NR.read, [r, buf, 64]) !== 64) throw new Error('read failed');
  }, seconds);
  const pathPtr = kernel.allocString('/proc/self/stat');
  const fileRate = rate(() => {
    const fd = kernel.syscall(NR.openat, [-100, pathPtr, 0, 0]);
    if (fd < 0) throw new Error(`openat failed: ${fd}`);
    if (kernel.syscall(NR.read, [fd, buf, 512]) <= 0) throw new Error('read failed');
    kernel.syscall(NR.close, [fd]);
  }, seconds);
  return { pipeRate, fileRate };
}
