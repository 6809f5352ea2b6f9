// runtime/host/: the Node entry of the single-thread host (single-thread.ts): `w2js boot
// --single-thread`, or bootKernel(target, { singleThread: true }). Compiles the kernel with
// --asyncify into the cache as boot.ts does, imports it, and gives the core what only Node
// has: files, the log's file descriptor, and a blocking sleep for synchronous syscalls.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BootError, checkInfo, compileCached, enableSourceMaps, INFO_FILE, readInfo, type BootOptions } from './boot.js';
import type { Kernel } from './kernel.js';
import { bootSingleThreadKernel, type CompiledKernelModule } from './single-thread.js';
import type { KernelWasmInfo } from './wasm-info.js';

/** Boot `target` (a kernel .wasm, or a directory compiled from one with --asyncify) on this JS thread. */
export async function bootSingleThread(target: string, options: BootOptions): Promise<Kernel> {
  if (!fs.existsSync(target)) throw new BootError(`${target}: no such file or directory`);
  let dir = target;
  if (!fs.statSync(target).isDirectory()) {
    const bytes = new Uint8Array(fs.readFileSync(target));
    // The asyncified output differs from the threaded one: its own cache entry.
    const cacheOptions = { ...options, compilerId: `${options.compilerId ?? ''}\nsingle-thread${options.generators ? '\ngenerators' : ''}` };
    dir = await compileCached(target, bytes, checkInfo(readInfo(bytes, target), target), cacheOptions);
  }
  const infoPath = path.join(dir, INFO_FILE);
  if (!fs.existsSync(infoPath)) throw new BootError(`${dir}: no ${INFO_FILE} (boot the kernel's .wasm instead: the boot command compiles it and writes one)`);
  const info = checkInfo(JSON.parse(fs.readFileSync(infoPath, 'utf8')) as KernelWasmInfo, dir);
  if (options.sourceMaps) enableSourceMaps();
  const mod = (await import(pathToFileURL(path.join(path.resolve(dir), 'index.js')).href)) as CompiledKernelModule;
  const logFd = options.logFd ?? -1;
  // Atomics.wait needs a SharedArrayBuffer: without one, syscall() cannot wait for a timer (syscallAsync() can).
  const sleepCell = typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
  return bootSingleThreadKernel(mod, { memory: info.memory, heapBaseValue: info.heapBaseValue }, {
    stackSize: options.stackSize,
    asyncifyDataSize: options.asyncifyDataSize,
    logCapacity: options.logCapacity,
    limits: options.limits,
    onPrint: logFd >= 0 ? (bytes) => writeQuietly(logFd, bytes) : undefined,
    plainBuffers: options.plainBuffers,
    generators: options.generators,
    sleepSync: sleepCell ? (ms) => void Atomics.wait(sleepCell, 0, 0, ms) : undefined,
  });
}

function writeQuietly(fd: number, bytes: Uint8Array): void {
  try {
    fs.writeSync(fd, bytes);
  } catch {
    // A closed or full output must not take the kernel down; the log keeps the text.
  }
}
