#!/usr/bin/env node
// bench/profile.mjs: where does the w2js output of a program spend its time?
//
//   node bench/profile.mjs <program> [n] [--dir <compiled output dir>] [--lines 25]
//
// Compiles the program with w2js (unless --dir points at an output, e.g. a hand-edited copy in
// .cache/), runs run(n) once under `node --cpu-prof`, and prints self time per function and the
// hottest source lines of the output (V8's position ticks: inlined helpers are charged to the line
// that calls them). The .cpuprofile stays in bench/.cache/prof/ for Chrome DevTools.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROGRAMS } from './programs.mjs';
import { compileW2js } from './lib/runners.mjs';
import { BENCH, CACHE } from './lib/util.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [, value] = args.splice(i, 2);
  return value;
};
const dirArg = flag('--dir', null);
const lineCount = Number(flag('--lines', 25));
const [name, nArg] = args;
const program = PROGRAMS.find((p) => p.name === name);
if (!program) {
  process.stderr.write(`usage: node bench/profile.mjs <${PROGRAMS.map((p) => p.name).join('|')}> [n] [--dir <output dir>] [--lines 25]\n`);
  process.exit(2);
}
const n = Number(nArg ?? program.n);
const dir = dirArg ? path.resolve(dirArg) : compileW2js(program, path.join(CACHE, 'profile'));
const profDir = path.join(CACHE, 'prof');
fs.mkdirSync(profDir, { recursive: true });
const profName = `${program.name}-${Date.now()}.cpuprofile`;
const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${profName}`,
  path.join(BENCH, 'lib', 'child.mjs'), 'w2js', dir, program.entry ?? 'run', String(n)], { encoding: 'utf8' });
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(1);
}
const run = JSON.parse(r.stdout.trim().split('\n').pop());
const profile = JSON.parse(fs.readFileSync(path.join(profDir, profName), 'utf8'));

// Self time: samples per node, with the node's function and file; and ticks per line.
const dt = (profile.endTime - profile.startTime) / profile.samples.length / 1000; // ms per sample
const counts = new Map();
for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
const byFunction = new Map();
const byLine = new Map();
let total = 0;
for (const node of profile.nodes) {
  const hits = counts.get(node.id) ?? 0;
  total += hits;
  const cf = node.callFrame;
  const file = cf.url ? path.relative(dir, new URL(cf.url).pathname) : '';
  const key = `${cf.functionName || '(anonymous)'} ${file}`.trim();
  byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  for (const t of node.positionTicks ?? []) {
    const lk = `${file}:${t.line}`;
    byLine.set(lk, (byLine.get(lk) ?? 0) + t.ticks);
  }
}
const sources = new Map();
const lineText = (key) => {
  const [file, line] = key.split(':');
  if (!file || file.startsWith('..')) return '';
  if (!sources.has(file)) sources.set(file, fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), 'utf8').split('\n') : []);
  return (sources.get(file)[Number(line) - 1] ?? '').trim().slice(0, 110);
};
const pct = (x) => `${((100 * x) / total).toFixed(1).padStart(5)}%`;
console.log(`${program.name} run(${n}) = ${run.result} in ${run.seconds.toFixed(3)} s (profiled; ${profile.samples.length} samples of ${dt.toFixed(2)} ms)`);
console.log(`output: ${path.relative(process.cwd(), dir)}   profile: ${path.relative(process.cwd(), path.join(profDir, profName))}\n`);
console.log('self time by function:');
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15)) if (v) console.log(`  ${pct(v)}  ${k}`);
console.log('\nhottest lines (position ticks):');
const lineTotal = [...byLine.values()].reduce((a, b) => a + b, 0) || 1;
for (const [k, v] of [...byLine].sort((a, b) => b[1] - a[1]).slice(0, lineCount)) {
  console.log(`  ${((100 * v) / lineTotal).toFixed(1).padStart(5)}%  ${k.padEnd(24)} ${lineText(k)}`);
}
