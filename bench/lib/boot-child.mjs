// bench/lib/boot-child.mjs: one kernel boot, measured in a fresh process (so no run warms the
// next). Boots the kernel on one engine, times init(), then two syscall loops, halts, and
// prints one JSON line. Run by bench/kernel-boot.mjs:
//   node boot-child.mjs <engine> <kernel.wasm> <cacheDir> <prestart> <awaitPrestart 0|1> <seconds per loop>

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { syscallRates } from './kernel-loops.mjs';
import { ROOT } from './util.mjs';

const [engine, wasm, cacheDir, prestart, awaitPrestart, seconds] = process.argv.slice(2);
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

const { pipeRate, fileRate } = syscallRates(kernel, seconds);

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
