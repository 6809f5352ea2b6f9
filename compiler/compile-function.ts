// The per-function half of compile(): the module read and checked once (prepare), then any
// function compiled on its own (compileFunction): decode, validate, emit, print. compile() runs
// them in order; compileParallel() hands ranges of functions to worker threads.

import { CompileError } from './diagnostics.js';
import { emitFunction } from './emit/function.js';
import { SPLIT_ABOVE_TOKENS, SPLIT_CUT_STATEMENTS, SPLIT_FLAT_SPAN, splitsAbove, type Layout } from './emit/split.js';
import { assignNames } from './link/names.js';
import { commentSafe, type LinkedFunction } from './link/output.js';
import { printFunctionNode } from './link/print-js.js';
import type { Module } from './ir/module.js';
import { readFuncBody, readModule } from './read/module.js';
import { createValidator } from './validate/index.js';
import { generatorPlan } from './asyncify/generators.js';
import type { GeneratorPlan } from './emit/context.js';
import { leadingComment, id, wasmPosition, type Expr, type SourcePosition } from './emit/ast.js';
import { lookupLine, readLineTable, type DebugSections } from './read/dwarf-line.js';
import { readDebugInfo, type DebugInfo } from './read/dwarf-info.js';

/** The options that shape each function's output (they travel to worker threads). */
export interface FunctionOptions {
  sourceMap?: boolean;
  sourceMapTarget?: 'auto' | 'wasm' | 'dwarf';
  indent?: boolean | 'auto';
  /** TypeScript output: typed functions (link/ writes index.ts). */
  ts?: boolean;
  layout?: Layout;
  /** Emit functions that may reach the kernel ABI's blocking import as generators (compiler/asyncify/generators.ts). */
  generators?: boolean;
}

/** Larger functions print without indentation (`indent: 'auto'`). */
const INDENT_MAX_INSTRS = 1000;

const TYPE_TEXT = (types: string[]): string => types.join(' ');

/** How wasm byte offsets become source positions: C lines from DWARF, else the offsets themselves. */
function sourcePositions(m: Module, file: string, options: FunctionOptions, debug: DebugSections, info: DebugInfo | undefined): (offset: number) => SourcePosition {
  // Without a map nothing reads positions: no line table to read (MBs for a kernel).
  if (!options.sourceMap) return () => undefined;
  const target = options.sourceMapTarget ?? 'auto';
  const table = target !== 'wasm' && debug.has('.debug_line') && m.codeAt !== undefined ? readLineTable(debug, info?.compDirs) : [];
  if (table.length === 0) return (offset) => wasmPosition(offset, file);
  const codeAt = m.codeAt!;
  return (offset) => {
    const row = lookupLine(table, offset - codeAt);
    if (!row) return undefined;
    const column = Math.max(row.column - 1, 0); // DWARF columns count from 1 (0: unknown)
    return { start: { line: row.line, column, index: 0 }, end: { line: row.line, column, index: 0 }, filename: row.file, identifierName: undefined };
  };
}

/** A module read, with its module-level checks done and its names given. */
export interface Prepared {
  bytes: Uint8Array;
  module: Module;
  names: ReturnType<typeof assignNames>;
  file: string;
  options: FunctionOptions;
  validateFunc: (funcIndex: number) => void;
  position: (offset: number) => SourcePosition;
  generators?: GeneratorPlan;
}

/** Read the module (function bodies stay undecoded) and check everything outside them. */
export function prepare(bytes: Uint8Array, file: string, options: FunctionOptions): Prepared {
  const module = readModule(bytes, { lazyBodies: true });
  const validateFunc = createValidator(module);
  const debug: DebugSections = new Map(module.customs.filter((c) => c.name.startsWith('.debug_')).map((c) => [c.name, c.bytes] as const));
  // .debug_info gives C variable names and DWARF 4's comp_dir (read once, for both).
  const info = debug.has('.debug_info') ? readDebugInfo(debug) : undefined;
  const names = assignNames(module, info);
  const generators = options.generators ? generatorPlan(bytes, module) : undefined;
  return { bytes, module, names, file, options, validateFunc, position: sourcePositions(module, file, options, debug, info), generators };
}

/** Compile defined function `i` (0 is the first non-imported one) to printed JS. */
export function compileFunction(p: Prepared, i: number): LinkedFunction {
  const { module: m, names, options } = p;
  const funcIndex = m.importedFuncs + i;
  const func = m.funcs[i]!;
  const helpers = new Set<string>();
  const callees = new Set<string>();
  const ctx = {
    module: m,
    names,
    filename: p.file,
    position: p.position,
    helper(name: string): Expr {
      helpers.add(name);
      return id(name);
    },
    callee(name: string): void {
      callees.add(name);
    },
    ts: options.ts === true,
    layout: options.layout,
    generators: p.generators,
  };
  try {
    // Decode, check, emit, print; then drop its instructions and tree.
    func.body = readFuncBody(p.bytes, m, func);
    p.validateFunc(funcIndex);
    // A function laid out again from a profile (polyfill/tier-up.ts) was split before: it goes
    // straight to the split form (the first emission was half the time of a tier-up).
    const splitLayout = (): Layout => ({ flatSpan: SPLIT_FLAT_SPAN, cutStatements: SPLIT_CUT_STATEMENTS, ...options.layout });
    const profiled = options.layout?.profile !== undefined && !options.ts;
    let emitCtx = profiled ? { ...ctx, layout: splitLayout() } : ctx;
    let { node, split } = emitFunction(emitCtx, funcIndex, func);
    // A C variable named like a runtime helper this function imports would shadow it: emit again
    // with those locals in their `<name>_<index>` form (rare; names.ts avoids the rest up front).
    const clash = new Set(names.locals(funcIndex).filter((n) => helpers.has(n)));
    if (clash.size) {
      helpers.clear();
      callees.clear();
      emitCtx = { ...emitCtx, names: { ...names, locals: (fi: number) => names.localsAvoiding(fi, clash) } };
      ({ node, split } = emitFunction(emitCtx, funcIndex, func));
    }
    const indent = options.indent === 'auto' || options.indent === undefined ? func.body.length <= INDENT_MAX_INSTRS : options.indent;
    const type = m.types[func.typeIndex]!;
    const sig = `${type.params.length ? ` (param ${TYPE_TEXT(type.params)})` : ''}${type.results.length ? ` (result ${TYPE_TEXT(type.results)})` : ''}`;
    const comment = `* func[${funcIndex}] ${commentSafe(names.funcSourceNames[funcIndex]!)}${sig} `;
    const printOptions = { sourceMap: options.sourceMap ?? false, indent, ts: options.ts === true };
    const cutNow = profiled ? split?.() : undefined;
    let printed = printFunctionNode(leadingComment(node, comment), printOptions, cutNow?.parts, cutNow?.after);
    // Too large for V8 to optimize: emitted again in small segments (long frames flat, long runs
    // cut), then printed as parts (emit/split.ts).
    if (!options.ts && !profiled && splitsAbove(printed.code, options.layout?.splitAboveTokens ?? SPLIT_ABOVE_TOKENS)) {
      ({ node, split } = emitFunction({ ...emitCtx, layout: splitLayout() }, funcIndex, func));
      leadingComment(node, comment);
      const cut = split?.();
      if (cut) printed = printFunctionNode(node, printOptions, cut.parts, cut.after);
    }
    func.body = [];
    return { printed, name: names.funcs[funcIndex]!, helpers, callees };
  } catch (e) {
    func.body = [];
    if (e instanceof CompileError) e.locate({ funcIndex, funcName: names.funcSourceNames[funcIndex] });
    throw e;
  }
}
