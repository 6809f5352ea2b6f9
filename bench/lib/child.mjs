// bench/lib/child.mjs: one timed measurement in a fresh Node process, for the JavaScript runners.
//
//   node [--jitless] bench/lib/child.mjs <loader> <target> <entry> <n> [imports-module] [--calls <k>]
//
// loader: native (target = .wasm, WebAssembly.instantiate), w2js (target = output directory,
// its index.js instantiate()), wasm2js (target = the ES module wasm2js wrote; importing it
// instantiates it). Loading and instantiating are not timed; the first call entry(n) is, and with
// --calls k (default 1) k-1 further calls in the same process, each timed (the steady state: the JIT
// has seen the code once). Every call must return the first call's result. Prints one JSON line:
// { result, seconds, loadSeconds, cpuSeconds, maxRssKiB, later: [{ seconds, cpuSeconds }...] }
// (seconds/cpuSeconds: the first call; cpuSeconds: the process's CPU time during the call, all
// threads, so it includes V8's concurrent compiler and GC threads). The result is printed unsigned (i32 as
// `x >>> 0`, i64 as `BigInt.asUintN(64, x)`), the form wasm-interp prints.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
let calls = 1;
const callsAt = argv.indexOf('--calls');
if (callsAt >= 0) calls = Number(argv.splice(callsAt, 2)[1]);
const [loader, target, entry, nText, importsModule] = argv;
const n = Number(nText);

async function makeImports() {
  if (!importsModule) return {};
  const mod = await import(pathToFileURL(path.resolve(importsModule)).href);
  return mod.default();
}

async function load() {
  const imports = await makeImports();
  switch (loader) {
    case 'native':
      return (await WebAssembly.instantiate(fs.readFileSync(target), imports)).instance.exports;
    case 'w2js':
      return (await (await import(pathToFileURL(path.resolve(target, 'index.js')).href)).instantiate(imports)).instance.exports;
    case 'wasm2js':
      if (importsModule) throw new Error('the wasm2js runner does not support imports');
      return await import(pathToFileURL(path.resolve(target)).href);
    default:
      throw new Error(`unknown loader ${loader}`);
  }
}

const loadStart = process.hrtime.bigint();
const exports = await load();
const fn = exports[entry];
if (typeof fn !== 'function') throw new Error(`no exported function ${entry}`);
const unsigned = (value) => (typeof value === 'bigint' ? BigInt.asUintN(64, value).toString() : String(Number(value) >>> 0));

async function timedCall() {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = await fn(n);
  const end = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpuStart);
  return { result: unsigned(value), start, seconds: Number(end - start) / 1e9, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const first = await timedCall();
const later = [];
for (let i = 1; i < calls; i++) {
  const c = await timedCall();
  if (c.result !== first.result) throw new Error(`call ${i + 1} returned ${c.result}, the first ${first.result}`);
  later.push({ seconds: c.seconds, cpuSeconds: c.cpuSeconds });
}
process.stdout.write(`${JSON.stringify({
  result: first.result,
  seconds: first.seconds,
  loadSeconds: Number(first.start - loadStart) / 1e9,
  cpuSeconds: first.cpuSeconds,
  maxRssKiB: process.resourceUsage().maxRSS,
  later,
})}\n`);
