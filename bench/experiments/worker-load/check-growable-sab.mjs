import fs from 'node:fs'; import vm from 'node:vm';
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
const f = '/tmp/wl/big-4000/index.classic-flat.js';
if (isMainThread) {
  const src = fs.readFileSync(f, 'latin1');
  const s = new vm.Script(src, { filename: f });
  const c = s.createCachedData();
  const g = new SharedArrayBuffer(16, { maxByteLength: 64 << 20 });
  g.grow(8 + c.length); new Uint8Array(g, 8).set(c); new Int32Array(g)[0] = c.length;
  const w = new Worker(new URL(import.meta.url), { workerData: { g } });
  w.on('message', (m) => console.log(m)); w.on('error', (e) => console.log('worker error', e.message));
} else {
  const src = fs.readFileSync(f, 'latin1');
  const g = workerData.g; const len = new Int32Array(g)[0];
  try { const s = new vm.Script(src, { filename: f, cachedData: new Uint8Array(g, 8, len) }); parentPort.postMessage({ growable: true, rejected: s.cachedDataRejected }); }
  catch (e) { parentPort.postMessage({ error: e.message }); }
}
