// runtime/trap.ts: the error classes and trap messages that generated code and the runtime throw at run time.

import { describeFrame, STACK_SHOWS_EVERY_FRAME, wasmFrames } from './wasm-stack.js';

/** The error constructors we borrow from the host's `WebAssembly` namespace when it exists. */
interface HostWasmErrors {
  readonly RuntimeError: new (message?: string) => Error;
  readonly LinkError: new (message?: string) => Error;
  readonly CompileError: new (message?: string) => Error;
}

// `node --jitless` (and some embedders) have no `WebAssembly` global at all, so every lookup is guarded.
const host = (globalThis as { WebAssembly?: HostWasmErrors }).WebAssembly;

/** An Error subclass named `name` (on the class and its prototype, as the JS-API's are) for hosts without `WebAssembly`. */
function defineErrorClass(name: string): new (message?: string) => Error {
  // The name is set explicitly rather than taken from a class declaration, which bundlers may rename.
  const cls = class extends Error {};
  Object.defineProperty(cls, 'name', { value: name });
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  return cls;
}

// Reusing the host's classes means host code written for native wasm (`e instanceof WebAssembly.RuntimeError`) keeps working.
/** `WebAssembly.RuntimeError` where it exists, else our own class of the same name: thrown on a trap. */
export const RuntimeError: new (message?: string) => Error = host?.RuntimeError ?? defineErrorClass('RuntimeError');
/** An instance of {@link RuntimeError}. */
export type RuntimeError = Error;

/** `WebAssembly.LinkError` where it exists, else our own: thrown when imports do not match at instantiation. */
export const LinkError: new (message?: string) => Error = host?.LinkError ?? defineErrorClass('LinkError');
/** An instance of {@link LinkError}. */
export type LinkError = Error;

/** `WebAssembly.CompileError` where it exists, else our own; named apart from the compiler's own CompileError diagnostic. */
export const WasmCompileError: new (message?: string) => Error = host?.CompileError ?? defineErrorClass('CompileError');
/** An instance of {@link WasmCompileError}. */
export type WasmCompileError = Error;

// The spec's trap texts (the core test suite's `assert_trap` strings), so spec tests and host code match them.
/** `unreachable` executed. */
export const TRAP_UNREACHABLE = 'unreachable';
/** Integer division or remainder by zero. */
export const TRAP_DIV_ZERO = 'integer divide by zero';
/** Signed division overflow, or a float→int truncation out of range. */
export const TRAP_INT_OVERFLOW = 'integer overflow';
/** A float→int truncation of NaN. */
export const TRAP_INVALID_CONVERSION = 'invalid conversion to integer';
/** A memory access outside the memory's current size. */
export const TRAP_MEMORY_OOB = 'out of bounds memory access';
/** A table access outside the table's current size. */
export const TRAP_TABLE_OOB = 'out of bounds table access';
/** `call_indirect` past the end of the table. */
export const TRAP_UNDEFINED_ELEMENT = 'undefined element';
/** `call_indirect` through a null table entry. */
export const TRAP_UNINITIALIZED_ELEMENT = 'uninitialized element';
/** `call_indirect` whose callee has a different type. */
export const TRAP_INDIRECT_CALL_TYPE = 'indirect call type mismatch';
/** The JS stack overflowed while running wasm code. */
export const TRAP_STACK_EXHAUSTED = 'call stack exhausted';

/**
 * Throw a RuntimeError carrying one of the `TRAP_*` messages, followed by the wasm function it
 * happened in and, where source maps are on, its C file and line: `out of bounds memory access
 * in store_at (prog.c:66)`. The spec's text stays first (tests and hosts match its start).
 */
export function trap(message: string): never {
  throw new RuntimeError(message + trapSite());
}

/**
 * ` in <function> (<file>:<line>)` for the innermost wasm frame of the caller's stack, or ''
 * (also where tail calls may have removed that frame: STACK_SHOWS_EVERY_FRAME).
 */
export function trapSite(stack?: string): string {
  if (!STACK_SHOWS_EVERY_FRAME) return '';
  // A probe's stack, read before the error is made: engines fix an error's stack text with its
  // message when it is first read. Source maps apply when it is read (Node), so C lines come out.
  const frame = wasmFrames(stack ?? new Error().stack ?? '')[0];
  return frame ? ` in ${describeFrame(frame)}` : '';
}

/**
 * The messages this engine's DataView throws for an access outside its bounds (V8: "Offset is
 * outside the bounds of the DataView"), read from probes once. Generated code reaches a non-shared
 * memory through its DataView alone (compiler/emit/memory.ts), so such a RangeError out of wasm
 * code is an out-of-bounds access: `asWasmTrap` (runtime/funcref.ts) makes it the spec's trap.
 */
const DATA_VIEW_OUT_OF_BOUNDS: ReadonlySet<string> = (() => {
  const messages = new Set<string>();
  const dv = new DataView(new ArrayBuffer(8));
  const probes = [() => dv.getInt32(8, true), () => dv.setInt32(6, 0, true), () => dv.getUint8(2 ** 33), () => dv.setFloat64(2 ** 32, 0, true)];
  for (const probe of probes) {
    try {
      probe();
    } catch (e) {
      if (e instanceof RangeError) messages.add(e.message);
    }
  }
  return messages;
})();

/** Whether `e` is a DataView's out-of-bounds RangeError (see DATA_VIEW_OUT_OF_BOUNDS). */
export function isDataViewOutOfBounds(e: unknown): e is RangeError {
  return e instanceof RangeError && DATA_VIEW_OUT_OF_BOUNDS.has(e.message);
}
