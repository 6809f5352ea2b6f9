// runtime/threads/: the only file that knows how workers are made. The pool talks to a
// WorkerAdapter; the worker script talks to its WorkerSide. Two implementations: Node's
// worker_threads, and Web Workers (module workers, the start data sent as the first message;
// dedicated workers may start workers of their own, as the kernel's spawner does).

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

/** The parts of the Web Worker API used here (lib is ES2022: no DOM types). */
interface WebWorker {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (e: { message: string; filename?: string; lineno?: number; preventDefault(): void }) => void): void;
  terminate(): void;
}
type WebWorkerClass = new (url: URL, options: { type: 'module'; name?: string }) => WebWorker;
const WebWorkerCtor = (globalThis as { Worker?: WebWorkerClass }).Worker;

/**
 * Web Workers (`new Worker(url, { type: 'module' })`). A Web Worker has no exit event: onExit
 * fires when it is terminated, or after an uncaught error (which Node's workers exit on).
 * `resourceLimits` has no equivalent: a Web Worker's stack is the browser's.
 */
export const webWorkerAdapter: WorkerAdapter = {
  async spawn(script, data, options) {
    if (!WebWorkerCtor) throw new Error('w2js threads: this context cannot start Web Workers');
    const worker = new WebWorkerCtor(script, { type: 'module', name: options.name });
    const exitListeners: ((code: number) => void)[] = [];
    let exitCode: number | undefined;
    const exit = (code: number): void => {
      if (exitCode !== undefined) return;
      exitCode = code;
      for (const l of exitListeners) l(code);
    };
    worker.postMessage(data);
    return {
      onMessage: (listener) => worker.addEventListener('message', (e) => listener(e.data)),
      onError: (listener) =>
        worker.addEventListener('error', (e) => {
          e.preventDefault();
          listener(new Error(`${e.message}${e.filename ? ` (${e.filename}:${e.lineno ?? 0})` : ''}`));
          exit(1);
        }),
      onExit: (listener) => {
        if (exitCode !== undefined) listener(exitCode);
        else exitListeners.push(listener);
      },
      terminate: async () => {
        worker.terminate();
        exit(1);
      },
      keepAlive: () => undefined,
    };
  },
};

/** The default adapter for this platform. */
export function defaultWorkerAdapter(): WorkerAdapter {
  if (isNode()) return nodeWorkerAdapter;
  if (WebWorkerCtor) return webWorkerAdapter;
  throw new Error('w2js threads: no worker adapter for this platform; pass ThreadPool({ adapter })');
}

/** Inside a worker: its start data and the way back to the pool. */
export async function workerSide(): Promise<WorkerSide> {
  if (isNode()) {
    const { parentPort, workerData } = await import('node:worker_threads');
    if (!parentPort) throw new Error('w2js threads: the worker script must run in a worker');
    return { data: workerData, post: (message) => parentPort.postMessage(message) };
  }
  // A Web Worker: its start data is the first message (webWorkerAdapter sends it).
  const self = globalThis as { postMessage?: (m: unknown) => void; addEventListener?: (type: 'message', l: (e: { data: unknown }) => void, o: { once: boolean }) => void };
  const { postMessage, addEventListener } = self;
  if (typeof postMessage !== 'function' || typeof addEventListener !== 'function') throw new Error('w2js threads: the worker script must run in a worker');
  const data = await new Promise<unknown>((resolve) => addEventListener.call(self, 'message', (e) => resolve(e.data), { once: true }));
  return { data, post: (message) => postMessage.call(self, message) };
}
