// runtime/threads/: what the pool and its workers say to each other. The start data goes in the
// worker's creation data; the worker then sends `ready`, any number of `post`, and one `result`
// or `failure`.

import type { StackRegion } from './stack.js';

/** Which function a thread runs: an export by name, or element `table` of table 0. */
export type ThreadEntry = { export: string } | { table: number };

/** Everything a worker needs to start, structured-cloneable. */
export interface ThreadStart {
  threadId: number;
  moduleUrl: string;
  importsUrl: string | null;
  importsData: unknown;
  /** The shared memory: its buffer and maximum in pages. */
  memory: { buffer: SharedArrayBuffer; maximum: number };
  entry: ThreadEntry;
  args: unknown[];
  /** The stack to point `__stack_pointer` at; null to leave it alone. */
  stack: (StackRegion & { stackPointer: number }) | null;
  /** True when the pool had no stack for this thread: fine only if the module has no __stack_pointer. */
  stackMissing: boolean;
}

/** A trap or error, as it crosses back from a worker. */
export interface ThreadFailure {
  name: string;
  message: string;
  stack?: string;
}

export type WorkerMessage =
  | { type: 'ready'; stackPointer: number | null }
  | { type: 'post'; message: unknown }
  | { type: 'result'; value: unknown }
  | { type: 'failure'; error: ThreadFailure };
