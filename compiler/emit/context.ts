// emit/: what emitting one function needs to know about the module: identifiers chosen by
// link/names, types, and how each global, table and memory is reached from `inst`.

import type { Layout } from './split.js';
import type { FuncType, Module, ValType } from '../ir/module.js';
import type { Expr, SourcePosition } from './ast.js';

export interface ModuleNames {
  /** JS identifier of each function (index space); imported ones are properties of `inst`. */
  funcs: string[];
  /** Property of `inst` holding each global (a plain value, or a Global cell when shared). */
  globals: string[];
  /** Whether each global is a cell (imported or exported mutable globals, shared with the host). */
  globalIsCell: boolean[];
  /**
   * Property of `inst` holding the high half of each global kept as two i32 numbers (`<prop>$hi`,
   * which no mangled name can be), or undefined: mutable i64 globals the host never sees (neither
   * imported nor exported), e.g. Go's `g` register, so reads and writes need no BigInt.
   */
  globalHi: (string | undefined)[];
  /** Property of `inst` holding each table and memory. */
  tables: string[];
  memories: string[];
  /** Local identifiers per defined function, params first (index = local index). */
  locals(funcIndex: number): string[];
}

export interface EmitContext {
  module: Module;
  names: ModuleNames;
  /** Name of the input, for messages. */
  filename: string;
  /** The source position of a wasm byte offset, for source maps. */
  position(offset: number): SourcePosition;
  /** Record a runtime helper as used and get its identifier. */
  helper(name: string): Expr;
  /** Record a call of a defined function (link/ needs it to split output into files). */
  callee(name: string): void;
  /** Emit TypeScript: typed signatures, and casts where a type is known only at run time. */
  ts?: boolean;
  /** Where functions go flat and split (tests lower the thresholds). */
  layout?: Layout;
  /** Generator mode (`--generators`): which functions block, emitted as `function*` (compiler/asyncify/generators.ts). */
  generators?: GeneratorPlan;
}

/** Generator mode: the functions that may block (imports included) and the call_indirect signatures that may reach one. */
export interface GeneratorPlan {
  funcs: Set<number>;
  /** typeKey of every signature of a blocking table function. */
  sigs: Set<string>;
}

/** The signature string used for call_indirect checks and funcref types: `i32,i64->f32`. */
export function typeKey(type: FuncType): string {
  return `${type.params.join(',')}->${type.results.join(',')}`;
}

/** The zero value of a type, as wasm initialises locals. */
export function zeroValueKind(type: ValType): 'num' | 'big' | 'null' {
  if (type === 'i64') return 'big';
  if (type === 'funcref' || type === 'externref') return 'null';
  return 'num';
}
