// bench/polyfill.mjs: real packages through the polyfill (issue 12), each workload of
// test/polyfill/workloads/ in a fresh process under GNU time (wall, CPU, peak RSS):
//   native         V8's own WebAssembly
//   compile        the polyfill forced, compiling in-process at load (an empty cache each run)
//   cached         the polyfill forced, every module found in the content-hash cache (AOT)
//   jitless        node --jitless, from the cache (WebAssembly does not exist)
// Runners interleave; the median of --runs (default 3) is printed.
//   node bench/polyfill.mjs [--runs 3] [--only sqlite,quickjs,esbuild]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './lib/util.mjs';

const args = process.argv.slice(2);
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const runs = Number(value('--runs', '3'));
const only = value('--only', 'quickjs,sqlite,esbuild').split(',');
const polyfill = path.join(ROOT, 'dist/polyfill/node.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-bench-polyfill-'));
const cache = path.join(work, 'cache');

function timed(workload, env) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, path.join(ROOT, 'test/polyfill/workloads', `${workload}.mjs`)], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${workload} ${JSON.stringify(env)} failed: ${r.stderr.slice(-1500)}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), peakMiB: Number(m[4]) / 1024, out: r.stdout.trim().split('\n').at(-1) };
}

const RUNNERS = {
  native: () => ({}),
  compile: () => {
    const fresh = fs.mkdtempSync(path.join(work, 'fresh-'));
    return { NODE_OPTIONS: `--import=${polyfill}`, W2JS_POLYFILL: 'force', W2JS_CACHE: fresh };
  },
  cached: () => ({ NODE_OPTIONS: `--import=${polyfill}`, W2JS_POLYFILL: 'force', W2JS_CACHE: cache }),
  jitless: () => ({ NODE_OPTIONS: `--jitless --import=${polyfill}`, W2JS_CACHE: cache }),
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const workload of only) {
  timed(workload, RUNNERS.cached()); // fills the cache
  const samples = Object.fromEntries(Object.keys(RUNNERS).map((k) => [k, []]));
  let expected;
  for (let i = 0; i < runs; i++) {
    for (const [name, env] of Object.entries(RUNNERS)) {
      const r = timed(workload, env());
      const result = r.out.replace(/,"polyfilled":(true|false)/, '');
      expected ??= result;
      if (result !== expected) throw new Error(`${workload} on ${name}: ${result} ≠ ${expected}`);
      samples[name].push(r);
    }
  }
  const row = { workload };
  for (const [name, s] of Object.entries(samples)) row[name] = { wall: median(s.map((x) => x.wall)), cpu: median(s.map((x) => x.cpu)), peakMiB: Math.round(median(s.map((x) => x.peakMiB))) };
  rows.push(row);
  console.log(JSON.stringify(row));
}
console.log(`\nnode ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, median of ${runs}; CPU s (wall s, peak MiB)\n`);
console.log('| workload | native | polyfill, compiling at load | polyfill, from the cache | --jitless, from the cache |');
console.log('|---|---|---|---|---|');
const cell = (c) => `${c.cpu.toFixed(2)} (${c.wall.toFixed(2)}, ${c.peakMiB})`;
for (const r of rows) console.log(`| ${r.workload} | ${cell(r.native)} | ${cell(r.compile)} | ${cell(r.cached)} | ${cell(r.jitless)} |`);
fs.rmSync(work, { recursive: true, force: true });
