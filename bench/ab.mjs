#!/usr/bin/env node
// bench/ab.mjs: time compiled outputs of one program against each other, for the measurements in
// README.md "Decisions": e.g. the w2js output as compiled and a hand-edited copy in .cache/.
//
//   node bench/ab.mjs <program> <dir> <dir>... [--n N] [--reps 5] [--jitless]
//
// Each <dir> is a w2js output directory (index.js + runtime/) or a wasm2js .mjs file. Runs are
// interleaved round-robin, a fresh process each; every result must equal the native one. Prints
// median [min-max] seconds per output and the ratio of medians to the first.

import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PROGRAMS } from './programs.mjs';
import { BENCH, median } from './lib/util.mjs';

const args = process.argv.slice(2);
const take = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  return args.splice(i, 2)[1];
};
const jitless = args.includes('--jitless') ? (args.splice(args.indexOf('--jitless'), 1), true) : false;
const reps = Number(take('--reps', 5));
const nArg = take('--n', null);
const [name, ...dirs] = args;
const program = PROGRAMS.find((p) => p.name === name);
if (!program || dirs.length === 0) {
  process.stderr.write('usage: node bench/ab.mjs <program> <dir> <dir>... [--n N] [--reps 5] [--jitless]\n');
  process.exit(2);
}
const n = Number(nArg ?? (jitless ? program.slowN : program.n));
const child = path.join(BENCH, 'lib', 'child.mjs');

function once(loader, target) {
  const r = spawnSync(process.execPath, [...(jitless ? ['--jitless'] : []), child, loader, target, program.entry ?? 'run', String(n)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${target}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const expected = program.expected?.[n] ?? once('native', path.join(BENCH, program.wasm)).result;
const samples = dirs.map(() => []);
const cpu = dirs.map(() => []);
for (let rep = 0; rep < reps; rep++) {
  dirs.forEach((dir, i) => {
    const loader = dir.endsWith('.mjs') ? 'wasm2js' : 'w2js';
    const r = once(loader, dir);
    if (r.result !== expected) throw new Error(`${dir}: run(${n}) = ${r.result}, expected ${expected}`);
    samples[i].push(r.seconds);
    cpu[i].push(r.cpuSeconds);
    process.stderr.write(`  [${rep + 1}/${reps}] ${dir}: ${r.seconds.toFixed(3)} s\n`);
  });
}
const base = median(samples[0]);
const baseMin = Math.min(...samples[0]);
const baseCpu = median(cpu[0]);
console.log(`${program.name} run(${n})${jitless ? ' --jitless' : ''}, ${reps} runs each, results checked.`);
console.log('  wall s: median [min-max]   CPU s: median   ratio to the first: wall median, wall min, CPU median');
dirs.forEach((dir, i) => {
  const m = median(samples[i]);
  const min = Math.min(...samples[i]);
  const c = median(cpu[i]);
  console.log(`  ${m.toFixed(3).padStart(8)} [${min.toFixed(3)}-${Math.max(...samples[i]).toFixed(3)}]  ${c.toFixed(3).padStart(8)}  ${(m / base).toFixed(3)}x ${(min / baseMin).toFixed(3)}x ${(c / baseCpu).toFixed(3)}x  ${dir}`);
});
