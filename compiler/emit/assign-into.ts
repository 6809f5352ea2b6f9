// emit/: an i64 value computed into temporaries and then stored into a local, computed into the
// local instead. An i64.load is one statement that reads both halves into a temporary pair
// (emit/i64.ts: `a = addr, t_hi = dv.getInt32(a + 4, true), t = dv.getInt32(a, true);`), and
// `local.set` then copied the pair (`x = t; x_hi = t_hi;`): esbuild's 102 MB output had 134 239
// such copies, 123 637 of them after a load (Go keeps its values in memory). Ignition runs each
// copy as a bytecode, and every one is parsed (bench/README.md S45). A helper's pair
// (`t = i64_div_u(…); t_hi = high.bits;`) is two statements, taken the same way.

import type * as t from '@babel/types';
import { id, type Expr, type Stmt } from './ast.js';
import { someChild } from './children.js';

/** `x = e` with `x` an identifier: the name. */
function assignedName(e: t.Node): string | undefined {
  return e.type === 'AssignmentExpression' && e.operator === '=' && e.left.type === 'Identifier' ? e.left.name : undefined;
}

/** Whether `e` reads one of `reads` (any identifier of that name) or assigns one of `temps`: one walk. */
function touches(e: t.Node, reads: readonly string[], temps: readonly string[]): boolean {
  if (e.type === 'Identifier') return reads.includes(e.name);
  if (e.type === 'AssignmentExpression' && e.left.type === 'Identifier' && temps.includes(e.left.name)) return true;
  return someChild(e, (child) => touches(child, reads, temps));
}

/** The last two effects of `out`: the last statement's last two, or the last two statements', each one assignment. */
function lastTwo(out: Stmt[]): [Expr, Expr] | undefined {
  const last = out[out.length - 1];
  if (last?.type !== 'ExpressionStatement') return undefined;
  if (last.expression.type === 'SequenceExpression') {
    const parts = last.expression.expressions as Expr[];
    return parts.length >= 2 ? [parts[parts.length - 2]!, parts[parts.length - 1]!] : undefined;
  }
  const before = out[out.length - 2];
  return before?.type === 'ExpressionStatement' ? [before.expression as Expr, last.expression as Expr] : undefined;
}

/**
 * Make the last two effects of `out`, which assign the temporaries `from` (low and high half, in
 * either order), assign `to` instead; false where `out` does not end so. The value must be the
 * temporaries' only use (an operand just popped, read nowhere else). The first right-hand side,
 * and whatever came before it (an address), is evaluated before anything is assigned, so a load
 * from the local's own value stays right.
 */
export function assignInto(out: Stmt[], from: readonly [string, string], to: readonly [string, string]): boolean {
  const pair = lastTwo(out);
  if (!pair) return false;
  const [first, second] = pair as [t.AssignmentExpression, t.AssignmentExpression];
  const names = [assignedName(first), assignedName(second)];
  // Which half the first effect assigns: the low one (`t = …, t_hi = …`) or the high one.
  const k: number = names[0] === from[0] && names[1] === from[1] ? 0 : names[0] === from[1] && names[1] === from[0] ? 1 : -1;
  if (k < 0) return false;
  // Neither right-hand side may set a temporary itself (the outer assignments must be what
  // defines the pair), and the second, run after the first assignment, must not read what that
  // assignment wrote, before or after the renaming.
  if (touches(first.right, [], from) || touches(second.right, [from[k]!, to[k]!], from)) return false;
  first.left = id(to[k]!);
  second.left = id(to[1 - k]!);
  return true;
}
