// emit/: small, allocation-light builders for the Babel AST nodes the emitter produces.
// They build plain node objects (what @babel/types' builders return, minus the per-call
// validation, which costs measurable time on modules with tens of thousands of functions).

import type * as t from '@babel/types';

export type Expr = t.Expression;
export type Stmt = t.Statement;

export const id = (name: string): t.Identifier => ({ type: 'Identifier', name }) as t.Identifier;
export const num = (value: number): Expr =>
  value < 0 || Object.is(value, -0)
    ? unary('-', { type: 'NumericLiteral', value: -value } as t.NumericLiteral)
    : ({ type: 'NumericLiteral', value } as t.NumericLiteral);
export const big = (value: bigint): Expr =>
  value < 0n
    ? unary('-', { type: 'BigIntLiteral', value: (-value).toString() } as t.BigIntLiteral)
    : ({ type: 'BigIntLiteral', value: value.toString() } as t.BigIntLiteral);
export const str = (value: string): t.StringLiteral => ({ type: 'StringLiteral', value }) as t.StringLiteral;
export const nul = (): Expr => ({ type: 'NullLiteral' }) as t.NullLiteral;
export const bool = (value: boolean): Expr => ({ type: 'BooleanLiteral', value }) as t.BooleanLiteral;

export const unary = (operator: t.UnaryExpression['operator'], argument: Expr): Expr =>
  ({ type: 'UnaryExpression', operator, argument, prefix: true }) as t.UnaryExpression;
export const bin = (operator: t.BinaryExpression['operator'], left: Expr, right: Expr): Expr =>
  ({ type: 'BinaryExpression', operator, left, right }) as t.BinaryExpression;
export const logical = (operator: t.LogicalExpression['operator'], left: Expr, right: Expr): Expr =>
  ({ type: 'LogicalExpression', operator, left, right }) as t.LogicalExpression;
export const cond = (test: Expr, consequent: Expr, alternate: Expr): Expr =>
  ({ type: 'ConditionalExpression', test, consequent, alternate }) as t.ConditionalExpression;
/**
 * A JS boolean as the i32 0 or 1: `+(a < b)`, not `a < b ? 1 : 0`, which TurboFan compiles to a
 * branch (bench/README.md S32: a carry out of random halves mispredicted half the time).
 */
export const boolToI32 = (test: Expr): Expr => unary('+', test);
/** The value of a numeric literal expression (`5`, `-5`), if `e` is one. */
export function literalValue(e: Expr): number | undefined {
  if (e.type === 'NumericLiteral') return e.value;
  if (e.type === 'UnaryExpression' && e.operator === '-' && e.argument.type === 'NumericLiteral') return -e.argument.value;
  return undefined;
}
/** The boolean a boolToI32 converts, if `e` is one. */
export function i32Test(e: Expr): Expr | undefined {
  return e.type === 'UnaryExpression' && e.operator === '+' && isBooleanValued(e.argument as Expr) ? e.argument as Expr : undefined;
}
const COMPARISONS = new Set(['===', '!==', '==', '!=', '<', '>', '<=', '>=']);
function isBooleanValued(e: Expr): boolean {
  if (e.type === 'BinaryExpression') return COMPARISONS.has(e.operator);
  if (e.type === 'UnaryExpression') return e.operator === '!';
  if (e.type === 'LogicalExpression') return isBooleanValued(e.left as Expr) && isBooleanValued(e.right);
  return false;
}
export const call = (callee: Expr | string, args: Expr[]): Expr =>
  ({ type: 'CallExpression', callee: typeof callee === 'string' ? id(callee) : callee, arguments: args }) as t.CallExpression;
export const member = (object: Expr, property: string): Expr =>
  ({ type: 'MemberExpression', object, property: id(property), computed: false }) as t.MemberExpression;
export const index = (object: Expr, property: Expr): Expr =>
  ({ type: 'MemberExpression', object, property, computed: true }) as t.MemberExpression;
export const assign = (left: t.LVal, right: Expr): Expr =>
  ({ type: 'AssignmentExpression', operator: '=', left, right }) as t.AssignmentExpression;
/** `yield* argument` (generator mode: compiler/asyncify/generators.ts). */
export const yieldStar = (argument: Expr): Expr => ({ type: 'YieldExpression', argument, delegate: true }) as t.YieldExpression;
export const seq = (expressions: Expr[]): Expr => ({ type: 'SequenceExpression', expressions }) as t.SequenceExpression;
export const array = (elements: Expr[]): Expr => ({ type: 'ArrayExpression', elements }) as t.ArrayExpression;

export const exprStmt = (expression: Expr): Stmt => ({ type: 'ExpressionStatement', expression }) as t.ExpressionStatement;
export const block = (body: Stmt[]): t.BlockStatement => ({ type: 'BlockStatement', body, directives: [] }) as t.BlockStatement;
export const ifStmt = (test: Expr, consequent: Stmt, alternate: Stmt | null = null): Stmt =>
  ({ type: 'IfStatement', test, consequent, alternate }) as t.IfStatement;
export const labeled = (label: string, body: Stmt): Stmt => ({ type: 'LabeledStatement', label: id(label), body }) as t.LabeledStatement;
export const brk = (label: string | null): Stmt => ({ type: 'BreakStatement', label: label === null ? null : id(label) }) as t.BreakStatement;
export const cont = (label: string): Stmt => ({ type: 'ContinueStatement', label: id(label) }) as t.ContinueStatement;
export const ret = (argument: Expr | null): Stmt => ({ type: 'ReturnStatement', argument }) as t.ReturnStatement;
export const forever = (body: t.BlockStatement): Stmt => ({ type: 'ForStatement', init: null, test: null, update: null, body }) as t.ForStatement;
export const switchStmt = (discriminant: Expr, cases: t.SwitchCase[]): Stmt => ({ type: 'SwitchStatement', discriminant, cases }) as t.SwitchStatement;
export const switchCase = (test: Expr | null, consequent: Stmt[]): t.SwitchCase => ({ type: 'SwitchCase', test, consequent }) as t.SwitchCase;
/** `let a = x, b = y;`; a third element gives a variable's TypeScript type. */
export const letDecl = (names: [string, Expr | null, string?][], kind: 'let' | 'const' = 'let'): Stmt =>
  ({
    type: 'VariableDeclaration',
    kind,
    declarations: names.map(([name, init, type]) => ({ type: 'VariableDeclarator', id: typedId(name, type), init })),
  }) as t.VariableDeclaration;

/** An identifier, with a TypeScript type when `type` is given. */
export const typedId = (name: string, type?: string): t.Identifier =>
  type === undefined ? id(name) : ({ type: 'Identifier', name, typeAnnotation: tsType(type) } as t.Identifier);

/** A position in the original: the wasm (line 1, column = byte offset) or a C file from DWARF. */
export type SourcePosition = t.SourceLocation | undefined;

/** A wasm byte offset as a position (the convention browsers use for wasm source maps). */
export function wasmPosition(offset: number, filename: string): t.SourceLocation {
  return { start: { line: 1, column: offset, index: offset }, end: { line: 1, column: offset, index: offset }, filename, identifierName: undefined };
}

/** Attach a source position to a node (none: the node stays unmapped). */
export function at<T extends t.Node>(node: T, position: SourcePosition): T {
  if (position) node.loc = position;
  return node;
}

/** `/** text *\/` before a node. */
export function leadingComment<T extends t.Node>(node: T, text: string, block = true): T {
  const comment = { type: block ? 'CommentBlock' : 'CommentLine', value: text } as t.Comment;
  node.leadingComments = [...(node.leadingComments ?? []), comment];
  return node;
}

// TypeScript output (`ts` option). A type is kept as its text: emit/ writes only a few simple
// types (`number`, `FuncRef | null`, tuples), and the function printer prints them verbatim.
// Babel's own printer never sees these nodes.

/** A type written as text, in the shape of Babel's `TSTypeAnnotation`. */
export const tsType = (text: string): t.TSTypeAnnotation =>
  ({ type: 'TSTypeAnnotation', typeAnnotation: { type: 'TSTypeReference', typeName: id(text) } }) as t.TSTypeAnnotation;
/** `e as T`: where a value's type is known only at run time (a table's function, a tuple's element). */
export const tsAs = (expression: Expr, text: string): Expr =>
  ({ type: 'TSAsExpression', expression, typeAnnotation: tsType(text).typeAnnotation }) as t.TSAsExpression;
/** `e!`: a value the control flow makes non-null that TypeScript cannot follow (a dispatch loop's segments). */
export const tsNonNull = (expression: Expr): Expr => ({ type: 'TSNonNullExpression', expression }) as t.TSNonNullExpression;
/** The text of a type made by tsType. */
export const tsTypeText = (node: t.Node | null | undefined): string | undefined => {
  const ref = node?.type === 'TSTypeAnnotation' ? node.typeAnnotation : node;
  return ref?.type === 'TSTypeReference' && ref.typeName.type === 'Identifier' ? ref.typeName.name : undefined;
};
