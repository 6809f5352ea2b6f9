// emit/calls.ts: call and call_indirect. The callee gets the instance first (`$f(inst, …)`), an
// import is a method of the instance, and a table entry brings its own instance (callee_inst).
// In generator mode (compiler/asyncify/generators.ts) a call that may block is delegated to.

import { assign, call, cond, exprStmt, id, member, seq, str, tsAs, tsNonNull, yieldStar, type Expr, type Stmt } from './ast.js';
import { typeKey, type EmitContext } from './context.js';
import { functionTypeText } from './ts-types.js';
import { flatten, Kind, tupleEntries, type Entry } from './stack.js';
import type { ValType } from '../ir/module.js';

/** What the function emitter lends a call: its stack, its statements and its temporaries. */
export interface CallHooks {
  popN(n: number): Entry[];
  pop(): Entry;
  push(e: Expr, type: ValType, kind: Kind): void;
  pushEntry(entry: Entry): void;
  /** `t = e; t_hi = high.bits;` for an i64 the callee returns, then (t, t_hi) on the stack. */
  pushPair(e: Expr): void;
  /** Emit a statement after the pending effects. */
  emit(stmt: Stmt): void;
  /** Evaluate every pending entry that has effects into a temporary. */
  spillEffects(): void;
  temp(prefix: string, type: ValType): string;
  /** Generator mode: whether the calling function is a `function*`. */
  isGenerator(): boolean;
}

export function emitCall(ctx: EmitContext, callee: number, hooks: CallHooks): void {
  const type = ctx.module.types[ctx.module.funcTypes[callee]!]!;
  const args = flatten(hooks.popN(type.params.length));
  const name = ctx.names.funcs[callee]!;
  const imported = callee < ctx.module.importedFuncs;
  if (!imported) ctx.callee(name);
  let e = imported ? call(member(id('inst'), name), args) : call(name, [id('inst'), ...args]);
  if (ctx.generators?.funcs.has(callee)) {
    if (hooks.isGenerator()) e = imported ? yieldIfGen(ctx, e, hooks) : yieldStar(e);
    else if (!imported) e = call(ctx.helper('run_gen'), [e]);
  }
  pushCallResult(ctx, e, type.results, hooks);
}

export function emitCallIndirect(ctx: EmitContext, typeIndex: number, tableIndex: number, hooks: CallHooks): void {
  const type = ctx.module.types[typeIndex]!;
  const idx = hooks.pop();
  const args = hooks.popN(type.params.length);
  // Arguments are evaluated before the table lookup, which may trap.
  for (const a of args) hooks.pushEntry(a);
  hooks.spillEffects();
  const stableArgs = hooks.popN(type.params.length);
  const fn = hooks.temp('f', 'funcref');
  const lookup = call(ctx.helper('call_target'), [member(id('inst'), ctx.names.tables[tableIndex]!), idx.e, str(typeKey(type))]);
  hooks.emit(exprStmt(assign(id(fn), lookup)));
  // TypeScript: the table's function has the type call_target just checked at run time.
  const target = ctx.ts ? tsNonNull(id(fn)) : id(fn);
  const code = member(target, 'wasmCode');
  let e = call(ctx.ts ? tsAs(code, functionTypeText(type, 'InstanceBase')) : code, [call(ctx.helper('callee_inst'), [id('inst'), target]), ...flatten(stableArgs)]);
  if (ctx.generators?.sigs.has(typeKey(type))) e = hooks.isGenerator() ? yieldIfGen(ctx, e, hooks) : call(ctx.helper('gen_value'), [e]);
  pushCallResult(ctx, e, type.results, hooks);
}

/** Generator mode: `(y = e, is_gen(y) ? yield* y : y)`, for a call that returns a generator only when it blocks. */
function yieldIfGen(ctx: EmitContext, e: Expr, hooks: CallHooks): Expr {
  const y = hooks.temp('y', 'externref');
  return seq([assign(id(y), e), cond(call(ctx.helper('is_gen'), [id(y)]), yieldStar(id(y)), id(y))]);
}

function pushCallResult(ctx: EmitContext, e: Expr, results: ValType[], hooks: CallHooks): void {
  if (results.length === 0) {
    hooks.emit(exprStmt(e));
  } else if (results.length === 1 && results[0] !== 'i64') {
    hooks.push(e, results[0]!, Kind.Effects);
  } else if (results.length === 1) {
    hooks.pushPair(e);
  } else {
    // Several results come back as one array, i64s as two elements.
    const tuple = hooks.temp('t', 'externref');
    hooks.emit(exprStmt(assign(id(tuple), e)));
    for (const entry of tupleEntries(tuple, results, ctx.ts === true)) hooks.pushEntry(entry);
  }
}
