// bench/lib/compile-side.mjs: compile time, peak memory and output size of w2js against binaryen's
// wasm2js, on a large generated module (gen/big-module.mjs, built with clang into .cache/) and, as
// a baseline for process start-up, on a tiny one (programs/hash.wasm). Each compile is a fresh
// process under /usr/bin/time -v (peak RSS); the wall time is measured around it.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { BENCH, CACHE, ROOT, RUN_DIR, exec, median } from './util.mjs';
import { spawnSync } from 'node:child_process';

const W2JS_CLI = path.join(ROOT, 'dist', 'compiler', 'cli.js');
const WASM2JS = path.join(ROOT, 'node_modules', 'binaryen', 'bin', 'wasm2js');
const CHILD = path.join(BENCH, 'lib', 'child.mjs');

/**
 * The compilers compared: each writes one output file (w2js also copies its runtime, counted apart).
 * `reps`: how many of the run's repetitions a tool takes part in on the large module; wasm2js takes
 * minutes there, so it is measured once.
 */
const TOOLS = [
  { name: 'w2js', reps: Infinity, args: (wasm, out) => [W2JS_CLI, 'compile', wasm, '-o', out, '-q'], output: (out) => path.join(out, 'index.js') },
  { name: 'wasm2js', reps: 1, args: (wasm, out) => [WASM2JS, wasm, '-o', path.join(out, 'out.mjs')], output: (out) => path.join(out, 'out.mjs') },
  { name: 'wasm2js -O2', reps: 1, args: (wasm, out) => [WASM2JS, wasm, '-O2', '-o', path.join(out, 'out.mjs')], output: (out) => path.join(out, 'out.mjs') },
];

/** Build (once) the large module with `functions` functions; returns its path. */
export function buildBigModule(functions, log) {
  const wasm = path.join(CACHE, `big-${functions}.wasm`);
  if (fs.existsSync(wasm)) return wasm;
  const c = path.join(RUN_DIR, `big-${functions}.c`);
  fs.mkdirSync(RUN_DIR, { recursive: true });
  exec(process.execPath, [path.join(BENCH, 'gen', 'big-module.mjs'), c, String(functions)]);
  log(`building ${path.relative(ROOT, wasm)} from ${functions} generated C functions (clang -O2; ~${Math.ceil(functions / 4000)} min, once)`);
  exec(process.env.CC ?? 'clang-19', ['--target=wasm32', '-nostdlib', '-O2', '-Wl,--no-entry', '-Wl,--export=run', '-Wl,--export=bench_main',
    '-I', path.join(BENCH, 'programs'), '-o', `${wasm}.${process.pid}.tmp`, c]);
  fs.renameSync(`${wasm}.${process.pid}.tmp`, wasm);
  return wasm;
}

/** One compile in a fresh process: wall seconds, peak RSS (MiB), output bytes and gzip bytes. */
function compileOnce(tool, wasm, out) {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, ...tool.args(wasm, out)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${tool.name} failed on ${path.basename(wasm)}: ${r.stderr.trim().split('\n').slice(-25).join('\n')}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const text = fs.readFileSync(tool.output(out));
  return { seconds, peakMiB: rss ? Number(rss[1]) / 1024 : null, bytes: text.length, gzipBytes: zlib.gzipSync(text).length };
}

/** Run entry(n) of a compiled output through child.mjs: { result, seconds, loadSeconds } or { error }. */
function runOutput(loader, target, n) {
  const r = spawnSync(process.execPath, [CHILD, loader, target, 'run', String(n)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) return { error: r.stderr.trim().split('\n').slice(-3).join(' | ') };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * Measure every tool on the tiny and the large module, `reps` times each (interleaved); then check
 * the large module's outputs compute what native wasm computes. Returns the figures and any failures.
 */
export function measureCompileSide({ functions, reps, log }) {
  const big = buildBigModule(functions, log);
  const tiny = path.join(BENCH, 'programs', 'hash.wasm');
  const modules = [
    { name: 'tiny', file: tiny, bytes: fs.statSync(tiny).size },
    { name: `big (${functions} funcs)`, file: big, bytes: fs.statSync(big).size, functions },
  ];
  const samples = new Map();
  for (let rep = 0; rep < reps; rep++) {
    for (const mod of modules) {
      for (const tool of TOOLS) {
        if (mod.functions && rep >= tool.reps) continue;
        log(`compile ${rep + 1}/${reps}: ${tool.name} ${mod.name}`);
        const out = path.join(RUN_DIR, 'compile', tool.name.replace(/\W+/g, '-'), mod.name.split(' ')[0]);
        const key = `${mod.name}\0${tool.name}`;
        if (!samples.has(key)) samples.set(key, []);
        samples.get(key).push(compileOnce(tool, mod.file, out));
      }
    }
  }
  const rows = [];
  for (const mod of modules) {
    for (const tool of TOOLS) {
      const s = samples.get(`${mod.name}\0${tool.name}`);
      rows.push({
        module: mod.name,
        moduleBytes: mod.bytes,
        tool: tool.name,
        seconds: median(s.map((x) => x.seconds)),
        secondsMin: Math.min(...s.map((x) => x.seconds)),
        secondsMax: Math.max(...s.map((x) => x.seconds)),
        peakMiB: median(s.map((x) => x.peakMiB ?? NaN)),
        bytes: s[0].bytes,
        gzipBytes: s[0].gzipBytes,
        runs: s.length,
      });
    }
  }
  // The outputs of the last rep are still on disk: check they compute what native wasm does.
  log('checking the large module: run(1) natively, through w2js and through wasm2js -O2');
  const check = {
    native: runOutput('native', big, 1),
    w2js: runOutput('w2js', path.join(RUN_DIR, 'compile', 'w2js', 'big'), 1),
    'wasm2js -O2': runOutput('wasm2js', path.join(RUN_DIR, 'compile', 'wasm2js-O2', 'big', 'out.mjs'), 1),
  };
  const failures = [];
  for (const [name, r] of Object.entries(check)) {
    if ('error' in r) failures.push(`compile side: ${name} on the large module: ${r.error}`);
    else if (r.result !== check.native.result) failures.push(`compile side: ${name} computed ${r.result} on the large module, native ${check.native.result}`);
  }
  const runtimeBytes = dirBytes(path.join(RUN_DIR, 'compile', 'w2js', 'big', 'runtime'));
  return { rows, check, runtimeBytes, failures };
}

function dirBytes(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    total += e.isDirectory() ? dirBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size;
  }
  return total;
}
