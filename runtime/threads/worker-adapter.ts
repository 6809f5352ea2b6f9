// runtime/threads/: the only file that knows how workers are made. The pool talks to a
// WorkerAdapter; the worker script talks to its WorkerSide. Node's worker_threads is the one
// implementation today; a browser Web Worker adapter implements the same two interfaces
// (create with `{ type: 'module' }`, send the start data as the first message).

/** The pool's handle on one worker. */
export interface WorkerHandle {
  onMessage(listener: (message: unknown) => void): void;
  /** An uncaught error in the worker (it then exits). */
  onError(listener: (error: Error) => void): void;
  /** The worker has stopped, on its own or terminated. Called exactly once. */
  onExit(listener: (code: number) => void): void;
  /** Stop the worker now (interrupting even an Atomics.wait); resolves once it has exited. */
  terminate(): Promise<void>;
  /** Whether a running worker keeps the program alive (Node's ref/unref); a no-op where meaningless. */
  keepAlive(on: boolean): void;
}

export interface SpawnOptions {
  name?: string;
  /** Passed to Node's Worker (e.g. `{ stackSizeMb: 8 }` for deep recursion). */
  resourceLimits?: Record<string, number>;
}

/** Makes workers running `script` (an ES module URL) that receive `data` on their WorkerSide. */
export interface WorkerAdapter {
  spawn(script: URL, data: unknown, options: SpawnOptions): Promise<WorkerHandle>;
}

/** What the worker script sees of its side. */
export interface WorkerSide {
  data: unknown;
  post(message: unknown): void;
}

const isNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * The JS stack of each worker, in MB, unless resourceLimits says otherwise: Node's default is 4.
 * Compiled wasm recurses on the JS stack, whose frames are about twice native wasm's; at 16 our
 * workers go deeper than V8's wasm does in a default worker (bench/README.md, D8). It is
 * reserved address space, not memory in use.
 */
export const WORKER_STACK_MB = 16;

/** Workers from Node's `worker_threads`. */
export const nodeWorkerAdapter: WorkerAdapter = {
  async spawn(script, data, options) {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(script, {
      workerData: data,
      name: options.name,
      resourceLimits: { stackSizeMb: WORKER_STACK_MB, ...options.resourceLimits },
      // The worker writes to the parent's stdout/stderr as usual; nothing is piped.
    });
    return {
      onMessage: (listener) => void worker.on('message', listener),
      onError: (listener) => void worker.on('error', listener),
      onExit: (listener) => void worker.once('exit', listener),
      // Resolves once 'exit' has been emitted (at once if the worker is already gone).
      terminate: () => worker.terminate().then(() => undefined),
      keepAlive: (on) => (on ? worker.ref() : worker.unref()),
    };
  },
};

/** The default adapter for this platform. */
export function defaultWorkerAdapter(): WorkerAdapter {
  if (isNode()) return nodeWorkerAdapter;
  throw new Error('w2js threads: no worker adapter for this platform yet; pass ThreadPool({ adapter })');
}

/** Inside a worker: its start data and the way back to the pool. */
export async function workerSide(): Promise<WorkerSide> {
  if (isNode()) {
    const { parentPort, workerData } = await import('node:worker_threads');
    if (!parentPort) throw new Error('w2js threads: the worker script must run in a worker');
    return { data: workerData, post: (message) => parentPort.postMessage(message) };
  }
  throw new Error('w2js threads: no worker side for this platform yet');
}
