// A compile worker (compileParallel): reads the module once, then compiles the batches of
// functions the main thread sends and returns them printed, in the order asked.

import { parentPort, workerData } from 'node:worker_threads';
import { CompileError } from './diagnostics.js';
import { compileFunction, prepare, type FunctionOptions } from './compile-function.js';
import type { BatchResult, WireFunction } from './parallel.js';

const data = workerData as { bytes: SharedArrayBuffer; file: string; options: FunctionOptions };
const p = prepare(new Uint8Array(data.bytes), data.file, data.options);
const port = parentPort!;

port.on('message', ({ batch, start, end }: { batch: number; start: number; end: number }) => {
  const functions: WireFunction[] = [];
  let result: BatchResult;
  try {
    for (let i = start; i < end; i++) {
      const f = compileFunction(p, i);
      functions.push({ ...f.printed, name: f.name, helpers: [...f.helpers], callees: [...f.callees] });
    }
    result = { batch, functions };
  } catch (e) {
    // The functions before the failing one still count: the main thread links up to it, as compile() would.
    result = e instanceof CompileError
      ? { batch, functions, error: { code: e.code, reason: e.reason, offset: e.offset, funcIndex: e.funcIndex, funcName: e.funcName } }
      : { batch, functions, internal: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(result);
});
port.postMessage({ ready: true });
