// compileParallel: compile() with the functions spread over worker threads. Each worker reads the
// module itself (from shared memory) and compiles the batches of functions it is handed; the main
// thread links the printed functions strictly in order, so the output, and which error is
// reported first, are the same as compile()'s. Below PARALLEL_MIN_CODE bytes of code, starting
// workers costs more than they save (bench/README.md, decision C3): the serial path runs.

import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { CompileError, type ErrorCode } from './diagnostics.js';
import { prepare } from './compile-function.js';
import { compileSerial, finishOutput, newLinker, type CompileOptions, type CompileOutput } from './index.js';
import type { PrintedFunction } from './link/output.js';
import { buildTypings } from './link/typings.js';

/** Code bytes from which workers pay for their start (about 80 ms each; bench/README C6). */
export const PARALLEL_MIN_CODE = 1 << 20;

/** A printed function as it crosses threads (sets as arrays). */
export type WireFunction = PrintedFunction & { name: string; helpers: string[]; callees: string[] };

export interface BatchResult {
  batch: number;
  functions: WireFunction[];
  error?: { code: ErrorCode; reason: string; offset?: number; funcIndex?: number; funcName?: string };
  internal?: string;
}

export interface ParallelOptions extends CompileOptions {
  /** Worker threads; default: the available parallelism (at most 8). 1 compiles on this thread. */
  threads?: number;
}

export async function compileParallel(bytes: Uint8Array, options: ParallelOptions = {}): Promise<CompileOutput> {
  const file = (options.filename ?? 'module.wasm').split(/[\\/]/).pop()!;
  try {
    const p = prepare(bytes, file, options);
    const m = p.module;
    const code = m.funcs.reduce((n, f) => n + (f.end - f.bodyAt), 0);
    const threads = Math.min(options.threads ?? Math.min(os.availableParallelism?.() ?? os.cpus().length, 8), Math.ceil(m.funcs.length / 64));
    if (threads <= 1 || (options.threads === undefined && code < PARALLEL_MIN_CODE)) return compileSerial(p, options);
    return await runWorkers(p, bytes, file, threads, options);
  } catch (e) {
    if (e instanceof CompileError) throw e.locate({ file });
    throw e;
  }
}

/** Batches of consecutive functions of about equal code size, many per worker so none idles. */
function batches(funcs: { bodyAt: number; end: number }[], threads: number): [number, number][] {
  const total = funcs.reduce((n, f) => n + (f.end - f.bodyAt), 0);
  const target = Math.max(16 << 10, total / (threads * 24));
  const out: [number, number][] = [];
  let start = 0;
  let size = 0;
  funcs.forEach((f, i) => {
    size += f.end - f.bodyAt;
    if (size >= target) {
      out.push([start, i + 1]);
      start = i + 1;
      size = 0;
    }
  });
  if (start < funcs.length) out.push([start, funcs.length]);
  return out;
}

async function runWorkers(p: ReturnType<typeof prepare>, bytes: Uint8Array, file: string, threads: number, options: ParallelOptions): Promise<CompileOutput> {
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  const functionOptions = { sourceMap: options.sourceMap, sourceMapTarget: options.sourceMapTarget, indent: options.indent, ts: options.ts, layout: options.layout, generators: options.generators };
  const work = batches(p.module.funcs, threads);
  const linker = newLinker(file, options);
  const done = new Map<number, BatchResult>();
  const total = p.module.funcs.length;
  let nextToSend = 0;
  let nextToLink = 0;
  let linkedFunctions = 0;
  const workers: Worker[] = [];
  let typings: string | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const send = (w: Worker) => {
        if (nextToSend >= work.length) return;
        const [start, end] = work[nextToSend]!;
        w.postMessage({ batch: nextToSend++, start, end });
      };
      const link = () => {
        // Strictly in order: the output and the first error are those of the serial compile.
        for (let r = done.get(nextToLink); r; r = done.get(nextToLink)) {
          done.delete(nextToLink++);
          for (const f of r.functions) {
            linker.linker.add({ printed: f, name: f.name, helpers: new Set(f.helpers), callees: new Set(f.callees) });
            linkedFunctions++;
            if (options.onProgress && (linkedFunctions % 1000 === 0 || linkedFunctions === total)) options.onProgress(linkedFunctions, total);
          }
          if (r.error) throw new CompileError(r.error.code, r.error.reason, r.error);
          if (r.internal) throw new Error(`internal compiler error in a compile worker: ${r.internal}`);
        }
        if (nextToLink === work.length) resolve();
      };
      for (let t = 0; t < threads; t++) {
        const w = new Worker(new URL('./parallel-worker.js', import.meta.url), { workerData: { bytes: shared, file, options: functionOptions } });
        workers.push(w);
        w.on('message', (msg: BatchResult | { ready: true }) => {
          try {
            if ('ready' in msg) {
              send(w);
              send(w); // one queued behind the one running
              return;
            }
            done.set(msg.batch, msg);
            send(w);
            link();
          } catch (e) {
            reject(e);
          }
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (nextToLink < work.length) reject(new Error(`internal compiler error: a compile worker exited (${code}) before its work was done`));
        });
      }
      // The typings need only the module: written while the workers start and compile (loading
      // ts-morph alone is half a second).
      try {
        if (options.typings && !options.ts) typings = buildTypings(p.module, file, options.runtimeImport);
      } catch (e) {
        reject(e);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return finishOutput(p, linker, options, typings);
}
