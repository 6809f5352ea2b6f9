// emit/: the symbolic operand stack's entries (a JS expression per wasm value) and what the
// emitter asks of them: whether they may be evaluated twice, which variables they read.

import type * as t from '@babel/types';
import type { ValType } from '../ir/module.js';
import { i32Test, id, index, nul, num, tsAs, type Expr } from './ast.js';
import { zeroValueKind } from './context.js';
import { valueTypeText } from './ts-types.js';
import { someChild } from './children.js';

/** How an entry may be affected by statements emitted while it waits on the stack. */
export const enum Kind {
  /** A constant or a temporary nobody reassigns: never needs spilling. */
  Stable = 0,
  /** Reads locals (and is otherwise pure): spill before a local is written. */
  ReadsLocals = 1,
  /** May trap, has effects or reads memory/globals: spill before any statement. */
  Effects = 2,
}

/** A stack value. An i64 is a pair of i32 halves: `e` is the low half, `hi` the high one. */
export interface Entry {
  e: Expr;
  hi?: Expr;
  type: ValType;
  kind: Kind;
}

/** Whether an expression is an identifier or a literal (safe to evaluate twice). */
export function isAtom(e: Expr): boolean {
  return e.type === 'Identifier' || e.type === 'NumericLiteral' || e.type === 'NullLiteral' || e.type === 'BooleanLiteral'
    || (e.type === 'UnaryExpression' && e.operator === '-' && e.argument.type === 'NumericLiteral');
}

export function isSimple(entry: Entry): boolean {
  return isAtom(entry.e) && (entry.hi === undefined || isAtom(entry.hi));
}

/** Whether expression `e` reads variable `name` anywhere. */
export function readsName(e: t.Node, name: string): boolean {
  if (e.type === 'Identifier') return e.name === name;
  return someChild(e, (child) => readsName(child, name));
}

export function entryReads(entry: Entry, name: string): boolean {
  return readsName(entry.e, name) || (entry.hi !== undefined && readsName(entry.hi, name));
}

/** Call arguments: an i64 passes as its two halves. */
export function flatten(entries: Entry[]): Expr[] {
  return entries.flatMap((a) => (a.type === 'i64' ? [a.e, a.hi!] : [a.e]));
}

/** An i32 used as a condition: `+(a < b)` tests as `a < b` does, so drop the conversion. */
export function asCondition(e: Expr): Expr {
  return i32Test(e) ?? e;
}

export function zero(type: ValType): Expr {
  switch (zeroValueKind(type)) {
    case 'big':
      return num(0); // the low half; the high half is declared beside it
    case 'null':
      return nul();
    default:
      return num(0);
  }
}

/** The entries of a call's several results, which come back as one array (an i64 as two elements) held in `tuple`. */
export function tupleEntries(tuple: string, results: ValType[], ts: boolean): Entry[] {
  // TypeScript: the tuple variable is `unknown` (it is shared by tuples of every shape).
  const element = (k: number, vt: ValType) => (ts ? tsAs(index(tsAs(id(tuple), 'readonly unknown[]'), num(k)), valueTypeText(vt)) : index(id(tuple), num(k)));
  const out: Entry[] = [];
  let k = 0;
  for (const vt of results) {
    if (vt === 'i64') {
      out.push({ e: element(k, vt), hi: element(k + 1, vt), type: vt, kind: Kind.Stable });
      k += 2;
    } else out.push({ e: element(k++, vt), type: vt, kind: Kind.Stable });
  }
  return out;
}
