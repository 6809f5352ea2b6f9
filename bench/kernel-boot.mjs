#!/usr/bin/env node
// bench/kernel-boot.mjs: the kernel boot table (issue 8). The same kernel booted side by side,
// each boot in a fresh process, runners interleaved round-robin:
//   w2js          the kernel compiled by w2js, our host (runtime/host), default options
//   native        the same kernel on V8's WebAssembly, the same host, default options
//   native-ready  native again with every prestarted worker loaded before the clock starts:
//                 the floor our host could reach (workers started before init)
// Reports init() time, the whole bootKernel time, and two syscall rates; checks that every
// runner printed the same boot log. Usage (after npm run build):
//   node bench/kernel-boot.mjs [--reps N] [--seconds S] [--kernel path.wasm]...

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseKernelArgs } from './lib/kernel-loops.mjs';
import { BENCH, ROOT, median } from './lib/util.mjs';

const RUNNERS = [
  { name: 'w2js', engine: 'w2js', prestart: 4, awaitPrestart: false },
  { name: 'native', engine: 'native', prestart: 4, awaitPrestart: false },
  { name: 'native-ready', engine: 'native', prestart: 24, awaitPrestart: true },
];

const parse = (argv) => parseKernelArgs(argv, 'kernel-boot', ['kernel/large-kernel.wasm', 'kernel/test-kernel.wasm']);

/** One boot in a fresh process. */
function bootOnce(runner, wasm, cacheDir, seconds) {
  const out = execFileSync(process.execPath, [path.join(BENCH, 'lib/boot-child.mjs'), runner.engine, wasm, cacheDir, String(runner.prestart), runner.awaitPrestart ? '1' : '0', String(seconds)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
    timeout: 600_000,
  });
  return JSON.parse(out.trim().split('\n').at(-1));
}

export function runBootBench(options) {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-boot-bench-'));
  const tables = [];
  try {
    for (const wasm of options.kernels) {
      const name = path.basename(wasm);
      process.stderr.write(`bench: boot ${name}: compiling once (cached), then ${options.reps} interleaved runs\n`);
      bootOnce(RUNNERS[0], wasm, cacheDir, 0.05); // fills the compile cache out of the clock
      const runs = Object.fromEntries(RUNNERS.map((r) => [r.name, []]));
      for (let rep = 0; rep < options.reps; rep++) {
        for (const runner of RUNNERS) {
          const m = bootOnce(runner, wasm, cacheDir, options.seconds);
          if (m.workersLeft !== 0) throw new Error(`${runner.name}: ${m.workersLeft} workers left after halt`);
          runs[runner.name].push(m);
          process.stderr.write(`bench: boot ${name} ${runner.name}: init ${m.initMs.toFixed(0)} ms, boot ${m.bootMs.toFixed(0)} ms, pipe ${(m.pipeRate / 1000).toFixed(1)} k/s, file ${(m.fileRate / 1000).toFixed(2)} k/s\n`);
        }
      }
      // Every engine must have booted the same kernel the same way.
      const ref = runs.native[0].log.join('\n');
      for (const r of RUNNERS) for (const m of runs[r.name]) if (m.log.join('\n') !== ref) throw new Error(`${r.name}: boot log differs from native's`);
      tables.push({ kernel: name, runs });
    }
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  return tables;
}

/** The tables as JSON results keep them: every measure but the boot logs (already compared). */
export function withoutLogs(tables) {
  return tables.map((t) => ({ kernel: t.kernel, runs: Object.fromEntries(Object.entries(t.runs).map(([k, v]) => [k, v.map(({ log: _log, ...m }) => m)])) }));
}

export function formatBootTables(tables) {
  const lines = [];
  const rows = [
    ['init() ms', (m) => m.initMs, 'low'],
    ['bootKernel ms (load + init)', (m) => m.bootMs, 'low'],
    ['getpid + pipe write/read, syscalls/s', (m) => m.pipeRate, 'high'],
    ['open/read/close /proc/self/stat, /s', (m) => m.fileRate, 'high'],
  ];
  for (const { kernel, runs } of tables) {
    lines.push(`kernel boot: ${kernel} (median of ${runs.w2js.length} runs, each in a fresh process)`);
    lines.push(['', ...RUNNERS.map((r) => r.name), 'w2js ÷ native', 'native ÷ native-ready'].join(' | '));
    for (const [label, get] of rows) {
      const med = Object.fromEntries(RUNNERS.map((r) => [r.name, median(runs[r.name].map(get))]));
      const fmt = (v) => (v >= 1000 ? v.toFixed(0) : v.toPrecision(3));
      lines.push([label, ...RUNNERS.map((r) => fmt(med[r.name])), (med.w2js / med.native).toFixed(2) + '×', (med.native / med['native-ready']).toFixed(2) + '×'].join(' | '));
    }
    lines.push('');
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const options = parse(process.argv.slice(2));
  const tables = runBootBench(options);
  const text = formatBootTables(tables);
  process.stdout.write(text + '\n');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z');
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const file = path.join(BENCH, 'results', `${stamp}-${commit}-boot.json`);
  fs.writeFileSync(file, JSON.stringify({ node: process.version, cpu: os.cpus()[0]?.model, commit, tables: withoutLogs(tables) }, null, 2) + '\n');
  process.stderr.write(`bench: wrote ${path.relative(ROOT, file)}\n`);
}
