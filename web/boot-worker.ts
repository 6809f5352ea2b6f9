// web/: the demo page's boot worker in threaded mode. A page's main thread may not Atomics.wait,
// and the threaded host's boot thread blocks in every call into the kernel, so the boot thread is
// this worker: it runs runtime/host/boot-threads.ts with the kernel compiled ahead (web/build.mjs,
// bundled in), whose threads run on Web Workers (the spawner, and thread-worker.js), and answers
// the page's commands with syscalls.

import * as compiled from 'w2js-kernel-threads';
import { bootThreads } from '../runtime/host/boot-threads.js';
import { registerCompiledKernel, type CompiledModule } from '../runtime/host/kernel-instance.js';
import type { Kernel } from '../runtime/host/kernel.js';
import { runCommand } from './commands.js';
import { KERNEL_KEY, type FromBootWorker, type KernelInfo, type ToBootWorker } from './protocol.js';

declare const KERNEL_INFO: KernelInfo;

const post = (m: FromBootWorker): void => (globalThis as unknown as { postMessage(m: unknown): void }).postMessage(m);

function failure(e: unknown): { reason: string; message: string } {
  const err = e as { reason?: string; message?: string };
  const message = String(err?.message ?? e);
  return { reason: err?.reason ?? message.split('\n')[0]!, message };
}

let kernel: Kernel | undefined;

async function boot(start: Extract<ToBootWorker, { type: 'boot' }>): Promise<void> {
  const t0 = performance.now();
  const mod = compiled as unknown as CompiledModule;
  registerCompiledKernel(KERNEL_KEY, mod);
  const max = KERNEL_INFO.memory.max!;
  const memory = new mod.Memory({ initial: KERNEL_INFO.memory.min, maximum: max, shared: true });
  try {
    kernel = await bootThreads(
      {
        engine: 'w2js',
        spec: { engine: 'w2js', moduleUrl: KERNEL_KEY, memory: { buffer: memory.buffer as SharedArrayBuffer, maximum: max }, memoryImport: KERNEL_INFO.memory.import },
        memory,
        heapBaseValue: KERNEL_INFO.heapBaseValue,
      },
      {
        spawnerUrl: new URL(start.spawnerUrl), threadWorkerUrl: start.threadWorkerUrl, startedAt: t0, prestartWorkers: 2,
        onLog: (buffer) => post({ type: 'log', buffer }), // before init() blocks this worker
      },
    );
  } catch (e) {
    post({ type: 'failed', ...failure(e) });
    return;
  }
  const pid = kernel.syscall(172);
  post({ type: 'booted', initResult: kernel.initResult, pid, prepareMs: kernel.timings.prepareMs, initMs: kernel.timings.initMs });
}

(globalThis as unknown as { addEventListener(t: 'message', l: (e: { data: ToBootWorker }) => void): void }).addEventListener('message', (e) => {
  const m = e.data;
  if (m.type === 'boot') {
    void boot(m);
    return;
  }
  if (!kernel) return post({ type: 'result', id: m.id, text: 'the kernel is not booted' });
  try {
    post({ type: 'result', id: m.id, text: runCommand(kernel, m.line) });
  } catch (err) {
    post({ type: 'result', id: m.id, text: String((err as Error).message), failed: failure(err) });
  }
});
