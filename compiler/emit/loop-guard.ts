// emit/: one bounds check per loop iteration instead of one per access (bench/README.md D5, S9).
// A small innermost loop whose accesses address `local + constant` runs, each iteration, either a
// copy of its body with those accesses unchecked, when one guard at the iteration's start proves
// them all aligned and in bounds, or the body as always (every access checked, trapping exactly
// where wasm traps):
//
//   L3: for (;;) { if ((l19 & 7) === 0 && l19 >>> 0 <= mem.length - 112) { …unchecked… } else { …checked… } }
//
// Why it is sound: an address is tracked as the value a local (or the sum of two) had when the
// iteration began plus a constant, through local.get/set/tee, i32.const, i32.add and i32.sub,
// along every path of the iteration (where paths meet, a local whose paths disagree is unknown). The guard bounds
// that local so that every tracked address, offset included, is aligned and inside the memory
// without wrapping past 2^32. Linear memory never shrinks, and each access still reads the view
// afresh from `mem`, so calls in the body (which may grow memory) keep the guard true. An access
// the guard does not cover keeps its check. Anything the tracker does not model forgets the
// operand stack, so an address is never misattributed.

import type { Instr } from '../ir/module.js';
import { bin, id, member, num, type Expr } from './ast.js';
import { OPS_BY_NAME } from './op-signatures.js';
import { INLINE_ACCESS } from './memory.js';

/** Loops up to this many instructions are versioned (the body is emitted twice). */
const MAX_BODY = 600;
/** Accesses a guard must cover to be worth one. */
const MIN_ACCESSES = 2;

/** The accesses the fast copy may leave unchecked, and what the guard must prove. */
export interface LoopGuard {
  /** Instruction indices of the covered loads and stores. */
  accesses: Set<number>;
  /** Per base (its locals, `3+7`): lowest offset from it, highest end, alignment needed. */
  bases: Map<string, { low: number; high: number; align: number }>;
}

/**
 * `(terms summed, wrapping as i32) + c`: each term a local's value at the iteration's start, maybe
 * shifted left (`7` or `7<<2`: an array index), at most two (none: the constant c). null: unknown.
 * A base is the terms' sum, so `p + (i << 2) + 4` and `p + (i << 2)` share one.
 */
type Sym = { locals: string[]; c: number } | null;
const MAX_TERMS = 2;

/** Each local's value as a Sym; a local not in the map still has its value from the iteration's start. */
type State = Map<number, Sym>;

/** A block or if inside the loop body: the states branches bring to its end. */
interface Frame {
  op: 'block' | 'if';
  ends: State[];
  /** An if's state at its start: its else branch (written or implicit) starts there. */
  start?: State;
  hasElse?: boolean;
}

/** Where paths meet, a local keeps its value only if every path agrees on it. */
function merge(states: State[]): State {
  const out: State = new Map();
  const keys = new Set<number>();
  for (const st of states) for (const k of st.keys()) keys.add(k);
  const initial = (k: number): Sym => ({ locals: [String(k)], c: 0 });
  for (const k of keys) {
    const values = states.map((st) => (st.has(k) ? st.get(k)! : initial(k)));
    const first = values[0]!;
    const same = values.every((v) => v !== null && first !== null && v.c === first.c && v.locals.join() === first.locals.join());
    out.set(k, same ? first : null);
  }
  return out;
}

/** The guard for the loop opened at body[start], or undefined if it is not worth one. */
export function analyzeLoop(body: Instr[], start: number, isI32Local: (i: number) => boolean): LoopGuard | undefined {
  // Along the paths of one iteration (forward only: no inner loop, and a branch back to this loop
  // starts the next iteration, which the guard checks again), each local's value as a Sym.
  let state: State = new Map();
  let live = true; // false in dead code after br, br_table, return, unreachable
  const valueOf = (local: number): Sym => (state.has(local) ? state.get(local)! : isI32Local(local) ? { locals: [String(local)], c: 0 } : null);
  let stack: Sym[] = [];
  const pop = (): Sym => (stack.length ? stack.pop()! : null);
  const found: Found[] = [];
  const frames: Frame[] = [];
  /** A branch by relative depth: to a block or if in the body, its end gets this state. */
  const branch = (depth: number): void => {
    const target = frames[frames.length - 1 - depth];
    if (target && live) target.ends.push(new Map(state)); // else: this loop (next iteration) or out of it
  };
  for (let i = start + 1; i < body.length; i++) {
    if (i - start > MAX_BODY) return undefined;
    const instr = body[i]!;
    const op = instr.op;
    switch (op) {
      case 'loop':
        return undefined; // innermost loops only
      case 'block':
        frames.push({ op: 'block', ends: [] });
        stack = [];
        continue;
      case 'if':
        frames.push({ op: 'if', ends: [], start: new Map(state) });
        stack = [];
        continue;
      case 'else': {
        const f = frames[frames.length - 1]!;
        if (live) f.ends.push(state);
        f.hasElse = true;
        state = new Map(f.start!);
        live = true; // as reachable as the if itself; dead code never records an access anyway
        stack = [];
        continue;
      }
      case 'end': {
        const f = frames.pop();
        if (!f) return guardFor(found);
        const paths: State[] = live ? [state, ...f.ends] : [...f.ends];
        if (f.op === 'if' && !f.hasElse) paths.push(f.start!);
        live = paths.length > 0;
        state = live ? merge(paths) : new Map();
        stack = [];
        continue;
      }
      case 'br':
        branch(instr.index!);
        live = false;
        stack = [];
        continue;
      case 'br_if':
        branch(instr.index!);
        stack = [];
        continue;
      case 'br_table':
        for (const l of instr.labels!) branch(l);
        live = false;
        stack = [];
        continue;
      case 'return':
      case 'unreachable':
        live = false;
        stack = [];
        continue;
      case 'local.get':
        stack.push(valueOf(instr.index!));
        continue;
      case 'local.set':
      case 'local.tee': {
        const v = pop();
        state.set(instr.index!, isI32Local(instr.index!) ? v : null);
        if (op === 'local.tee') stack.push(v);
        continue;
      }
      case 'i32.const':
        stack.push({ locals: [], c: instr.value as number });
        continue;
      case 'i32.add':
      case 'i32.sub': {
        const b = pop();
        const a = pop();
        stack.push(combine(a, b, op === 'i32.sub'));
        continue;
      }
      case 'i32.shl': {
        const b = pop();
        const a = pop();
        stack.push(shifted(a, b));
        continue;
      }
    }
    const access = INLINE_ACCESS[op]; // the accesses with an inline fast path (emit/memory.ts)
    if (access !== undefined && live && instr.memarg!.memory === 0) {
      const addr = stack[stack.length - (op.includes('store') ? 2 : 1)]; // a store's value (one entry, even an i64) is on top
      const low = addr ? addr.c + instr.memarg!.offset : 0;
      if (addr && addr.locals.length > 0 && Math.abs(addr.c) < 2 ** 30 && ((low % access.align) + access.align) % access.align === 0) found.push({ at: i, base: addr.locals.join('+'), low, size: access.size, align: access.align });
    }
    const sig = OPS_BY_NAME.get(op)?.sig;
    if (!sig || op === 'select' || op === 'drop') {
      if (op === 'drop') pop();
      else if (op === 'select') {
        pop();
        pop();
        pop();
        stack.push(null);
      } else stack = []; // calls and anything else: forget the stack
      continue;
    }
    for (let k = 0; k < sig[0].length; k++) pop();
    for (let k = 0; k < sig[1].length; k++) stack.push(null);
  }
  return undefined;
}

/** `a << k` for an index scaled to bytes (k 1–3): `(i + c) << k` is `(i << k) + (c << k)` mod 2^32. */
function shifted(a: Sym, b: Sym): Sym {
  if (!a || !b || b.locals.length > 0 || b.c < 1 || b.c > 3) return null;
  if (a.locals.length === 0) return { locals: [], c: (a.c << b.c) | 0 };
  if (a.locals.length !== 1 || a.locals[0]!.includes('<<')) return null;
  return { locals: [`${a.locals[0]}<<${b.c}`], c: a.c * 2 ** b.c };
}

function combine(a: Sym, b: Sym, subtract: boolean): Sym {
  if (!a || !b) return null;
  if (subtract) return b.locals.length === 0 ? { locals: a.locals, c: a.c - b.c } : null;
  const locals = [...a.locals, ...b.locals].sort();
  return locals.length <= MAX_TERMS ? { locals, c: a.c + b.c } : null;
}

interface Found {
  at: number;
  /** The base's terms, `3+7<<2`. */
  base: string;
  low: number;
  size: number;
  align: number;
}

function guardFor(found: Found[]): LoopGuard | undefined {
  if (found.length < MIN_ACCESSES) return undefined;
  const bases = new Map<string, { low: number; high: number; align: number }>();
  for (const a of found) {
    const b = bases.get(a.base);
    if (b) {
      b.low = Math.min(b.low, a.low);
      b.high = Math.max(b.high, a.low + a.size);
      b.align = Math.max(b.align, a.align);
    } else bases.set(a.base, { low: a.low, high: a.low + a.size, align: a.align });
  }
  return { accesses: new Set(found.map((a) => a.at)), bases };
}

/**
 * The guard: each base aligned to its largest access, and every access from it inside memory:
 * `(b & 7) === 0 && b >>> 0 >= 16 && b >>> 0 <= mem.length - 112`.
 */
export function guardExpr(guard: LoopGuard, localName: (i: number) => string, mem: Expr): Expr {
  const parts: Expr[] = [];
  for (const [base, { low, high, align }] of guard.bases) {
    const terms = base.split('+').map((term) => {
      const [local, shift] = term.split('<<');
      return shift === undefined ? id(localName(Number(local))) : bin('<<', id(localName(Number(local))), num(Number(shift)));
    });
    // A sum wraps as wasm's i32.add does; the bound below then rules out the wrap past 2^32.
    const v: Expr = terms.length === 1 ? terms[0]! : bin('|', terms.slice(1).reduce<Expr>((x, y) => bin('+', x, y), terms[0]!), num(0));
    const u = bin('>>>', v, num(0));
    // Terms all shifted far enough are aligned already (`p << 2` to 4).
    const aligned = base.split('+').every((term) => 2 ** Number(term.split('<<')[1] ?? 0) >= align);
    if (align > 1 && !aligned) parts.push(bin('===', bin('&', v, num(align - 1)), num(0)));
    if (low < 0) parts.push(bin('>=', u, num(-low)));
    parts.push(bin('<=', u, bin('-', member(mem, 'length'), num(high))));
  }
  return parts.reduce((a, b) => ({ type: 'LogicalExpression', operator: '&&', left: a, right: b }) as Expr);
}

/** Marks a checked access `test ? fast : helper(…)` whose fast branch the guarded copy may take alone. */
export const GUARDED = 'w2jsGuarded';

/** A deep copy of `node` with every marked access replaced by its fast branch. */
export function uncheckedCopy<T>(node: T): T {
  if (Array.isArray(node)) return node.map((x) => uncheckedCopy(x)) as T;
  if (!node || typeof node !== 'object') return node;
  const n = node as Record<string, unknown>;
  if (n[GUARDED] === true && n.type === 'ConditionalExpression') return uncheckedCopy(n.consequent) as T;
  // Literals stay shared: a dispatch segment's number (emit/dispatch.ts) is filled in later.
  if (n.type === 'NumericLiteral') return node;
  const out: Record<string, unknown> = {};
  for (const key in n) out[key] = key === 'loc' ? n[key] : uncheckedCopy(n[key]);
  return out as T;
}
