// bench/scale.mjs: w2js on the real modules users bring (issue 11): for each, the CLI's compile
// time, CPU, peak memory and output size in a fresh process, then the programs run on their own
// loaders where we have one (esbuild's transform through Go's wasm_exec.js), natively and on w2js.
//   node bench/scale.mjs [--only sqlite,esbuild] [--runs 3] [--no-run] [--ts]
// --ts also compiles each module to TypeScript (`compile --ts`), interleaved with the JS compiles,
// and reports its CPU time and size against the JS output's (issue 15).
// Modules come from devDependencies (never committed); a missing one is reported and skipped.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './lib/util.mjs';

const CLI = path.join(ROOT, 'dist', 'compiler', 'cli.js');
const GO_RUN = path.join(ROOT, 'bench', 'lib', 'go-run.cjs');
const NM = path.join(ROOT, 'node_modules');

const MODULES = [
  { name: 'sqlite3', wasm: path.join(NM, '@sqlite.org/sqlite-wasm/sqlite-wasm/jswasm/sqlite3.wasm') },
  { name: 'quickjs', wasm: path.join(NM, '@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm') },
  { name: 'large-kernel', wasm: path.join(ROOT, 'kernel/large-kernel.wasm') },
  { name: 'esbuild', wasm: path.join(NM, 'esbuild-wasm/esbuild.wasm'), goExec: path.join(NM, 'esbuild-wasm/wasm_exec.js') },
  { name: 'duckdb-mvp', wasm: path.join(NM, '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm') },
];

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const only = value('--only', '').split(',').filter(Boolean);
const withTs = flag('--ts');
const runs = Number(value('--runs', '1'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-scale-'));

/** A command in a fresh process under GNU time: wall and CPU seconds, peak RSS in MiB. */
function timed(argv, input) {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %U %S %M', ...argv], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const m = /TIME ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.trim().split('\n').slice(-6).join('\n')}`);
  return { wall, cpu: Number(m[1]) + Number(m[2]), peakMiB: Number(m[3]) / 1024, stdout: r.stdout };
}

/** Output size: JS bytes (runtime excluded), files, leading indentation's share, longest line. */
function outputStats(dir) {
  let bytes = 0, indent = 0, longest = 0, files = 0;
  for (const name of fs.readdirSync(dir)) {
    if (!/\.[jt]s$/.test(name) || name.endsWith('.d.ts')) continue;
    const text = fs.readFileSync(path.join(dir, name), 'latin1');
    files++;
    bytes += text.length;
    for (const m of text.matchAll(/^[ \t]+/gm)) indent += m[0].length;
    for (const line of text.split('\n')) longest = Math.max(longest, line.length);
  }
  return { bytes, files, indentShare: indent / bytes, longest };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (n) => (n / 1e6).toFixed(1);
const rows = [];
for (const m of MODULES) {
  if (only.length && !only.includes(m.name)) continue;
  if (!fs.existsSync(m.wasm)) {
    console.log(`${m.name}: ${path.relative(ROOT, m.wasm)} missing (npm install; kernel/build.sh), skipped`);
    continue;
  }
  const out = path.join(work, m.name);
  const samples = [];
  const tsSamples = [];
  const tsOut = path.join(work, `${m.name}-ts`);
  for (let i = 0; i < runs; i++) {
    samples.push(timed([process.execPath, CLI, 'compile', m.wasm, '-o', out, '-q']));
    if (withTs) tsSamples.push(timed([process.execPath, CLI, 'compile', m.wasm, '-o', tsOut, '-q', '--ts']));
  }
  const size = fs.statSync(m.wasm).size;
  const stats = outputStats(out);
  if (withTs) {
    const tsStats = outputStats(tsOut);
    const cpu = median(samples.map((s) => s.cpu));
    const tsCpu = median(tsSamples.map((s) => s.cpu));
    console.log(`${m.name} --ts: compile CPU ${tsCpu.toFixed(1)} s vs ${cpu.toFixed(1)} s for JS (${(tsCpu / cpu).toFixed(2)}×), peak ${Math.round(median(tsSamples.map((s) => s.peakMiB)))} MiB, ${mb(tsStats.bytes)} MB of TypeScript vs ${mb(stats.bytes)} MB of JS (${(tsStats.bytes / stats.bytes).toFixed(2)}×)`);
    fs.rmSync(tsOut, { recursive: true, force: true });
  }
  const row = {
    module: m.name, wasmMB: mb(size), compileS: median(samples.map((s) => s.wall)).toFixed(1), cpuS: median(samples.map((s) => s.cpu)).toFixed(1),
    peakMiB: Math.round(median(samples.map((s) => s.peakMiB))), jsMB: mb(stats.bytes), files: stats.files, jsPerWasm: (stats.bytes / size).toFixed(1),
    indent: `${(stats.indentShare * 100).toFixed(1)}%`, longestLine: stats.longest,
  };
  rows.push(row);
  console.log(Object.entries(row).map(([k, v]) => `${k}=${v}`).join(' '));
  if (m.goExec && !flag('--no-run')) runGo(m, out);
  if (!m.goExec) fs.rmSync(out, { recursive: true, force: true });
}

/** esbuild's transform of a real TypeScript file, natively and on w2js: same output, times. */
function runGo(m, out) {
  const input = ['compiler/emit/function.ts', 'compiler/link/output.ts', 'runtime/host/kernel.ts'].map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8')).join('\n');
  const argv = ['--loader=ts', '--format=esm', '--minify'];
  const times = { native: [], w2js: [] };
  let expected;
  for (let i = 0; i < runs; i++) {
    for (const [runner, target] of [['native', m.wasm], ['w2js', out]]) {
      const r = timed([process.execPath, GO_RUN, target, m.goExec, ...argv], input);
      expected ??= r.stdout;
      if (r.stdout !== expected) throw new Error(`${m.name} on ${runner}: output differs from native's`);
      times[runner].push(r);
    }
  }
  const line = (k) => `${k}: wall ${median(times[k].map((t) => t.wall)).toFixed(2)} s, cpu ${median(times[k].map((t) => t.cpu)).toFixed(2)} s, peak ${Math.round(median(times[k].map((t) => t.peakMiB)))} MiB`;
  console.log(`${m.name} transform of ${(input.length / 1e3).toFixed(0)} kB of TypeScript (same output, ${expected.length} bytes): ${line('native')} | ${line('w2js')} | w2js ÷ native wall ${(median(times.w2js.map((t) => t.wall)) / median(times.native.map((t) => t.wall))).toFixed(2)}×`);
}

console.log('\n| module | wasm MB | compile s | CPU s | peak MiB | JS MB | files | JS/wasm | indentation | longest line |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.module} | ${r.wasmMB} | ${r.compileS} | ${r.cpuS} | ${r.peakMiB} | ${r.jsMB} | ${r.files} | ${r.jsPerWasm} | ${r.indent} | ${r.longestLine} |`);
fs.rmSync(work, { recursive: true, force: true });
