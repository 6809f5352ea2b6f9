// bench/experiments/worker-load/load.mjs: load, instantiate and call the compiled module, timed.
// Used by the main thread (child.mjs) and by every worker (worker.mjs) alike.

import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { pathToFileURL } from 'node:url';

const now = () => performance.now();
const INSTANTIATE_OPTIONS = Symbol.for('w2js.instantiate');

/**
 * Load `dir`'s compiled module. form: 'esm' (import index.js, as kernel-instance.ts does today) or
 * 'classic' / 'flat' (vm.Script of index.classic.js / index.classic-flat.js with the runtime passed in).
 * source: the script text if the caller has it already (else read from the file here).
 * cachedData: a Uint8Array (possibly over a SharedArrayBuffer) or undefined.
 */
export async function loadModule({ dir, form, source, cachedData, keepScript = false }) {
  const t = { start: now() };
  if (form === 'esm') {
    const mod = await import(pathToFileURL(path.join(dir, 'index.js')).href);
    t.load = now() - t.start;
    return { mod, t };
  }
  const file = path.join(dir, form === 'flat' ? 'index.classic-flat.js' : 'index.classic.js');
  let t0 = now();
  const rt = await import(pathToFileURL(path.join(dir, 'runtime', 'index.js')).href);
  t.runtime = now() - t0;
  t0 = now();
  if (typeof source !== 'string') source = source ? Buffer.from(source).latin1Slice() : fs.readFileSync(file, 'latin1');
  t.source = now() - t0;
  t0 = now();
  const script = new vm.Script(source, { filename: pathToFileURL(file).href, cachedData });
  t.compile = now() - t0;
  t.rejected = cachedData ? script.cachedDataRejected : null;
  t0 = now();
  const mod = script.runInThisContext()(rt);
  t.run = now() - t0;
  t.load = now() - t.start;
  return { mod, t, script: keepScript ? script : undefined, source: keepScript ? source : undefined };
}

/** Instantiate as kernel-instance.ts does for a thread (`thread: true`) or for the boot thread. */
export async function instantiate(mod, thread) {
  const t0 = now();
  const found = {};
  const imports = { [INSTANTIATE_OPTIONS]: { thread, onInstance: (i) => void (found.inst = i) } };
  const { instance } = await mod.instantiate(imports);
  if (!found.inst) throw new Error('no instance reported');
  return { exports: instance.exports, ms: now() - t0 };
}

/** Call table entries [from, to) once each: ms and a checksum. */
export function callRange(exports, from, to) {
  const table = exports.__indirect_function_table;
  const t0 = now();
  let h = 0;
  for (let i = from; i < to; i++) h = (h * 31 + table.get(i)(i, h & 255)) | 0;
  return { ms: now() - t0, h };
}
