// compile(bytes, options): the public API. Stages, each handing plain data forward:
//   read (binary → Module IR) → validate → emit (one JS function per wasm function) → link (ES module).

import type { Layout } from './emit/split.js';
import { CompileError } from './diagnostics.js';
import { compileFunction, prepare, type Prepared } from './compile-function.js';
import { buildDescriptor } from './link/descriptor.js';
import { buildInterfaces, buildTypings } from './link/typings.js';
import { instanceInterface, typedInstantiate } from './link/ts-output.js';
import { Linker, MemorySink, type OutputSink, type SourceMapSources } from './link/output.js';
import type { Module } from './ir/module.js';

export { CompileError } from './diagnostics.js';
export type { ErrorCode } from './diagnostics.js';
export type { SourceMapSources } from './link/output.js';

export interface CompileOptions {
  /** Name of the input, used in messages, the header and the source map. */
  filename?: string;
  /** Module specifier the output imports its runtime from. */
  runtimeImport?: string;
  /** Also produce a `.map` beside each file. */
  sourceMap?: boolean;
  /**
   * What the source map points at: `wasm` byte offsets (the convention browsers use for wasm),
   * `dwarf` C source lines from the module's DWARF line table, or `auto` (dwarf when present).
   */
  sourceMapTarget?: 'auto' | 'wasm' | 'dwarf';
  /** How the maps name their sources and whether they embed them (the CLI resolves them on disk). */
  sourceMapSources?: SourceMapSources;
  /** Split functions into `funcs-N.js` files of at most this many functions. */
  split?: number;
  /** Split into `funcs-N.js` files of at most this many characters (default 64 MiB: engines cap string lengths). */
  maxFileBytes?: number;
  /** Also produce `index.script.js`, the code as one classic script (for hosts that use V8's code cache); `only`: nothing else (the polyfill). */
  script?: boolean | 'only';
  /** Also produce `index.d.ts`: the imports and exports typed as the JS API converts them. */
  typings?: boolean;
  /**
   * Write TypeScript (`index.ts`, `funcs-N.ts`) instead: every function typed, an interface for
   * the instance. It carries its own types, so no `index.d.ts` is written.
   */
  ts?: boolean;
  /**
   * Indent the output: `auto` (the default) indents functions of up to 1 000 instructions and
   * prints larger ones flush left, where indentation would be a third of their bytes.
   */
  indent?: boolean | 'auto';
  /** For tests: lower thresholds put every function through the dispatch form and splitting (emit/split.ts). */
  layout?: Layout;
  /**
   * Emit every function that may reach the kernel ABI's blocking import (env.nccc_call64) as a
   * generator, and its calls as `yield*` (compiler/asyncify/generators.ts): green threads on one
   * JS thread without Binaryen's Asyncify (runtime/host/single-thread.ts, `generators: true`).
   */
  generators?: boolean;
  /**
   * Where files go as they are finished (the CLI writes them to disk, so memory holds one file's
   * worth of a huge module). Without it, `files` holds them.
   */
  sink?: OutputSink;
  /** Called as functions are compiled (every 1000 and at the end), for progress output. */
  onProgress?: (done: number, total: number) => void;
}

export interface CompileOutput {
  /** Output files by relative path: `index.js` (and `index.js.map`); empty when a sink took them. */
  files: Map<string, string>;
  module: Module;
}

/** Compile a wasm binary to an ES module. Throws CompileError on bad input. */
export function compile(bytes: Uint8Array, options: CompileOptions = {}): CompileOutput {
  const filename = options.filename ?? 'module.wasm';
  const file = filename.split(/[\\/]/).pop()!;
  try {
    return compileSerial(prepare(bytes, file, options), options);
  } catch (e) {
    if (e instanceof CompileError) throw e.locate({ file });
    throw e;
  }
}

/** Link already compiled functions in order, then finish: the serial path, and compileParallel's below its threshold. */
export function compileSerial(p: Prepared, options: CompileOptions): CompileOutput {
  const linker = newLinker(p.file, options);
  const n = p.module.funcs.length;
  for (let i = 0; i < n; i++) {
    linker.linker.add(compileFunction(p, i));
    if (options.onProgress && ((i + 1) % 1000 === 0 || i + 1 === n)) options.onProgress(i + 1, n);
  }
  return finishOutput(p, linker, options);
}

/** The linker for an output, writing into options.sink or, without one, into memory. */
export function newLinker(file: string, options: CompileOptions): { linker: Linker; sink: OutputSink; memory: MemorySink | undefined } {
  // Counting code calls the script's tier-up hook, which only the polyfill's form declares.
  if (options.layout?.countCrossings && options.script !== 'only') throw new Error("layout.countCrossings needs script: 'only' (the polyfill's form)");
  const memory = options.sink ? undefined : new MemorySink();
  const sink = options.sink ?? memory!;
  const linker = new Linker({
    filename: file,
    runtimeImport: options.runtimeImport ?? './runtime/index.js',
    sourceMap: options.sourceMap ?? false,
    split: options.split,
    maxFileBytes: options.maxFileBytes,
    script: options.script,
    ts: options.ts,
    sources: options.sourceMapSources,
  }, sink);
  return { linker, sink, memory };
}

/** After the last function: index.js, the descriptor, the typings. */
export function finishOutput(p: Prepared, { linker, sink, memory }: ReturnType<typeof newLinker>, options: CompileOptions, typingsText?: string): CompileOutput {
  const m = p.module;
  const ts = options.ts ? { interfaces: `${instanceInterface(m, p.names)}\n${buildInterfaces(m)}`, instantiate: typedInstantiate(m) } : undefined;
  linker.finish(buildDescriptor(m, p.names, p.file), ts);
  const files = memory ? memory.texts() : new Map<string, string>();
  if (options.typings && !options.ts) {
    const typings = typingsText ?? buildTypings(m, p.file, options.runtimeImport);
    if (memory) files.set('index.d.ts', typings);
    else sink.write('index.d.ts', typings);
  }
  return { files, module: m };
}
