// emit/: how deep an expression nests. The symbolic stack nests each value into its user, so
// `f(f(f(…)))` or a chain of a thousand `i32.add`s would become one expression as deep as the
// wasm, deep enough to overflow the stack of our printer, of V8's parser and of every tool that
// reads the output. The emitter spills a value deeper than MAX_EXPR_DEPTH into a temporary.

import type * as t from '@babel/types';

export const MAX_EXPR_DEPTH = 32;

/** Depth memo on the node: stack entries are measured once, so a new node costs its own levels. */
const DEPTH = Symbol('depth');
type Measured = t.Node & { [DEPTH]?: number };

export function exprDepth(e: t.Node | null | undefined): number {
  if (!e) return 0;
  const node = e as Measured;
  const known = node[DEPTH];
  if (known !== undefined) return known;
  let inner = 0;
  switch (node.type) {
    case 'BinaryExpression':
    case 'LogicalExpression':
    case 'AssignmentExpression':
      inner = Math.max(exprDepth(node.left), exprDepth(node.right));
      break;
    case 'UnaryExpression':
      inner = exprDepth(node.argument);
      break;
    case 'ConditionalExpression':
      inner = Math.max(exprDepth(node.test), exprDepth(node.consequent), exprDepth(node.alternate));
      break;
    case 'CallExpression':
      inner = exprDepth(node.callee as t.Expression);
      for (const a of node.arguments) inner = Math.max(inner, exprDepth(a));
      break;
    case 'MemberExpression':
      inner = Math.max(exprDepth(node.object), exprDepth(node.property));
      break;
    case 'SequenceExpression':
      for (const x of node.expressions) inner = Math.max(inner, exprDepth(x));
      break;
    case 'ArrayExpression':
      for (const x of node.elements) inner = Math.max(inner, exprDepth(x as t.Expression | null));
      break;
    default:
      break;
  }
  return (node[DEPTH] = inner + 1);
}
