// bench/experiments/worker-load/run.mjs: every scenario, --reps times, interleaved (repetition r
// runs all scenarios before repetition r+1), each sample a fresh process (child.mjs); prints the
// medians as markdown tables and writes all samples to <dir>/worker-load-results.json.
//
//   node bench/experiments/worker-load/run.mjs [--dir /tmp/wl/big-4000] [--reps 5] [--only regex]

import path from 'node:path';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const arg = (k, d) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
const dir = arg('dir', '/tmp/wl/big-4000');
const reps = Number(arg('reps', 5));
const only = new RegExp(arg('only', '.'));
const HALF = [1, 2001], OTHER = [2001, 4001], ALL = [1, 4001];
const base = { dir, mainCalls: HALF, workerCalls: HALF };

const single = [
  { name: '1 esm (today)', form: 'esm' },
  { name: '1 classic, no cache', form: 'classic' },
  { name: '1 classic flat, no cache', form: 'flat' },
  { name: '1 classic + cache (Buffer)', form: 'classic', cache: 'run' },
  { name: '1 classic + cache (SAB)', form: 'classic', cache: 'run', cacheVia: 'sab' },
  { name: '1 classic + cache, source as string', form: 'classic', cache: 'run', cacheVia: 'sab', sourceVia: 'string' },
  { name: '1 classic + cache, source in SAB', form: 'classic', cache: 'run', cacheVia: 'sab', sourceVia: 'sab' },
  { name: '1 flat + cache', form: 'flat', cache: 'run', cacheVia: 'sab' },
  { name: '1 classic + cache made before any call', form: 'classic', cache: 'compile', cacheVia: 'sab' },
  { name: '1 classic + cache, worker calls other funcs', form: 'classic', cache: 'run', cacheVia: 'sab', workerCalls: OTHER },
  { name: '1 esm, worker calls other funcs', form: 'esm', workerCalls: OTHER },
  { name: '1 classic + cache of all funcs (main called all)', form: 'classic', cache: 'run', cacheVia: 'sab', mainCalls: ALL },
  { name: '1 classic + eager cache (--no-lazy on main), worker calls other funcs', form: 'classic', cache: 'eager', cacheVia: 'sab', workerCalls: OTHER },
  { name: '1 flat + cache, source in SAB', form: 'flat', cache: 'run', cacheVia: 'sab', sourceVia: 'sab' },
  { name: '1 classic + cache, stackSizeMb 8', form: 'classic', cache: 'run', cacheVia: 'sab', resourceLimits: { stackSizeMb: 8 } },
];
const multi = [];
for (const [label, extra] of [['esm', { form: 'esm' }], ['classic+cache', { form: 'classic', cache: 'run', cacheVia: 'sab' }],
  ['flat+cache+SAB source', { form: 'flat', cache: 'run', cacheVia: 'sab', sourceVia: 'sab' }]]) {
  for (const c of [1, 2, 16]) multi.push({ name: `16 ${label}, ${c === 1 ? 'one at a time' : `${c} at a time`}`, workers: 16, concurrency: c, ...extra });
  multi.push({ name: `16 ${label}, 16 at once, main busy 1.5 s`, workers: 16, concurrency: 16, mainBusyMs: 1500, ...extra });
}
const scenarios = [...single, ...multi].map((s) => ({ ...base, ...s })).filter((s) => only.test(s.name));

const samples = new Map(scenarios.map((s) => [s.name, []]));
for (let r = 0; r < reps; r++) {
  for (const s of scenarios) {
    const line = execFileSync(process.execPath, [path.join(HERE, 'child.mjs'), JSON.stringify(s)], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop();
    samples.get(s.name).push(JSON.parse(line));
    process.stderr.write(`rep ${r + 1}/${reps} ${s.name}\n`);
  }
}
fs.writeFileSync(path.join(dir, 'worker-load-results.json'), JSON.stringify(Object.fromEntries(samples), null, 1));

const med = (xs) => { const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b); return v.length ? v[v.length >> 1] : undefined; };
const f = (x, d = 0) => (x === undefined ? '' : x.toFixed(d));
const row = (name, keys) => { const ss = samples.get(name); return keys.map(([k, d]) => f(med(ss.map((x) => x[k])), d)); };
const sk = [['startup'], ['load'], ['source'], ['compile'], ['run', 1], ['instantiate'], ['cold'], ['warm'], ['cacheMB', 1], ['cacheCreate'], ['mainLoad'], ['mainCold']];
console.log(`\n${dir}, ${reps} runs each, medians, ms\n`);
console.log(`| scenario | ${sk.map(([k]) => k).join(' | ')} | rejected |`);
console.log(`|---|${sk.map(() => '---:').join('|')}|---|`);
for (const s of scenarios.filter((s) => !s.workers)) console.log(`| ${s.name} | ${row(s.name, sk).join(' | ')} | ${samples.get(s.name).some((x) => x.rejected)} |`);
const mk = [['allLoaded'], ['allDone'], ['workersCpu'], ['load'], ['cold'], ['heapMB', 1]];
console.log(`\n| 16 workers | ${mk.map(([k]) => k).join(' | ')} |`);
console.log(`|---|${mk.map(() => '---:').join('|')}|`);
for (const s of scenarios.filter((s) => s.workers)) console.log(`| ${s.name} | ${row(s.name, mk).join(' | ')} |`);
