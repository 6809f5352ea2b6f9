// link/: the printer for emitted functions, the hot path of every compile.
// Why not @babel/generator here: on sqlite3.wasm (0.9 MB, 12 MB of JS) Babel's printer took
// ~0.9 s plus its garbage, half of the compile (bench/README.md, decision C1). This printer knows
// the few node types emit/ builds (emit/ast.ts), writes one string, records a source-map segment
// where a node carries a position, and prints large functions without indentation.
// Its recursion follows the syntax tree, which emit/ keeps shallow whatever the wasm's nesting
// (expressions deeper than a bound are spilled, deep control flow becomes a dispatch loop).

import type * as t from '@babel/types';
import { tsTypeText } from '../emit/ast.js';
import { jsString } from './js-string.js';

/** Decoded source map lines: per generated line, segments [column, source, line, column]. */
export type Decoded = number[][][];

export interface Printed {
  code: string;
  /** Line breaks in `code`. */
  breaks: number;
  mappings: Decoded | undefined;
  sources: string[];
}

export interface PrintOptions {
  /** Indent nested statements two spaces per level (off for large functions: a third of their bytes). */
  indent: boolean;
  /** Record source-map segments for nodes with a position. */
  sourceMap: boolean;
  /**
   * TypeScript: print type annotations, `as` and `!`, and mark every typed-array read `!`
   * (under `noUncheckedIndexedAccess` an element read is `number | undefined`; the fast path
   * reads only inside the bounds it has just checked).
   */
  ts?: boolean;
}

// Binding power of each operator: a child printed below its parent's power gets parentheses.
const enum P {
  Sequence = 1,
  Assign = 2,
  Conditional = 3,
  /** `x as T` binds like a relational operator. */
  As = 10,
  Unary = 16,
  Call = 19,
  Primary = 20,
}
const BINARY: Record<string, number> = {
  '||': 4, '??': 4, '&&': 5, '|': 6, '^': 7, '&': 8,
  '==': 9, '!=': 9, '===': 9, '!==': 9,
  '<': 10, '>': 10, '<=': 10, '>=': 10, instanceof: 10, in: 10,
  '<<': 11, '>>': 11, '>>>': 11, '+': 12, '-': 12, '*': 13, '/': 13, '%': 13, '**': 14,
};

function precedence(e: t.Node): number {
  switch (e.type) {
    case 'SequenceExpression': return P.Sequence;
    case 'AssignmentExpression': return P.Assign;
    case 'ConditionalExpression': return P.Conditional;
    case 'BinaryExpression':
    case 'LogicalExpression': return BINARY[e.operator]!;
    case 'UnaryExpression': return P.Unary;
    case 'YieldExpression': return P.Assign;
    case 'TSAsExpression': return P.As;
    case 'CallExpression':
    case 'NewExpression':
    case 'MemberExpression':
    case 'TSNonNullExpression': return P.Call;
    default: return P.Primary;
  }
}

const EQUALITY = new Set(['===', '!==', '==', '!=']);
/** Whether tsc types `e` plain `number`: arithmetic, a call, a cast; not a variable (narrowed), literal or `c ? 1 : 0`. */
const numberTyped = (e: t.Expression): boolean =>
  e.type === 'BinaryExpression' || e.type === 'CallExpression' || e.type === 'TSAsExpression' || (e.type === 'UnaryExpression' && !isLiteral(e));
const isLiteral = (e: t.Expression): boolean =>
  e.type === 'NumericLiteral' || (e.type === 'UnaryExpression' && e.operator === '-' && e.argument.type === 'NumericLiteral');

const INDENTS = Array.from({ length: 64 }, (_, i) => '  '.repeat(i));

/** One function, and the parts it was split into (emit/split.ts), each on lines of its own. */
export function printFunctionNode(node: t.FunctionDeclaration, options: PrintOptions, parts: t.FunctionDeclaration[] = [], after: t.Statement[] = []): Printed {
  const printer = new Printer(options);
  printer.fn(node);
  for (const part of parts) {
    printer.newline();
    printer.fn(part);
  }
  for (const s of after) {
    printer.newline();
    printer.stmt(s);
  }
  return printer.finish();
}

class Printer {
  /** Finished lines, joined once at the end, and the current one: cheaper than one growing string. */
  private readonly lines: string[] = [];
  private cur = '';
  private line = 0;
  private depth = 0;
  private readonly mappings: Decoded | undefined;
  private readonly sources: string[] = [];
  private readonly sourceIndex = new Map<string, number>();

  constructor(private readonly options: PrintOptions) {
    this.mappings = options.sourceMap ? [[]] : undefined;
  }

  private w(text: string): void {
    this.cur += text;
  }

  finish(): Printed {
    this.lines.push(this.cur);
    return { code: this.lines.join('\n'), breaks: this.line, mappings: this.mappings, sources: this.sources };
  }

  newline(): void {
    this.lines.push(this.cur);
    this.cur = '';
    this.line++;
    if (this.mappings) this.mappings.push([]);
    if (this.options.indent && this.depth > 0) this.cur = INDENTS[this.depth] ?? '  '.repeat(this.depth);
  }

  private mark(node: t.Node): void {
    const loc = node.loc;
    if (!this.mappings || !loc) return;
    const file = loc.filename ?? '';
    let source = this.sourceIndex.get(file);
    if (source === undefined) {
      source = this.sources.length;
      this.sources.push(file);
      this.sourceIndex.set(file, source);
    }
    this.mappings[this.line]!.push([this.cur.length, source, loc.start.line - 1, loc.start.column]);
  }

  fn(node: t.FunctionDeclaration): void {
    for (const c of node.leadingComments ?? []) {
      this.w(c.type === 'CommentBlock' ? `/*${c.value}*/` : `//${c.value}`);
      this.newline();
    }
    this.mark(node);
    const params = node.params.map((p) => this.typed(p as t.Identifier)).join(', ');
    const returns = this.options.ts ? tsTypeText(node.returnType as t.Node | null) : undefined;
    this.w(`function${node.generator ? '*' : ''} ${node.id!.name}(${params})${returns ? `: ${returns}` : ''} `);
    this.block(node.body.body);
  }

  /** `name` or, in TypeScript, `name: type` when it has a type. */
  private typed(node: t.Identifier): string {
    const type = this.options.ts ? tsTypeText(node.typeAnnotation as t.Node | null) : undefined;
    return type ? `${node.name}: ${type}` : node.name;
  }

  /** `{ ... }` with each statement on its own line. */
  private block(body: t.Statement[]): void {
    this.w('{');
    this.depth++;
    for (const s of body) {
      this.newline();
      this.stmt(s);
    }
    this.depth--;
    this.newline();
    this.w('}');
  }

  /** A statement as the body of if/for/label: blocks stay on the line. */
  private body(s: t.Statement): void {
    if (s.type === 'BlockStatement') this.block(s.body);
    else this.stmt(s);
  }

  stmt(s: t.Statement): void {
    this.mark(s);
    switch (s.type) {
      case 'ExpressionStatement':
        this.expr(s.expression, P.Sequence);
        this.w(';');
        return;
      case 'BlockStatement':
        this.block(s.body);
        return;
      case 'IfStatement':
        this.w('if (');
        this.test(s.test, P.Sequence);
        this.w(') ');
        this.body(s.consequent);
        if (s.alternate) {
          this.w(' else ');
          this.body(s.alternate);
        }
        return;
      case 'LabeledStatement':
        this.w(`${s.label.name}: `);
        this.body(s.body);
        return;
      case 'BreakStatement':
        this.w(s.label ? `break ${s.label.name};` : 'break;');
        return;
      case 'ContinueStatement':
        this.w(s.label ? `continue ${s.label.name};` : 'continue;');
        return;
      case 'ReturnStatement':
        if (s.argument) {
          this.w('return ');
          this.expr(s.argument, P.Sequence);
          this.w(';');
        } else {
          this.w('return;');
        }
        return;
      case 'TryStatement': // a split function's frame given back to its pool (emit/split.ts)
        if (s.handler || !s.finalizer) throw new Error('internal compiler error: only try/finally is printed');
        this.w('try ');
        this.block(s.block.body);
        this.w(' finally ');
        this.block(s.finalizer.body);
        return;
      case 'ForStatement':
        if (s.init || s.test || s.update) throw new Error('internal compiler error: only for (;;) is printed');
        this.w('for (;;) ');
        this.body(s.body);
        return;
      case 'SwitchStatement':
        this.switchStmt(s);
        return;
      case 'VariableDeclaration':
        this.w(`${s.kind} `);
        s.declarations.forEach((d, i) => {
          if (i > 0) this.w(', ');
          this.w(this.typed(d.id as t.Identifier));
          if (d.init) {
            this.w(' = ');
            this.expr(d.init, P.Assign);
          }
        });
        this.w(';');
        return;
      default:
        throw new Error(`internal compiler error: cannot print statement ${s.type}`);
    }
  }

  private switchStmt(s: t.SwitchStatement): void {
    this.w('switch (');
    if (this.options.ts && !numberTyped(s.discriminant)) {
      // Else tsc narrows a variable to the case's value after a `case 0: break L;` (and a later
      // comparison the wasm makes anyway, `x === 12`, is an error), and rejects a case a
      // discriminant typed `0 | 1` cannot take (TS2678).
      this.asNumber(s.discriminant);
    } else {
      this.expr(s.discriminant, P.Sequence);
    }
    this.w(') {');
    this.depth++;
    for (const c of s.cases) {
      this.newline();
      if (c.test) {
        this.w('case ');
        this.expr(c.test, P.Sequence);
        this.w(':');
      } else {
        this.w('default:');
      }
      this.depth++;
      for (const body of c.consequent) {
        this.newline();
        this.stmt(body);
      }
      this.depth--;
    }
    this.depth--;
    this.newline();
    this.w('}');
  }

  /** Print `e` in a position that binds at least `min` tightly: parenthesized if it binds looser. */
  private expr(e: t.Expression, min: number): void {
    this.mark(e);
    const own = precedence(e);
    if (own < min) {
      this.w('(');
      this.exprBare(e, own);
      this.w(')');
    } else {
      this.exprBare(e, own);
    }
  }

  private exprBare(e: t.Expression, own: number): void {
    switch (e.type) {
      case 'Identifier':
        this.w(e.name);
        return;
      case 'NumericLiteral':
        this.w(numberText(e.value));
        return;
      case 'BigIntLiteral':
        this.w(`${e.value}n`);
        return;
      case 'StringLiteral':
        this.w(jsString(e.value));
        return;
      case 'NullLiteral':
        this.w('null');
        return;
      case 'BooleanLiteral':
        this.w(e.value ? 'true' : 'false');
        return;
      case 'BinaryExpression':
      case 'LogicalExpression': {
        // Left-associative: the right operand needs parentheses at equal power (`a - (b - c)`).
        // `**` is right-associative, and a unary operand on its left is a syntax error.
        const right = e.operator === '**';
        if (this.options.ts && EQUALITY.has(e.operator) && e.right.type !== 'NullLiteral' && !numberTyped(e.left as t.Expression)) {
          // tsc narrows a variable compared with a literal (`x !== 120` leaves `x: 120` on one
          // path) and then rejects a comparison that cannot hold on that path (`x === 98`, TS2367),
          // which compiled C makes; literals and `c ? 1 : 0` have literal types that may not meet
          // either. Compared through a cast, a variable is never narrowed and the types always
          // overlap. Numbers only: references are compared with null alone.
          this.w('(');
          this.asNumber(e.left as t.Expression);
          this.w(')');
        } else {
          this.expr(e.left as t.Expression, right ? own + 1 : own);
        }
        this.w(` ${e.operator} `);
        this.expr(e.right, right ? own : own + 1);
        return;
      }
      case 'UnaryExpression': {
        const word = e.operator === 'typeof' || e.operator === 'void' || e.operator === 'delete';
        this.w(word ? `${e.operator} ` : e.operator);
        // `- -x` and `+ +x` must not fuse into `--x`: parenthesize a unary operand.
        if (e.argument.type === 'UnaryExpression' && !word) {
          this.w('(');
          this.exprBare(e.argument, P.Unary);
          this.w(')');
        } else {
          this.expr(e.argument, P.Unary);
        }
        return;
      }
      case 'ConditionalExpression':
        this.test(e.test, P.Conditional + 1);
        this.w(' ? ');
        this.expr(e.consequent, P.Assign);
        this.w(' : ');
        this.expr(e.alternate, P.Assign);
        return;
      case 'AssignmentExpression':
        if (e.left.type === 'MemberExpression') {
          this.mark(e.left);
          this.member(e.left, false);
        } else {
          this.expr(e.left as t.Expression, P.Call);
        }
        this.w(` ${e.operator} `);
        this.expr(e.right, P.Assign);
        return;
      case 'SequenceExpression':
        e.expressions.forEach((x, i) => {
          if (i > 0) this.w(', ');
          this.expr(x, P.Assign);
        });
        return;
      case 'NewExpression': // a split function's frame (emit/split.ts): `new Int32Array(n)`, callee an identifier
        this.w('new ');
        this.expr(e.callee as t.Expression, P.Call);
        this.w('(');
        this.list(e.arguments as t.Expression[]);
        this.w(')');
        return;
      case 'CallExpression':
        this.expr(e.callee as t.Expression, P.Call);
        this.w('(');
        this.list(e.arguments as t.Expression[]);
        this.w(')');
        return;
      case 'MemberExpression':
        this.member(e, true);
        return;
      case 'TSAsExpression':
        // The operand of `as` is itself a typed read: no `!` on it.
        if (e.expression.type === 'MemberExpression') {
          this.mark(e.expression);
          this.member(e.expression, false);
        } else {
          this.expr(e.expression, P.As + 1);
        }
        this.w(` as ${tsTypeText(e.typeAnnotation)!}`);
        return;
      case 'TSNonNullExpression':
        this.expr(e.expression, P.Call);
        this.w('!');
        return;
      case 'YieldExpression': // generator mode (compiler/asyncify/generators.ts)
        this.w(e.delegate ? 'yield* ' : 'yield ');
        this.expr(e.argument!, P.Assign);
        return;
      case 'ArrayExpression':
        this.w('[');
        this.list(e.elements as t.Expression[]);
        this.w(']');
        return;
      default:
        throw new Error(`internal compiler error: cannot print expression ${e.type}`);
    }
  }

  /**
   * A condition. TypeScript rejects a constant one other than 0 and 1 as "always truthy" (TS2872):
   * wasm has them (`select` and `br_if` on a constant), so a non-zero literal prints as 1 there.
   */
  private test(e: t.Expression, min: number): void {
    if (this.options.ts && isLiteral(e)) {
      this.mark(e);
      this.w(e.type === 'NumericLiteral' && e.value === 0 ? '0' : '1');
    } else if (this.options.ts && e.type === 'ConditionalExpression') {
      // Its branches are conditions too (`if (p ? 2 : 3)` is "always truthy" to tsc).
      this.mark(e);
      if (P.Conditional < min) this.w('(');
      this.test(e.test, P.Conditional + 1);
      this.w(' ? ');
      this.test(e.consequent, P.Assign);
      this.w(' : ');
      this.test(e.alternate, P.Assign);
      if (P.Conditional < min) this.w(')');
    } else {
      this.expr(e, min);
    }
  }

  /** `e as number`: a number tsc must neither narrow nor hold to a literal type. */
  private asNumber(e: t.Expression): void {
    this.expr(e, P.As + 1);
    this.w(' as number');
  }

  /** `o.p` or `o[i]`; an element read (`read`) in TypeScript gets `!`. */
  private member(e: t.MemberExpression, read: boolean): void {
    // `1.5.x` would read as a number: a literal object gets parentheses.
    if (e.object.type === 'NumericLiteral') {
      this.w('(');
      this.exprBare(e.object, P.Primary);
      this.w(')');
    } else {
      this.expr(e.object, P.Call);
    }
    if (e.computed) {
      this.w('[');
      this.expr(e.property as t.Expression, P.Sequence);
      this.w(read && this.options.ts ? ']!' : ']');
    } else {
      this.w(`.${(e.property as t.Identifier).name}`);
    }
  }

  private list(items: t.Expression[]): void {
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.w(', ');
      this.expr(items[i]!, P.Assign);
    }
  }
}

/** A non-negative number as JS source (emit/ writes negatives as unary minus). */
function numberText(value: number): string {
  if (!(value >= 0) || !Number.isFinite(value)) throw new Error(`internal compiler error: numeric literal ${value}`);
  return String(value);
}
