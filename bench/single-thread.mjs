#!/usr/bin/env node
// bench/single-thread.mjs: issue 13, the kernel on one JS thread vs on workers. For each kernel:
// sizes (the .wasm before and after `compile --asyncify`'s Asyncify step, index.js of both
// compiles), then boots interleaved round-robin, each in a fresh process:
//   threaded   `compile --script`, bootKernel (threads on workers, V8 code cache), as w2js boot
//   single     `compile --asyncify`, bootKernel({ singleThread: true }): green threads, no workers
//   generators `compile --generators`, bootKernel({ singleThread: true, generators: true }): green
//              threads driven by JS generators instead of Asyncify (compiler/asyncify/generators.ts)
// Reports bootKernel and init() wall time, the process's CPU time over the boot (workers
// included), syscall rates after boot, and checks both printed the same boot log.
// Usage (after npm run build): node bench/single-thread.mjs [--reps N] [--seconds S] [--kernel k.wasm]...

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseKernelArgs, syscallRates } from './lib/kernel-loops.mjs';
import { BENCH, CACHE, ROOT, median } from './lib/util.mjs';

const cli = path.join(ROOT, 'dist/compiler/cli.js');
const VARIANTS = [
  { name: 'threaded', flags: ['--script'], singleThread: false },
  { name: 'single', flags: ['--asyncify'], singleThread: true },
  { name: 'generators', flags: ['--generators'], singleThread: true, generators: true },
];

const parse = (argv) => parseKernelArgs(argv, 'single-thread', ['kernel/test-kernel.wasm', 'kernel/large-kernel.wasm']);

/** Compile `wasm` for `variant` into the bench cache (every time: the compiler may have changed); the directory. */
async function compileVariant(wasm, variant) {
  // This run's own directory: runs may overlap on one checkout (bench/README.md, "Files").
  const dir = path.join(CACHE, `single-thread-${process.pid}`, `${path.basename(wasm, '.wasm')}-${variant.name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  execFileSync(process.execPath, [cli, 'compile', wasm, '-o', dir, '-q', ...variant.flags], { stdio: 'inherit' });
  const compileMs = performance.now() - t0;
  const { readKernelWasm } = await import(path.join(ROOT, 'dist/runtime/host/wasm-info.js'));
  fs.writeFileSync(path.join(dir, 'w2js-kernel.json'), JSON.stringify(readKernelWasm(new Uint8Array(fs.readFileSync(wasm)))));
  return { dir, compileMs, jsBytes: fs.statSync(path.join(dir, 'index.js')).size };
}

/** One boot in a fresh process (this script with --child). */
function bootOnce(variant, dir, seconds) {
  const out = execFileSync(process.execPath, [process.argv[1], '--child', variant.generators ? 'g' : variant.singleThread ? '1' : '0', dir, String(seconds)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
    timeout: 600_000,
  });
  return JSON.parse(out.trim().split('\n').at(-1));
}

async function child([single, dir, seconds]) {
  const { bootKernel } = await import(path.join(ROOT, 'dist/runtime/host/boot.js'));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const kernel = await bootKernel(dir, { singleThread: single !== '0', generators: single === 'g' });
  const bootMs = performance.now() - t0;
  const bootCpu = process.cpuUsage(cpu0);
  if (kernel.initResult !== 0) throw new Error(`init() returned ${kernel.initResult}`);
  const log = kernel.logLines();
  const { pipeRate, fileRate } = syscallRates(kernel, seconds);
  await kernel.halt();
  let peakAsyncifyBytes;
  if (single === '1') peakAsyncifyBytes = (await import(path.join(ROOT, 'dist/runtime/host/green-thread.js'))).GreenThread.peakDataBytes;
  const loadavg = os.loadavg()[0];
  process.stdout.write(`${JSON.stringify({ bootMs, initMs: kernel.timings.initMs, bootCpuMs: (bootCpu.user + bootCpu.system) / 1000, pipeRate, fileRate, peakAsyncifyBytes, loadavg, log })}\n`);
}

async function main(options) {
  const { asyncifyWasm } = await import(path.join(ROOT, 'dist/compiler/asyncify/asyncify.js'));
  const tables = [];
  for (const wasm of options.kernels) {
    const name = path.basename(wasm);
    const bytes = new Uint8Array(fs.readFileSync(wasm));
    const asyncified = await asyncifyWasm(bytes);
    const sizes = { wasm: bytes.length, wasmAsyncify: asyncified.bytes.length, instrumented: asyncified.instrumented, defined: asyncified.defined };
    const dirs = {};
    for (const v of VARIANTS) {
      process.stderr.write(`bench: ${name}: compiling ${v.name}\n`);
      dirs[v.name] = await compileVariant(wasm, v);
      sizes[`js_${v.name}`] = dirs[v.name].jsBytes;
      sizes[`compileMs_${v.name}`] = dirs[v.name].compileMs;
    }
    for (const v of VARIANTS) bootOnce(v, dirs[v.name].dir, 0.05); // the V8 code cache of the threaded variant, out of the clock
    const runs = Object.fromEntries(VARIANTS.map((v) => [v.name, []]));
    for (let rep = 0; rep < options.reps; rep++) {
      for (const v of rep % 2 ? [...VARIANTS].reverse() : VARIANTS) {
        const m = bootOnce(v, dirs[v.name].dir, options.seconds);
        runs[v.name].push(m);
        process.stderr.write(`bench: ${name} ${v.name}: boot ${m.bootMs.toFixed(0)} ms, init ${m.initMs.toFixed(0)} ms, cpu ${m.bootCpuMs.toFixed(0)} ms, pipe ${(m.pipeRate / 1000).toFixed(0)} k/s, file ${(m.fileRate / 1000).toFixed(0)} k/s, load ${m.loadavg.toFixed(2)}\n`);
      }
    }
    const ref = runs.threaded[0].log.join('\n');
    for (const v of VARIANTS) for (const m of runs[v.name]) if (m.log.join('\n') !== ref) throw new Error(`${v.name}: boot log differs from the threaded boot's`);
    for (const v of VARIANTS) for (const m of runs[v.name]) delete m.log;
    tables.push({ kernel: name, sizes, runs });
  }
  return tables;
}

function format(tables) {
  const lines = [];
  const rows = [
    ['bootKernel ms (load + init)', (m) => m.bootMs],
    ['init() ms', (m) => m.initMs],
    ['CPU ms over the boot (all threads)', (m) => m.bootCpuMs],
    ['getpid + pipe write/read, syscalls/s', (m) => m.pipeRate],
    ['open/read/close /proc/self/stat, /s', (m) => m.fileRate],
  ];
  const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
  for (const { kernel, sizes, runs } of tables) {
    lines.push(`${kernel}: wasm ${kb(sizes.wasm)} → ${kb(sizes.wasmAsyncify)} after Asyncify (+${((sizes.wasmAsyncify / sizes.wasm - 1) * 100).toFixed(1)}%, ${sizes.instrumented} of ${sizes.defined} functions instrumented); index.js ${kb(sizes.js_threaded)} threaded, ${kb(sizes.js_single)} --asyncify (+${((sizes.js_single / sizes.js_threaded - 1) * 100).toFixed(1)}%); compile ${(sizes.compileMs_threaded / 1000).toFixed(1)} s / ${(sizes.compileMs_single / 1000).toFixed(1)} s`);
    if (sizes.js_generators) lines.push(`index.js ${kb(sizes.js_generators)} --generators (+${((sizes.js_generators / sizes.js_threaded - 1) * 100).toFixed(1)}% on threaded; compile ${(sizes.compileMs_generators / 1000).toFixed(1)} s)`);
    lines.push(`median of ${runs.threaded.length} boots each, fresh processes, interleaved | threaded | single | single ÷ threaded | generators | generators ÷ threaded`);
    for (const [label, get] of rows) {
      const t = median(runs.threaded.map(get));
      const s = median(runs.single.map(get));
      const g = median(runs.generators.map(get));
      const fmt = (v) => (v >= 1000 ? v.toFixed(0) : v.toPrecision(3));
      lines.push(`${label} | ${fmt(t)} | ${fmt(s)} | ${(s / t).toFixed(2)}× | ${fmt(g)} | ${(g / t).toFixed(2)}×`);
    }
    const all = Object.values(runs).flat();
    lines.push(`peak asyncify buffer use: ${Math.max(...runs.single.map((m) => m.peakAsyncifyBytes))} bytes; load average during runs ${Math.min(...all.map((m) => m.loadavg)).toFixed(2)}–${Math.max(...all.map((m) => m.loadavg)).toFixed(2)}`);
    lines.push('');
  }
  return lines.join('\n');
}

if (process.argv[2] === '--child') {
  await child(process.argv.slice(3));
} else {
  let tables;
  try {
    tables = await main(parse(process.argv.slice(2)));
  } finally {
    fs.rmSync(path.join(CACHE, `single-thread-${process.pid}`), { recursive: true, force: true });
  }
  process.stdout.write(`${format(tables)}\n`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z');
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const file = path.join(BENCH, 'results', `${stamp}-${commit}-single-thread.json`);
  fs.writeFileSync(file, `${JSON.stringify({ node: process.version, cpu: os.cpus()[0]?.model, commit, tables }, null, 2)}\n`);
  process.stderr.write(`bench: wrote ${path.relative(ROOT, file)}\n`);
}
