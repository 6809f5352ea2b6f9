// runtime/: instances for threads. A wasm thread is one more instance of the same module that
// shares the memory but has its own globals (its own __stack_pointer). Two kinds:
//  - on a worker: a normal instantiation with the `thread` option (see InstantiateOptions), used
//    by runtime/threads/; it skips what must happen once per program (data segments, start);
//  - in the same JS thread: createThreadInstance(inst), a synchronous copy sharing memory,
//    tables and the funcref family (for a single-JS-thread mode).

import { Global } from './global.js';
import { makeFuncRef, type FuncRef } from './funcref.js';
import { buildExports, type Instance } from './instantiate.js';
import type { Memory } from './memory.js';

/**
 * Where instantiation options travel: a key of the imports object, so they pass unchanged through
 * the compiled module's `instantiate(imports)`. `Symbol.for` makes every copy of the runtime agree.
 */
export const INSTANTIATE_OPTIONS: unique symbol = Symbol.for('w2js.instantiate') as never;

/** Options of `createInstance`, given as `imports[INSTANTIATE_OPTIONS]`. */
export interface InstantiateOptions {
  /**
   * Instantiate another thread's instance of a module already running: active data segments are
   * not applied (they would overwrite memory the program has since changed; they count as
   * dropped) and the start function is not run. Active elem segments are applied, to this
   * instance's own tables.
   */
  thread?: boolean;
  /** Use these for the memories the module defines (by defined-memory index) instead of new ones. */
  memories?: (Memory | undefined)[];
  /** Called with the internal instance once it is built. */
  onInstance?: (inst: Instance) => void;
}

/** The options inside an imports object, if any. */
export function instantiateOptions(imports: object): InstantiateOptions | undefined {
  return (imports as { [INSTANTIATE_OPTIONS]?: InstantiateOptions })[INSTANTIATE_OPTIONS];
}

const instances = new WeakMap<object, Instance>();

/** Remember which internal instance an exports object belongs to (called by instantiation). */
export function registerInstance(exports: object, inst: Instance): void {
  instances.set(exports, inst);
}

/** The internal instance behind `{ exports }` (as instantiate returns it), an exports object, or an Instance. */
export function internalInstance(source: object): Instance {
  if ('module' in source && 'family' in source && 'funcrefs' in source) return source as Instance;
  const exports = 'exports' in source ? (source as { exports: object }).exports : source;
  const inst = instances.get(exports);
  if (!inst) throw new TypeError('not a w2js instance or its exports');
  return inst;
}

// ---- __stack_pointer ----

/** The global index of `__stack_pointer`: by its name-section name, else its export; -1 if none. */
export function stackPointerIndex(inst: Instance): number {
  const desc = inst.module;
  // The mangler names it `$__stack_pointer` (`$$<index>` appended if that was taken).
  const named = desc.globalProps.findIndex((p) => /^\$__stack_pointer(\$\$\d+)?$/.test(p));
  if (named >= 0) return named;
  const exported = desc.exports.find((e) => e.kind === 'global' && e.name === '__stack_pointer');
  return exported ? exported.index : -1;
}

/** Read `__stack_pointer`; undefined if the module has none. */
export function getStackPointer(inst: Instance): number | undefined {
  const i = stackPointerIndex(inst);
  if (i < 0) return undefined;
  const v = inst[inst.module.globalProps[i]!];
  return (inst.module.globalCells[i] ? (v as Global).v : v) as number;
}

/** Point `__stack_pointer` at `sp`; throws if the module has none. */
export function setStackPointer(inst: Instance, sp: number): void {
  const i = stackPointerIndex(inst);
  if (i < 0) throw new Error('the module has no __stack_pointer global (no name section entry, no export)');
  const prop = inst.module.globalProps[i]!;
  if (inst.module.globalCells[i]) (inst[prop] as Global).v = sp | 0;
  else inst[prop] = sp | 0;
}

// ---- in-thread sibling instances ----

/** An instance made by createThreadInstance. */
export interface ThreadInstance {
  inst: Instance;
  /** The module's exports, with functions running on this instance's globals. */
  exports: Record<string, unknown>;
  setStackPointer(sp: number): void;
  getStackPointer(): number | undefined;
}

/**
 * A sibling of `source` in the same JS thread: shares memories, tables, imports, segments and the
 * funcref family (so a call_indirect in it stays on its globals), and gets its own copy of every
 * global the module defines, starting from the current values. Imported globals stay shared, as
 * imports are, except `__stack_pointer` when `stackPointer` is given: then it gets its own.
 */
export function createThreadInstance(source: object, options: { stackPointer?: number } = {}): ThreadInstance {
  const root = internalInstance(source);
  const desc = root.module;
  // From the module's own literal, its fields then in the root's order: the root's map, whatever
  // other modules this runtime serves (a shared `{ ...root }` gave a map per copy: instanceShape).
  const inst = (desc.newInstance ? Object.assign(desc.newInstance(), root) : { ...root }) as Instance;
  // funcrefs (ref.func, table elements) stay the root's, so references compare equal across siblings.
  inst.funcref = (index: number): FuncRef => root.funcref(index);
  for (const g of desc.globals) {
    if (g.cell) inst[g.prop] = copyGlobal(root[g.prop] as Global);
  }
  if (options.stackPointer !== undefined) {
    const i = stackPointerIndex(inst);
    if (i >= 0 && desc.globalCells[i]) inst[desc.globalProps[i]!] = copyGlobal(root[desc.globalProps[i]!] as Global);
    setStackPointer(inst, options.stackPointer);
  }
  const exports = buildExports(inst, (index) => (index < desc.importedFuncs
    ? root.funcref(index)
    : makeFuncRef(desc.code[index - desc.importedFuncs]!, inst, desc.types[desc.funcTypes[index]!]!, String(index))));
  return {
    inst,
    exports,
    setStackPointer: (sp) => setStackPointer(inst, sp),
    getStackPointer: () => getStackPointer(inst),
  };
}

function copyGlobal(g: Global): Global {
  const copy = new Global({ value: g.type, mutable: g.mutable });
  copy.v = g.v;
  return copy;
}
