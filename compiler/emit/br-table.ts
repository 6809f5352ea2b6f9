// emit/: br_table as a JS `switch` (spec 4.4.8), its cases grouped per target so each target's
// branch code appears once.

import type * as t from '@babel/types';
import { block, exprStmt, num, switchCase, switchStmt, type Expr, type Stmt } from './ast.js';

/** `switch (test)` over `labels` (relative depths, the last the default); `branch(depth)` is the code that branches there. */
export function brTableSwitch(labels: number[], test: Expr, branch: (depth: number) => Stmt[]): Stmt {
  const byTarget = new Map<number, number[]>();
  const defaultDepth = labels[labels.length - 1]!;
  for (let i = 0; i < labels.length - 1; i++) {
    const depth = labels[i]!;
    if (depth === defaultDepth) continue;
    let cases = byTarget.get(depth);
    if (!cases) byTarget.set(depth, (cases = []));
    cases.push(i);
  }
  if (byTarget.size === 0) {
    // Every target is the default: no switch, but the index is still evaluated (a call, a
    // trapping load or division inside it must happen, as in wasm).
    const pure = test.type === 'Identifier' || test.type === 'NumericLiteral';
    return block([...(pure ? [] : [exprStmt(test)]), ...branch(defaultDepth)]);
  }
  const cases: t.SwitchCase[] = [];
  for (const [depth, indices] of byTarget) {
    const body = branch(depth);
    indices.forEach((caseIndex, k) => cases.push(switchCase(num(caseIndex), k === indices.length - 1 ? body : [])));
  }
  cases.push(switchCase(null, branch(defaultDepth)));
  return switchStmt(test, cases);
}
