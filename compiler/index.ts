// compile(bytes, options): the public API. Stages, each handing plain data forward:
//   read (binary → Module IR) → validate → emit (one JS function per wasm function) → link (ES module).

import { CompileError } from './diagnostics.js';
import { emitFunction } from './emit/function.js';
import { buildDescriptor } from './link/descriptor.js';
import { assignNames } from './link/names.js';
import { commentSafe, linkOutput, printFunction, type LinkedFunction } from './link/output.js';
import type { Module } from './ir/module.js';
import { readFuncBody, readModule } from './read/module.js';
import { createValidator } from './validate/index.js';
import { leadingComment, id, type Expr } from './emit/ast.js';

export { CompileError } from './diagnostics.js';
export type { ErrorCode } from './diagnostics.js';

export interface CompileOptions {
  /** Name of the input, used in messages, the header and the source map. */
  filename?: string;
  /** Module specifier the output imports its runtime from. */
  runtimeImport?: string;
  /** Also produce a `.map` beside each file. */
  sourceMap?: boolean;
  /** Split functions into `funcs-N.js` files of at most this many functions. */
  split?: number;
}

export interface CompileOutput {
  /** Output files by relative path: `index.js` (and `index.js.map`). */
  files: Map<string, string>;
  module: Module;
}

const TYPE_TEXT = (types: string[]): string => types.join(' ');

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
    const ctx = {
      module: m,
      names,
      filename: file,
      helper(name: string): Expr {
        helpers.add(name);
        return id(name);
      },
      callee(name: string): void {
        callees.add(name);
      },
    };
    const functions = m.funcs.map((func, i): LinkedFunction => {
      const funcIndex = m.importedFuncs + i;
      helpers = new Set();
      callees = new Set();
      try {
        // One function at a time: decode, check, emit, print; then drop its instructions and tree.
        func.body = readFuncBody(bytes, m, func);
        validateFunc(funcIndex);
        const { node } = emitFunction(ctx, funcIndex, func);
        func.body = [];
        const type = m.types[func.typeIndex]!;
        const sig = `${type.params.length ? ` (param ${TYPE_TEXT(type.params)})` : ''}${type.results.length ? ` (result ${TYPE_TEXT(type.results)})` : ''}`;
        leadingComment(node, `* func[${funcIndex}] ${commentSafe(names.funcSourceNames[funcIndex]!)}${sig} `);
        return { printed: printFunction(node, options.sourceMap ?? false, file), name: names.funcs[funcIndex]!, helpers, callees };
      } catch (e) {
        if (e instanceof CompileError) e.locate({ funcIndex, funcName: names.funcSourceNames[funcIndex] });
        throw e;
      }
    });
    const descriptor = buildDescriptor(m, names, file);
    const linked = linkOutput({
      filename: file,
      runtimeImport: options.runtimeImport ?? './runtime/index.js',
      functions,
      descriptor,
      sourceMap: options.sourceMap ?? false,
      split: options.split,
    });
    const files = new Map<string, string>();
    for (const [name, { code, map }] of linked) {
      if (options.sourceMap) {
        files.set(name, `${code}//# sourceMappingURL=${name}.map\n`);
        files.set(`${name}.map`, JSON.stringify(map));
      } else {
        files.set(name, code);
      }
    }
    return { files, module: m };
  } catch (e) {
    if (e instanceof CompileError) throw e.locate({ file });
    throw e;
  }
}
