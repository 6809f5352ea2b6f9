// emit/: global.get and global.set. A global lives on `inst`: a plain property; a Global cell
// (read and written through `.v`) when the host shares it (imported, or exported and mutable);
// an i64 the host sees as a BigInt, split and joined at each access; or, for a mutable i64 the
// host never sees (Go's `g` and return registers), two i32 properties, `$g` and `$g$hi`, which
// need neither (bench/README.md S13).

import type * as t from '@babel/types';
import type { ValType } from '../ir/module.js';
import { assign, call, exprStmt, id, member, type Expr, type Stmt } from './ast.js';
import type { EmitContext } from './context.js';
import { Kind, type Entry } from './stack.js';

/** What the global emitters need from the function emitter. */
export interface GlobalHooks {
  push(e: Expr, type: ValType, kind: Kind): void;
  pushEntry(entry: Entry): void;
  /** `t = e; t_hi = high.bits;` for an i64 a helper returns, then (t, t_hi) on the stack. */
  pushPair(e: Expr): void;
  pop(): Entry;
  /** The entry with each half an identifier or literal. */
  simple(entry: Entry): Entry;
  /** Emit statements after the pending effects. */
  emitAll(stmts: Stmt[]): void;
}

const onInstance = (ctx: EmitContext, index: number): Expr => member(id('inst'), ctx.names.globals[index]!);

/** The global's value as a JS expression (its cell's `.v` when it has one). */
function valueRef(ctx: EmitContext, index: number): Expr {
  const ref = onInstance(ctx, index);
  return ctx.names.globalIsCell[index] ? member(ref, 'v') : ref;
}

export function emitGlobalGet(ctx: EmitContext, index: number, hooks: GlobalHooks): void {
  const g = ctx.module.globals[index]!;
  const hi = ctx.names.globalHi[index];
  if (hi) hooks.pushEntry({ e: onInstance(ctx, index), hi: member(id('inst'), hi), type: 'i64', kind: Kind.Effects });
  else if (g.type === 'i64') hooks.pushPair(call(ctx.helper('i64_split'), [valueRef(ctx, index)]));
  else hooks.push(valueRef(ctx, index), g.type, g.mutable ? Kind.Effects : Kind.Stable);
}

export function emitGlobalSet(ctx: EmitContext, index: number, hooks: GlobalHooks): void {
  const hi = ctx.names.globalHi[index];
  if (hi) {
    // Halves as atoms: neither assignment may change what the other reads.
    const v = hooks.simple(hooks.pop());
    hooks.emitAll([exprStmt(assign(onInstance(ctx, index) as t.LVal, v.e)), exprStmt(assign(member(id('inst'), hi) as t.LVal, v.hi!))]);
    return;
  }
  const v = hooks.pop();
  const value = v.type === 'i64' ? call(ctx.helper('i64_join'), [v.e, v.hi!]) : v.e;
  hooks.emitAll([exprStmt(assign(valueRef(ctx, index) as t.LVal, value))]);
}
