// bench/experiments/worker-load/worker.mjs: one kernel-thread-like worker: load the module, make a
// thread instance, call a range of functions cold, then again (warm); post the timings.
import { parentPort, workerData } from 'node:worker_threads';
import { loadModule, instantiate, callRange } from './load.mjs';

const abs = () => performance.timeOrigin + performance.now();
const d = workerData;
const begun = abs();
const cachedData = d.cache ? new Uint8Array(d.cache) : undefined;
const { mod, t } = await loadModule({ dir: d.dir, form: d.form, source: d.source, cachedData });
const inst = await instantiate(mod, true);
const loadedAt = abs();
parentPort.postMessage({ type: 'loaded', at: loadedAt });
const cold = callRange(inst.exports, d.from, d.to);
const warm = callRange(inst.exports, d.from, d.to);
// (the functions write memory, so the warm pass computes other values)
parentPort.postMessage({
  type: 'done', at: abs(), h: cold.h,
  startup: begun - d.spawnedAt, load: t.load, parts: t, instantiate: inst.ms, cold: cold.ms, warm: warm.ms,
  heapMB: process.memoryUsage().heapUsed / 1e6,
});
