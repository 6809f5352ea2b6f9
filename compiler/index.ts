// compile(bytes, options): the public API. Stages, each handing plain data forward:
//   read (binary → Module IR) → validate → emit (one JS function per wasm function) → link (ES module).

import { CompileError } from './diagnostics.js';
import { emitFunction } from './emit/function.js';
import { buildDescriptor } from './link/descriptor.js';
import { assignNames } from './link/names.js';
import { buildTypings } from './link/typings.js';
import { commentSafe, Linker, MemorySink, printFunction, type OutputSink } from './link/output.js';
import type { Module } from './ir/module.js';
import { readFuncBody, readModule } from './read/module.js';
import { createValidator } from './validate/index.js';
import { leadingComment, id, wasmPosition, type Expr, type SourcePosition } from './emit/ast.js';
import { lookupLine, readLineTable } from './read/dwarf-line.js';

export { CompileError } from './diagnostics.js';
export type { ErrorCode } from './diagnostics.js';

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
  /** Split functions into `funcs-N.js` files of at most this many functions. */
  split?: number;
  /** Split into `funcs-N.js` files of at most this many characters (default 64 MiB: engines cap string lengths). */
  maxFileBytes?: number;
  /** Also produce `index.script.js`, the code as one classic script (for hosts that use V8's code cache). */
  script?: boolean;
  /** Also produce `index.d.ts`: the imports and exports typed as the JS API converts them. */
  typings?: boolean;
  /**
   * Indent the output: `auto` (the default) indents functions of up to 1 000 instructions and
   * prints larger ones flush left, where indentation would be a third of their bytes.
   */
  indent?: boolean | 'auto';
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

/** Larger functions print without indentation (`indent: 'auto'`). */
const INDENT_MAX_INSTRS = 1000;

const TYPE_TEXT = (types: string[]): string => types.join(' ');

/** How wasm byte offsets become source positions: C lines from DWARF, else the offsets themselves. */
function sourcePositions(m: Module, file: string, options: CompileOptions): (offset: number) => SourcePosition {
  const target = options.sourceMapTarget ?? 'auto';
  const debug = new Map(m.customs.filter((c) => c.name.startsWith('.debug_')).map((c) => [c.name, c.bytes] as const));
  const table = target !== 'wasm' && debug.has('.debug_line') && m.codeAt !== undefined ? readLineTable(debug) : [];
  if (table.length === 0) return (offset) => wasmPosition(offset, file);
  const codeAt = m.codeAt!;
  return (offset) => {
    const row = lookupLine(table, offset - codeAt);
    if (!row) return undefined;
    const column = Math.max(row.column - 1, 0); // DWARF columns count from 1 (0: unknown)
    return { start: { line: row.line, column, index: 0 }, end: { line: row.line, column, index: 0 }, filename: row.file, identifierName: undefined };
  };
}

/** Compile a wasm binary to an ES module. Throws CompileError on bad input. */
export function compile(bytes: Uint8Array, options: CompileOptions = {}): CompileOutput {
  const filename = options.filename ?? 'module.wasm';
  const file = filename.split(/[\\/]/).pop()!;
  try {
    const m = readModule(bytes, { lazyBodies: true });
    const validateFunc = createValidator(m);
    const names = assignNames(m);
    let helpers = new Set<string>();
    let callees = new Set<string>();
    const position = sourcePositions(m, file, options);
    const ctx = {
      module: m,
      names,
      filename: file,
      position,
      helper(name: string): Expr {
        helpers.add(name);
        return id(name);
      },
      callee(name: string): void {
        callees.add(name);
      },
    };
    const memory = options.sink ? undefined : new MemorySink();
    const sink = options.sink ?? memory!;
    const linker = new Linker({
      filename: file,
      runtimeImport: options.runtimeImport ?? './runtime/index.js',
      sourceMap: options.sourceMap ?? false,
      split: options.split,
      maxFileBytes: options.maxFileBytes,
      script: options.script,
    }, sink);
    m.funcs.forEach((func, i) => {
      const funcIndex = m.importedFuncs + i;
      helpers = new Set();
      callees = new Set();
      try {
        // One function at a time: decode, check, emit, print; then drop its instructions and tree.
        func.body = readFuncBody(bytes, m, func);
        validateFunc(funcIndex);
        const { node } = emitFunction(ctx, funcIndex, func);
        const indent = options.indent === 'auto' || options.indent === undefined ? func.body.length <= INDENT_MAX_INSTRS : options.indent;
        func.body = [];
        const type = m.types[func.typeIndex]!;
        const sig = `${type.params.length ? ` (param ${TYPE_TEXT(type.params)})` : ''}${type.results.length ? ` (result ${TYPE_TEXT(type.results)})` : ''}`;
        leadingComment(node, `* func[${funcIndex}] ${commentSafe(names.funcSourceNames[funcIndex]!)}${sig} `);
        if (options.onProgress && ((i + 1) % 1000 === 0 || i + 1 === m.funcs.length)) options.onProgress(i + 1, m.funcs.length);
        linker.add({ printed: printFunction(node, options.sourceMap ?? false, indent), name: names.funcs[funcIndex]!, helpers, callees });
      } catch (e) {
        if (e instanceof CompileError) e.locate({ funcIndex, funcName: names.funcSourceNames[funcIndex] });
        throw e;
      }
    });
    linker.finish(buildDescriptor(m, names, file));
    const files = memory ? memory.texts() : new Map<string, string>();
    if (options.typings) {
      const typings = buildTypings(m, file);
      if (memory) files.set('index.d.ts', typings);
      else sink.write('index.d.ts', typings);
    }
    return { files, module: m };
  } catch (e) {
    if (e instanceof CompileError) throw e.locate({ file });
    throw e;
  }
}
