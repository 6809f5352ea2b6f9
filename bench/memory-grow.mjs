#!/usr/bin/env node
// bench/memory-grow.mjs: the cost of memory.grow, w2js against V8's native wasm (bench/README.md D7).
//
//   node bench/memory-grow.mjs [--reps 3] [--cases 4gib,1gib] [--jitless] [--timeout 400] [dir...]
//
// One small module (memory.grow, a load and a store, all from wasm) is compiled with the built
// compiler (dist/compiler/cli.js, `npm run build` first) into .cache/memory-grow/w2js; each extra `dir` is another
// w2js output of the same module to compare (e.g. one compiled by an older checkout, or with a
// patched runtime/). Each measurement is a fresh process that instantiates the module, then times
// the grow loop: after each grow it stores a word in the first and last page of the new region,
// and at the end checks that every such word and one written before the first grow survived.
// Prints wall and CPU seconds and the process's peak RSS, median over --reps, interleaved.
//
// Cases: 4gib = 0 → 65536 pages in steps of 4096 (16 grows; the last one reaches 4 GiB);
//        1gib = 256 → 16384 pages (16 MiB → 1 GiB) in steps of 256 (63 grows, 16 MiB each).

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { CACHE, ROOT, exec, median } from './lib/util.mjs';

const CASES = {
  '4gib': { initial: 0, step: 4096, to: 65536 },
  '1gib': { initial: 256, step: 256, to: 16384 },
};

const WAT = (initial) => `(module
  (memory (export "memory") ${initial})
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))`;

/** The timed part, in a fresh process: grow from `initial` to `to` pages in `step`s. */
async function child(engine, target, caseName) {
  const { initial, step, to } = CASES[caseName];
  const bytes = fs.readFileSync(path.join(target, 'grow.wasm'));
  const exports = engine === 'native'
    ? (await WebAssembly.instantiate(bytes)).instance.exports
    : (await (await import(pathToFileURL(path.join(target, 'index.js')).href)).instantiate({})).instance.exports;
  if (initial > 0) exports.store(0, 0x1234567);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let pages = initial; pages < to; pages += step) {
    if (exports.grow(step) !== pages) throw new Error(`grow(${step}) at ${pages} pages did not return ${pages}`);
    exports.store(pages * 65536, pages | 0); // first word of the new region (wraps to 0 at 4 GiB: i32 address)
    exports.store(((pages + step) * 65536 - 4) | 0, pages ^ 0x5a5a);
  }
  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  if (exports.grow(1) !== -1 && to === 65536) throw new Error('grow past 4 GiB did not fail');
  for (let pages = initial; pages < to; pages += step) {
    if (exports.load(((pages + step) * 65536 - 4) | 0) !== (pages ^ 0x5a5a)) throw new Error(`lost the word at the end of page ${pages + step}`);
  }
  if (initial > 0 && exports.load(0) !== 0x1234567) throw new Error('lost the word written before the first grow');
  return { seconds: Number(t1 - t0) / 1e9, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
}

if (process.argv[2] === '--child') {
  const [, , , engine, target, caseName] = process.argv;
  process.stdout.write(`${JSON.stringify(await child(engine, target, caseName))}\n`);
  process.exit(0);
}

const args = process.argv.slice(2);
const take = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args.splice(i, 2)[1];
};
const reps = Number(take('--reps', 3));
const cases = take('--cases', '4gib,1gib').split(',');
const timeout = Number(take('--timeout', 400)) * 1000;
const jitless = args.includes('--jitless') ? (args.splice(args.indexOf('--jitless'), 1), true) : false;

// Compile the module once per initial size (the memory's minimum is part of the module).
const { default: wabtInit } = await import('wabt');
const wabt = await wabtInit();
const base = path.join(CACHE, 'memory-grow');
function targetsFor(caseName) {
  const initial = CASES[caseName].initial;
  const parsed = wabt.parseWat('grow.wat', WAT(initial));
  const bytes = parsed.toBinary({}).buffer;
  parsed.destroy();
  const own = path.join(base, `w2js-${initial}`);
  fs.rmSync(own, { recursive: true, force: true });
  fs.mkdirSync(own, { recursive: true });
  fs.writeFileSync(path.join(own, 'grow.wasm'), bytes);
  exec(process.execPath, [path.join(ROOT, 'dist/compiler/cli.js'), 'compile', path.join(own, 'grow.wasm'), '-o', own]);
  const extra = args.map((dir) => {
    const d = path.resolve(dir, String(initial));
    if (!fs.existsSync(path.join(d, 'index.js'))) throw new Error(`${d}: no index.js (an extra dir holds one output per initial size: <dir>/<initial>/)`);
    fs.writeFileSync(path.join(d, 'grow.wasm'), bytes);
    return { name: dir, engine: 'w2js', target: d };
  });
  return [{ name: 'native', engine: 'native', target: own }, { name: 'w2js', engine: 'w2js', target: own }, ...extra]
    .filter((t) => !(jitless && t.engine === 'native'));
}

function once(t, caseName) {
  const flags = jitless ? ['--jitless'] : [];
  const r = spawnSync(process.execPath, [...flags, path.join(ROOT, 'bench/memory-grow.mjs'), '--child', t.engine, t.target, caseName], { encoding: 'utf8', timeout });
  if (r.error?.code === 'ETIMEDOUT' || r.signal) return { timeout: true };
  if (r.status !== 0) throw new Error(`${t.name} ${caseName}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

console.log(`Node ${process.version} (V8 ${process.versions.v8})${jitless ? ' --jitless' : ''}, ${reps} runs each, interleaved; median [min-max]`);
for (const caseName of cases) {
  const { initial, step, to } = CASES[caseName];
  const targets = targetsFor(caseName);
  const samples = targets.map(() => []);
  for (let rep = 0; rep < reps; rep++) {
    targets.forEach((t, i) => {
      const r = once(t, caseName);
      samples[i].push(r);
      process.stderr.write(`  [${rep + 1}/${reps}] ${caseName} ${t.name}: ${r.timeout ? 'timeout' : `${r.seconds.toFixed(3)} s, ${r.maxRssMiB.toFixed(0)} MiB`}\n`);
    });
  }
  console.log(`${caseName}: ${initial} → ${to} pages in steps of ${step} (${Math.ceil((to - initial) / step)} grows)`);
  console.log('  runner                     wall s                 CPU s     peak RSS MiB');
  targets.forEach((t, i) => {
    const ok = samples[i].filter((s) => !s.timeout);
    const timeouts = samples[i].length - ok.length;
    if (ok.length === 0) return console.log(`  ${t.name.padEnd(24)} timeout (${timeout / 1000} s)`);
    const w = ok.map((s) => s.seconds);
    const fmt = (x) => (x < 10 ? x.toFixed(3) : x.toFixed(1));
    console.log(`  ${t.name.padEnd(24)} ${fmt(median(w)).padStart(7)} [${fmt(Math.min(...w))}-${fmt(Math.max(...w))}]  ${fmt(median(ok.map((s) => s.cpuSeconds))).padStart(7)}  ${median(ok.map((s) => s.maxRssMiB)).toFixed(0).padStart(8)}${timeouts ? `  (${timeouts} timeouts)` : ''}`);
  });
}
