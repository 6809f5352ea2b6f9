// runtime/host/: the spawner, a worker whose event loop never blocks. Kernel threads are
// created by threads that may be blocked (the boot thread inside init() or a syscall, kernel
// threads in host waits), so none of them can wait for a worker to be made: they mark a worker
// record STARTING and bump H_SPAWN_SEQ, and the spawner (in Atomics.waitAsync) starts the
// worker. Every thread worker is its child; when the kernel halts it stops them all and tells
// the boot thread how many were left.

import { defaultWorkerAdapter, workerSide, type WorkerHandle } from '../threads/worker-adapter.js';
import { H_LIVE_WORKERS, H_SPAWN_SEQ, H_WORKERS_SPAWNED, HALT_FAULT, HostState, W_STATE, WORKER_NONE, WORKER_STARTING } from './state.js';
import type { SpawnerData, SpawnerMessage, ThreadWorkerData } from './worker-protocol.js';

/** Atomics.waitAsync (ES2024; Node has it since 16). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

async function main(): Promise<void> {
  const side = await workerSide();
  const data = side.data as SpawnerData;
  const post = (m: SpawnerMessage): void => side.post(m);
  const state = new HostState(data.state);
  const i32 = state.i32;
  const adapter = defaultWorkerAdapter();
  const workers = new Map<number, Promise<WorkerHandle | null>>();
  const exited: Promise<void>[] = [];

  const start = (w: number): void => {
    const workerData: ThreadWorkerData = { spec: data.spec, state: data.state, log: data.log, logFd: data.logFd, sourceMaps: data.sourceMaps, worker: w };
    Atomics.add(i32, H_LIVE_WORKERS, 1);
    Atomics.add(i32, H_WORKERS_SPAWNED, 1);
    const handle = adapter.spawn(new URL(data.threadWorkerUrl), workerData, { name: `w2js kernel worker ${w}`, resourceLimits: data.stackSizeMb ? { stackSizeMb: data.stackSizeMb } : undefined }).then(
      (h) => {
        exited.push(
          new Promise((resolve) => {
            h.onExit(() => {
              Atomics.sub(i32, H_LIVE_WORKERS, 1);
              workers.delete(w);
              Atomics.store(i32, state.worker(w) + W_STATE, WORKER_NONE);
              resolve();
            });
          }),
        );
        h.onError((e) => {
          state.recordFault(`kernel worker ${w}: ${e.stack ?? e.message}`);
          state.halt(HALT_FAULT);
        });
        return h;
      },
      (e: Error) => {
        Atomics.sub(i32, H_LIVE_WORKERS, 1);
        state.recordFault(`cannot start a kernel worker: ${e.stack ?? e.message}`);
        state.halt(HALT_FAULT);
        return null;
      },
    );
    workers.set(w, handle);
  };

  // A pending Atomics.waitAsync does not keep a worker's event loop alive; this timer does.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  post({ type: 'ready' });
  while (state.halted === 0) {
    const seq = Atomics.load(i32, H_SPAWN_SEQ);
    for (let w = 0; w < state.limits.workers; w++) {
      if (!workers.has(w) && Atomics.load(i32, state.worker(w) + W_STATE) === WORKER_STARTING) start(w);
    }
    const r = waitAsync(i32, H_SPAWN_SEQ, seq);
    if (r.async) await r.value;
  }
  // Halted: workers blocked in the kernel's own atomics cannot see it; stop everyone.
  const handles = await Promise.all(workers.values());
  await Promise.all(handles.map((h) => h?.terminate()));
  await Promise.all(exited);
  clearInterval(keepAlive);
  post({ type: 'stopped', workersLeft: Atomics.load(i32, H_LIVE_WORKERS) });
}

main().catch((e: Error) => {
  // Nothing can report this but the console: the boot thread waits for 'ready' or 'stopped'.
  console.error(`w2js kernel spawner: ${e.stack ?? e.message}`);
  if (typeof process !== 'undefined') process.exitCode = 1;
});
