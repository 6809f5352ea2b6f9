// emit/: the child nodes of the JS the emitter builds, for the analyses that walk it (split.ts,
// written.ts, frame-entry.ts, memory.ts, stack.ts). Each node type the printer prints
// (link/print-js.ts) has its node-valued fields listed once, in source order, so no walk keeps its
// own list of fields to skip (bench/README.md D29). A type not listed (none is emitted in a
// function body) falls back to its fields but location and comments.

import type * as t from '@babel/types';

const CHILD_KEYS: Record<string, readonly string[]> = {
  Identifier: [],
  NumericLiteral: [],
  BigIntLiteral: [],
  StringLiteral: [],
  BooleanLiteral: [],
  NullLiteral: [],
  ArrayExpression: ['elements'],
  AssignmentExpression: ['left', 'right'],
  BinaryExpression: ['left', 'right'],
  LogicalExpression: ['left', 'right'],
  UnaryExpression: ['argument'],
  ConditionalExpression: ['test', 'consequent', 'alternate'],
  SequenceExpression: ['expressions'],
  CallExpression: ['callee', 'arguments'],
  NewExpression: ['callee', 'arguments'],
  MemberExpression: ['object', 'property'],
  YieldExpression: ['argument'],
  TSAsExpression: ['expression', 'typeAnnotation'],
  TSNonNullExpression: ['expression'],
  ExpressionStatement: ['expression'],
  BlockStatement: ['body'],
  IfStatement: ['test', 'consequent', 'alternate'],
  LabeledStatement: ['label', 'body'],
  BreakStatement: ['label'],
  ContinueStatement: ['label'],
  ReturnStatement: ['argument'],
  ThrowStatement: ['argument'],
  EmptyStatement: [],
  ForStatement: ['init', 'test', 'update', 'body'],
  SwitchStatement: ['discriminant', 'cases'],
  SwitchCase: ['test', 'consequent'],
  TryStatement: ['block', 'handler', 'finalizer'],
  CatchClause: ['param', 'body'],
  VariableDeclaration: ['declarations'],
  VariableDeclarator: ['id', 'init'],
};

const isNode = (v: unknown): v is t.Node => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';

/** The fields of `node` that may hold nodes: listed, or for a type not listed, every field but its location and comments. */
function keysOf(node: t.Node): readonly string[] {
  return CHILD_KEYS[node.type] ?? Object.keys(node).filter((k) => k !== 'loc' && k !== 'leadingComments' && k !== 'trailingComments' && k !== 'type');
}

/** Whether `test` holds for some child node of `node`, in source order (stops at the first). */
export function someChild(node: t.Node, test: (child: t.Node) => boolean): boolean {
  const keys = keysOf(node);
  const fields = node as unknown as Record<string, unknown>;
  for (let i = 0; i < keys.length; i++) {
    const v = fields[keys[i]!];
    if (Array.isArray(v)) {
      for (let j = 0; j < v.length; j++) if (isNode(v[j]) && test(v[j] as t.Node)) return true;
    } else if (isNode(v) && test(v)) return true;
  }
  return false;
}

/** Calls `visit` with each child node of `node`, in source order. */
export function forEachChild(node: t.Node, visit: (child: t.Node) => void): void {
  someChild(node, (child) => {
    visit(child);
    return false;
  });
}
