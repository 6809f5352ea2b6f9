// emit/: one bounds check per loop iteration instead of one per access (bench/README.md D5, S9).
// A small innermost loop whose accesses address `local + constant` runs, each iteration, either a
// copy of its body with those accesses unchecked, when one guard at the iteration's start proves
// them all aligned and in bounds, or the body as always (every access checked, trapping exactly
// where wasm traps):
//
//   L3: for (;;) { if ((l19 & 7) === 0 && l19 >>> 0 <= mem.length - 112) { …unchecked… } else { …checked… } }
//
// Why it is sound: an address is tracked as the value a local had when the iteration began plus a
// constant, through local.get/set/tee, i32.const, i32.add and i32.sub at the body's top level (a
// local written anywhere else, or to anything else, is unknown from there on). The guard bounds
// that local so that every tracked address, offset included, is aligned and inside the memory
// without wrapping past 2^32. Linear memory never shrinks, and each access still reads the view
// afresh from `mem`, so calls in the body (which may grow memory) keep the guard true. An access
// the guard does not cover keeps its check. Anything the tracker does not model forgets the
// operand stack, so an address is never misattributed.

import type { Instr } from '../ir/module.js';
import { bin, id, member, num, type Expr } from './ast.js';
import { OPS_BY_NAME } from './op-signatures.js';

/** Loops up to this many instructions are versioned (the body is emitted twice). */
const MAX_BODY = 300;
/** Accesses a guard must cover to be worth one. */
const MIN_ACCESSES = 2;

/** The accesses the fast copy may leave unchecked, and what the guard must prove. */
export interface LoopGuard {
  /** Instruction indices of the covered loads and stores. */
  accesses: Set<number>;
  /** Per base (its locals, `3+7`): lowest offset from it, highest end, alignment needed. */
  bases: Map<string, { low: number; high: number; align: number }>;
}

/** Accesses with an inline fast path (emit/memory.ts, emit/i64.ts): bytes, and the alignment it needs (an i64 is two i32 slots). */
const GUARDABLE: Record<string, { size: number; align: number }> = {
  'i32.load': { size: 4, align: 4 }, 'i32.store': { size: 4, align: 4 }, 'f64.load': { size: 8, align: 8 }, 'f64.store': { size: 8, align: 8 },
  'i32.load8_u': { size: 1, align: 1 }, 'i32.store8': { size: 1, align: 1 }, 'i64.load': { size: 8, align: 4 }, 'i64.store': { size: 8, align: 4 },
};

/**
 * `(locals summed, wrapping as i32) + c`: the locals' values at the iteration's start, at most two
 * (none: the constant c). null: unknown. A base is the locals' sum, so `p + i + 4` and `p + i`
 * share one.
 */
type Sym = { locals: number[]; c: number } | null;
const MAX_TERMS = 2;

/** The guard for the loop opened at body[start], or undefined if it is not worth one. */
export function analyzeLoop(body: Instr[], start: number, isI32Local: (i: number) => boolean): LoopGuard | undefined {
  const state = new Map<number, Sym>();
  const valueOf = (local: number): Sym => (state.has(local) ? state.get(local)! : isI32Local(local) ? { locals: [local], c: 0 } : null);
  let stack: Sym[] = [];
  const pop = (): Sym => (stack.length ? stack.pop()! : null);
  const found: Found[] = [];
  let depth = 0;
  for (let i = start + 1; i < body.length; i++) {
    if (i - start > MAX_BODY) return undefined;
    const instr = body[i]!;
    const op = instr.op;
    switch (op) {
      case 'loop':
        return undefined; // innermost loops only
      case 'block':
      case 'if':
        depth++;
        stack = [];
        continue;
      case 'end':
        if (depth === 0) return guardFor(found);
        depth--;
        stack = [];
        continue;
      case 'local.get':
        stack.push(valueOf(instr.index!));
        continue;
      case 'local.set':
      case 'local.tee': {
        const v = pop();
        // A write inside a branch or a nested block may or may not happen: unknown from here on.
        state.set(instr.index!, depth === 0 && isI32Local(instr.index!) ? v : null);
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
    }
    const access = GUARDABLE[op];
    if (access !== undefined && instr.memarg!.memory === 0) {
      const addr = stack[stack.length - (op.includes('store') ? 2 : 1)]; // a store's value (one entry, even an i64) is on top
      const low = addr ? addr.c + instr.memarg!.offset : 0;
      if (addr && addr.locals.length > 0 && Math.abs(addr.c) < 2 ** 30 && ((low % access.align) + access.align) % access.align === 0) found.push({ at: i, base: addr.locals.join('+'), low, ...access });
    }
    const sig = OPS_BY_NAME.get(op)?.sig;
    if (!sig || op === 'select' || op === 'drop') {
      if (op === 'drop') pop();
      else if (op === 'select') {
        pop();
        pop();
        pop();
        stack.push(null);
      } else stack = []; // calls, branches, anything else: forget the stack
      continue;
    }
    for (let k = 0; k < sig[0].length; k++) pop();
    for (let k = 0; k < sig[1].length; k++) stack.push(null);
  }
  return undefined;
}

function combine(a: Sym, b: Sym, subtract: boolean): Sym {
  if (!a || !b) return null;
  if (subtract) return b.locals.length === 0 ? { locals: a.locals, c: a.c - b.c } : null;
  const locals = [...a.locals, ...b.locals].sort((x, y) => x - y);
  return locals.length <= MAX_TERMS ? { locals, c: a.c + b.c } : null;
}

interface Found {
  at: number;
  /** The base's locals, `3+7`. */
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
    const terms = base.split('+').map((i) => id(localName(Number(i))));
    // A sum wraps as wasm's i32.add does; the bound below then rules out the wrap past 2^32.
    const v: Expr = terms.length === 1 ? terms[0]! : bin('|', terms.slice(1).reduce<Expr>((x, y) => bin('+', x, y), terms[0]!), num(0));
    const u = bin('>>>', v, num(0));
    if (align > 1) parts.push(bin('===', bin('&', v, num(align - 1)), num(0)));
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
