// emit/: an i64 value computed into temporaries and then stored into a local, computed into the
// local instead. An i64.load is one statement that reads both halves into a temporary pair
// (emit/i64.ts: `a = addr, t_hi = dv.getInt32(a + 4, true), t = dv.getInt32(a, true);`), and
// `local.set` then copied the pair (`x = t; x_hi = t_hi;`): esbuild's 102 MB output had 134 239
// such copies, 123 637 of them after a load (Go keeps its values in memory). Ignition runs each
// copy as a bytecode, and every one is parsed (bench/README.md S45). A helper's pair
// (`t = i64_div_u(…); t_hi = high.bits;`) is two statements, taken the same way.

import type * as t from '@babel/types';
import { id, type Expr, type Stmt } from './ast.js';
import { readsName } from './stack.js';
import { assigned } from './written.js';

/** `x = e` with `x` an identifier: the name. */
function assignedName(e: t.Node): string | undefined {
  return e.type === 'AssignmentExpression' && e.operator === '=' && e.left.type === 'Identifier' ? e.left.name : undefined;
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
  const [first, second] = pair;
  const names = [assignedName(first), assignedName(second)];
  const order = names[0] === from[1] && names[1] === from[0] ? [1, 0] : names[0] === from[0] && names[1] === from[1] ? [0, 1] : undefined;
  if (!order) return false;
  // The second right-hand side runs after the first assignment: it must not read what that wrote.
  const secondValue = (second as t.AssignmentExpression).right as Expr;
  if (readsName(secondValue, from[order[0]!]!) || readsName(secondValue, to[order[0]!]!)) return false;
  // Neither may set a temporary itself: the outer assignments must be what defines the pair.
  let setsTemporary = false;
  for (const value of [(first as t.AssignmentExpression).right, secondValue]) {
    assigned(value, (n) => {
      setsTemporary ||= n === from[0] || n === from[1];
    });
  }
  if (setsTemporary) return false;
  (first as t.AssignmentExpression).left = id(to[order[0]!]!);
  (second as t.AssignmentExpression).left = id(to[order[1]!]!);
  return true;
}
