// bench/experiments/worker-load/child.mjs: one sample, in a fresh process. The main thread plays
// the boot thread (loads the module, instantiates it, runs its "boot" functions, optionally makes
// the code cache), then starts `workers` workers, at most `concurrency` loading at a time, each
// loading, instantiating (thread: true) and calling its functions. Prints one JSON line.
//
//   node child.mjs '<json scenario>'     (see run.mjs for the fields)

import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { loadModule, instantiate, callRange } from './load.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const s = JSON.parse(process.argv[2]);
const abs = () => performance.timeOrigin + performance.now();
const out = { scenario: s.name };

// ---- main thread: the boot instance ----
const cpu0 = process.cpuUsage();
// cache 'eager': compile every function eagerly (V8 --no-lazy, process-wide, restored right after)
// so the cache holds all of them; the flag hash is the same again when workers consume it.
if (s.cache === 'eager') v8.setFlagsFromString('--no-lazy');
const main = await loadModule({ dir: s.dir, form: s.form, keepScript: true });
if (s.cache === 'eager') v8.setFlagsFromString('--lazy');
out.mainLoad = main.t.load;
let cache;
if (s.cache === 'compile') cache = main.script.createCachedData();
const mi = await instantiate(main.mod, false);
if (s.mainCalls) out.mainCold = callRange(mi.exports, ...s.mainCalls).ms;
if (s.cache === 'run' || s.cache === 'eager') {
  const t0 = performance.now();
  cache = main.script.createCachedData();
  out.cacheCreate = performance.now() - t0;
}
if (cache) out.cacheMB = cache.length / 1e6;

// How the cache and the source reach workers.
let cacheShared;
if (cache && s.cacheVia === 'sab') {
  cacheShared = new SharedArrayBuffer(cache.length);
  new Uint8Array(cacheShared).set(cache);
}
let source;
if (s.sourceVia === 'string') source = main.source;
else if (s.sourceVia === 'sab') {
  source = new SharedArrayBuffer(main.source.length);
  Buffer.from(source).latin1Write(main.source);
}

// ---- workers ----
const n = s.workers ?? 1;
const conc = s.concurrency ?? n;
const results = [];
const t0 = abs();
const cpuW = process.cpuUsage();
let lastLoaded = 0;
let next = 0;
await new Promise((resolve, reject) => {
  let done = 0;
  const spawn = () => {
    const w = new Worker(path.join(HERE, 'worker.mjs'), {
      workerData: {
        dir: s.dir, form: s.form, from: s.workerCalls[0], to: s.workerCalls[1], spawnedAt: abs(),
        cache: cache ? (cacheShared ?? cache) : undefined, source,
      },
      execArgv: s.workerExecArgv,
      resourceLimits: s.resourceLimits,
    });
    next++;
    w.on('message', (m) => {
      if (m.type === 'loaded') {
        lastLoaded = Math.max(lastLoaded, m.at);
        if (next < n) spawn(); // a pool slot is free once a worker has loaded
      } else {
        results.push(m);
        void w.terminate();
        if (++done === n) resolve();
      }
    });
    w.on('error', reject);
  };
  for (let i = 0; i < Math.min(conc, n); i++) spawn();
  // A busy boot thread (e.g. init() running) competing with the loading workers for 2 cores.
  if (s.mainBusyMs) {
    const until = performance.now() + s.mainBusyMs;
    let h = 0;
    while (performance.now() < until) h = (h * 31 + callRange(mi.exports, 1, 50).h) | 0;
  }
});
const cpu = process.cpuUsage(cpuW);
out.allLoaded = lastLoaded - t0;
out.allDone = abs() - t0;
out.workersCpu = (cpu.user + cpu.system) / 1000;
const med = (k) => { const v = results.map((r) => r[k]).sort((a, b) => a - b); return v[v.length >> 1]; };
for (const k of ['startup', 'load', 'instantiate', 'cold', 'warm', 'heapMB']) out[k] = med(k);
out.rejected = results.some((r) => r.parts.rejected);
for (const k of ['runtime', 'source', 'compile', 'run']) if (results[0].parts[k] !== undefined) out[k] = med2(results, k);
function med2(rs, k) { const v = rs.map((r) => r.parts[k]).sort((a, b) => a - b); return v[v.length >> 1]; }
if (new Set(results.map((r) => r.h)).size !== 1) throw new Error('workers disagree');
const c = process.cpuUsage(cpu0);
out.processCpu = (c.user + c.system) / 1000;
console.log(JSON.stringify(out));
