// runtime/host/: booting a kernel of the WasmLinux host ABI (kernel/README.md) on either engine:
// the w2js-compiled kernel or Node's own WebAssembly, with the same host ops (runtime/host/).
// bootKernel prepares the kernel from a file (compiled into a cache, or native) and hands it to
// bootThreads (boot-threads.ts: host state, spawner worker, init() on this thread), which gives
// back a Kernel: syscalls, buffers in linear memory, the log, and halt(). Calls into the kernel
// block this thread (Atomics.wait), which Node allows.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bootThreads } from './boot-threads.js';
import { registerCompiledKernel, type CompiledModule, type KernelSpec } from './kernel-instance.js';
import { hasKernelScript, prepareKernelScript, type KernelScript } from './kernel-script.js';
import { BootError, type Kernel } from './kernel.js';
import type { MemoryLike } from './memory-pool.js';
import { nativeWasm } from './native-wasm.js';
import type { HostLimits } from './state.js';
import { patchForNative, readKernelWasm, type KernelWasmInfo } from './wasm-info.js';

export { BootError, KernelError } from './kernel.js';
export type { HaltReport, Kernel, KernelStats } from './kernel.js';

export interface BootOptions {
  /** 'w2js' (default): the kernel compiled to JS; 'native': the host's WebAssembly. */
  engine?: 'w2js' | 'native';
  /**
   * Compiles a .wasm into `outDir` (index.js and its runtime) for the w2js engine. runtime/
   * cannot import the compiler, so callers pass it (the CLI passes w2js's own).
   */
  compileTo?: (wasmPath: string, outDir: string) => void | Promise<void>;
  /** Names the compiler in the cache key (e.g. its version), so a new compiler recompiles. */
  compilerId?: string;
  /** Where compiled kernels are kept (default: `<tmpdir>/w2js-kernel-cache`). */
  cacheDir?: string;
  /** Bytes of linear memory per kernel thread's stack (default 256 KiB). */
  stackSize?: number;
  /** Copy the kernel log to this file descriptor as it is printed (default: none). */
  logFd?: number;
  /** Bytes of log kept (default 4 MiB). */
  logCapacity?: number;
  /** Sizes of the host tables. */
  limits?: Partial<HostLimits>;
  /**
   * Turn on Node's source-map support on every kernel thread, so traps name C source lines
   * where the compiled kernel has a source map (compiled with --source-map from a -g build).
   */
  sourceMaps?: boolean;
  /**
   * JS stack of each kernel worker in MB (Node's resourceLimits.stackSizeMb; default
   * WORKER_STACK_MB of runtime/threads/worker-adapter.ts, 16): deep kernel call chains on the
   * w2js engine recurse on the JS stack.
   */
  workerStackSizeMb?: number;
  /**
   * Kernel workers to start before init(), each loading and instantiating the kernel, so the
   * first threads a kernel creates find a worker ready instead of waiting for one to load. They
   * load in parallel with init() (default 4; 0: workers only on demand). On 2 cores this moves
   * work rather than saving it: 0, 4, 16 measured the same (bench/README.md, "kernel boot").
   */
  prestartWorkers?: number;
  /** Wait for the prestarted workers to be ready before init() (default false). */
  awaitPrestart?: boolean;
  /**
   * Run every kernel thread as a green thread on this JS thread, no workers (single-thread-node.ts):
   * the kernel is compiled with --asyncify (`compileTo` must do so). w2js engine only.
   */
  singleThread?: boolean;
  /**
   * Single-thread only: the kernel is compiled with --generators instead of --asyncify (`compileTo`
   * must do so): its blocking functions are generators (compiler/asyncify/generators.ts).
   */
  generators?: boolean;
  /** Single-thread only: bytes of each thread's asyncify buffer (default 64 KiB). */
  asyncifyDataSize?: number;
  /** Single-thread only: linear memory and host state in plain ArrayBuffers (default: where SharedArrayBuffer is missing). */
  plainBuffers?: boolean;
}

export const INFO_FILE = 'w2js-kernel.json';

/** Boot `target` (a kernel .wasm, or a directory compiled from one) and run its init(). */
export async function bootKernel(target: string, options: BootOptions = {}): Promise<Kernel> {
  const engine = options.engine ?? 'w2js';
  if (options.singleThread) {
    if (engine !== 'w2js') throw new BootError('--single-thread runs the w2js engine only');
    return (await import('./single-thread-node.js')).bootSingleThread(target, options);
  }
  const t0 = performance.now();
  // Before the kernel loads here: Node maps only the files loaded after (panics on this thread).
  if (options.sourceMaps) enableSourceMaps();
  const { info, spec, memory } = await prepare(target, engine, options);
  return bootThreads({ engine, spec, memory, heapBaseValue: info.heapBaseValue }, {
    ...options,
    spawnerUrl: new URL('./spawner.js', import.meta.url),
    threadWorkerUrl: new URL('./thread-worker.js', import.meta.url).href,
    startedAt: t0,
  });
}

/** The kernel's instantiation recipe and its memory, per engine. */
async function prepare(target: string, engine: 'w2js' | 'native', options: BootOptions): Promise<{ info: KernelWasmInfo; spec: KernelSpec; memory: MemoryLike }> {
  if (!fs.existsSync(target)) throw new BootError(`${target}: no such file or directory`);
  const isDir = fs.statSync(target).isDirectory();
  if (engine === 'native') {
    if (isDir) throw new BootError(`${target}: the native engine boots a .wasm, not a compiled directory`);
    const bytes = new Uint8Array(fs.readFileSync(target));
    const info = checkInfo(readInfo(bytes, target), target);
    const wasm = nativeWasm();
    const module = new wasm.Module(patchForNative(bytes, info));
    const memory = new wasm.Memory({ initial: info.memory.min, maximum: info.memory.max!, shared: true });
    return { info, memory, spec: { engine, module, memory, memoryImport: info.memory.import ?? { module: 'env', name: 'memory' } } };
  }
  let dir = target;
  if (!isDir) {
    const bytes = new Uint8Array(fs.readFileSync(target));
    dir = await compileCached(target, bytes, checkInfo(readInfo(bytes, target), target), options);
  }
  const infoPath = path.join(dir, INFO_FILE);
  if (!fs.existsSync(infoPath)) throw new BootError(`${dir}: no ${INFO_FILE} (boot the kernel's .wasm instead: the boot command compiles it and writes one)`);
  const info = checkInfo(JSON.parse(fs.readFileSync(infoPath, 'utf8')) as KernelWasmInfo, dir);
  const moduleUrl = pathToFileURL(path.join(path.resolve(dir), 'index.js')).href;
  let script: KernelScript | undefined;
  let MemoryClass: CompiledModule['Memory'];
  if (hasKernelScript(dir) && !options.sourceMaps) {
    // The script form and V8's code cache, so that no worker parses the kernel again.
    const prepared = await prepareKernelScript(dir);
    script = prepared.script;
    MemoryClass = prepared.mod.Memory;
    registerCompiledKernel(script.url, prepared.mod);
  } else {
    MemoryClass = ((await import(moduleUrl)) as CompiledModule).Memory;
  }
  const memory = new MemoryClass({ initial: info.memory.min, maximum: info.memory.max!, shared: true });
  return { info, memory, spec: { engine, moduleUrl, memory: { buffer: memory.buffer as SharedArrayBuffer, maximum: info.memory.max! }, memoryImport: info.memory.import, script } };
}

export function readInfo(bytes: Uint8Array, where: string): KernelWasmInfo {
  try {
    return readKernelWasm(bytes);
  } catch (e) {
    throw new BootError(`${where}: ${(e as Error).message}`);
  }
}

export function checkInfo(info: KernelWasmInfo, where: string): KernelWasmInfo {
  if (!info.memory.shared || info.memory.max === null) throw new BootError(`${where}: the kernel's memory is not shared (link with --shared-memory and --max-memory): its threads run on workers`);
  for (const f of info.funcImports) {
    if (f.module !== 'env' || f.name !== 'nccc_call64') throw new BootError(`${where}: the kernel imports ${f.module}.${f.name}; the host ABI provides only env.nccc_call64`);
  }
  if (!info.exports.some((e) => e.name === 'init' && e.kind === 0) || !info.exports.some((e) => e.name === 'syscall' && e.kind === 0)) {
    throw new BootError(`${where}: the kernel must export init() and syscall(no, nargs, args)`);
  }
  if (info.stackPointer < 0) throw new BootError(`${where}: no __stack_pointer in the name section or the exports (keep the name section: do not strip)`);
  return info;
}

/** Compile `wasmPath` once per (content, compiler) into the cache; the directory. */
export async function compileCached(wasmPath: string, bytes: Uint8Array, info: KernelWasmInfo, options: BootOptions): Promise<string> {
  const key = createHash('sha256').update(bytes).update(`\0${options.compilerId ?? ''}`).digest('hex').slice(0, 24);
  const root = options.cacheDir ?? path.join(os.tmpdir(), 'w2js-kernel-cache');
  const dir = path.join(root, `${path.basename(wasmPath, '.wasm')}-${key}`);
  if (fs.existsSync(path.join(dir, INFO_FILE))) return dir;
  if (!options.compileTo) throw new BootError(`${wasmPath}: booting a .wasm on the w2js engine needs options.compileTo (or boot a compiled directory)`);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(tmp, { recursive: true });
  try {
    await options.compileTo(wasmPath, tmp);
    fs.writeFileSync(path.join(tmp, INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
    try {
      fs.renameSync(tmp, dir);
    } catch (e) {
      if (!fs.existsSync(path.join(dir, INFO_FILE))) throw e; // else another process won the race
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** Node's --enable-source-maps, from within (Node 16.6+; elsewhere a no-op). */
export function enableSourceMaps(): void {
  (process as { setSourceMapsEnabled?: (on: boolean) => void }).setSourceMapsEnabled?.(true);
}


