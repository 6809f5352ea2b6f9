// Running one module on one engine and recording everything observable as a trace: the
// differential fuzzer runs this twice (native V8, w2js) on the same module and compares traces.
//
// The host side imitates binaryen's fuzzing shell (scripts/fuzz_shell.js) in what it does, not in
// how it prints: `fuzzing-support.log-*` log their arguments, `call-export*`/`call-ref*` call back
// into the module, `table-get`/`table-set` use the exported `table`, `sleep` returns its id,
// `throw` throws a host error. Every host call is logged with its arguments bit-exactly.

import { createHash } from 'node:crypto';

/** What our imports throw on purpose; the same class for both engines. */
export class HostError extends Error {
  constructor(message) {
    super(message);
    this.name = 'HostError';
  }
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** Name of the memory export the fuzzer adds for memory index `i` (see instrument()). */
export const memoryExportName = (i) => `__fuzz_memory${i}`;

/** A JS value as a string, bit-exact for numbers (NaN payloads and -0 included). */
export function encodeValue(v, hostObjects) {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && !Object.is(v, -0)) return `${v}`; // readable; exact all the same
    f64[0] = v;
    return `${Number.isNaN(v) ? 'nan' : 'f64'}:${u64[0].toString(16)}`;
  }
  if (typeof v === 'bigint') return `i64:${BigInt.asUintN(64, v).toString(16)}`;
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return 'func';
  if (Array.isArray(v)) return `[${v.map((x) => encodeValue(x, hostObjects)).join(',')}]`;
  if (hostObjects?.has(v)) return `host:${hostObjects.get(v)}`;
  return typeof v;
}

/** An exception as a class both engines can agree on (trap kinds are unified in compare.mjs). */
export function classifyError(e) {
  if (e instanceof HostError) return `host:${e.message}`;
  if (e instanceof WebAssembly.RuntimeError) return `trap:${e.message}`;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'trap:call stack exhausted';
  if (e instanceof WebAssembly.LinkError) return 'link-error';
  if (e instanceof WebAssembly.CompileError) return 'compile-error';
  if (e instanceof TypeError) return 'type-error';
  if (e instanceof RangeError) return 'range-error';
  if (e && typeof e === 'object' && typeof e.name === 'string') return `other:${e.name}: ${String(e.message).slice(0, 200)}`;
  return `other:${typeof e}`;
}

/** Traps and stack overflows pass through call-export-catch, as in binaryen's shell. */
function isTrapLike(e) {
  return e instanceof WebAssembly.RuntimeError || (e instanceof RangeError && /call stack/i.test(e.message));
}

const ZERO = { i32: 0, i64: 0n, f32: 0, f64: 0, funcref: null, externref: null };

/** Deterministic value for an imported global of type `valtype`, from its name. */
function importedGlobalValue(valtype, name, externs) {
  const h = createHash('sha1').update(name).digest();
  const i = h.readInt32LE(0);
  if (valtype === 'i32') return i;
  if (valtype === 'i64') return h.readBigInt64LE(4);
  if (valtype === 'f32') return Math.fround(i / 7);
  if (valtype === 'f64') return i / 3;
  if (valtype === 'externref') {
    const obj = { name };
    externs.set(obj, name);
    return obj;
  }
  return null;
}

const NULL_ARGS = new Array(64).fill(null);

/**
 * Run `bytes` on `engine` ({ name, instantiate(bytes, imports) → exports, Global, Memory, Table })
 * and return the trace: the instantiation outcome, then per export call its outcome, the host
 * calls it made, every memory's hash, every exported global and table. A call slower than
 * `maxCallMs` ends the run (`trace.slow` says which).
 */
export async function runModule(engine, bytes, info, onStep = () => {}, { maxCallMs = Infinity } = {}) {
  const externs = new Map();
  const log = [];
  let exports;
  const exportList = info.exports;
  const funcByExport = (index) => {
    const e = exportList[index >>> 0];
    const value = e && exports ? exports[e.name] : undefined;
    if (typeof value !== 'function') throw new HostError(`call-export ${index}: not a function`);
    return { fn: value, params: info.types[info.funcTypes[e.index]].params };
  };
  const callCaught = (thunk) => {
    try {
      thunk();
      return 0;
    } catch (e) {
      if (isTrapLike(e)) throw e;
      log.push(`caught ${classifyError(e)}`);
      return 1;
    }
  };
  const callRef = (ref) => {
    if (typeof ref !== 'function') throw new HostError('call-ref: not a function');
    // Nulls, as binaryen's shell passes: 0 for numbers, a TypeError for an i64 parameter.
    return ref(...NULL_ARGS);
  };
  const table = () => {
    const t = exports?.table;
    if (!t) throw new HostError('no exported table');
    return t;
  };
  const support = {
    'log-i32': (x) => void log.push(`log-i32 ${encodeValue(x)}`),
    'log-i64': (x) => void log.push(`log-i64 ${encodeValue(x)}`),
    'log-f32': (x) => void log.push(`log-f32 ${encodeValue(x)}`),
    'log-f64': (x) => void log.push(`log-f64 ${encodeValue(x)}`),
    'log-branch': (...a) => void log.push(`log-branch ${a.map((x) => encodeValue(x)).join(' ')}`),
    throw: (...a) => {
      log.push(`throw ${a.map((x) => encodeValue(x)).join(' ')}`);
      throw new HostError('thrown by import');
    },
    'table-get': (i) => {
      log.push(`table-get ${encodeValue(i)}`);
      return table().get(i >>> 0);
    },
    'table-set': (i, v) => {
      log.push(`table-set ${encodeValue(i)} ${encodeValue(v, externs)}`);
      table().set(i >>> 0, v);
    },
    'call-export': (i, flags) => {
      log.push(`call-export ${encodeValue(i)} ${encodeValue(flags)}`);
      const { fn, params } = funcByExport(i);
      fn(...params.map((t) => ZERO[t]));
    },
    'call-export-catch': (i) => {
      log.push(`call-export-catch ${encodeValue(i)}`);
      return callCaught(() => {
        const { fn, params } = funcByExport(i);
        fn(...params.map((t) => ZERO[t]));
      });
    },
    'call-ref': (ref, flags) => {
      log.push(`call-ref ${encodeValue(ref)} ${encodeValue(flags)}`);
      callRef(ref);
    },
    'call-ref-catch': (ref) => {
      log.push(`call-ref-catch ${encodeValue(ref)}`);
      return callCaught(() => callRef(ref));
    },
    sleep: (ms, id) => {
      log.push(`sleep ${encodeValue(ms)} ${encodeValue(id)}`);
      return id;
    },
  };
  const imports = {};
  for (const imp of info.imports) {
    const ns = (imports[imp.module] ??= {});
    const key = `${imp.module}.${imp.name}`;
    if (imp.kind === 0) {
      ns[imp.name] = imp.module === 'fuzzing-support' && support[imp.name] ? support[imp.name] : (...a) => void log.push(`${key} ${a.map((x) => encodeValue(x, externs)).join(' ')}`);
    } else if (imp.kind === 3) {
      const value = importedGlobalValue(imp.valtype, key, externs);
      ns[imp.name] = imp.mutable ? new engine.Global({ value: imp.valtype === 'funcref' ? 'anyfunc' : imp.valtype, mutable: true }, value) : value;
    } else if (imp.kind === 2) {
      const { min, max, shared } = imp.limits;
      ns[imp.name] = new engine.Memory({ initial: min, maximum: max, shared });
    } else if (imp.kind === 1) {
      const { min, max } = imp.limits;
      ns[imp.name] = new engine.Table({ element: imp.elemType === 'funcref' ? 'anyfunc' : imp.elemType, initial: min, maximum: max });
    }
  }

  const snapshot = () => {
    const memories = [];
    for (let i = 0; i < info.memories.length; i++) {
      const mem = exports[memoryExportName(i)];
      const view = new Uint8Array(mem.buffer);
      const key = `${view.length}:${createHash('sha1').update(view.buffer instanceof SharedArrayBuffer ? view.slice() : view).digest('hex')}`;
      // Each distinct state is kept (not serialised): compare.mjs looks at the bytes that differ.
      if (!memoryStore.has(key)) memoryStore.set(key, view.slice());
      memories.push(key);
    }
    const globals = [];
    const tables = [];
    for (const e of exportList) {
      if (e.kind === 3) globals.push(`${e.name}=${encodeValue(exports[e.name].value, externs)}`);
      if (e.kind === 1) {
        const t = exports[e.name];
        const entries = [];
        for (let i = 0; i < t.length; i++) entries.push(encodeValue(t.get(i), externs));
        tables.push(`${e.name}=${entries.join(',')}`);
      }
    }
    return { memories, globals, tables };
  };

  const memoryStore = new Map();
  const trace = { instantiate: 'ok', exports: [], calls: [] };
  Object.defineProperty(trace, 'memoryStore', { value: memoryStore, enumerable: false });
  onStep('instantiate');
  try {
    exports = await engine.instantiate(bytes, imports);
  } catch (e) {
    trace.instantiate = classifyError(e);
    trace.instantiateLog = log.splice(0);
    trace.instantiateMessage = String(e?.message ?? e).slice(0, 300);
    return trace;
  }
  trace.instantiateLog = log.splice(0);
  trace.exports = exportList.map((e) => {
    const v = exports[e.name];
    return `${e.name}:${typeof v}${typeof v === 'function' ? `/${v.length}` : ''}`;
  });
  Object.assign(trace, { initial: snapshot() });
  for (const e of exportList) {
    if (e.kind !== 0) continue;
    const params = info.types[info.funcTypes[e.index]].params;
    onStep(`call ${e.name}`);
    const call = { name: e.name };
    const started = performance.now();
    try {
      call.result = encodeValue(exports[e.name](...params.map((t) => ZERO[t])), externs);
    } catch (err) {
      call.error = classifyError(err);
      call.message = String(err?.message ?? err).slice(0, 300);
    }
    call.log = log.splice(0);
    Object.assign(call, snapshot());
    trace.calls.push(call);
    const took = performance.now() - started;
    if (took > maxCallMs) {
      trace.slow = `${e.name} took ${Math.round(took)} ms`;
      break;
    }
  }
  onStep('done');
  return trace;
}
