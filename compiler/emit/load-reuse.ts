// emit/: memory reads that repeat one already made, answered from the variable that holds it.
// Runs over a function's emitted statements (each straight-line list, and each segment of a
// dispatch loop) before they are split into parts. Go's code keeps every value on its own stack
// in memory and reads it again at each use (esbuild reads `[sp + 544]` four times in eight
// lines, with stores to other slots between); TurboFan does not remove a DataView read for an
// earlier one, so each costs its bounds check and load again (bench/README.md S48).
//
// Semantics kept: a read is replaced only where the same read (the same DataView method, view
// variable and address) or a store of the same width to the same address ran earlier on every
// path to it, with nothing between that may have written those bytes (a store that may overlap,
// any call but the pure ones, an unchecked typed-array store) or changed the variables the address,
// the view or the held value are in. That read or store did not trap, memory never shrinks, and
// the view variable is the same, so the read cannot trap either; and it returns what was read or
// stored. A store's value is read back through its conversion (`v | 0` for a 32-bit word, `v & 255`
// for a byte...); floats only from an earlier read (NaN bits: runtime/README.md "NaN contract").
// Only for memory no other thread writes (a non-shared memory): between two reads of a shared one,
// another thread may store.

import type * as t from '@babel/types';
import { bin, id, literalValue, num, type Expr, type Stmt } from './ast.js';
import { readsName } from './stack.js';

/**
 * An address as `base + off`: `base` the canonical text of the u32 its bytes start from ('' for a
 * constant), `reads` the variables it reads. `root` and `rootOff` say the same modulo 2^32 with a
 * wrapped sum taken apart (`(sp + 427 | 0) >>> 0` is sp + 427), for telling whether two accesses
 * may overlap; equal reads need equal `base` (`(sp >>> 0) + 427` may trap where the wrapped one
 * does not).
 */
interface Address {
  base: string;
  reads: readonly string[];
  off: number;
  root: string;
  rootOff: number;
}

/** A value a read would return, held in a variable (read through a conversion) or known. */
interface Held {
  key: string;
  view: string;
  address: Address;
  width: number;
  holder: string | number;
  /** Variables a copy (`x = holder`) made hold it too: the holder once it is assigned. */
  also?: readonly string[];
  convert: Convert;
}
type Convert = 'none' | 'i32' | 'u32' | 'u8' | 's8' | 'u16' | 's16';

/** Bytes of each DataView accessor, and what a read of that width returns of a stored value. */
const WIDTH: Record<string, number> = {
  getInt32: 4, getUint32: 4, getFloat32: 4, getFloat64: 8, getInt16: 2, getUint16: 2, getInt8: 1, getUint8: 1,
  setInt32: 4, setFloat32: 4, setFloat64: 8, setInt16: 2, setInt8: 1,
};
const READ_OF_STORE: Record<string, Record<string, Convert>> = {
  setInt32: { getInt32: 'i32', getUint32: 'u32' },
  setInt16: { getInt16: 's16', getUint16: 'u16' },
  setInt8: { getInt8: 's8', getUint8: 'u8' },
};

/** Runtime helpers that neither write memory nor call out (numeric, runtime/numeric/; not the accesses, atomic or plain); a trap leaves anyway. */
const PURE_HELPER = /^(?:(?:i32|i64|f32|f64)_(?!load|store|atomic)\w+|mul_high_u32|f(?:32|64)(?:From|To)Bits|f(?:32|64)QuietNan|f32ToRepresentation)$/;

/** The most reads (and address temporaries) held at once: each assignment scans them all, and a longer run gains little. */
const MAX_HELD = 48;

/** What a compound statement did, for the state after it (every path's effects, together). */
class Effects {
  /** Variables assigned. */
  readonly names = new Set<string>();
  /** Stores whose address is known. */
  readonly stores: { address: Address; width: number }[] = [];
  /** Memory may have been written anywhere. */
  memory = false;
  /** Any variable may have been assigned (something this pass does not model). */
  anything = false;
  mergeInto(outer: Effects): void {
    for (const n of this.names) outer.names.add(n);
    outer.anything ||= this.anything;
    if (this.memory) outer.memory = true;
    else if (!outer.memory) outer.stores.push(...this.stores);
  }
  /** `h` as it holds after these effects: undefined where it may not, or its holders assigned here dropped. */
  after(h: Held): Held | undefined {
    if (this.anything || this.memory) return undefined;
    if (this.names.has(h.view) || h.address.reads.some((n) => this.names.has(n))) return undefined;
    if (this.stores.some((s) => mayOverlap(h, s.address, s.width))) return undefined;
    if (typeof h.holder === 'number') return h;
    const holders = [h.holder, ...(h.also ?? [])].filter((n) => !this.names.has(n));
    if (holders.length === 0) return undefined;
    return holders.length === 1 + (h.also?.length ?? 0) ? h : { ...h, holder: holders[0]!, also: holders.slice(1) };
  }
}

class State {
  constructor(
    readonly held = new Map<string, Held>(),
    /** Variables known to hold an address (`a = (x >>> 0) + 16` before `dv.getInt32(a + 4, true)`). */
    readonly temps = new Map<string, Address>(),
  ) {}
  clone(): State {
    return new State(new Map(this.held), new Map(this.temps));
  }
}

/**
 * Whether a store of `width` bytes at `s` may write any byte of `h`. Two accesses from one root
 * are `d` bytes apart modulo 2^32; both lie below 2^32 (a wasm32 memory is at most 4 GiB, and an
 * access past it traps), so with |d| below 2^31 they are d apart, and overlap only where d is
 * within their widths.
 */
function mayOverlap(h: Held, s: Address, width: number): boolean {
  if (h.address.root !== s.root) return true;
  let d = (((h.address.rootOff - s.rootOff) % 2 ** 32) + 2 ** 32) % 2 ** 32;
  if (d >= 2 ** 31) d -= 2 ** 32;
  if (Math.abs(d) > 2 ** 31 - 16) return true;
  return d > -h.width && d < width;
}


/** The canonical text of a pure expression (identifiers, literals, operators) an address is made of; undefined if it is not one, or past `budget` nodes. */
function baseText(e: Expr, names: string[], budget = { n: 8 }): string | undefined {
  if (--budget.n < 0) return undefined;
  if (e.type === 'Identifier') {
    names.push(e.name);
    return e.name;
  }
  const v = literalValue(e);
  if (v !== undefined) return String(v);
  if (e.type === 'BinaryExpression' && e.left.type !== 'PrivateName') {
    const l = baseText(e.left, names, budget);
    const r = l === undefined ? undefined : baseText(e.right, names, budget);
    return r === undefined ? undefined : `(${l}${e.operator}${r})`;
  }
  return undefined;
}

/** The address `e` computes (a DataView index: `(x >>> 0) + k`, `x >>> 0`, a constant, a known temp plus k). */
function addressOf(e: Expr, state: State): Address | undefined {
  const v = literalValue(e);
  if (v !== undefined) return { base: '', reads: [], off: v, root: '', rootOff: v };
  if (e.type === 'Identifier') return state.temps.get(e.name);
  if (e.type !== 'BinaryExpression' || e.left.type === 'PrivateName') return undefined;
  const k = literalValue(e.right);
  if (e.operator === '+' && k !== undefined) {
    const inner = addressOf(e.left, state);
    return inner && { ...inner, off: inner.off + k, rootOff: inner.rootOff + k };
  }
  if (e.operator !== '>>>' || k !== 0) return undefined;
  const names: string[] = [];
  const base = baseText(e.left, names);
  if (base === undefined) return undefined;
  // `(x + k | 0) >>> 0`: x + k modulo 2^32.
  const sum = e.left.type === 'BinaryExpression' && e.left.operator === '|' ? wrappedSum(e.left) : undefined;
  if (sum) return { base, reads: names, off: 0, root: sum.root, rootOff: sum.k };
  return { base, reads: names, off: 0, root: base, rootOff: 0 };
}

/** `x + k | 0` as x and k, x's canonical text. */
function wrappedSum(e: t.BinaryExpression): { root: string; k: number } | undefined {
  if (literalValue(e.right as Expr) !== 0 || e.left.type !== 'BinaryExpression' || e.left.operator !== '+') return undefined;
  const k = literalValue(e.left.right);
  if (k === undefined || e.left.left.type === 'PrivateName') return undefined;
  const root = baseText(e.left.left, []);
  return root === undefined ? undefined : { root, k };
}

/** `view.method(...)` of a DataView held in `dv` (or `mem.dv`): the view's text and the method. */
function viewCall(e: t.CallExpression): { view: string; method: string } | undefined {
  const callee = e.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return undefined;
  const method = callee.property.name;
  if (WIDTH[method] === undefined) return undefined;
  const object = callee.object;
  if (object.type === 'Identifier' && object.name === 'dv') return { view: 'dv', method };
  if (object.type === 'MemberExpression' && !object.computed && object.object.type === 'Identifier' && object.property.type === 'Identifier' && object.property.name === 'dv') {
    return { view: `${object.object.name}.dv`, method };
  }
  return undefined;
}

/** The little-endian flag a call passes (byte accessors take none: both orders are one). */
function littleEndian(args: t.CallExpression['arguments'], at: number): boolean | undefined {
  const a = args[at];
  if (a === undefined) return false;
  return a.type === 'BooleanLiteral' ? a.value : undefined;
}

function convertValue(v: number, c: Convert): number {
  switch (c) {
    case 'none': return v;
    case 'i32': return v | 0;
    case 'u32': return v >>> 0;
    case 'u8': return v & 255;
    case 's8': return (v << 24) >> 24;
    case 'u16': return v & 65535;
    case 's16': return (v << 16) >> 16;
  }
}

function convertExpr(name: string, c: Convert): Expr {
  const x = id(name);
  switch (c) {
    case 'none': return x;
    case 'i32': return bin('|', x, num(0));
    case 'u32': return bin('>>>', x, num(0));
    case 'u8': return bin('&', x, num(255));
    case 's8': return bin('>>', bin('<<', x, num(24)), num(24));
    case 'u16': return bin('&', x, num(65535));
    case 's16': return bin('>>', bin('<<', x, num(16)), num(16));
  }
}

const keyOf = (view: string, method: string, le: boolean, a: Address): string => `${view}.${method}${le ? '' : '!'}@${a.base}+${a.off}`;

/** Reuse repeated reads in `stmts` (a function's body, or a dispatch segment: entered with nothing known). Returns the reads replaced. */
export function reuseLoads(stmts: Stmt[]): number {
  return new LoadReuse().list(stmts);
}

class LoadReuse {
  private readonly logs: Effects[] = [new Effects()];
  private state = new State();
  private replaced = 0;

  list(stmts: Stmt[]): number {
    this.stmts(stmts);
    return this.replaced;
  }

  private get log(): Effects {
    return this.logs[this.logs.length - 1]!;
  }

  // ---- effects ----

  private assigned(name: string): void {
    this.log.names.add(name);
    for (const [k, h] of this.state.held) {
      if (h.view === name || h.address.reads.includes(name)) this.state.held.delete(k);
      else if (h.holder === name) {
        if (h.also?.length) this.state.held.set(k, { ...h, holder: h.also[0]!, also: h.also.slice(1) });
        else this.state.held.delete(k);
      } else if (h.also?.includes(name)) this.state.held.set(k, { ...h, also: h.also.filter((n) => n !== name) });
    }
    for (const [k, a] of this.state.temps) if (k === name || a.reads.includes(name)) this.state.temps.delete(k);
  }

  private stored(address: Address | undefined, width: number): void {
    if (address === undefined) return this.killAll();
    this.log.stores.push({ address, width });
    for (const [k, h] of this.state.held) if (mayOverlap(h, address, width)) this.state.held.delete(k);
  }

  private killAll(): void {
    this.log.memory = true;
    this.state.held.clear();
  }

  private hold(h: Held): void {
    if (typeof h.holder === 'string' && (h.address.reads.includes(h.holder) || h.view === h.holder)) return;
    if (this.state.held.size >= MAX_HELD) this.state.held.delete(this.state.held.keys().next().value!);
    this.state.held.set(h.key, h);
  }

  /**
   * Run `body` as a compound statement's inside (each path from `entry`, or from nothing known),
   * then continue with what held before it and nothing inside it touched.
   */
  private compound(body: (entry: State) => void): void {
    const before = this.state;
    const effects = new Effects();
    this.logs.push(effects);
    body(before);
    this.logs.pop();
    effects.mergeInto(this.log);
    const after = new State();
    for (const [k, h] of before.held) {
      const kept = effects.after(h);
      if (kept) after.held.set(k, kept);
    }
    if (!effects.anything) for (const [k, a] of before.temps) if (!effects.names.has(k) && !a.reads.some((n) => effects.names.has(n))) after.temps.set(k, a);
    this.state = after;
  }

  /** Walk `e` on a copy of `entry` (a branch taken or not). */
  private branch(entry: State, walk: () => void): void {
    this.state = entry.clone();
    walk();
  }

  // ---- statements ----

  private stmts(list: Stmt[]): void {
    // Where a read was answered: statements are only removed at the one being walked, so these stay right.
    const changed: number[] = [];
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (s.type !== 'ExpressionStatement') {
        this.stmt(s);
        continue;
      }
      const before = this.replaced;
      const e = this.expr(s.expression, false);
      if (e === undefined) list.splice(i--, 1);
      else s.expression = e;
      if (this.replaced !== before && e !== undefined) changed.push(i);
    }
    // Last first: removing one moves only those after it.
    for (let k = changed.length - 1; k >= 0; k--) dropDeadAddress(list, changed[k]!);
  }

  private stmt(s: Stmt): void {
    switch (s.type) {
      case 'ExpressionStatement':
        return this.stmts([s]);
      case 'IfStatement':
        s.test = this.need(s.test);
        return this.compound((entry) => {
          this.branch(entry, () => this.stmt(s.consequent));
          if (s.alternate) this.branch(entry, () => this.stmt(s.alternate!));
        });
      case 'BlockStatement':
        return this.stmts(s.body);
      case 'LabeledStatement':
        // A labelled block is entered at its top; a `break` from inside reaches what follows it.
        if (s.body.type !== 'BlockStatement') return this.stmt(s.body);
        return this.compound((entry) => this.branch(entry, () => this.stmts((s.body as t.BlockStatement).body)));
      case 'ForStatement':
        // `for (;;)`, entered again from its end: nothing is known at the top of the body.
        if (s.init || s.test || s.update) return this.opaque();
        return this.compound(() => {
          this.state = new State();
          this.stmt(s.body);
        });
      case 'SwitchStatement':
        s.discriminant = this.need(s.discriminant);
        // Each case is entered from the switch or from the case before: nothing known.
        if (s.cases.some((c) => c.test && c.test.type !== 'NumericLiteral')) return this.opaque();
        return this.compound(() => {
          for (const c of s.cases) {
            this.state = new State();
            this.stmts(c.consequent);
          }
        });
      case 'ReturnStatement': case 'ThrowStatement':
        if (s.argument) s.argument = this.need(s.argument);
        return;
      case 'BreakStatement': case 'ContinueStatement': case 'EmptyStatement':
        return;
      default:
        return this.opaque();
    }
  }

  /** A statement or expression this pass does not model (not walked): it may do anything. */
  private opaque(): void {
    this.killAll();
    this.log.anything = true;
    this.state.temps.clear();
  }

  // ---- expressions, in evaluation order ----

  private need(e: Expr): Expr {
    return this.expr(e, true)!;
  }

  /** `e` walked, its repeated reads replaced; undefined where its value is unused and it became nothing (`x = x`). */
  private expr(e: Expr, used: boolean): Expr | undefined {
    switch (e.type) {
      case 'Identifier': case 'NumericLiteral': case 'BooleanLiteral': case 'StringLiteral': case 'NullLiteral': case 'BigIntLiteral':
        return e;
      case 'UnaryExpression':
        if (e.operator === 'delete') return this.opaqueExpr(e);
        e.argument = this.need(e.argument);
        return e;
      case 'BinaryExpression':
        if (e.left.type === 'PrivateName') return this.opaqueExpr(e);
        e.left = this.need(e.left);
        e.right = this.need(e.right);
        return e;
      case 'LogicalExpression':
        e.left = this.need(e.left);
        this.compound((entry) => this.branch(entry, () => (e.right = this.need(e.right))));
        return e;
      case 'ConditionalExpression':
        e.test = this.need(e.test);
        this.compound((entry) => {
          this.branch(entry, () => (e.consequent = this.need(e.consequent)));
          this.branch(entry, () => (e.alternate = this.need(e.alternate)));
        });
        return e;
      case 'SequenceExpression': {
        const last = e.expressions.length - 1;
        const kept: Expr[] = [];
        e.expressions.forEach((x, k) => {
          const y = this.expr(x, k === last && used);
          if (y !== undefined) kept.push(y);
        });
        if (kept.length <= 1) return kept[0];
        e.expressions = kept;
        return e;
      }
      case 'MemberExpression':
        // A property read (`inst.$global0`, `mem.dv`, `mem.i32[k]`) writes nothing.
        e.object = this.need(e.object as Expr);
        if (e.computed) e.property = this.need(e.property as Expr);
        return e;
      case 'AssignmentExpression':
        return this.assignment(e, used);
      case 'CallExpression':
        return this.callExpr(e);
      default:
        return this.opaqueExpr(e);
    }
  }

  private opaqueExpr(e: Expr): Expr {
    this.opaque();
    return e;
  }

  private assignment(e: t.AssignmentExpression, used: boolean): Expr | undefined {
    const left = e.left;
    if (left.type === 'MemberExpression' && e.operator === '=') {
      left.object = this.need(left.object as Expr);
      if (left.computed) left.property = this.need(left.property as Expr);
      e.right = this.need(e.right);
      // `inst.$global0 = x`, `high.bits = x`: a field, not memory. `view[i] = x`: memory, anywhere.
      if (left.computed) this.killAll();
      return e;
    }
    if (left.type !== 'Identifier' || e.operator !== '=') return this.opaqueExpr(e);
    const name = left.name;
    const right = this.need(e.right);
    e.right = right;
    // `x = x`: a read answered from x itself.
    if (right.type === 'Identifier' && right.name === name) return used ? right : undefined;
    const read = this.lastRead;
    this.lastRead = undefined;
    this.assigned(name);
    if (read !== undefined && read.node === right) this.hold({ ...read.held, holder: name });
    // `x = y` where y holds reads: x holds them too, for when y is assigned first.
    if (right.type === 'Identifier') {
      for (const [k, h] of this.state.held) {
        if (h.holder === right.name || h.also?.includes(right.name)) this.state.held.set(k, { ...h, also: [...(h.also ?? []), name] });
      }
    }
    const address = addressOf(right, this.state);
    if (address !== undefined && !address.reads.includes(name)) {
      if (this.state.temps.size >= MAX_HELD) this.state.temps.delete(this.state.temps.keys().next().value!);
      this.state.temps.set(name, address);
    }
    return e;
  }

  /** The read the last call walked made (not answered from a variable): held by whatever it is assigned to. */
  private lastRead: { node: Expr; held: Held } | undefined;

  private callExpr(e: t.CallExpression): Expr {
    const callee = e.callee;
    if (callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier' && callee.object.name === 'Math') {
      e.arguments = e.arguments.map((a) => this.need(a as Expr));
      return e;
    }
    if (callee.type === 'Identifier' && PURE_HELPER.test(callee.name)) {
      e.arguments = e.arguments.map((a) => this.need(a as Expr));
      return e;
    }
    const access = viewCall(e);
    if (access === undefined || e.arguments.some((a) => a.type === 'SpreadElement')) {
      if (callee.type === 'MemberExpression') callee.object = this.need(callee.object as Expr);
      e.arguments = e.arguments.map((a) => this.need(a as Expr));
      this.killAll();
      return e;
    }
    e.arguments = e.arguments.map((a) => this.need(a as Expr));
    const { view, method } = access;
    const width = WIDTH[method]!;
    const isStore = method.startsWith('set');
    const address = addressOf(e.arguments[0] as Expr, this.state);
    const le = littleEndian(e.arguments, isStore ? 2 : 1);
    if (isStore) {
      this.stored(address, width);
      const value = e.arguments[1] as Expr;
      const reads = READ_OF_STORE[method];
      if (address === undefined || le === undefined || reads === undefined) return e;
      const literal = literalValue(value);
      if (value.type !== 'Identifier' && literal === undefined) return e;
      for (const [readMethod, convert] of Object.entries(reads)) {
        const holder = value.type === 'Identifier' ? value.name : convertValue(literal!, convert);
        this.hold({ key: keyOf(view, readMethod, le || width === 1, address), view, address, width, holder, convert: typeof holder === 'number' ? 'none' : convert });
      }
      return e;
    }
    if (address === undefined || le === undefined) return e;
    const key = keyOf(view, method, le || width === 1, address);
    const held = this.state.held.get(key);
    if (held !== undefined) {
      this.replaced++;
      return typeof held.holder === 'number' ? num(held.holder) : convertExpr(held.holder, held.convert);
    }
    this.lastRead = { node: e, held: { key, view, address, width, holder: '', convert: 'none' } };
    return e;
  }
}

/**
 * A read answered from a variable leaves its address's temporary unread (`t = (sp >>> 0) + 544,
 * x_hi = y_hi, x = y`): where the statements after it assign the temporary again before anything
 * reads it, the assignment goes. Straight-line statements only, a few ahead.
 */
function dropDeadAddress(list: Stmt[], at: number): void {
  const s = list[at] as t.ExpressionStatement;
  const e = s.expression;
  const first = e.type === 'SequenceExpression' ? e.expressions[0]! : e;
  if (first.type !== 'AssignmentExpression' || first.left.type !== 'Identifier' || baseText(first.right, [], { n: Infinity }) === undefined) return;
  const name = first.left.name;
  if (e.type === 'SequenceExpression' && e.expressions.slice(1).some((x) => readsName(x, name))) return;
  for (let j = at + 1; j < Math.min(list.length, at + 9); j++) {
    const next = list[j]!;
    if (next.type !== 'ExpressionStatement') return;
    const x = next.expression;
    const head = x.type === 'SequenceExpression' ? x.expressions[0]! : x;
    if (head.type === 'AssignmentExpression' && head.operator === '=' && head.left.type === 'Identifier' && head.left.name === name && !readsName(head.right, name)) {
      if (e.type !== 'SequenceExpression') list.splice(at, 1);
      else if (e.expressions.length === 2) s.expression = e.expressions[1]!;
      else e.expressions.shift();
      return;
    }
    if (readsName(x, name)) return;
  }
}
