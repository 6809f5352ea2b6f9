// emit/: where a split function's main function takes its frame (emit/split.ts). The frame
// carries variables between the main function and its parts; a call that returns before control
// first reaches a part, or a frame slot, needs none. quickjs's interpreter (JS_CallInternal) is
// called for every JS call, and for a call of a C function (charCodeAt, Math.imul…) it only
// reads the callee's class and calls its pointer: taking, clearing and filling its 75-slot frame
// first was ~9% of the workload (bench/README.md S41). So the frame is taken after the longest
// run of segment 0's first statements that neither names a frame nor leaves except by `return`
// or `throw`: every way from there to a part or a slot passes it, and segment 0 runs once a call.

import type * as t from '@babel/types';
import type { Stmt } from './ast.js';
import { forEachChild } from './children.js';

/** Where a `break` or `continue` inside a statement may land without leaving it. */
interface Scope {
  label?: string;
  /** An unlabelled `break` stays inside (a loop or a switch encloses it). */
  breakable: boolean;
  /** An unlabelled `continue` stays inside (a loop encloses it). */
  loop: boolean;
  parent?: Scope;
}

const LOOPS = new Set(['ForStatement', 'WhileStatement', 'DoWhileStatement', 'ForInStatement', 'ForOfStatement']);

/**
 * How many of `stmts` (in order) run before a frame is needed: none of them names one of `frames`,
 * jumps out of itself (`continue dispatch`, a `break` to a label outside it) or holds a function.
 */
export function frameFreePrefix(stmts: Stmt[], frames: ReadonlySet<string>): number {
  let n = 0;
  while (n < stmts.length && !needsFrame(stmts[n]!, frames)) n++;
  return n;
}

/** Whether `root` names a frame or may leave itself other than by `return`, `throw` or its end. */
function needsFrame(root: Stmt, frames: ReadonlySet<string>): boolean {
  // An explicit stack, not recursion: statements nest as deep as the wasm's blocks do.
  const top: Scope = { breakable: false, loop: false };
  const stack: [t.Node, Scope][] = [[root, top]];
  while (stack.length > 0) {
    const [node, scope] = stack.pop()!;
    switch (node.type) {
      case 'Identifier':
        if (frames.has(node.name)) return true;
        continue;
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'FunctionDeclaration':
        return true; // never emitted inside a segment; not worth reasoning about
      case 'BreakStatement':
        if (node.label ? !hasLabel(scope, node.label.name) : !inside(scope, 'breakable')) return true;
        continue;
      case 'ContinueStatement':
        if (node.label ? !hasLabel(scope, node.label.name) : !inside(scope, 'loop')) return true;
        continue;
    }
    let inner = scope;
    if (node.type === 'LabeledStatement') inner = { label: node.label.name, breakable: false, loop: false, parent: scope };
    else if (LOOPS.has(node.type)) inner = { breakable: true, loop: true, parent: scope };
    else if (node.type === 'SwitchStatement') inner = { breakable: true, loop: false, parent: scope };
    forEachChild(node, (child) => {
      stack.push([child, inner]);
    });
  }
  return false;
}

function hasLabel(scope: Scope | undefined, label: string): boolean {
  for (; scope; scope = scope.parent) if (scope.label === label) return true;
  return false;
}

function inside(scope: Scope | undefined, kind: 'breakable' | 'loop'): boolean {
  for (; scope; scope = scope.parent) if (scope[kind]) return true;
  return false;
}
