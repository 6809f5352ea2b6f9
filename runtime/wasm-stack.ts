// runtime/: the wasm functions on a JS stack trace, by their wasm names and (where source maps
// are on, e.g. node --enable-source-maps) their C file and line: for trap messages and kernel
// panics. Generated functions are the frames named `$<mangled name>` (compiler/mangle.ts);
// native wasm frames are those in `wasm://` files.

/** A wasm function's frame: its wasm name and where the stack trace says it was. */
export interface WasmFrame {
  name: string;
  file: string;
  line: number;
  column: number;
}

/** The wasm name of a generated function's identifier: `$fs$2f_open$$12` → `fs/open`. */
export function demangle(id: string): string {
  return id
    .replace(/^\$/, '')
    .replace(/\$\$p[0-9]+$/, '') // a part of a function split for V8 (compiler/emit/split.ts)
    .replace(/\$t1$/, '') // the function laid out again by the polyfill's tier-up (polyfill/tier-up.ts)
    .replace(/\$\$[0-9]+$/, '') // a second function of the same name
    .replace(/\$([0-9a-f]+)_/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
}

// V8 (`    at $f (file:1:2)`, `    at Object.$f [as g] (file:1:2)`) and JavaScriptCore/SpiderMonkey (`$f@file:1:2`).
const V8_FRAME = /^\s*at (?:async )?(?:(\S*)\.)?([^\s.]+)(?: \[as [^\]]*\])? \((.*):(\d+):(\d+)\)$/;
const OTHER_FRAME = /^([^@\s]*)@(.*):(\d+):(\d+)$/;
// V8's location of code run by eval without a sourceURL: `eval at <caller> (<caller's location>), <anonymous>`.
const V8_EVAL_LOCATION = /^eval at .*\), ([^,()]*)$/;
// V8's native wasm frames: `    at $f (wasm://wasm/1a2b3c4d:wasm-function[3]:0x5f)`.
const NATIVE_FRAME = /^\s*at (?:\S*\.)?([^\s.]+)(?: \[as [^\]]*\])? \((wasm:\/\/.*):wasm-function\[(\d+)\]:0x([0-9a-f]+)\)$/;

/** The wasm frames of `stack` (an Error's), innermost first. */
export function wasmFrames(stack: string): WasmFrame[] {
  const out: WasmFrame[] = [];
  for (const text of stack.split('\n')) {
    const native = NATIVE_FRAME.exec(text);
    if (native) {
      out.push({ name: native[1]!.replace(/^\$/, ''), file: native[2]!, line: Number(native[3]), column: parseInt(native[4]!, 16) + 1 });
      continue;
    }
    const v8 = V8_FRAME.exec(text);
    // `Object.$name`: an import called on the instance (`inst.$name(…)`), the host's function, not the module's.
    if (v8?.[1] === 'Object') continue;
    const m = v8 ? v8.slice(1) : OTHER_FRAME.exec(text)?.slice(0);
    if (!m) continue;
    const [, fn = '', location = '', line = '0', column = '0'] = m;
    const file = V8_EVAL_LOCATION.exec(location)?.[1] ?? location;
    if (fn.startsWith('$')) out.push({ name: demangle(fn), file, line: Number(line), column: Number(column) });
    // Native wasm as source-map-aware formatters print it (vitest's): line 1, the byte offset + 1.
    else if (file.startsWith('wasm://')) out.push({ name: fn.replace(/^\$/, ''), file, line: Number(line), column: Number(column) });
  }
  return out;
}

function probeInner(): string {
  return new Error().stack ?? '';
}
function probeTailCaller(): string {
  return probeInner();
}
/**
 * Whether stack traces show every frame. JavaScriptCore (Bun, Safari) makes proper tail calls in
 * strict code: a function that returns a call's result leaves the stack, so the innermost frame
 * of a trap in `return i32_load(…)` is its caller's, and naming it would be wrong.
 */
export const STACK_SHOWS_EVERY_FRAME: boolean = probeTailCaller().includes('probeTailCaller');

const GENERATED = /\.(m?js|cjs|ts)$/;

/**
 * `store_at (prog.c:66)` where a source map gave the frame a C line, `run (lines.wasm @0x2a)`
 * where it gave a wasm byte offset, else just the name (the position is then the generated JS's).
 */
export function describeFrame(f: WasmFrame): string {
  const base = f.file.replace(/^.*[\\/]/, '');
  if (f.file.startsWith('wasm://') || base.endsWith('.wasm')) {
    // In both, the column is the function's byte offset (+1: stack columns count from 1).
    return `${f.name} (${base.endsWith('.wasm') ? base : 'wasm'} @0x${Math.max(f.column - 1, 0).toString(16)})`;
  }
  if (GENERATED.test(base) || !base || base === '<anonymous>') return f.name;
  return `${f.name} (${base}:${f.line})`;
}

/** The wasm frames of the caller's stack, innermost first, one `\n    at fn (file.c:line)` each (for kernel panics). */
export function wasmStackHere(maxFrames = 64): string {
  // V8 keeps 10 frames unless told otherwise; a kernel's call chain is longer.
  const E = Error as { stackTraceLimit?: number };
  const limit = E.stackTraceLimit;
  E.stackTraceLimit = maxFrames;
  const stack = new Error().stack ?? '';
  E.stackTraceLimit = limit;
  return wasmFrames(stack).map((f) => `\n    at ${describeFrame(f)}`).join('');
}
