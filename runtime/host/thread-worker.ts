// runtime/host/: the script of every worker that runs kernel threads. It instantiates the
// kernel once (its own instance and globals over the shared memory), then runs the thread it
// was started for, goes idle in Atomics.wait on its worker record, and runs the next thread
// handed to it, until the kernel halts. A timer's thread runs the timer loop instead.

import { workerSide } from '../threads/worker-adapter.js';
import { createNccc } from './host-ops.js';
import { HostThread } from './host-thread.js';
import { instantiateKernel } from './kernel-instance.js';
import { fdSink, SharedLog } from './log.js';
import { HostState, KIND_TIMER, T_ARG, T_FUNC, T_KIND, W_ASSIGN, W_RUNS, W_STATE, WORKER_BUSY, WORKER_IDLE } from './state.js';
import { markExited, markRunning } from './threads.js';
import { runTimer } from './timers.js';
import { waitOn } from './wait.js';
import type { ThreadWorkerData } from './worker-protocol.js';

/** Run thread record `slot` on this worker to its end. False if the kernel stopped meanwhile. */
function runAssignment(t: HostThread, slot: number, worker: number): boolean {
  const state = t.state;
  const at = state.thread(slot);
  t.enter(slot);
  markRunning(state, slot, worker);
  const kind = state.i32[at + T_KIND]!;
  const func = state.i32[at + T_FUNC]!;
  const arg = state.i32[at + T_ARG]!;
  try {
    const result = t.runThread(() => {
      if (kind !== KIND_TIMER) return t.call(func, arg);
      runTimer(t, func, (f, a) => void t.call(f, a));
      return 0;
    });
    markExited(state, slot, result ?? 0);
    return true;
  } catch (e) {
    t.fault(e); // a KernelHalted is no fault: the kernel stopped and this thread unwound
    return false;
  }
}

async function main(): Promise<void> {
  const side = await workerSide();
  const data = side.data as ThreadWorkerData;
  if (data.sourceMaps) (process as { setSourceMapsEnabled?: (on: boolean) => void }).setSourceMapsEnabled?.(true);
  const state = new HostState(data.state);
  const t = new HostThread(state, new SharedLog(data.log, await fdSink(data.logFd)));
  const i32 = state.i32;
  const rec = state.worker(data.worker);
  try {
    t.attach(await instantiateKernel(data.spec, createNccc(t), false));
  } catch (e) {
    t.fault(e);
    return;
  }
  let slot = Atomics.load(i32, rec + W_ASSIGN);
  // A worker started ahead of need (BootOptions.prestartWorkers) has no thread yet: it goes idle.
  Atomics.store(i32, rec + W_STATE, slot < 0 ? WORKER_IDLE : WORKER_BUSY);
  if (slot < 0) Atomics.notify(i32, rec + W_STATE);
  for (;;) {
    if (slot >= 0) {
      Atomics.add(i32, rec + W_RUNS, 1);
      if (!runAssignment(t, slot, data.worker)) return;
      Atomics.store(i32, rec + W_STATE, WORKER_IDLE);
    }
    // Idle until a thread is handed over (CLAIMED, then BUSY) or the kernel stops.
    for (;;) {
      const s = Atomics.load(i32, rec + W_STATE);
      if (s === WORKER_BUSY) break;
      try {
        waitOn(state, -1, rec + W_STATE, s);
      } catch {
        return; // halted
      }
    }
    slot = Atomics.load(i32, rec + W_ASSIGN);
  }
}

void main();
