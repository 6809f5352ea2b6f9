// emit/: a function too large for V8's optimizing compiler, cut into pieces it optimizes.
// V8 never optimizes a function of more than 60 KB of bytecode (--max-optimized-bytecode-size):
// quickjs's interpreter loop became 277 KB of bytecode and ran interpreted, 70% of the package's
// time (bench/README.md, S7). A function in dispatch form (emit/dispatch.ts) is already a list of
// segments joined only by `pc`, so its segments can be grouped into parts, each a function of its
// own with its own dispatch loop:
//
//   function $f(inst, p0) {                       function $f$$p1(inst, F, D, R, pc) {
//     let l3 = 0, l9 = 0, pc = 0, r;                let l3 = F[1], t4 = 0;
//     const F = new Int32Array(2), D = …;           dispatch: for (;;) switch (pc) {
//     F[1] = p0 …                                     case 7: … pc = 2; continue dispatch; …
//     dispatch: for (;;) switch (pc) {                default: F[1] = l3; return pc;   // leaves the part
//       case 0: … (the first part's segments)       }
//       default: F[1] = l3;                       }
//         r = pc < 9 ? $f$$p1(inst, F, D, R, pc) : $f$$p2(inst, F, D, R, pc);
//         if (F[0] !== 0) return r;               // a part ran the function's `return`
//         pc = r; l3 = F[1]; continue dispatch;
//     } }
//
// Variables stay JS variables inside each part. Only those live across an edge between parts
// (found by a liveness pass over the segments) get a slot in the call's frame: i32 and i64 halves
// in F (an Int32Array; F[0] is the "returned" flag), f32/f64 in D (a Float64Array, which keeps NaN
// bits), references in an array. A part entered at a segment loads the slots that the segments it
// reaches read, and each jump out stores the ones written on the way to it (exitsByJump), so its
// own code runs on registers. The frame belongs to one call: recursion and exceptions need
// nothing more. Semantics are unchanged; only the JS call structure is.

import type * as t from '@babel/types';
import type { ValType } from '../ir/module.js';
import { assign, bin, block, call, cond, cont, exprStmt, forever, id, ifStmt, index, letDecl, member, nul, num, ret, switchCase, switchStmt, type Expr, type Stmt } from './ast.js';
import { frameFreePrefix } from './frame-entry.js';
import { DISPATCH_LABEL, jumpTo, PC } from './dispatch.js';
import { toInt32 } from './param-coerce.js';
import { hiName } from './i64.js';
import { memoryDecl, viewReload, type ViewMode } from './memory.js';
import { consecutiveOrder, layoutParts, renumbered } from './part-layout.js';
import { eachJump } from './written.js';
import { forEachChild } from './children.js';

/**
 * Where functions go flat and split. The defaults are measured (bench/README.md, S7); tests set
 * them low to put every function through the dispatch form and the splitter.
 */
export interface Layout {
  /** Frames with more levels than this inside them go flat (emit/dispatch.ts). */
  flatAbove?: number;
  /** A function printed in more JS tokens than this is split (splitsAbove). */
  splitAboveTokens?: number;
  /** About this many nodes per part. */
  partNodes?: number;
  /** Frames of more instructions than this go flat too (and so does the function, if longer). */
  flatSpan?: number;
  /** A flat frame's straight-line code starts a new segment after this many statements. */
  cutStatements?: number;
  /** false: no loop guards (emit/loop-guard.ts), every access checked; no bulk loops (emit/bulk-loop.ts) either. */
  loopGuards?: boolean;
  /** false: a non-shared memory's accesses take the checked typed-view form too, not the DataView (emit/memory.ts). */
  dataView?: boolean;
  /** false: every memory read made, none answered from an earlier one (emit/load-reuse.ts). */
  loadReuse?: boolean;
  /** Split functions count their crossings and call `$$tier.up` when enough were counted (the polyfill's tier-up, polyfill/tier-up.ts). */
  countCrossings?: boolean;
  /** Compiling one function again: its parts laid out by these counts (part-layout.ts), its frame pools' keys suffixed. */
  profile?: { counts: ArrayLike<number>; poolSuffix: string; hotNodes?: number };
}

/**
 * V8 optimizes up to 60 KB of bytecode (--max-optimized-bytecode-size). Tokens predict it; chars
 * do not: 62 functions of esbuild and quickjs measured with --print-bytecode ran 0.13–0.94 bytes
 * of bytecode per printed char but 1.1–2.07 per token, growing with size (wide operands past 256
 * registers). 26 000 tokens is at most 54 KB (bench/README.md S10).
 */
export const SPLIT_ABOVE_TOKENS = 26_000;

/** A JS token (an identifier, a number, or one punctuator char): what bytecode size follows. */
const TOKEN = /[A-Za-z_$][\w$]*|\d+|[^\s\w]/g;

/** Whether printed `code` has more than `limit` tokens (it cannot below `limit` chars). */
export function splitsAbove(code: string, limit: number): boolean {
  if (code.length <= limit) return false;
  TOKEN.lastIndex = 0;
  let n = 0;
  while (TOKEN.exec(code) !== null) if (++n > limit) return true;
  return false;
}
/**
 * A function to split is emitted again with segments small enough for parts: frames of more than
 * SPLIT_FLAT_SPAN instructions flat, straight runs cut every SPLIT_CUT_STATEMENTS statements.
 */
export const SPLIT_FLAT_SPAN = 400;
export const SPLIT_CUT_STATEMENTS = 200;
/** Small parts: a part's loads and stores per entry and exit come on top (S7). */
export const PART_NODES = 4_000;
/** The `returned` flag's slot in F. */
const RETURNED = 0;
// Names in the shape of generated variables (`/^[a-z]{1,2}[0-9]+$/`), which no C name takes
// (link/names.ts) and the var pool (t, a, r, f, v + n) never makes.
const FRAME_I32 = 'fi0';
const FRAME_F64 = 'fd0';
const FRAME_REF = 'fo0';
const FRAME_NAMES: ReadonlySet<string> = new Set([FRAME_I32, FRAME_F64, FRAME_REF]);
const RESULT = 'rv0';
/** The module script's tier-up hook (link/output.ts declares it where a function counts crossings; no mangled name starts `$$`). */
export const TIER = '$$tier';

type Slot = 'i32' | 'f64' | 'ref';

/** The variables of a function (name, wasm type; an i64 also has its `_hi` half) by slot kind. */
export function splitVariables(vars: [string, ValType][]): Map<string, Slot> {
  const out = new Map<string, Slot>();
  for (const [name, vt] of vars) {
    out.set(name, slotKind(vt));
    if (vt === 'i64') out.set(hiName(name), 'i32');
  }
  return out;
}

function slotKind(vt: ValType): Slot {
  if (vt === 'f32' || vt === 'f64') return 'f64';
  if (vt === 'funcref' || vt === 'externref') return 'ref';
  return 'i32'; // i32, and each half of an i64
}

export interface SplitInput {
  /** The function's JS name; parts are `<name>$$p<k>` (the mangler never writes `$$p`). */
  name: string;
  /** Segment bodies, numbered in order (Dispatch.finish has run). */
  segments: Stmt[][];
  /** Every variable but `pc` and `mem`, with its slot kind; params first, in order. */
  vars: Map<string, Slot>;
  params: string[];
  /** The memory's instance property, when segments use `mem`. */
  memory: string | undefined;
  /**
   * How segments reach the memory's DataView (memory.ts viewMode; 'none' when no segment reads
   * `dv`): each part reads it at entry too, and under 'reload' the main function again after the
   * parts, which may have changed it.
   */
  view?: ViewMode;
  voidResult: boolean;
  /** The main function's first statements (param-coerce.ts). */
  entry?: Stmt[];
  partNodes: number;
  /** Crossings into each segment, counted by this function's code without a profile: parts laid out by them (part-layout.ts). */
  profile?: ArrayLike<number>;
  /** The gathered part's size in nodes (part-layout.ts HOT_PART_FACTOR parts by default). */
  hotNodes?: number;
  /**
   * Count crossings for a profile: `counts` names the helper making the counter array
   * (runtime/tier-up.ts `tier_counts`); the module's `$$tier.up(funcIndex, counts, mainEnd)` is
   * called each time the array's countdown runs out.
   */
  countCrossings?: { funcIndex: number; counts: Expr };
  /** Appended to the frame pools' keys (`$f.fi<suffix>`): a function laid out again keeps pools of its own. */
  poolSuffix?: string;
}

export interface SplitOutput {
  /** The main function's body. */
  body: Stmt[];
  parts: t.FunctionDeclaration[];
  /** Statements after the functions: the main function's pools of frames, `$f.fi = [];`. */
  after: Stmt[];
}

/** Nodes in `segments` (each counted once). */
export function countNodes(node: t.Node | readonly t.Node[]): number {
  // A loop over an explicit stack, not recursion: lightningcss (15.8 MB) compiled 3-5% faster.
  const stack: t.Node[] = Array.isArray(node) ? [...node] : [node as t.Node];
  const push = (child: t.Node): void => {
    stack.push(child);
  };
  let n = 0;
  while (stack.length > 0) {
    n++;
    forEachChild(stack.pop()!, push);
  }
  return n;
}

/** What one segment reads, writes, where it may jump, and which reads come before its definite writes. */
interface SegmentFacts {
  refs: Set<string>;
  exposed: Set<string>;
  defs: Set<string>;
  targets: Set<number>;
  /** Every variable it may write. */
  writes: Set<string>;
  /** Reads the memory (`mem`, which a part then declares). */
  usesMem: boolean;
}

function segmentFacts(body: Stmt[], vars: Map<string, Slot>): SegmentFacts {
  const f: SegmentFacts = { refs: new Set(), exposed: new Set(), defs: new Set(), targets: new Set(), writes: new Set(), usesMem: false };
  // Variables written on every path from the segment's start to here: a read of one is not
  // exposed. Nested statements (branches, loops, labelled blocks a `break` may leave) see a copy.
  let scope = new Set<string>();
  let depth = 0;
  // Still before anything that may jump to another segment: a top-level write here kills the
  // variable's liveness from the segment's successors.
  let must = true;
  // Still straight-line code from the segment's start: no branch, loop, switch or jump yet, though
  // perhaps inside labelled blocks (a br_table's nest opens with them). A write here happens on
  // every way through the segment: an interpreter's opcode, read at its dispatch inside that nest,
  // is then not live into it, and no handler stores it on its way back (bench/README.md S40).
  // Such a write is in `defs`, which a labelled block's end does not take back as it does `scope`.
  let straight = true;
  const read = (name: string): void => {
    if (name === 'mem' || name === 'dv') f.usesMem = true;
    if (!vars.has(name)) return;
    f.refs.add(name);
    if (!scope.has(name) && !f.defs.has(name)) f.exposed.add(name);
  };
  const write = (name: string, definite: boolean): void => {
    if (!vars.has(name)) return;
    f.refs.add(name);
    f.writes.add(name);
    if (!definite) return;
    scope.add(name);
    if (straight || (depth === 0 && must)) f.defs.add(name);
  };
  // Expressions in evaluation order; `definite`: evaluated whenever the enclosing statement is.
  const expr = (e: t.Node | null | undefined, definite: boolean): void => {
    if (!e) return;
    switch (e.type) {
      case 'Identifier':
        read(e.name);
        return;
      case 'AssignmentExpression': {
        const left = e.left;
        if (left.type === 'Identifier') {
          if (e.operator !== '=') read(left.name);
          expr(e.right, definite);
          if (left.name === PC && e.right.type === 'NumericLiteral') f.targets.add(e.right.value);
          write(left.name, definite);
        } else {
          expr(left, definite);
          expr(e.right, definite);
        }
        return;
      }
      case 'SequenceExpression':
        for (const x of e.expressions) expr(x, definite);
        return;
      case 'ConditionalExpression':
        expr(e.test, definite);
        expr(e.consequent, false);
        expr(e.alternate, false);
        return;
      case 'LogicalExpression':
        expr(e.left, definite);
        expr(e.right, false);
        return;
      case 'MemberExpression':
        expr(e.object, definite);
        if (e.computed) expr(e.property, definite);
        return;
      default:
        forEachChild(e, (child) => expr(child, definite));
    }
  };
  const inner = (visit: () => void): void => {
    const saved = scope;
    scope = new Set(saved);
    depth++;
    visit();
    depth--;
    scope = saved;
  };
  const stmt = (s: t.Statement): void => {
    switch (s.type) {
      case 'ExpressionStatement':
        expr(s.expression, true);
        return;
      case 'ReturnStatement':
      case 'ThrowStatement':
        expr(s.argument, true);
        straight = false;
        return;
      case 'ContinueStatement':
        if (s.label?.name === DISPATCH_LABEL) must = false;
        straight = false;
        return;
      case 'BreakStatement':
        straight = false;
        return;
      case 'EmptyStatement':
        return;
      case 'BlockStatement':
        for (const x of s.body) stmt(x);
        return;
      case 'IfStatement':
        expr(s.test, true);
        straight = false;
        inner(() => stmt(s.consequent));
        if (s.alternate) inner(() => stmt(s.alternate!));
        return;
      case 'LabeledStatement':
        inner(() => stmt(s.body));
        return;
      case 'ForStatement':
        // Only `for (;;)` is emitted; a test or update would be read on every iteration.
        straight = false;
        inner(() => {
          expr(s.test, false);
          expr(s.update, false);
          stmt(s.body);
        });
        return;
      case 'SwitchStatement':
        expr(s.discriminant, true);
        straight = false;
        for (const c of s.cases) inner(() => c.consequent.forEach(stmt));
        return;
      default:
        throw new Error(`internal compiler error: split: unexpected ${s.type}`);
    }
  };
  for (const s of body) stmt(s);
  return f;
}

/** `return e` → `F[0] = 1; return e` throughout a part's statements (in place: a part owns them). */
function markReturns(stmts: Stmt[]): void {
  const flag = (): Stmt => exprStmt(assign(index(id(FRAME_I32), num(RETURNED)) as t.LVal, num(1)));
  const list = (xs: t.Node[]): void => {
    for (let i = 0; i < xs.length; i++) {
      const s = xs[i]!;
      if (s.type === 'ReturnStatement') {
        xs.splice(i, 0, flag());
        i++;
      } else one(s);
    }
  };
  const one = (s: t.Node): void => {
    for (const key in s) {
      if (key === 'loc' || key === 'leadingComments') continue;
      const v = (s as unknown as Record<string, unknown>)[key];
      if (Array.isArray(v)) {
        if (v.length && typeof v[0]?.type === 'string' && (/Statement$|Declaration$/.test(v[0].type) || v[0].type === 'SwitchCase')) list(v as t.Node[]);
        continue;
      }
      if (!v || typeof v !== 'object' || typeof (v as t.Node).type !== 'string') continue;
      const node = v as t.Node;
      if (node.type === 'ReturnStatement') (s as unknown as Record<string, unknown>)[key] = block([flag(), node as Stmt]);
      else if (/Statement$|SwitchCase$/.test(node.type)) one(node);
    }
  };
  list(stmts as t.Node[]);
}

/** `switch (pc) { case k: … }` running, for each pc, the statements `of(pc)` (equal ones share a case). */
function switchOnPc(pcs: Iterable<number>, of: (pc: number) => string[], statement: (v: string) => Stmt): Stmt[] {
  const byList = new Map<string, number[]>();
  for (const k of [...pcs].sort((x, y) => x - y)) {
    const key = of(k).join(',');
    if (!key) continue;
    const list = byList.get(key);
    if (list) list.push(k);
    else byList.set(key, [k]);
  }
  const cases: t.SwitchCase[] = [];
  for (const [key, ks] of byList) {
    ks.forEach((k, i) => cases.push(switchCase(num(k), i < ks.length - 1 ? [] : [...key.split(',').map(statement), { type: 'BreakStatement', label: null } as Stmt])));
  }
  return cases.length ? [switchStmt(id(PC), cases)] : [];
}

/**
 * Segment s becomes segment `order[s]`, in place: each jump's target renumbered (a new statement:
 * jumps to one segment may share their literal), and a fall-through into a segment that no longer
 * follows made a jump.
 */
function renumberSegments(segments: Stmt[][], order: Int32Array): void {
  const n = segments.length;
  for (let s = 0; s + 1 < n; s++) if (order[s + 1] !== order[s]! + 1 && mayFallThrough(segments[s]!)) segments[s]!.push(...jumpTo(s + 1));
  const none = new Set<string>();
  for (const body of segments) {
    eachJump(body, none, () => false, (k, _written, list, i) => {
      list[i] = jumpTo(order[k]!)[0]!;
      return 2;
    });
  }
  const moved = segments.slice();
  moved.forEach((body, s) => (segments[order[s]!] = body));
}

/** Split; undefined when one part would hold it all. */
export function splitFunction(input: SplitInput): SplitOutput | undefined {
  const { segments, vars } = input;
  const n = segments.length;
  const sizes = segments.map((s) => countNodes(s));
  let layout = layoutParts(sizes, input.partNodes, input.profile, input.hotNodes);
  if (!layout) return undefined;
  // A layout from a profile: each part's segments renumbered consecutively, so that its
  // `switch (pc)` is a jump table. Counting keeps the numbering the counts are read by.
  const order = input.profile && !input.countCrossings ? consecutiveOrder(layout) : undefined;
  if (order) {
    renumberSegments(segments, order);
    layout = renumbered(layout, order);
  }
  const { group, members, mainEnd } = layout;
  const facts = segments.map((s) => segmentFacts(s, vars));
  const falls = segments.map(mayFallThrough);
  // A segment may fall through into the next one: where that is in another part, make it a jump.
  for (let s = 0; s + 1 < n; s++) if (falls[s] && group[s + 1] !== group[s]) segments[s]!.push(...jumpTo(s + 1));
  // Where each segment may go next: its jumps, and the next segment unless it ends in a jump.
  const succ = facts.map((f, s) => {
    const out = [...f.targets].filter((k) => k >= 0 && k < n);
    if (s + 1 < n && falls[s]) out.push(s + 1);
    return out;
  });
  const liveIn = liveness(facts, succ, [...vars.keys()]);
  // A variable has a frame slot if it is live into a segment entered from another part, or is a
  // param read outside the main function (its value comes from the call).
  const entries: Set<number>[] = members.map(() => new Set());
  const inFrame = new Set<string>();
  succ.forEach((out, s) => {
    for (const k of out) {
      if (group[k] === group[s]) continue;
      entries[group[k]!]!.add(k);
      for (const v of liveIn[k]!) inFrame.add(v);
    }
  });
  for (const p of input.params) if (facts.some((f, s) => group[s] !== 0 && f.refs.has(p))) inFrame.add(p);
  const partWrites = new Set<string>();
  facts.forEach((f, s) => {
    if (group[s] !== 0) for (const v of f.writes) partWrites.add(v);
  });
  const slots = new Map<string, Expr>();
  const counts = { i32: 1, f64: 0, ref: 0 };
  const frameOf = { i32: FRAME_I32, f64: FRAME_F64, ref: FRAME_REF };
  for (const v of vars.keys()) {
    if (!inFrame.has(v)) continue;
    const kind = vars.get(v)!;
    slots.set(v, index(id(frameOf[kind]), num(counts[kind]++)));
  }
  const frameArgs = (): Expr[] => [id('inst'), id(FRAME_I32), id(FRAME_F64), id(FRAME_REF), id(PC)];
  const view = input.view ?? 'none';
  const memDecl = (): Stmt[] => (input.memory ? memoryDecl(input.memory, view) : []);
  const zeroOf = (v: string): Expr => (vars.get(v) === 'ref' ? ({ type: 'NullLiteral' } as Expr) : num(0));

  // Each part: its cases, with exits storing what the target reads; entries loading it.
  const parts = members.map((segs, g) => {
    const refs = new Set<string>();
    let usesMem = false;
    for (const s of segs) {
      for (const v of facts[s]!.refs) refs.add(v);
      usesMem ||= facts[s]!.usesMem;
    }
    const cases: t.SwitchCase[] = [];
    for (const s of segs) {
      if (g > 0) markReturns(segments[s]!);
      cases.push(switchCase(num(s), segments[s]!));
    }
    const storeOf = (v: string): Stmt => exprStmt(assign(slots.get(v)! as t.LVal, id(v)));
    // Each jump out of a part stores only what may have been written since the part was entered
    // on a way to it, and each entry loads only what the segments it reaches read or may store:
    // an interpreter's handler no longer loads and stores the whole part's variables (bench S18).
    // The main function leaves through one exit (to run the parts), which stores, for each
    // target, what is live there and may have been written on a way to a jump to it (per-jump
    // stores there grew sqlite's main function, with its VDBE dispatch, past V8's limit: S19);
    // it loads, on return, what it reads or writes (the main function is not bounded in size as
    // parts are, and its segments' reach costs quadratic time: 600 nested loops took seconds).
    const flow = exitsByJump(segments, segs, (k) => group[k] === g, entries[g]!, facts, succ, liveIn, vars, storeOf, g === 0);
    const storesAt = (k: number): string[] => {
      const written = flow.writtenBefore(k);
      return liveIn[k]!.filter((v) => written.has(v));
    };
    const stores = g > 0 ? [] : switchOnPc(flow.targets, storesAt, storeOf);
    // The main function keeps its variables in registers while the parts run: back from them, it
    // reloads only those some part may write (sqlite's VDBE dispatch, in the main function,
    // reloaded 29 after every opcode; bench/README.md S27).
    const loadsAt = (k: number): string[] => {
      if (g === 0) return liveIn[k]!.filter((v) => refs.has(v) && partWrites.has(v));
      const reads = flow.entryReads(k);
      return liveIn[k]!.filter((v) => reads.has(v));
    };
    const loads = switchOnPc(entries[g]!, loadsAt, (v) => exprStmt(assign(id(v), slots.get(v)!)));
    return { refs, usesMem, cases, loads, stores };
  });

  const out: t.FunctionDeclaration[] = [];
  for (let g = 1; g < parts.length; g++) {
    const p = parts[g]!;
    // pc an int32 from entry: it is a phi of the part's `switch (pc)` loop (param-coerce.ts).
    const stmts: Stmt[] = [toInt32(PC)];
    if (p.usesMem) stmts.push(...memDecl());
    const decls: [string, Expr | null][] = [...p.refs].map((v) => [v, zeroOf(v)]);
    if (decls.length) stmts.push(letDecl(decls));
    stmts.push(...p.loads);
    p.cases.push(switchCase(null, [...p.stores, ret(id(PC))]));
    stmts.push({ type: 'LabeledStatement', label: id(DISPATCH_LABEL), body: forever(block([switchStmt(id(PC), p.cases)])) } as t.LabeledStatement);
    out.push({ type: 'FunctionDeclaration', id: id(partName(input.name, g)), params: frameArgs() as t.Identifier[], body: block(stmts), generator: false, async: false } as t.FunctionDeclaration);
  }
  // The main function: the first part's segments; any other pc runs parts until one comes back.
  const main = parts[0]!;
  const body: Stmt[] = [...(input.entry ?? [])];
  if (main.usesMem) body.push(...memDecl());
  const isParam = new Set(input.params);
  const decls: [string, Expr | null][] = [...main.refs].filter((v) => !isParam.has(v)).map((v) => [v, zeroOf(v)]);
  decls.push([PC, num(0)], [RESULT, num(0)]);
  body.push(letDecl(decls));
  // Frames come from a pool on the function (`$f.fi`): allocating typed arrays on every call was
  // three quarters of quickjs's interpreter entry (S7). Recursion takes another frame; a frame an
  // exception skips is left to the collector. Reference slots are a plain array filled with null,
  // so that its elements are never holes.
  const pool = (key: string): Expr => ({ type: 'MemberExpression', object: id(input.name), property: id(key), computed: false }) as Expr;
  const method = (object: Expr, name: string, args: Expr[]): Expr => call({ type: 'MemberExpression', object, property: id(name), computed: false } as Expr, args);
  const make = (key: string, callee: string, count: number, array?: boolean): Expr => {
    if (count === 0) return num(0);
    const fresh = array ? method({ type: 'NewExpression', callee: id('Array'), arguments: [num(count)] } as Expr, 'fill', [{ type: 'NullLiteral' } as Expr]) : ({ type: 'NewExpression', callee: id(callee), arguments: [num(count)] } as Expr);
    return { type: 'LogicalExpression', operator: '??', left: method(pool(key), 'pop', []), right: fresh } as Expr;
  };
  const suffix = input.poolSuffix ?? '';
  const frames: [string, string, string, number, boolean][] = [[FRAME_I32, `fi${suffix}`, 'Int32Array', counts.i32, false], [FRAME_F64, `fd${suffix}`, 'Float64Array', counts.f64, false], [FRAME_REF, `fo${suffix}`, 'Array', counts.ref, true]];
  // A reused frame holds an earlier call's values: clear the flag and what is read before written.
  const fill: Stmt[] = [exprStmt(assign(index(id(FRAME_I32), num(RETURNED)) as t.LVal, num(0)))];
  for (const v of liveIn[0]!) if (slots.has(v) && !input.params.includes(v)) fill.push(exprStmt(assign(slots.get(v) as t.LVal, zeroOf(v))));
  // Params as they are where the frame is taken: one written before then is stored again by the
  // exit after it anyway, as every variable written since the function's entry is.
  for (const p of input.params) if (slots.has(p)) fill.push(exprStmt(assign(slots.get(p) as t.LVal, id(p))));
  // Taken where segment 0 first needs it (emit/frame-entry.ts), unless some jump re-enters segment 0.
  const first = main.cases.find((c) => c.test?.type === 'NumericLiteral' && c.test.value === 0);
  const late = first && !succ.some((out) => out.includes(0)) ? frameFreePrefix(first.consequent, FRAME_NAMES) : 0;
  const used = frames.filter(([, , , count]) => count > 0);
  if (late === 0) {
    body.push(letDecl(frames.map(([name, key, callee, count, array]) => [name, make(key, callee, count, array)]), 'const'));
    body.push(...fill);
  } else {
    body.push(letDecl(frames.map(([name, , , count]) => [name, count === 0 ? num(0) : nul()])));
    const take = used.map(([name, key, callee, count, array]) => exprStmt(assign(id(name), make(key, callee, count, array))));
    first!.consequent.splice(late, 0, ...take, ...fill);
  }
  // The part owning pc, found by halving over the runs of segments of one part (a few comparisons,
  // not one per part: quickjs's interpreter has dozens of parts and changes part on most opcodes).
  const runs = layout.runs;
  const pick = (lo: number, hi: number): Expr => {
    if (lo === hi) return call(id(partName(input.name, runs[lo]![1])), frameArgs());
    const mid = (lo + hi) >>> 1;
    return cond(bin('<', id(PC), num(runs[mid + 1]![0])), pick(lo, mid), pick(mid + 1, hi));
  };
  const callPart = pick(0, runs.length - 1);
  const counting = input.countCrossings ? countCrossings(input.name, n, mainEnd, input.countCrossings) : undefined;
  const runParts = forever(block([
    exprStmt(assign(id(RESULT), callPart)),
    { type: 'IfStatement', test: bin('!==', index(id(FRAME_I32), num(RETURNED)), num(0)), consequent: ret(input.voidResult ? null : id(RESULT)), alternate: null } as Stmt,
    exprStmt(assign(id(PC), bin('|', id(RESULT), num(0)))),
    ...(counting?.count ?? []),
    { type: 'IfStatement', test: bin('<', id(PC), num(mainEnd)), consequent: { type: 'BreakStatement', label: null }, alternate: null } as Stmt,
  ]));
  const reload = main.usesMem && view === 'reload' ? [viewReload()] : [];
  main.cases.push(switchCase(null, [...main.stores, runParts, ...reload, ...main.loads, cont(DISPATCH_LABEL)]));
  const loop = { type: 'LabeledStatement', label: id(DISPATCH_LABEL), body: forever(block([switchStmt(id(PC), main.cases)])) } as t.LabeledStatement;
  const giveBack = used.map(([name, key]) => exprStmt(method(pool(key), 'push', [id(name)])));
  // A frame taken late is not there when a call returns (or traps) before it.
  const finalizer = late === 0 ? giveBack : [ifStmt(bin('!==', id(FRAME_I32), nul()), block(giveBack))];
  body.push({ type: 'TryStatement', block: block([loop]), handler: null, finalizer: block(finalizer) } as Stmt);
  const after = used.map(([, key]) => exprStmt(assign(pool(key) as t.LVal, { type: 'ArrayExpression', elements: [] } as Expr)));
  if (counting) after.push(counting.decl);
  return { body, parts: out, after };
}

/**
 * The trampoline's count of each way out of a part, by its target (another part's segment or the
 * main function's: an interpreter's dispatch is the most frequent target, and where it is in the
 * main function, gathering parts cannot help), in a module-level array (not a property of the
 * function: the name may later be bound to the function laid out again, while this code still
 * runs); the call of `$$tier.up` whenever the array's last slot has counted down to 0.
 */
function countCrossings(name: string, n: number, mainEnd: number, { funcIndex, counts }: { funcIndex: number; counts: Expr }): { count: Stmt[]; decl: Stmt } {
  const array = id(`${name}$cx`);
  const slot = (k: Expr) => index(array, k) as t.LVal;
  // Counting while the countdown is not 0: once decided (or with tier-up off) one load and a test.
  const count = [
    ifStmt(bin('!==', index(array, num(n)), num(0)), block([
      exprStmt(assign(slot(id(PC)), bin('|', bin('+', index(array, id(PC)), num(1)), num(0)))),
      ifStmt(bin('===', assign(slot(num(n)), bin('|', bin('-', index(array, num(n)), num(1)), num(0))), num(0)), exprStmt(call(member(id(TIER), 'up'), [num(funcIndex), array, num(mainEnd)]))),
    ])),
  ];
  return { count, decl: letDecl([[array.name, call(counts, [num(n)])]], 'const') };
}

/** Whether control may run off the end of `body` (its last statement is not a jump out). */
export function mayFallThrough(body: Stmt[]): boolean {
  const last = body[body.length - 1];
  if (!last) return true;
  if (last.type === 'ReturnStatement' || last.type === 'ThrowStatement') return false;
  return !(last.type === 'ContinueStatement' && last.label?.name === DISPATCH_LABEL);
}

/**
 * What flows out of the part of segments `segs` (`inPart(k)`: whether segment k is one of them). `enter[s]`: the variables that may have
 * been written since the part was entered, on a way to segment s; inside a segment, on a way to
 * each jump (emit/written.ts). A part's entries are also where it syncs: a jump or fall-through
 * inside the part to one of them first stores what is live there and was written, so the frame
 * is current there again, as when the part is entered from outside (sqlite's VDBE dispatch, the
 * main function's loop head, is reached both from the function's start, which writes forty
 * variables, and from the parts, which write few: bench S19). In a part, every jump out
 * (`pc = k; continue dispatch;`, k elsewhere) is rewritten into its own exit, `F[i] = v …;
 * return k;`, storing what is live at k and may have been written; in the main function
 * (`sharedExit`) the jumps stay and `writtenBefore(k)` is what the shared exit must store for k.
 * An entry at k must load what the segments reachable from it inside the part read, and what
 * they may store: `entryReads(k)`.
 */
function exitsByJump(
  segments: Stmt[][], segs: number[], inPart: (k: number) => boolean, entries: Set<number>, facts: SegmentFacts[], succ: number[][],
  liveIn: string[][], vars: Map<string, Slot>, storeOf: (v: string) => Stmt, sharedExit: boolean,
): { entryReads: (k: number) => Set<string>; targets: Set<number>; writtenBefore: (k: number) => Set<string> } {
  const isVar = (v: string): boolean => vars.has(v);
  const storesFor = (k: number, written: Set<string>): Stmt[] => liveIn[k]!.filter((v) => written.has(v)).map(storeOf);
  // enter[s] grows to a fixed point: each jump (or fall-through) inside the part adds what may
  // have been written on the way to it to its target's, unless the target syncs.
  const enter: Set<string>[] = [];
  for (const s of segs) enter[s] = new Set();
  const flowInto = (k: number, written: Set<string>): boolean => {
    if (!inPart(k) || entries.has(k)) return false;
    const into = enter[k]!;
    const size = into.size;
    for (const v of written) into.add(v);
    return into.size !== size;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of segs) {
      const tail = eachJump(segments[s]!, enter[s]!, isVar, (k, written) => {
        if (flowInto(k, written)) changed = true;
        return 2;
      });
      if (tail && flowInto(s + 1, tail)) changed = true;
    }
  }
  const entryReads = (k: number): Set<string> => {
    const reads = new Set<string>();
    const seen = new Set<number>([k]);
    for (const s of seen) {
      for (const v of facts[s]!.refs) reads.add(v); // refs: reads, and writes (which may be stored)
      for (const v of enter[s]!) reads.add(v);
      for (const x of succ[s]!) if (inPart(x)) seen.add(x);
    }
    return reads;
  };
  const before = new Map<number, Set<string>>();
  const onJump = (k: number, written: Set<string>, list: Stmt[], i: number): number => {
    const sync = inPart(k) && entries.has(k);
    if (inPart(k) && !sync) return 2;
    if (!sync && sharedExit) {
      const into = before.get(k) ?? new Set<string>();
      for (const v of written) into.add(v);
      before.set(k, into);
      return 2;
    }
    const stores = storesFor(k, written);
    const exit = sync ? [...stores, list[i]!, list[i + 1]!] : [...stores, ret(num(k))];
    list.splice(i, 2, ...exit);
    return exit.length;
  };
  for (const s of segs) {
    const tail = eachJump(segments[s]!, enter[s]!, isVar, onJump);
    if (tail && inPart(s + 1) && entries.has(s + 1)) segments[s]!.push(...storesFor(s + 1, tail));
  }
  return { entryReads, targets: new Set(before.keys()), writtenBefore: (k: number) => before.get(k)! };
}

/** The variables live into each segment (a segment may fall through into the next one). */
function liveness(facts: SegmentFacts[], succ: number[][], names: string[]): string[][] {
  const n = facts.length;
  const bit = new Map(names.map((v, i) => [v, i]));
  const words = (names.length + 31) >>> 5;
  const liveIn = Array.from({ length: n }, () => new Int32Array(words));
  const exposed = facts.map((f) => bits(f.exposed, bit, words));
  const keep = facts.map((f) => {
    const d = bits(f.defs, bit, words);
    for (let w = 0; w < words; w++) d[w] = ~d[w]!;
    return d;
  });
  for (let changed = true; changed; ) {
    changed = false;
    for (let s = n - 1; s >= 0; s--) {
      const inS = liveIn[s]!;
      for (let w = 0; w < words; w++) {
        let out = 0;
        for (const k of succ[s]!) out |= liveIn[k]![w]!;
        const v = exposed[s]![w]! | (out & keep[s]![w]!) | inS[w]!;
        if (v !== inS[w]) {
          inS[w] = v;
          changed = true;
        }
      }
    }
  }
  return liveIn.map((live) => names.filter((_, i) => live[i >>> 5]! & (1 << (i & 31))));
}

export const partName = (name: string, k: number): string => `${name}$$p${k}`;

function bits(set: Set<string>, bit: Map<string, number>, words: number): Int32Array {
  const out = new Int32Array(words);
  for (const v of set) {
    const i = bit.get(v);
    if (i !== undefined) out[i >>> 5]! |= 1 << (i & 31);
  }
  return out;
}
