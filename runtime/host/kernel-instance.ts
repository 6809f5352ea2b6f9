// runtime/host/: one thread's instance of the kernel, on either engine. This is the only file
// that knows how the engines differ: how an instance is made (a native WebAssembly.Module, or
// the compiled index.js with the runtime's thread option), how its table and memory are
// reached, and how __stack_pointer is read and set. Host ops see only KernelInstance.

import { INSTANTIATE_OPTIONS, getStackPointer, setStackPointer, stackPointerIndex, type InstantiateOptions } from '../instance-thread.js';
import type { Instance } from '../instantiate.js';
import { refreshShared, type InstanceBase } from '../funcref.js';
import type { MemoryLike } from './memory-pool.js';
import { nativeWasm, type NativeGlobal, type NativeMemory, type NativeModule } from './native-wasm.js';
import { NATIVE_HEAP_BASE_EXPORT, NATIVE_STACK_POINTER_EXPORT } from './wasm-info.js';
import type { KernelScript } from './kernel-script.js';

/** How to instantiate the kernel on any thread: structured-cloneable, so workers receive it. */
export type KernelSpec =
  | {
      engine: 'native';
      /** Already patched (patchForNative): imports its memory, exports __stack_pointer. */
      module: NativeModule;
      memory: NativeMemory;
      memoryImport: { module: string; name: string };
    }
  | {
      engine: 'w2js';
      /** The compiled module's index.js (a file URL). */
      moduleUrl: string;
      memory: { buffer: SharedArrayBuffer; maximum: number };
      /** Null when the module defines its memory (then every instance is given this one). */
      memoryImport: { module: string; name: string } | null;
      /** The script form with V8's code cache (kernel-script.ts), loaded instead of moduleUrl where present. */
      script?: KernelScript;
    };

/** A thread's instance, as host ops use it. */
export interface KernelInstance {
  readonly exports: Record<string, unknown>;
  readonly memory: MemoryLike;
  /**
   * The exported function `name` as the host calls it (i32 arguments and result): on w2js the
   * compiled function itself, bound to this instance, skipping the JS API's argument conversions.
   */
  exportFn(name: string): ((...args: number[]) => unknown) | undefined;
  /** Element `index` of the exported function table (a C function pointer). */
  func(index: number): (...args: number[]) => unknown;
  getStackPointer(): number;
  setStackPointer(sp: number): void;
  /** __heap_base where the kernel has one (export or name section). */
  heapBase(): number | undefined;
}

type Nccc = (input: number, output: number) => void;

const NCCC = 'nccc_call64';

/** The imports of the kernel: the host ABI's one function, and the memory. */
function kernelImports(nccc: Nccc, memory: unknown, memoryImport: { module: string; name: string } | null): Record<string, Record<string, unknown>> {
  const imports: Record<string, Record<string, unknown>> = { env: { [NCCC]: nccc } };
  if (memoryImport) (imports[memoryImport.module] ??= {})[memoryImport.name] = memory;
  return imports;
}

function tableOf(exports: Record<string, unknown>): { get(i: number): unknown } {
  const named = exports.__indirect_function_table;
  const isTable = (v: unknown): boolean => typeof v === 'object' && v !== null && typeof (v as { get?: unknown }).get === 'function' && 'length' in v;
  const table = named ?? Object.values(exports).find(isTable);
  if (!table) throw new Error('the kernel exports no function table (link with --export-table)');
  return table as { get(i: number): unknown };
}

function funcAt(table: { get(i: number): unknown }, index: number): (...args: number[]) => unknown {
  let f: unknown;
  try {
    f = table.get(index);
  } catch {
    f = undefined;
  }
  if (typeof f !== 'function') throw new Error(`function pointer ${index} is not a function in the kernel's table`);
  return f as (...args: number[]) => unknown;
}

/** Instantiate on this thread. `main`: the boot instance (runs the start function, applies data). */
export async function instantiateKernel(spec: KernelSpec, nccc: Nccc, main: boolean, mainMemory?: unknown): Promise<KernelInstance> {
  return spec.engine === 'native' ? instantiateNative(spec, nccc) : instantiateW2js(spec, nccc, main, mainMemory);
}

function instantiateNative(spec: Extract<KernelSpec, { engine: 'native' }>, nccc: Nccc): KernelInstance {
  // A thread's instance runs the start function too: clang's __wasm_init_memory only
  // initialises memory once (it checks a flag in memory).
  const instance = new (nativeWasm().Instance)(spec.module, kernelImports(nccc, spec.memory, spec.memoryImport));
  const exports = instance.exports as Record<string, unknown>;
  const table = tableOf(exports);
  const sp = exports[NATIVE_STACK_POINTER_EXPORT] as NativeGlobal | undefined;
  const hb = exports[NATIVE_HEAP_BASE_EXPORT] as NativeGlobal | undefined;
  return {
    exports,
    memory: spec.memory,
    exportFn: (name) => (typeof exports[name] === 'function' ? (exports[name] as (...args: number[]) => unknown) : undefined),
    func: (i) => funcAt(table, i),
    getStackPointer: () => {
      if (!sp) throw missingStackPointer();
      return sp.value as number;
    },
    setStackPointer: (v) => {
      if (!sp) throw missingStackPointer();
      sp.value = v;
    },
    heapBase: () => (hb ? (hb.value as number) : undefined),
  };
}

export interface CompiledModule {
  instantiate(imports: object): Promise<{ module: Instance['module']; instance: { exports: Record<string, unknown> } }>;
  Memory: new (d: { buffer: SharedArrayBuffer; maximum: number } | { initial: number; maximum: number; shared: boolean }) => MemoryLike;
}

/** Compiled kernels this thread has loaded, by URL (the boot thread loads one before instantiating). */
const loaded = new Map<string, CompiledModule>();

/** Record a module loaded by the boot thread, so instantiating it does not load it again. */
export function registerCompiledKernel(url: string, mod: CompiledModule): void {
  loaded.set(url, mod);
}

async function loadCompiled(spec: Extract<KernelSpec, { engine: 'w2js' }>): Promise<CompiledModule> {
  const url = spec.script?.url ?? spec.moduleUrl;
  let mod = loaded.get(url);
  if (!mod) {
    if (spec.script) {
      // Only here is node:vm needed: loaded on demand, so the module graph stays the same elsewhere.
      const { loadKernelScript } = await import('./kernel-script.js');
      mod = await loadKernelScript(spec.script);
    } else {
      mod = (await import(spec.moduleUrl)) as CompiledModule;
    }
    loaded.set(url, mod);
  }
  return mod;
}

async function instantiateW2js(spec: Extract<KernelSpec, { engine: 'w2js' }>, nccc: Nccc, main: boolean, mainMemory: unknown): Promise<KernelInstance> {
  const mod = await loadCompiled(spec);
  // The module's own Memory class: the compiled code checks imports with instanceof.
  const memory = (mainMemory ?? new mod.Memory({ buffer: spec.memory.buffer, maximum: spec.memory.maximum })) as MemoryLike;
  const found: { inst?: Instance } = {};
  const options: InstantiateOptions = {
    thread: !main,
    memories: spec.memoryImport ? undefined : [memory as never],
    onInstance: (i) => void (found.inst = i),
  };
  const imports = Object.assign(kernelImports(nccc, memory, spec.memoryImport), { [INSTANTIATE_OPTIONS]: options });
  const { instance } = await mod.instantiate(imports);
  const inst = found.inst;
  if (!inst) throw new Error('the compiled kernel did not report its instance (compiled by an older w2js?)');
  const exports = instance.exports;
  const table = tableOf(exports);
  const hasSp = stackPointerIndex(inst) >= 0;
  const desc = inst.module;
  const hbIndex = desc.globalProps.findIndex((p) => /^\$__heap_base(\$\$\d+)?$/.test(p));
  const hbExport = exports.__heap_base as { value: number } | undefined;
  return {
    exports,
    memory,
    exportFn: (name) => {
      const f = exports[name];
      if (typeof f !== 'function') return undefined;
      const ref = f as ((...a: number[]) => unknown) & { wasmCode?: (inst: unknown, ...a: number[]) => unknown; wasmInst?: unknown };
      if (!ref.wasmCode) return ref;
      // Past the export's wrapper, so its refresh of the shared memory's views is done here.
      const code = ref.wasmCode;
      const target = ref.wasmInst as InstanceBase;
      return (...args: number[]) => {
        refreshShared(target);
        return code(target, ...args);
      };
    },
    func: (i) => funcAt(table, i),
    getStackPointer: () => {
      if (!hasSp) throw missingStackPointer();
      return getStackPointer(inst)!;
    },
    setStackPointer: (v) => {
      if (!hasSp) throw missingStackPointer();
      setStackPointer(inst, v);
    },
    heapBase: () => {
      if (hbExport) return hbExport.value;
      if (hbIndex < 0) return undefined;
      const v = inst[desc.globalProps[hbIndex]!];
      return (desc.globalCells[hbIndex] ? (v as { v: number }).v : v) as number;
    },
  };
}

function missingStackPointer(): Error {
  return new Error('the kernel has no __stack_pointer: neither its name section nor its exports name one (keep the name section: do not strip)');
}
