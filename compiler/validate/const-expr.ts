// validate/: constant expressions (spec 3.3.10, Wasm 2.0): global initialisers and segment
// offsets and elements. Only `*.const`, `ref.null`, `ref.func` and `global.get` of an
// imported immutable global are constant, and the expression must leave exactly one value.

import { invalid } from '../diagnostics.js';
import type { ConstExpr, Module, ValType } from '../ir/module.js';

/**
 * Check that `expr` is constant and has type `expected`. Every function it names is marked
 * in `refs`, since a reference outside function bodies declares it (spec 3.4.10, C.refs).
 */
export function validateConstExpr(m: Module, expr: ConstExpr, expected: ValType, refs: Uint8Array): void {
  const body = expr.body;
  let count = 0;
  let type: ValType | undefined;
  // The reader ends every expression with its `end`, which pops nothing.
  for (let i = 0; i < body.length - 1; i++) {
    const ins = body[i]!;
    switch (ins.op) {
      case 'i32.const':
        type = 'i32';
        break;
      case 'i64.const':
        type = 'i64';
        break;
      case 'f32.const':
        type = 'f32';
        break;
      case 'f64.const':
        type = 'f64';
        break;
      case 'ref.null':
        type = ins.types![0]!;
        break;
      case 'ref.func': {
        const f = ins.index!;
        if (f >= m.funcTypes.length) throw invalid(`unknown function ${f}`, ins.at);
        refs[f] = 1;
        type = 'funcref';
        break;
      }
      case 'global.get': {
        // In Wasm 2.0 constant expressions see only the imported globals (spec 3.4.10, C').
        const x = ins.index!;
        if (x >= m.importedGlobals) throw invalid(`unknown global ${x}`, ins.at);
        const g = m.globals[x]!;
        if (g.mutable) throw invalid('constant expression required', ins.at);
        type = g.type;
        break;
      }
      default:
        throw invalid('constant expression required', ins.at);
    }
    count++;
  }
  if (count !== 1 || type !== expected) throw invalid('type mismatch', body[body.length - 1]?.at ?? expr.at);
}
