// runtime/: function references. A funcref is the JS-callable function the JS API shows for
// a wasm function (what `WebAssembly` exported functions are), carrying three fields that
// generated code uses to call it directly:
//   wasmCode(inst, ...args)  the compiled function, taking its instance first;
//   wasmInst                 the instance it belongs to;
//   wasmType                 its signature key (`i32,i32->i32`), checked by call_indirect.
// Thread instances of one module share a `family`: a call_indirect between them passes the
// caller's own instance, so each thread keeps its own globals (its own __stack_pointer).

import { RuntimeError, TRAP_INDIRECT_CALL_TYPE, TRAP_STACK_EXHAUSTED, TRAP_UNDEFINED_ELEMENT, TRAP_UNINITIALIZED_ELEMENT, trap } from './trap.js';
import type { Table } from './table.js';
import { fromJS, toJS } from './values.js';

export interface InstanceBase {
  family: object;
  funcrefs: (FuncRef | undefined)[];
}

export type WasmCode = (inst: never, ...args: never[]) => unknown;

export interface FuncRef {
  (...args: unknown[]): unknown;
  wasmCode: WasmCode;
  wasmInst: InstanceBase;
  wasmType: string;
}

/** The instance host functions "belong" to: a family no wasm instance shares. */
const HOST_INSTANCE: InstanceBase = { family: {}, funcrefs: [] };

export function isFuncRef(value: unknown): value is FuncRef {
  return typeof value === 'function' && typeof (value as Partial<FuncRef>).wasmCode === 'function';
}

/** Split a type key into param and result type lists. */
export function parseTypeKey(key: string): { params: string[]; results: string[] } {
  const [p = '', r = ''] = key.split('->');
  return { params: p ? p.split(',') : [], results: r ? r.split(',') : [] };
}

/** V8 reports stack exhaustion as a RangeError; wasm code must see the spec's trap. */
export function asWasmTrap(e: unknown): unknown {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return new RuntimeError(TRAP_STACK_EXHAUSTED);
  return e;
}

/** The funcref for a compiled function of `inst`: callable from JS with JS API conversions. */
export function makeFuncRef(code: WasmCode, inst: InstanceBase, typeKey: string, name: string): FuncRef {
  const { params, results } = parseTypeKey(typeKey);
  const convert = (result: unknown): unknown => {
    if (results.length === 0) return undefined;
    if (results.length === 1) return toJS(results[0]!, result);
    return (result as unknown[]).map((v, i) => toJS(results[i]!, v));
  };
  const c = code as (...a: unknown[]) => unknown;
  const [t0 = '', t1 = '', t2 = '', t3 = ''] = params;
  // Arguments go straight into the call, never through an array: V8 quietens signalling NaNs
  // stored in double arrays, and wasm passes NaN payloads through calls unchanged.
  const fn = function (...args: unknown[]): unknown {
    try {
      switch (params.length) {
        case 0:
          return convert(c(inst));
        case 1:
          return convert(c(inst, fromJS(t0, args[0])));
        case 2:
          return convert(c(inst, fromJS(t0, args[0]), fromJS(t1, args[1])));
        case 3:
          return convert(c(inst, fromJS(t0, args[0]), fromJS(t1, args[1]), fromJS(t2, args[2])));
        case 4:
          return convert(c(inst, fromJS(t0, args[0]), fromJS(t1, args[1]), fromJS(t2, args[2]), fromJS(t3, args[3])));
        default:
          return convert(c(inst, ...params.map((t, i) => fromJS(t, args[i]))));
      }
    } catch (e) {
      throw asWasmTrap(e);
    }
  } as FuncRef;
  Object.defineProperty(fn, 'name', { value: name });
  Object.defineProperty(fn, 'length', { value: params.length });
  fn.wasmCode = code;
  fn.wasmInst = inst;
  fn.wasmType = typeKey;
  return fn;
}

/** A funcref for a host (JS) function imported with type `typeKey`. */
export function hostFuncRef(host: (...args: unknown[]) => unknown, typeKey: string): FuncRef {
  const { results } = parseTypeKey(typeKey);
  const code = (_inst: unknown, ...args: unknown[]): unknown => {
    const result = host(...args);
    if (results.length === 0) return undefined;
    if (results.length === 1) return fromJS(results[0]!, result);
    const list = [...(result as Iterable<unknown>)];
    if (list.length !== results.length) throw new TypeError('host function returned the wrong number of results');
    return list.map((v, i) => fromJS(results[i]!, v));
  };
  return makeFuncRef(code as WasmCode, HOST_INSTANCE, typeKey, host.name);
}

/** call_indirect's lookup (spec 4.4.8): bounds, null and signature checks, in that order. */
export function call_target(table: Table, index: number, typeKey: string): FuncRef {
  const i = index >>> 0;
  const elements = table.elements;
  if (i >= elements.length) trap(TRAP_UNDEFINED_ELEMENT);
  const f = elements[i] as FuncRef | null;
  if (f === null) trap(`${TRAP_UNINITIALIZED_ELEMENT} ${i}`);
  if (f.wasmType !== typeKey) trap(TRAP_INDIRECT_CALL_TYPE);
  return f;
}

/** The instance to call `f` with: the caller's own when both are of one family (threads). */
export function callee_inst(inst: InstanceBase, f: FuncRef): InstanceBase {
  return f.wasmInst.family === inst.family ? inst : f.wasmInst;
}

/** ref.func: one funcref per function per instance, so references compare equal. */
export function ref_func(inst: InstanceBase & { funcref(index: number): FuncRef }, index: number): FuncRef {
  return inst.funcrefs[index] ?? inst.funcref(index);
}
