// runtime/: instantiation (spec 4.5.4, JS API "instantiate the core of a module"): resolve
// imports, create memories, tables and globals, build the exports, initialise element and
// data segments, run the start function. Generated code hands over its module descriptor.

import { Global } from './global.js';
import { instantiateOptions, registerInstance } from './instance-thread.js';
import { hostFuncRef, isFuncRef, makeFuncRef, asWasmTrap, refreshShared, flatArity, HOST_INSTANCE, type FuncRef, type InstanceBase, type WasmCode } from './funcref.js';
import { checked, Memory } from './memory.js';
import { f32FromBits, f64FromBits } from './numeric/bits.js';
import { high, i64_split } from './numeric/i64-pair.js';
import { Table } from './table.js';
import { LinkError, TRAP_TABLE_OOB, trap } from './trap.js';

type ConstInstr = [string, ...unknown[]];

interface Limits {
  min: number;
  max: number | null;
  shared: boolean;
}

/** The module descriptor emitted by the compiler's link stage. */
export interface ModuleDescriptor {
  name: string;
  types: string[];
  funcTypes: number[];
  importedFuncs: number;
  code: WasmCode[];
  imports: ({ module: string; name: string; kind: 'func' | 'table' | 'memory' | 'global'; prop: string } & Record<string, unknown>)[];
  memories: (Limits & { prop: string })[];
  tables: (Limits & { elem: string; prop: string })[];
  globals: { type: string; mutable: boolean; prop: string; cell: boolean; hi?: string; init: ConstInstr[] }[];
  globalProps: string[];
  globalCells: boolean[];
  globalTypes: { type: string; mutable: boolean }[];
  tableProps: string[];
  memoryProps: string[];
  exports: { name: string; kind: 'func' | 'table' | 'memory' | 'global'; index: number }[];
  elems: { mode: string; table: number; offset: ConstInstr[] | null; type: string; funcs?: number[]; exprs?: ConstInstr[][] }[];
  datas: { mode: string; memory: number; offset: ConstInstr[] | null; bytes: string }[];
  start: number | null;
  /** A new instance object with the module's properties in place (compiler/link/descriptor.ts instanceShape). */
  newInstance?: () => Record<string, unknown>;
  /** The same, from outputs of earlier compilers: copied, `{ ...shape }`. */
  shape?: Record<string, unknown>;
}

/** An instance: what generated code receives as `inst`. Wasm entities are `$`-named properties. */
export interface Instance extends InstanceBase {
  module: ModuleDescriptor;
  elems: unknown[][];
  datas: Uint8Array[];
  funcref(index: number): FuncRef;
  [prop: string]: unknown;
}

const link = (message: string): LinkError => new LinkError(message);

function decodeBase64(text: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(text, 'base64'));
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function limitsMatch(actualMin: number, actualMax: number | undefined, want: Limits): boolean {
  if (actualMin < want.min) return false;
  if (want.max === null) return true;
  return actualMax !== undefined && actualMax <= want.max;
}

/** Resolve one import into the instance, checking it against the declared type (spec 4.5.3). */
function linkImport(inst: Instance, desc: ModuleDescriptor, imp: ModuleDescriptor['imports'][number], funcIndex: number, globalIndex: number, imports: Record<string, unknown>): void {
  const ns = imports[imp.module];
  if (ns === undefined || ns === null || (typeof ns !== 'object' && typeof ns !== 'function')) {
    throw new TypeError(`import module "${imp.module}" is not an object`);
  }
  const value = (ns as Record<string, unknown>)[imp.name];
  const what = `import "${imp.module}" "${imp.name}"`;
  switch (imp.kind) {
    case 'func': {
      const typeKey = desc.types[imp.type as number]!;
      if (typeof value !== 'function') throw link(`${what}: unknown import (expected a function)`);
      let ref: FuncRef;
      if (isFuncRef(value)) {
        if (value.wasmType !== typeKey) throw link(`${what}: incompatible import type (${value.wasmType} for ${typeKey})`);
        ref = value;
      } else {
        ref = hostFuncRef(value as (...args: unknown[]) => unknown, typeKey);
      }
      inst.funcrefs[funcIndex] = ref;
      // Called directly by generated code, without the instance argument.
      inst[imp.prop] = ref.wasmDirect ?? (ref.wasmCode as (...a: unknown[]) => unknown).bind(null, ref.wasmInst);
      return;
    }
    case 'table': {
      if (!(value instanceof Table)) throw link(`${what}: incompatible import type (expected a Table)`);
      if (value.elem !== imp.elem || !limitsMatch(value.length, value.maximum, imp as unknown as Limits)) {
        throw link(`${what}: incompatible import type (table type or limits)`);
      }
      inst[imp.prop] = value;
      return;
    }
    case 'memory': {
      if (!(value instanceof Memory)) throw link(`${what}: incompatible import type (expected a Memory)`);
      if (value.shared !== imp.shared || !limitsMatch(value.pages, value.maximum, imp as unknown as Limits)) {
        throw link(`${what}: incompatible import type (memory limits)`);
      }
      inst[imp.prop] = value;
      return;
    }
    case 'global': {
      const type = imp.type as string;
      const mutable = imp.mutable as boolean;
      if (value instanceof Global) {
        if (value.type !== type || value.mutable !== mutable) throw link(`${what}: incompatible import type (global type)`);
        inst[imp.prop] = imp.cell ? value : value.v;
      } else {
        if (mutable) throw link(`${what}: incompatible import type (a mutable global must be a Global)`);
        if (type === 'i64' ? typeof value !== 'bigint' : (type === 'i32' || type === 'f32' || type === 'f64') ? typeof value !== 'number' : false) {
          throw link(`${what}: incompatible import type (global value)`);
        }
        inst[imp.prop] = new Global({ value: type }, value).v;
      }
      void globalIndex;
      return;
    }
  }
}

/**
 * A host function may synchronise with a thread that grew a shared memory (a JS-side futex wait,
 * a semaphore of the kernel host): when it returns, this thread's views are brought up to date
 * before wasm code goes on (runtime/README.md "Shared memory that grows"). Wasm imports need
 * nothing: their entry from here is not a synchronisation.
 */
function refreshAfterHostCalls(inst: Instance, desc: ModuleDescriptor): void {
  let funcIndex = 0;
  for (const imp of desc.imports) {
    if (imp.kind !== 'func') continue;
    const ref = inst.funcrefs[funcIndex++]!;
    if (ref.wasmInst !== HOST_INSTANCE) continue;
    const call = inst[imp.prop] as (...args: unknown[]) => unknown;
    inst[imp.prop] = refreshingCall(call, flatArity(desc.types[imp.type as number]!), () => refreshShared(inst));
  }
}

/**
 * `call`, then `refresh` however it returns. Fixed arities for the common cases, so no arguments
 * array is made per call: the kernel's nccc_call64 (two) runs on every lock and unlock. (Against
 * a rest parameter the kernel's syscall rates were within the noise of two runs.)
 */
function refreshingCall(call: (...args: unknown[]) => unknown, arity: number, refresh: () => void): (...args: unknown[]) => unknown {
  switch (arity) {
    case 0: return () => { try { return call(); } finally { refresh(); } };
    case 1: return (a) => { try { return call(a); } finally { refresh(); } };
    case 2: return (a, b) => { try { return call(a, b); } finally { refresh(); } };
    case 3: return (a, b, c) => { try { return call(a, b, c); } finally { refresh(); } };
    case 4: return (a, b, c, d) => { try { return call(a, b, c, d); } finally { refresh(); } };
    default: return (...args) => { try { return call(...args); } finally { refresh(); } };
  }
}

/** Evaluate a constant expression (spec 3.3.10), incl. the extended-const arithmetic. */
function evalConst(inst: Instance, expr: ConstInstr[]): unknown {
  // The null at the bottom keeps the array's elements boxed: an array of only doubles would set the
  // quiet bit of a signalling NaN constant on the way in (V8), as multi-value results do (README.md).
  const stack: unknown[] = [null];
  const desc = inst.module;
  for (const [op, imm] of expr) {
    switch (op) {
      case 'i32.const':
      case 'i64.const':
        stack.push(imm);
        break;
      case 'f32.const':
        stack.push(f32FromBits(imm as number));
        break;
      case 'f64.const':
        stack.push(f64FromBits(imm as bigint));
        break;
      case 'ref.null':
        stack.push(null);
        break;
      case 'ref.func':
        stack.push(inst.funcref(imm as number));
        break;
      case 'global.get': {
        const i = imm as number;
        const v = inst[desc.globalProps[i]!];
        stack.push(desc.globalCells[i] ? (v as Global).v : v);
        break;
      }
      case 'i32.add': case 'i32.sub': case 'i32.mul': {
        const b = stack.pop() as number;
        const a = stack.pop() as number;
        stack.push(op === 'i32.add' ? (a + b) | 0 : op === 'i32.sub' ? (a - b) | 0 : Math.imul(a, b));
        break;
      }
      case 'i64.add': case 'i64.sub': case 'i64.mul': {
        const b = stack.pop() as bigint;
        const a = stack.pop() as bigint;
        stack.push(BigInt.asIntN(64, op === 'i64.add' ? a + b : op === 'i64.sub' ? a - b : a * b));
        break;
      }
      default:
        throw new Error(`internal error: constant expression op ${op}`);
    }
  }
  return stack.pop();
}

/**
 * The frozen exports object of `inst` (JS API "instantiate", step exports): functions through
 * `funcRefFor`, tables and memories as they are, globals as Global objects (one per global).
 */
export function buildExports(inst: Instance, funcRefFor: (index: number) => FuncRef): Record<string, unknown> {
  const desc = inst.module;
  const exports: Record<string, unknown> = Object.create(null);
  const exportedGlobals = new Map<number, Global>();
  for (const e of desc.exports) {
    switch (e.kind) {
      case 'func':
        exports[e.name] = funcRefFor(e.index);
        break;
      case 'table':
        exports[e.name] = inst[desc.tableProps[e.index]!];
        break;
      case 'memory':
        exports[e.name] = inst[desc.memoryProps[e.index]!];
        break;
      case 'global': {
        const prop = desc.globalProps[e.index]!;
        if (desc.globalCells[e.index]) {
          exports[e.name] = inst[prop];
          break;
        }
        // An immutable (or unshared) global is exported as a Global holding its value.
        let g = exportedGlobals.get(e.index);
        if (!g) {
          g = new Global({ value: desc.globalTypes[e.index]!.type, mutable: false });
          g.v = inst[prop];
          exportedGlobals.set(e.index, g);
        }
        exports[e.name] = g;
        break;
      }
    }
  }
  return Object.freeze(exports);
}

/** Link and instantiate a compiled module. Resolves to `{ module, instance }` like WebAssembly.instantiate. */
export async function instantiateModule(desc: ModuleDescriptor, imports: Record<string, unknown> = {}): Promise<{ module: ModuleDescriptor; instance: { exports: Record<string, unknown> } }> {
  return { module: desc, instance: createInstance(desc, imports) };
}

/**
 * The synchronous core of instantiation (like `new WebAssembly.Instance`). Options (threads)
 * travel inside `imports`: see InstantiateOptions in instance-thread.ts.
 */
export function createInstance(desc: ModuleDescriptor, imports: Record<string, unknown> = {}): { exports: Record<string, unknown> } {
  const options = instantiateOptions(imports);
  // The module's shape (every `$` property in place), then the runtime's own fields by named
  // stores: V8 keeps such an object's properties fast at any size, every instance of a module
  // with one map (compiler/link/descriptor.ts instanceShape).
  const inst = (desc.newInstance ? desc.newInstance() : { ...desc.shape }) as unknown as Instance;
  inst.sharedMemories = null;
  inst.family = {};
  inst.funcrefs = [];
  inst.module = desc;
  inst.elems = [];
  inst.datas = [];
  inst.funcref = (index: number): FuncRef => {
    let ref = inst.funcrefs[index];
    if (!ref) {
      const code = desc.code[index - desc.importedFuncs]!;
      ref = makeFuncRef(code, inst, desc.types[desc.funcTypes[index]!]!, String(index));
      inst.funcrefs[index] = ref;
    }
    return ref;
  };

  let funcIndex = 0;
  let globalIndex = 0;
  for (const imp of desc.imports) {
    linkImport(inst, desc, imp, imp.kind === 'func' ? funcIndex : -1, imp.kind === 'global' ? globalIndex : -1, imports);
    if (imp.kind === 'func') funcIndex++;
    if (imp.kind === 'global') globalIndex++;
  }
  desc.memories.forEach((m, i) => {
    inst[m.prop] = options?.memories?.[i] ?? new Memory({ initial: m.min, maximum: m.max ?? undefined, shared: m.shared });
  });
  const shared = desc.memoryProps.map((p) => inst[p] as Memory).filter((m) => m.shared);
  if (shared.length > 0) {
    inst.sharedMemories = shared;
    refreshAfterHostCalls(inst, desc);
  }
  for (const t of desc.tables) inst[t.prop] = new Table({ element: t.elem, initial: t.min, maximum: t.max ?? undefined });
  for (const g of desc.globals) {
    const value = evalConst(inst, g.init);
    if (g.hi !== undefined) {
      // An unshared mutable i64: two i32 halves, so generated code reads and writes it without BigInt.
      inst[g.prop] = i64_split(value as bigint);
      inst[g.hi] = high.bits;
    } else if (g.cell) {
      const cell = new Global({ value: g.type, mutable: g.mutable });
      cell.v = value;
      inst[g.prop] = cell;
    } else {
      if ((g.type === 'f32' || g.type === 'f64') && (g.mutable || value !== value)) {
        // V8 15 (Deno 2.9) canonicalises a NaN stored into a field that is created with it or still
        // holds its first value (the field turning from const to mutable); two plain doubles first
        // make it a mutable double field, whose stores keep every bit (nan-probe.mjs, f32_global).
        inst[g.prop] = 0.5;
        inst[g.prop] = 1.5;
      }
      inst[g.prop] = value;
    }
  }
  inst.elems = desc.elems.map((e) => (e.funcs ? e.funcs.map((i) => inst.funcref(i)) : e.exprs!.map((x) => evalConst(inst, x))));
  inst.datas = desc.datas.map((d) => decodeBase64(d.bytes));

  const exports = buildExports(inst, (index) => inst.funcref(index));
  registerInstance(exports, inst);

  // Segments initialise in order; a trap leaves earlier writes in place (spec 4.5.4, Wasm 2.0).
  desc.elems.forEach((e, i) => {
    if (e.mode === 'active') {
      const table = inst[desc.tableProps[e.table]!] as Table;
      const offset = (evalConst(inst, e.offset!) as number) >>> 0;
      const items = inst.elems[i]!;
      if (offset + items.length > table.elements.length) trap(TRAP_TABLE_OOB);
      for (let k = 0; k < items.length; k++) table.elements[offset + k] = items[k];
    }
    if (e.mode !== 'passive') inst.elems[i] = [];
  });
  desc.datas.forEach((d, i) => {
    if (d.mode !== 'active') return;
    if (options?.thread) {
      inst.datas[i] = new Uint8Array(0); // applied once, by the program's first instance
      return;
    }
    const memory = inst[desc.memoryProps[d.memory]!] as Memory;
    const offset = (evalConst(inst, d.offset!) as number) >>> 0;
    const bytes = inst.datas[i]!;
    checked(memory, offset, bytes.length).u8.set(bytes, offset); // an imported memory may have grown elsewhere
    inst.datas[i] = new Uint8Array(0);
  });
  options?.onInstance?.(inst);
  if (desc.start !== null && !options?.thread) {
    const start = inst.funcref(desc.start);
    try {
      (start.wasmCode as (i: unknown) => unknown)(start.wasmInst);
    } catch (e) {
      throw asWasmTrap(e);
    }
  }
  return { exports };
}
