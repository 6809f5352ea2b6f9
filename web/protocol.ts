// web/: the messages between the demo page (web/main.ts) and its boot worker (web/boot-worker.ts),
// which owns the threaded kernel: its calls block in Atomics.wait, which a page may not.

/** Page → boot worker: `boot` first, then commands. */
export type ToBootWorker =
  | { type: 'boot'; threadWorkerUrl: string; spawnerUrl: string }
  | { type: 'command'; id: number; line: string };

/** Boot worker → page. */
export type FromBootWorker =
  /** The kernel log's SharedArrayBuffer (runtime/host/log.ts), for the page to show as it grows. */
  | { type: 'log'; buffer: SharedArrayBuffer }
  /** init() returned and the first syscall (getpid) answered. */
  | { type: 'booted'; initResult: number; pid: number; prepareMs: number; initMs: number }
  | { type: 'failed'; reason: string; message: string }
  | { type: 'result'; id: number; text: string; failed?: { reason: string; message: string } };

/** The kernel's shape (runtime/host/wasm-info.ts), as web/build.mjs bakes it into the bundles. */
export interface KernelInfo {
  memory: { min: number; max: number | null; import: { module: string; name: string } | null };
  heapBaseValue?: number;
}

/** The name the threaded kernel's bundled module is registered under in every worker (kernel-instance.ts). */
export const KERNEL_KEY = 'w2js:test-kernel-threads';
