// runtime/threads/: threads on workers, one instance per thread over one shared memory.
// See README.md in this directory.

export { ThreadPool, Thread, ThreadError } from './pool.js';
export type { ThreadPoolOptions, SpawnOptions, ThreadOutcome } from './pool.js';
export type { ThreadEntry } from './protocol.js';
export { RegionStackAllocator, initialStackPointer, RED_ZONE, STACK_ALIGN } from './stack.js';
export type { StackAllocator, StackRegion } from './stack.js';
export { nodeWorkerAdapter, defaultWorkerAdapter } from './worker-adapter.js';
export type { WorkerAdapter, WorkerHandle, WorkerSide } from './worker-adapter.js';
export type { ThreadImportsContext } from './worker-main.js';
