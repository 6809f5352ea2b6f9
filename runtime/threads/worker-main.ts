// runtime/threads/: the script every thread's worker runs. It imports the compiled module and
// the imports factory, instantiates a thread instance over the shared memory (no data segments,
// no start function), points __stack_pointer at the thread's stack, calls the entry function and
// reports the result or the trap.
//
// The compiled module brings its own copy of the runtime (`index.js` imports it), so the memory
// is built with the module's own `Memory` class and instantiation options travel inside the
// imports object (INSTANTIATE_OPTIONS is a `Symbol.for` key every copy agrees on).

import { INSTANTIATE_OPTIONS, getStackPointer, setStackPointer, stackPointerIndex, type InstantiateOptions } from '../instance-thread.js';
import type { Instance } from '../instantiate.js';
import type { Memory } from '../memory.js';
import type { Table } from '../table.js';
import type { ThreadFailure, ThreadStart, WorkerMessage } from './protocol.js';
import { workerSide } from './worker-adapter.js';

/** What the imports factory receives. */
export interface ThreadImportsContext {
  threadId: number;
  /** This worker's view of the shared memory (the compiled module's own Memory class). */
  memory: Memory;
  data: unknown;
  stack: ThreadStart['stack'];
  /** The compiled module's namespace (Memory, Table, Global, RuntimeError, LinkError, instantiate). */
  module: CompiledModule;
  /** Send a message to the pool's `onMessage`. */
  post(message: unknown): void;
}

interface CompiledModule {
  instantiate(imports: object): Promise<{ module: Instance['module']; instance: { exports: Record<string, unknown> } }>;
  Memory: new (d: { buffer: SharedArrayBuffer; maximum: number }) => Memory;
  [name: string]: unknown;
}

type ImportsFactory = (ctx: ThreadImportsContext) => object | Promise<object>;

function failure(e: unknown): ThreadFailure {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: `thrown: ${String(e)}` };
}

async function main(): Promise<void> {
  const side = await workerSide();
  const start = side.data as ThreadStart;
  const send = (m: WorkerMessage): void => side.post(m);
  try {
    const mod = (await import(start.moduleUrl)) as CompiledModule;
    const memory = new mod.Memory({ buffer: start.memory.buffer, maximum: start.memory.maximum });
    const ctx: ThreadImportsContext = {
      threadId: start.threadId,
      memory,
      data: start.importsData,
      stack: start.stack,
      module: mod,
      post: (message) => send({ type: 'post', message }),
    };
    let imports: object;
    if (start.importsUrl) {
      const factory = ((await import(start.importsUrl)) as { default?: ImportsFactory }).default;
      if (typeof factory !== 'function') throw new TypeError(`imports factory ${start.importsUrl} has no default export function`);
      imports = await factory(ctx);
    } else {
      imports = memoryOnlyImports(memory);
    }
    const found: { inst?: Instance } = {};
    const options: InstantiateOptions = { thread: true, memories: [memory], onInstance: (i) => void (found.inst = i) };
    // The options ride on an object inheriting from the imports, which may be a Proxy.
    const withOptions = Object.assign(Object.create(imports) as object, { [INSTANTIATE_OPTIONS]: options });
    const { instance } = await mod.instantiate(withOptions);
    const inst = found.inst;
    if (!inst) throw new Error('internal error: the compiled module did not report its instance');
    const hasStackPointer = stackPointerIndex(inst) >= 0;
    // A pool's stack is simply unused by a module without __stack_pointer (hand-written wat).
    if (start.stack && hasStackPointer) {
      setStackPointer(inst, start.stack.stackPointer);
    } else if (start.stackMissing && hasStackPointer) {
      throw new Error('the module has a __stack_pointer but the thread has no stack: give the ThreadPool `stacks` (or spawn a thread with { stack })');
    }
    send({ type: 'ready', stackPointer: getStackPointer(inst) ?? null });
    const fn = entryFunction(inst, instance.exports, start);
    const value = fn(...start.args);
    send({ type: 'result', value });
  } catch (e) {
    send({ type: 'failure', error: failure(e) });
  }
}

/** Without an imports factory: every import is the memory (so anything but a memory import fails to link). */
function memoryOnlyImports(memory: Memory): object {
  const namespace = new Proxy({}, { get: () => memory });
  return new Proxy({}, { get: () => namespace });
}

/** The function to run: an export, or an element of table 0. */
function entryFunction(inst: Instance, exports: Record<string, unknown>, start: ThreadStart): (...args: unknown[]) => unknown {
  const entry = start.entry;
  if ('export' in entry) {
    const f = exports[entry.export];
    if (typeof f !== 'function') throw new TypeError(`the module has no exported function "${entry.export}"`);
    return f as (...args: unknown[]) => unknown;
  }
  const prop = inst.module.tableProps[0];
  if (prop === undefined) throw new TypeError('the module has no table to take a thread entry from');
  const table = inst[prop] as Table;
  const f = table.elements[entry.table];
  if (typeof f !== 'function') throw new TypeError(`table element ${entry.table} is not a function`);
  return f as (...args: unknown[]) => unknown;
}

void main();
