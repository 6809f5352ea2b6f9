import fs from 'node:fs'; import vm from 'node:vm'; import v8 from 'node:v8';
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
const f = '/tmp/wl/big-4000/index.classic.js';
const src = fs.readFileSync(f, 'latin1');
if (isMainThread) {
  const mode = process.argv[2];
  let t0 = performance.now();
  if (mode === 'nolazy') v8.setFlagsFromString('--no-lazy');
  const s = new vm.Script(src, { filename: f });
  console.log('main compile', (performance.now() - t0).toFixed(0));
  if (mode === 'nolazy') v8.setFlagsFromString('--lazy');
  t0 = performance.now();
  const c = s.createCachedData();
  console.log('cache', c.length, (performance.now() - t0).toFixed(0));
  const w = new Worker(new URL(import.meta.url), { workerData: { c, mode }, execArgv: mode === 'execArgv' ? ['--no-lazy'] : undefined });
  w.on('message', (m) => console.log(m)); w.on('error', (e) => console.log('worker error', e.message));
} else {
  if (workerData.mode === 'workerflag') v8.setFlagsFromString('--no-flush-bytecode');
  const t0 = performance.now();
  const s = new vm.Script(src, { filename: f, cachedData: workerData.c });
  parentPort.postMessage({ rejected: s.cachedDataRejected, ms: performance.now() - t0 });
}
