// runtime/: function references. A funcref is the JS-callable function the JS API shows for
// a wasm function (what `WebAssembly` exported functions are), carrying three fields that
// generated code uses to call it directly:
//   wasmCode(inst, ...args)  the compiled function, taking its instance first;
//   wasmInst                 the instance it belongs to;
//   wasmType                 its signature key (`i32,i32->i32`), checked by call_indirect.
// Thread instances of one module share a `family`: a call_indirect between them passes the
// caller's own instance, so each thread keeps its own globals (its own __stack_pointer).

import { isDataViewOutOfBounds, RuntimeError, TRAP_INDIRECT_CALL_TYPE, TRAP_MEMORY_OOB, TRAP_STACK_EXHAUSTED, TRAP_UNDEFINED_ELEMENT, TRAP_UNINITIALIZED_ELEMENT, trap, trapSite } from './trap.js';
import type { Table } from './table.js';
import { fromJS, toInt32 as i32, toJS } from './values.js';
import { high, i64_join, i64_split } from './numeric/i64-pair.js';

export interface InstanceBase {
  family: object;
  funcrefs: (FuncRef | undefined)[];
  /** Its shared memories (set by instantiate when it has any): their views are refreshed on every entry from JS. */
  sharedMemories?: { refresh(): boolean }[] | null;
}

/**
 * Bring `inst`'s views of its shared memories up to date: wasm code reaches them through DataViews
 * that end where this thread last saw the memory end, and JS may be entering after another thread
 * grew it (runtime/README.md "Shared memory that grows").
 */
export function refreshShared(inst: InstanceBase): void {
  const shared = inst.sharedMemories;
  if (shared) for (let i = 0; i < shared.length; i++) shared[i]!.refresh();
}

export type WasmCode = (inst: never, ...args: never[]) => unknown;

export interface FuncRef {
  (...args: unknown[]): unknown;
  wasmCode: WasmCode;
  wasmInst: InstanceBase;
  wasmType: string;
  /**
   * Host functions of the common shapes only (no i64, at most one result): the call generated
   * code makes for the import, flat wasm arguments in and the result out, without the instance
   * argument, rest parameters or spread (the kernel ABI's nccc_call64 runs on every lock and
   * unlock). Other imports are called as `wasmCode` bound to their instance.
   */
  wasmDirect: ((...flat: number[]) => unknown) | undefined;
}

/** The instance host functions "belong" to: a family no wasm instance shares. */
export const HOST_INSTANCE: InstanceBase = { family: {}, funcrefs: [] };

export function isFuncRef(value: unknown): value is FuncRef {
  return typeof value === 'function' && typeof (value as Partial<FuncRef>).wasmCode === 'function';
}

/** Split a type key into param and result type lists. */
export function parseTypeKey(key: string): { params: string[]; results: string[] } {
  const [p = '', r = ''] = key.split('->');
  return { params: p ? p.split(',') : [], results: r ? r.split(',') : [] };
}

/**
 * The host's RangeErrors that are wasm traps, as the spec's RuntimeError: V8 reports stack
 * exhaustion as one, and a DataView an access outside it (a non-shared memory's loads and stores,
 * compiler/emit/memory.ts). The trap keeps the original's stack, whose frames are the wasm functions.
 */
export function asWasmTrap(e: unknown): unknown {
  if (!(e instanceof RangeError)) return e;
  let message: string;
  if (/call stack/i.test(e.message)) message = TRAP_STACK_EXHAUSTED;
  else if (isDataViewOutOfBounds(e)) message = TRAP_MEMORY_OOB;
  else return e;
  const stack = e.stack ?? '';
  const error = new RuntimeError(message + trapSite(stack));
  const frames = stack.indexOf('\n    at ');
  if (frames >= 0) error.stack = `${error.name}: ${error.message}${stack.slice(frames)}`;
  return error;
}

/** How each JS argument becomes the flat wasm arguments: an i64 becomes two i32 halves. */
function argumentSlots(params: string[]): ((args: ArrayLike<unknown>) => unknown)[] {
  const slots: ((args: ArrayLike<unknown>) => unknown)[] = [];
  params.forEach((t, i) => {
    if (t === 'i64') {
      slots.push((args) => i64_split(fromJS('i64', args[i]) as bigint));
      slots.push(() => high.bits);
    } else {
      slots.push((args) => fromJS(t, args[i]));
    }
  });
  return slots;
}

/** Flat wasm results (an i64 as lo + `high.bits`, several results as one flat array) → JS. */
function resultConverter(results: string[]): (result: unknown) => unknown {
  if (results.length === 0) return () => undefined;
  if (results.length === 1) return results[0] === 'i64' ? (lo) => i64_join(lo as number, high.bits) : (v) => toJS(results[0]!, v);
  return (flat) => {
    const values = flat as unknown[];
    const out: unknown[] = [];
    let k = 0;
    for (const t of results) out.push(t === 'i64' ? i64_join(values[k++] as number, values[k++] as number) : toJS(t, values[k++]));
    return out;
  };
}

interface Signature {
  params: string[];
  convert: (result: unknown) => unknown;
  slots: ((args: ArrayLike<unknown>) => unknown)[];
  /** i32 parameters only, at most I32_CALLER_MAX, and no i64 or multiple results: i32Caller's. */
  i32Only: boolean;
  /** No result. */
  isVoid: boolean;
}

/** Conversions by type key, made once per signature rather than per function (a kernel's table holds thousands). */
const signatures = new Map<string, Signature>();

function signature(typeKey: string): Signature {
  let sig = signatures.get(typeKey);
  if (!sig) {
    const { params, results } = parseTypeKey(typeKey);
    const i32Only = params.length <= I32_CALLER_MAX && params.every((p) => p === 'i32') && results.length <= 1 && results[0] !== 'i64';
    sig = { params, convert: resultConverter(results), slots: argumentSlots(params), i32Only, isVoid: results.length === 0 };
    signatures.set(typeKey, sig);
  }
  return sig;
}

/** The number of flat wasm parameters of a type key (an i64 is two): its argument slots. */
export function flatArity(typeKey: string): number {
  return signature(typeKey).slots.length;
}

/** The funcref for a compiled function of `inst`: callable from JS with JS API conversions. */
export function makeFuncRef(code: WasmCode, inst: InstanceBase, typeKey: string, name: string): FuncRef {
  const { params, convert, slots, i32Only, isVoid } = signature(typeKey);
  const c = code as (...a: unknown[]) => unknown;
  if (i32Only) return withCode(i32Caller(name, params.length, c, inst, isVoid), code, inst, typeKey);
  const [s0, s1, s2, s3, s4, s5] = slots;
  // Arguments go straight into the call, never through an array: V8 quietens signalling NaNs
  // stored in double arrays, and wasm passes NaN payloads through calls unchanged. Slots are
  // evaluated left to right, so an i64's `high.bits` is read right after its low half.
  // Named as the function too: it is the frame a debugger shows between JS and the wasm code
  // (ignore-listed with the runtime), under the fixed-arity function that calls it.
  const call = { [name]: (args: ArrayLike<unknown>): unknown => {
    refreshShared(inst);
    try {
      switch (slots.length) {
        case 0:
          return convert(c(inst));
        case 1:
          return convert(c(inst, s0!(args)));
        case 2:
          return convert(c(inst, s0!(args), s1!(args)));
        case 3:
          return convert(c(inst, s0!(args), s1!(args), s2!(args)));
        case 4:
          return convert(c(inst, s0!(args), s1!(args), s2!(args), s3!(args)));
        case 5:
          return convert(c(inst, s0!(args), s1!(args), s2!(args), s3!(args), s4!(args)));
        case 6:
          return convert(c(inst, s0!(args), s1!(args), s2!(args), s3!(args), s4!(args), s5!(args)));
        default:
          return convert(c(inst, ...slots.map((slot) => slot(args))));
      }
    } catch (e) {
      throw asWasmTrap(e);
    }
  } }[name]!;
  return withCode(withNameAndLength(name, params.length, call), code, inst, typeKey);
}

/** `fn` as the funcref of `code`: the properties call_indirect reads, set in one order (one map). */
function withCode(f: (...args: unknown[]) => unknown, code: WasmCode, inst: InstanceBase, typeKey: string): FuncRef {
  const fn = f as FuncRef;
  fn.wasmCode = code;
  fn.wasmInst = inst;
  fn.wasmType = typeKey;
  fn.wasmDirect = undefined;
  return fn;
}

/** The most parameters i32Caller has a case for. */
const I32_CALLER_MAX = 4;

/**
 * The funcref's function for the commonest signatures, i32 parameters only: each argument's
 * ToInt32 (fromJS's own `toInt32`) written into one function per arity, named `name` and of length n,
 * with no `arguments` object, slot closures or second call between JS and the wasm code (sqlite's
 * loader calls its exports about 2 M times a second; bench/README.md S34). Traps as makeFuncRef's.
 */
function i32Caller(name: string, n: number, c: (...a: unknown[]) => unknown, inst: InstanceBase, isVoid: boolean): (...args: unknown[]) => unknown {
  switch (n) {
    case 0: return { [name]: function () { refreshShared(inst); try { const r = c(inst); return isVoid ? undefined : r; } catch (e) { throw asWasmTrap(e); } } }[name]!;
    case 1: return { [name]: function (a: unknown) { refreshShared(inst); try { const r = c(inst, i32(a)); return isVoid ? undefined : r; } catch (e) { throw asWasmTrap(e); } } }[name]!;
    case 2: return { [name]: function (a: unknown, b: unknown) { refreshShared(inst); try { const r = c(inst, i32(a), i32(b)); return isVoid ? undefined : r; } catch (e) { throw asWasmTrap(e); } } }[name]!;
    case 3: return { [name]: function (a: unknown, b: unknown, d: unknown) { refreshShared(inst); try { const r = c(inst, i32(a), i32(b), i32(d)); return isVoid ? undefined : r; } catch (e) { throw asWasmTrap(e); } } }[name]!;
    // 4, I32_CALLER_MAX: signature() sends no more here.
    default: return { [name]: function (a: unknown, b: unknown, d: unknown, e: unknown) { refreshShared(inst); try { const r = c(inst, i32(a), i32(b), i32(d), i32(e)); return isVoid ? undefined : r; } catch (x) { throw asWasmTrap(x); } } }[name]!;
  }
}

/**
 * A function named `name`, of `length` n, that passes its arguments to `call`: both set as the
 * function is made (a computed key names it, the parameter list gives its length). Redefining
 * either with defineProperty turns a function's properties into a dictionary, and every
 * call_indirect reads `wasmType`, `wasmCode` and `wasmInst` from it (bench/README.md S20).
 */
function withNameAndLength(name: string, n: number, call: (args: ArrayLike<unknown>) => unknown): (...args: unknown[]) => unknown {
  switch (n) {
    case 0: return { [name]: function () { return call(arguments); } }[name]!;
    case 1: return { [name]: function (a: unknown) { return call(arguments); } }[name]!;
    case 2: return { [name]: function (a: unknown, b: unknown) { return call(arguments); } }[name]!;
    case 3: return { [name]: function (a: unknown, b: unknown, c: unknown) { return call(arguments); } }[name]!;
    case 4: return { [name]: function (a: unknown, b: unknown, c: unknown, d: unknown) { return call(arguments); } }[name]!;
    case 5: return { [name]: function (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown) { return call(arguments); } }[name]!;
    case 6: return { [name]: function (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown) { return call(arguments); } }[name]!;
    case 7: return { [name]: function (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown) { return call(arguments); } }[name]!;
    case 8: return { [name]: function (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown) { return call(arguments); } }[name]!;
    default: {
      // Rare: more parameters than the cases; this one's properties are a dictionary.
      const fn = { [name]: function (...args: unknown[]) { return call(args); } }[name]!;
      Object.defineProperty(fn, 'length', { value: n });
      return fn;
    }
  }
}

/** A funcref for a host (JS) function imported with type `typeKey`. */
export function hostFuncRef(host: (...args: unknown[]) => unknown, typeKey: string): FuncRef {
  const { params, results } = parseTypeKey(typeKey);
  const flatParams = params.some((t) => t === 'i64');
  const code = (_inst: unknown, ...flat: unknown[]): unknown => {
    let args = flat;
    if (flatParams) {
      args = [];
      let k = 0;
      for (const t of params) args.push(t === 'i64' ? i64_join(flat[k++] as number, flat[k++] as number) : flat[k++]);
    }
    const result = host(...args);
    if (results.length === 0) return undefined;
    if (results.length === 1) return results[0] === 'i64' ? i64_split(fromJS('i64', result) as bigint) : fromJS(results[0]!, result);
    const list = [...(result as Iterable<unknown>)];
    if (list.length !== results.length) throw new TypeError('host function returned the wrong number of results');
    return list.flatMap((v, i) => {
      if (results[i] !== 'i64') return [fromJS(results[i]!, v)];
      const lo = i64_split(fromJS('i64', v) as bigint);
      return [lo, high.bits];
    });
  };
  const ref = makeFuncRef(code as WasmCode, HOST_INSTANCE, typeKey, host.name);
  ref.wasmDirect = directHostCall(host, params, results);
  return ref;
}

/** A fixed-arity caller of `host` for the common signatures: no i64, at most one result. */
function directHostCall(host: (...args: unknown[]) => unknown, params: string[], results: string[]): ((...flat: number[]) => unknown) | undefined {
  if (params.includes('i64') || results.length > 1 || results[0] === 'i64' || params.length > 4) return undefined;
  const t = results[0];
  if (t === undefined) {
    switch (params.length) {
      case 0: return () => void host();
      case 1: return (a) => void host(a);
      case 2: return (a, b) => void host(a, b);
      case 3: return (a, b, c) => void host(a, b, c);
      default: return (a, b, c, d) => void host(a, b, c, d);
    }
  }
  switch (params.length) {
    case 0: return () => fromJS(t, host());
    case 1: return (a) => fromJS(t, host(a));
    case 2: return (a, b) => fromJS(t, host(a, b));
    case 3: return (a, b, c) => fromJS(t, host(a, b, c));
    default: return (a, b, c, d) => fromJS(t, host(a, b, c, d));
  }
}

/**
 * call_indirect's lookup (spec 4.4.8). When every check passes it is one load and two compares;
 * any failure goes to `callTargetTrap`, so the caller's optimized code, where this is inlined, has
 * one cold branch instead of three (each a deopt point keeping values alive): its frame is
 * smaller (recursion through call_indirect 9 667 → 10 473 frames deep, bench/README.md D8). An
 * index past the end reads `undefined` from the elements array.
 */
export function call_target(table: Table, index: number, typeKey: string): FuncRef {
  const f = table.elements[index >>> 0] as FuncRef | null | undefined;
  if (f == null || f.wasmType !== typeKey) return callTargetTrap(table, index, typeKey);
  return f;
}

/** The failing call_indirect: bounds, null and signature checks, in the spec's order. */
function callTargetTrap(table: Table, index: number, typeKey: string): never {
  const i = index >>> 0;
  const elements = table.elements;
  if (i >= elements.length) trap(TRAP_UNDEFINED_ELEMENT);
  const f = elements[i] as FuncRef | null;
  if (f === null) trap(`${TRAP_UNINITIALIZED_ELEMENT} ${i}`);
  if (f.wasmType !== typeKey) trap(TRAP_INDIRECT_CALL_TYPE);
  throw new Error(`internal error: call_indirect of element ${i} failed no check`);
}

/** The instance to call `f` with: the caller's own when both are of one family (threads). */
export function callee_inst(inst: InstanceBase, f: FuncRef): InstanceBase {
  return f.wasmInst.family === inst.family ? inst : f.wasmInst;
}

/** ref.func: one funcref per function per instance, so references compare equal. */
export function ref_func(inst: InstanceBase & { funcref(index: number): FuncRef }, index: number): FuncRef {
  return inst.funcrefs[index] ?? inst.funcref(index);
}
