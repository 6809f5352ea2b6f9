// emit/: which variables may have been written on a way from a segment's start to each of its
// jumps (`pc = k; continue dispatch;`), for the split's exits (emit/split.ts): a jump out of a
// part stores only those of its target's live variables. A forward pass over the segment's
// structured JS: a labelled block's end is reached from its fall-through and from each `break`
// to it, a loop's head from everywhere in the loop (its writes are taken whole), a `return`,
// `throw` or jump ends the way. sqlite's VDBE dispatch writes four variables before its switch
// and forty in the handlers inlined in the blocks around it; a jump after those blocks, reached
// by a `break` from the switch, had stored all forty (bench/README.md S19).

import type * as t from '@babel/types';
import type { Stmt } from './ast.js';
import { jumpAt } from './dispatch.js';
import { forEachChild } from './children.js';

/** What may have been written so far; undefined where no way reaches. */
type Written = Set<string> | undefined;

/**
 * Walk `body` in order from `entry` (what may have been written before the segment starts). For
 * each jump, `onJump(k, written, list, i)` gets the variables of `isVar` that may have been
 * written on a way to it (statements `list[i]`, `list[i + 1]`); it may replace those two
 * statements, returning how many it put in their place (the walk skips them). Returns what may
 * have been written when control runs off the end, undefined if it cannot.
 */
export function eachJump(
  body: Stmt[], entry: Set<string>, isVar: (name: string) => boolean,
  onJump: (k: number, written: Set<string>, list: Stmt[], i: number) => number,
): Set<string> | undefined {
  const breaks = new Map<string, Written>();
  const targets: string[] = []; // unlabelled `break`s go to the innermost loop or switch
  let fresh = 0;
  const join = (a: Written, b: Written): Written => {
    if (!a) return b;
    if (!b) return a;
    const out = new Set(a);
    for (const v of b) out.add(v);
    return out;
  };
  const writes = (w: Written, node: t.Node | null | undefined): Written => {
    if (!w || !node) return w;
    let out: Set<string> | undefined;
    assigned(node, (name) => {
      if (!isVar(name) || w.has(name)) return;
      out ??= new Set(w);
      out.add(name);
    });
    return out ?? w;
  };
  const breakTo = (key: string, w: Written): void => {
    breaks.set(key, join(breaks.get(key), w));
  };
  const list = (xs: Stmt[], w: Written): Written => {
    for (let i = 0; i < xs.length; i++) {
      const k = jumpAt(xs, i);
      if (k !== undefined) {
        i += onJump(k, w ?? new Set(), xs, i) - 1;
        w = undefined;
        continue;
      }
      w = stmt(xs[i]!, w);
    }
    return w;
  };
  const stmt = (x: Stmt, w: Written, label?: string): Written => {
    switch (x.type) {
      case 'ExpressionStatement':
        return writes(w, x.expression);
      case 'ReturnStatement':
      case 'ThrowStatement':
        writes(w, x.argument);
        return undefined;
      case 'ContinueStatement':
        return undefined; // to a loop's head, whose writes are counted whole; or a jump
      case 'BreakStatement':
        breakTo(x.label ? x.label.name : targets[targets.length - 1]!, w);
        return undefined;
      case 'EmptyStatement':
        return w;
      case 'BlockStatement':
        return list(x.body, w);
      case 'IfStatement': {
        const test = writes(w, x.test);
        return join(stmt(x.consequent, test), x.alternate ? stmt(x.alternate, test) : test);
      }
      case 'LabeledStatement': {
        const key = x.label.name;
        breaks.set(key, undefined);
        const end = stmt(x.body, w, key);
        return join(end, breaks.get(key));
      }
      case 'ForStatement': {
        // Only `for (;;)` is emitted: it is left by a `break` alone.
        const key = `#${fresh++}`;
        targets.push(key);
        breaks.set(key, undefined);
        list([x.body], writes(w, x));
        targets.pop();
        return breaks.get(key);
      }
      case 'SwitchStatement': {
        const key = `#${fresh++}`;
        targets.push(key);
        breaks.set(key, undefined);
        const start = writes(w, x.discriminant);
        let end: Written;
        for (const c of x.cases) end = list(c.consequent, join(start, end));
        targets.pop();
        end = join(end, breaks.get(key));
        return x.cases.some((c) => c.test === null) ? end : join(end, start);
      }
      default:
        throw new Error(`internal compiler error: written: unexpected ${x.type}${label ? ` labelled ${label}` : ''}`);
    }
  };
  return list(body, entry);
}

/** Calls `into` with each name assigned in `node`. */
function assigned(node: t.Node, into: (name: string) => void): void {
  if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier') into(node.left.name);
  forEachChild(node, (child) => assigned(child, into));
}
