// runtime/host/: what the boot thread, the spawner and the thread workers hand each other.
// Everything else they share lives in the host state (state.ts).

import type { KernelSpec } from './kernel-instance.js';

/** A thread worker's start data. */
export interface ThreadWorkerData {
  spec: KernelSpec;
  state: SharedArrayBuffer;
  log: SharedArrayBuffer;
  /** Where prints go live (-1: only the shared log). */
  logFd: number;
  /** This worker's record in the host state. */
  worker: number;
  /** Map stack traces through source maps (Node's --enable-source-maps). */
  sourceMaps: boolean;
}

/** The spawner's start data: what every thread worker gets, and where the worker script is. */
export interface SpawnerData extends Omit<ThreadWorkerData, 'worker'> {
  threadWorkerUrl: string;
  /** Each thread worker's JS stack (MB), if not Node's default. */
  stackSizeMb: number | undefined;
}

/** Spawner → boot thread. */
export type SpawnerMessage = { type: 'ready' } | { type: 'stopped'; workersLeft: number } | { type: 'error'; message: string };
