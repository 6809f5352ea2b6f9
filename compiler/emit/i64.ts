// emit/: i64 lowered to pairs of i32 halves (lo, hi). What it keeps: every i64 result bit and
// every trap of wasm's i64 instructions. What it changes: an i64 is two JS values; a helper
// that yields an i64 returns lo and leaves hi in `high.bits` (runtime/numeric/i64-pair.ts),
// read at once into a temporary. The halves of an i64 stack entry are always pure (locals,
// temporaries, constants and operators on them), so either may be evaluated in any order.
// Why pairs and not BigInt: see bench/README.md (BigInt allocates per operation).

import type { Instr, ValType } from '../ir/module.js';
import { assign, bin, boolToI32, call, cond, exprStmt, id, literalValue, member, num, tsAs, unary, type Expr, type Stmt } from './ast.js';
import { eqzTest } from './numeric.js';
import { dataViewCall, fastPathTest, orderedDataViewCall, INLINE_ACCESS, guardable, inlineLoad, inlineStore, isInline } from './memory.js';

/** A stack value as the i64 emitter sees it: for i64, `e` is the low half. */
export interface PairEntry {
  e: Expr;
  hi?: Expr;
  type: ValType;
  kind: number;
}

/** What the i64 emitter needs from the function emitter. */
export interface PairHooks {
  helper(name: string): Expr;
  /** The entry with both halves (or its one value) in identifiers or literals, for reuse. */
  simple(entry: PairEntry): PairEntry;
  /** A fresh variable (an i64 one also gets `<name>_hi`). */
  newVar(type: ValType): string;
  /** Emit a statement (spilling pending effects first). */
  statement(stmt: Stmt): void;
  push(entry: PairEntry): void;
  memory(index: number): Expr;
  /** The memory's DataView (memory.ts MemoryEmitHooks.view). */
  view(index: number): Expr;
  /** TypeScript output (emit/ts-types.ts). */
  ts?: boolean;
  /** The access is covered by its loop's guard (emit/loop-guard.ts). */
  guarded?: boolean;
  /** The access's memory is accessed through its DataView (emit/memory.ts dataViewAccess). */
  dataView?: boolean;
  /** The function has more i64.mul than TurboFan inlines helpers for (mulsPastInlining). */
  manyMuls?: boolean;
}

const or0 = (e: Expr): Expr => bin('|', e, num(0));
const u32 = (e: Expr): Expr => {
  const value = literalValue(e);
  return value === undefined ? bin('>>>', e, num(0)) : num(value >>> 0);
};
const TWO32 = num(4294967296);

export const hiName = (name: string): string => `${name}_hi`;

/** Split an i64 constant into its halves. */
export function constPair(value: bigint): [number, number] {
  return [Number(BigInt.asIntN(32, value)), Number(BigInt.asIntN(32, value >> 32n))];
}

/**
 * i64.mul inline (bench/README.md S17): `t = Math.imul(a, b); t_hi = Math.imul(a, b_hi) +
 * Math.imul(a_hi, b) + mul_high_u32(a, b) | 0`, terms of a literal 0 half left out. Operands are
 * simple (read twice). TurboFan inlines the helper while its budget for the function lasts; in a
 * function with more multiplications than that (hash-wasm's argon2, Blake2b's rounds unrolled:
 * 32) the high word is computed inline instead, from the double product and the exact low word
 * `t` (mulHigh): argon2 0.88×, but the i64 program 1.07× where the helper was inlined (bench S29).
 */
function mulInline(hooks: PairHooks, a: PairEntry, b: PairEntry): void {
  const imul = (x: Expr, y: Expr): Expr => call(member(id('Math'), 'imul'), [x, y]);
  const terms: Expr[] = [];
  if (literal(b.hi!) !== 0 && literal(a.e) !== 0) terms.push(imul(a.e, b.hi!));
  if (literal(a.hi!) !== 0 && literal(b.e) !== 0) terms.push(imul(a.hi!, b.e));
  const t = hooks.newVar('i64');
  hooks.statement(exprStmt(assign(id(t), imul(a.e, b.e))));
  terms.push(hooks.manyMuls ? mulHigh(a.e, b.e, id(t)) : call(hooks.helper('mul_high_u32'), [a.e, b.e]));
  hooks.statement(exprStmt(assign(id(hiName(t)), or0(terms.reduce((x, y) => bin('+', x, y))))));
  hooks.push({ e: id(t), hi: id(hiName(t)), type: 'i64', kind: 0 });
}

/** More i64.mul than TurboFan inlines `mul_high_u32` for: its cumulative budget (920 bytes of bytecode) holds about 15. */
export function mulsPastInlining(body: readonly Instr[]): boolean {
  let muls = 0;
  for (const instr of body) if (instr.op === 'i64.mul' && ++muls > 16) return true;
  return false;
}

/**
 * The high word of the unsigned product of int32s a and b, given its exact low word `lo`:
 * `((a >>> 0) * (b >>> 0) - (lo >>> 0)) * 2^-32 + 0.5 | 0`. The product P < 2^64 rounds to a
 * double within 2^10 of it, and subtracting lo (exact) leaves hi·2^32 within 2^11 (the
 * subtraction rounds by 2^10 more); scaled by 2^-32 (exact) that is hi within 2^-21, so adding 0.5
 * and truncating gives hi, wrapped to an int32 by `| 0` (checked against BigInt on 5 M pairs).
 */
function mulHigh(a: Expr, b: Expr, lo: Expr): Expr {
  return or0(bin('+', bin('*', bin('-', bin('*', u32(a), u32(b)), u32(lo)), num(2 ** -32)), num(0.5)));
}

/** `t = helper(args); t_hi = high.bits;` and push (t, t_hi). */
function helperPair(hooks: PairHooks, name: string, args: Expr[]): void {
  helperPairOf(hooks, call(hooks.helper(name), args));
}

const maxKind = (entries: PairEntry[]): number => Math.max(0, ...entries.map((e) => e.kind));
const literal = (e: Expr): number | undefined => (e.type === 'NumericLiteral' ? e.value : undefined);

type Shift = 'i64.shl' | 'i64.shr_u' | 'i64.shr_s';
const isShift = (op: string): op is Shift => op === 'i64.shl' || op === 'i64.shr_u' || op === 'i64.shr_s';

function shiftByConstant(op: Shift, a: PairEntry, k: number): [Expr, Expr] {
  const lo = a.e;
  const hi = a.hi!;
  if (k === 0) return [lo, hi];
  switch (op) {
    case 'i64.shl':
      return k < 32
        ? [bin('<<', lo, num(k)), bin('|', bin('<<', hi, num(k)), bin('>>>', lo, num(32 - k)))]
        : [num(0), bin('<<', lo, num(k - 32))];
    case 'i64.shr_u':
      return k < 32
        ? [bin('|', bin('>>>', lo, num(k)), bin('<<', hi, num(32 - k))), or0(bin('>>>', hi, num(k)))]
        : [or0(bin('>>>', hi, num(k - 32))), num(0)];
    case 'i64.shr_s':
      return k < 32
        ? [bin('|', bin('>>>', lo, num(k)), bin('<<', hi, num(32 - k))), bin('>>', hi, num(k))]
        : [bin('>>', hi, num(k - 32)), bin('>>', hi, num(31))];
  }
}

/**
 * A shift by a count known only at run time, inline (bench/README.md S17): k = n & 63 in a
 * temporary, then per half a choice on k & 32. JS masks a shift count by 31, so `x << k` is
 * `x << k - 32` once k ≥ 32; and `x << 1 << 31 - k` (or `x >>> 1 >>> 31 - k`) is the bits that cross
 * between the halves for every k below 32, 0 included, where `x << 32 - k` would shift by 0.
 */
function shiftByVariable(op: Shift, a: PairEntry, n: Expr, hooks: PairHooks): void {
  const k = hooks.newVar('i32');
  hooks.statement(exprStmt(assign(id(k), bin('&', n, num(63)))));
  const wide = bin('&', id(k), num(32));
  const back = bin('-', num(31), id(k));
  const [lo, hi] = [a.e, a.hi!];
  let halves: [Expr, Expr];
  if (op === 'i64.shl') {
    halves = [cond(wide, num(0), bin('<<', lo, id(k))), cond(wide, bin('<<', lo, id(k)), bin('|', bin('<<', hi, id(k)), bin('>>>', bin('>>>', lo, num(1)), back)))];
  } else {
    const crossed = bin('|', bin('>>>', lo, id(k)), bin('<<', bin('<<', hi, num(1)), back));
    halves = op === 'i64.shr_u'
      ? [cond(wide, or0(bin('>>>', hi, id(k))), crossed), cond(wide, num(0), or0(bin('>>>', hi, id(k))))]
      : [cond(wide, bin('>>', hi, id(k)), crossed), cond(wide, bin('>>', hi, num(31)), bin('>>', hi, id(k)))];
  }
  pairInTemps(hooks, halves[0], halves[1]);
}

/**
 * A rotate, inline (bench/README.md S21): by a constant, shifts of each half; by a variable,
 * k = n & 63 (or −n & 63 to the right) in a temporary and the halves swapped when k & 32, in two
 * more, then the same shifts by k (JS masks a count by 31; `x >>> 1 >>> 31 - k` is what crosses
 * over for every k, 0 included). Operands are simple (each half is read twice).
 */
function rotate(op: 'i64.rotl' | 'i64.rotr', a: PairEntry, n: Expr, hooks: PairHooks): void {
  const count = literal(n);
  if (count !== undefined) {
    const k = (op === 'i64.rotl' ? count : -count) & 63;
    const [x, y] = k & 32 ? [a.hi!, a.e] : [a.e, a.hi!];
    const m = k & 31;
    if (m === 0) return hooks.push({ e: x, hi: y, type: 'i64', kind: a.kind });
    return hooks.push({ e: bin('|', bin('<<', x, num(m)), bin('>>>', y, num(32 - m))), hi: bin('|', bin('<<', y, num(m)), bin('>>>', x, num(32 - m))), type: 'i64', kind: a.kind });
  }
  const k = hooks.newVar('i32');
  hooks.statement(exprStmt(assign(id(k), bin('&', op === 'i64.rotl' ? n : bin('-', num(0), n), num(63)))));
  const [x, y] = [hooks.newVar('i32'), hooks.newVar('i32')];
  const wide = bin('&', id(k), num(32));
  hooks.statement(exprStmt(assign(id(x), cond(wide, a.hi!, a.e))));
  hooks.statement(exprStmt(assign(id(y), cond(wide, a.e, a.hi!))));
  const back = bin('-', num(31), id(k));
  const half = (p: string, q: string): Expr => bin('|', bin('<<', id(p), id(k)), bin('>>>', bin('>>>', id(q), num(1)), back));
  pairInTemps(hooks, half(x, y), half(y, x));
}

/**
 * clz, ctz and popcnt, whose results are below 65: the low half, and a high half of literal 0
 * (no helper's `high.bits` round trip; later adds see the 0). clz and ctz inline (ctz of x is
 * 32 − clz(~x & x − 1), 32 for 0); popcnt as the i32 helper's on each half.
 */
function bitCount(op: 'i64.clz' | 'i64.ctz' | 'i64.popcnt', a: PairEntry, hooks: PairHooks): void {
  const clz = (x: Expr): Expr => call(member(id('Math'), 'clz32'), [x]);
  const ctz = (x: Expr, base: number): Expr => bin('-', num(base), clz(bin('&', unary('~', x), bin('-', x, num(1)))));
  const zero = (x: Expr): Expr => bin('===', x, num(0));
  const e = op === 'i64.clz'
    ? cond(zero(a.hi!), bin('+', num(32), clz(a.e)), clz(a.hi!))
    : op === 'i64.ctz'
      ? cond(zero(a.e), ctz(a.hi!, 64), ctz(a.e, 32))
      : bin('+', call(hooks.helper('i32_popcnt'), [a.e]), call(hooks.helper('i32_popcnt'), [a.hi!]));
  hooks.push({ e, hi: num(0), type: 'i64', kind: a.kind });
}

/** Helpers that take halves and return an i64 the `high.bits` way (the rest are inline). */
const PAIR_HELPERS = new Set(['i64.div_s', 'i64.div_u', 'i64.rem_s', 'i64.rem_u']);

/**
 * Emit a numeric instruction that has an i64 operand or result. Returns false if `op` is not
 * one (the caller handles it as a plain numeric op).
 */
export function emitI64Numeric(op: string, args: PairEntry[], hooks: PairHooks): boolean {
  const kind = maxKind(args);
  const pair = (lo: Expr, hi: Expr, k = kind) => hooks.push({ e: lo, hi, type: 'i64', kind: k });
  const i32 = (e: Expr, k = kind) => hooks.push({ e, type: 'i32', kind: k });
  if (op === 'i64.mul') {
    mulInline(hooks, hooks.simple(args[0]!), hooks.simple(args[1]!));
    return true;
  }
  if (isShift(op)) {
    const count = literal(args[1]!.e);
    const a = hooks.simple(args[0]!);
    if (count === undefined) shiftByVariable(op, a, hooks.simple(args[1]!).e, hooks);
    else pair(...shiftByConstant(op, a, count & 63), a.kind);
    return true;
  }
  if (op === 'i64.rotl' || op === 'i64.rotr') {
    // The count (its low half, pure) is read once, into k.
    rotate(op, hooks.simple(args[0]!), args[1]!.e, hooks);
    return true;
  }
  if (op === 'i64.clz' || op === 'i64.ctz' || op === 'i64.popcnt') {
    bitCount(op, hooks.simple(args[0]!), hooks);
    return true;
  }
  if (PAIR_HELPERS.has(op)) {
    helperPair(hooks, op.replace('.', '_'), args.flatMap((a) => [a.e, a.hi!]));
    return true;
  }
  switch (op) {
    case 'i64.add': {
      const [a, b] = args.map((x) => hooks.simple(x)) as [PairEntry, PairEntry];
      // The carry out of the low halves: their unsigned sum exceeds 32 bits. Against a constant c
      // (Go's pointer arithmetic: `p + 1544`) that is `a > 2^32 - 1 - c`, an add fewer (none for
      // c = 0), and a high half of 0 adds nothing (bench/README.md S49).
      const cb = literalValue(b.e);
      const c = cb ?? literalValue(a.e);
      const carry =
        c === undefined ? boolToI32(bin('>', bin('+', u32(a.e), u32(b.e)), num(4294967295)))
        : c >>> 0 === 0 ? undefined
        : boolToI32(bin('>', u32(cb !== undefined ? a.e : b.e), num(4294967295 - (c >>> 0))));
      const terms = [a.hi!, b.hi!].filter((h) => literalValue(h) !== 0);
      if (carry) terms.push(carry);
      const high = terms.length === 0 ? num(0) : terms.reduce((sum, term) => bin('+', sum, term));
      pair(or0(bin('+', a.e, b.e)), or0(high), maxKind([a, b]));
      return true;
    }
    case 'i64.sub': {
      const [a, b] = args.map((x) => hooks.simple(x)) as [PairEntry, PairEntry];
      // As for add: subtracting a constant with a low half of 0 borrows nothing, a high half of 0 is nothing.
      const borrow = literalValue(b.e) === 0 ? undefined : boolToI32(bin('<', u32(a.e), u32(b.e)));
      let high = literalValue(b.hi!) === 0 ? a.hi! : bin('-', a.hi!, b.hi!);
      if (borrow) high = bin('-', high, borrow);
      pair(or0(bin('-', a.e, b.e)), or0(high), maxKind([a, b]));
      return true;
    }
    case 'i64.and':
    case 'i64.or':
    case 'i64.xor': {
      const o = ({ 'i64.and': '&', 'i64.or': '|', 'i64.xor': '^' } as const)[op];
      pair(bin(o, args[0]!.e, args[1]!.e), bin(o, args[0]!.hi!, args[1]!.hi!));
      return true;
    }
    case 'i64.eqz': {
      // A zero-extended i32 (Go's `i64.extend_i32_u` of a comparison, then i64.eqz) is the low
      // half's i32.eqz: a comparison's 0/1 then gives that comparison negated.
      const { e: lo, hi } = args[0]!;
      i32(boolToI32(literal(hi!) === 0 ? eqzTest(lo) : bin('===', bin('|', lo, hi!), num(0))));
      return true;
    }
    case 'i64.eq': case 'i64.ne': {
      const [a, b] = args as [PairEntry, PairEntry];
      const eq = op === 'i64.eq';
      const low = bin(eq ? '===' : '!==', a.e, b.e);
      // High halves both the same literal (zero-extended operands): the low halves decide.
      const sameHigh = literal(a.hi!) !== undefined && literal(a.hi!) === literal(b.hi!);
      i32(boolToI32(sameHigh ? low : ({ type: 'LogicalExpression', operator: eq ? '&&' : '||', left: low, right: bin(eq ? '===' : '!==', a.hi!, b.hi!) } as Expr)));
      return true;
    }
    case 'i64.lt_s': case 'i64.lt_u': case 'i64.gt_s': case 'i64.gt_u':
    case 'i64.le_s': case 'i64.le_u': case 'i64.ge_s': case 'i64.ge_u': {
      const [a, b] = args.map((x) => hooks.simple(x)) as [PairEntry, PairEntry];
      const signed = op.endsWith('_s');
      const rel = op.slice(4, 6);
      const strict = (rel === 'lt' || rel === 'le' ? '<' : '>') as '<' | '>';
      const loRel = (rel === 'lt' ? '<' : rel === 'gt' ? '>' : rel === 'le' ? '<=' : '>=') as '<' | '>' | '<=' | '>=';
      const ah = signed ? a.hi! : u32(a.hi!);
      const bh = signed ? b.hi! : u32(b.hi!);
      const or = (left: Expr, right: Expr) => ({ type: 'LogicalExpression', operator: '||', left, right }) as Expr;
      const and = (left: Expr, right: Expr) => ({ type: 'LogicalExpression', operator: '&&', left, right }) as Expr;
      const low = bin(loRel, u32(a.e), u32(b.e));
      // Unsigned against a high half of 0 (Go compares small constants): the other high half
      // must be 0 for the low halves to decide; else it is the larger.
      let test: Expr;
      if (!signed && literal(b.hi!) === 0) test = strict === '<' ? and(bin('===', a.hi!, num(0)), low) : or(bin('!==', a.hi!, num(0)), low);
      else if (!signed && literal(a.hi!) === 0) test = strict === '<' ? or(bin('!==', b.hi!, num(0)), low) : and(bin('===', b.hi!, num(0)), low);
      // Compare the high halves; on a tie the low halves decide, unsigned.
      else test = or(bin(strict, ah, bh), and(bin('===', a.hi!, b.hi!), low));
      i32(boolToI32(test), maxKind([a, b]));
      return true;
    }
    case 'i32.wrap_i64':
      i32(args[0]!.e);
      return true;
    case 'i64.extend_i32_s': {
      const a = hooks.simple(args[0]!);
      pair(a.e, bin('>>', a.e, num(31)), a.kind);
      return true;
    }
    case 'i64.extend_i32_u':
      pair(args[0]!.e, num(0));
      return true;
    case 'i64.extend8_s':
    case 'i64.extend16_s': {
      const a = hooks.simple(args[0]!);
      const shift = op === 'i64.extend8_s' ? 24 : 16;
      pair(bin('>>', bin('<<', a.e, num(shift)), num(shift)), bin('>>', bin('<<', a.e, num(shift)), num(31)), a.kind);
      return true;
    }
    case 'i64.extend32_s': {
      const a = hooks.simple(args[0]!);
      pair(a.e, bin('>>', a.e, num(31)), a.kind);
      return true;
    }
    case 'f64.convert_i64_s':
      // hi * 2^32 is exact, so the one addition rounds once: correctly rounded.
      hooks.push({ e: bin('+', bin('*', args[0]!.hi!, TWO32), u32(args[0]!.e)), type: 'f64', kind });
      return true;
    case 'f64.convert_i64_u':
      hooks.push({ e: bin('+', bin('*', u32(args[0]!.hi!), TWO32), u32(args[0]!.e)), type: 'f64', kind });
      return true;
    case 'f32.convert_i64_s':
    case 'f32.convert_i64_u':
    case 'f64.reinterpret_i64':
      hooks.push({ e: call(hooks.helper(op.replace('.', '_')), [args[0]!.e, args[0]!.hi!]), type: op.startsWith('f32') ? 'f32' : 'f64', kind });
      return true;
    case 'i64.reinterpret_f64':
    case 'i64.trunc_f32_s': case 'i64.trunc_f32_u': case 'i64.trunc_f64_s': case 'i64.trunc_f64_u':
    case 'i64.trunc_sat_f32_s': case 'i64.trunc_sat_f32_u': case 'i64.trunc_sat_f64_s': case 'i64.trunc_sat_f64_u':
      helperPair(hooks, op.replace('.', '_'), [args[0]!.e]);
      return true;
    default:
      return false;
  }
}

/** `mem.i32[(a >>> 2) + k]`: word k of the i64 at the (aligned) address held in `a`. */
function i32Slot(mem: Expr, a: string, k: number): Expr {
  const index = bin('>>>', id(a), num(2));
  return { type: 'MemberExpression', object: member(mem, 'i32'), computed: true, property: k === 0 ? index : bin('+', index, num(k)) } as Expr;
}

/** `t = e; t_hi = high.bits;` for an expression that leaves an i64 the helper way, and push it. */
function helperPairOf(hooks: PairHooks, e: Expr): void {
  pairInTemps(hooks, e, member(hooks.helper('high'), 'bits'));
}

/** `t = lo; t_hi = hi;` and push (t, t_hi): halves computed once, read as identifiers. */
function pairInTemps(hooks: PairHooks, lo: Expr, hi: Expr): void {
  const t = hooks.newVar('i64');
  hooks.statement(exprStmt(assign(id(t), lo)));
  hooks.statement(exprStmt(assign(id(hiName(t)), hi)));
  hooks.push({ e: id(t), hi: id(hiName(t)), type: 'i64', kind: 0 });
}

const wordsView = new DataView(new ArrayBuffer(8));

/** The double whose bits are the constant i64 `v` (both halves literals), if finite (a NaN may not keep its bits; an infinity is no literal). */
function constantAsDouble(v: PairEntry): number | undefined {
  const lo = literalValue(v.e);
  const hi = literalValue(v.hi!);
  if (lo === undefined || hi === undefined) return undefined;
  wordsView.setInt32(0, lo, true);
  wordsView.setInt32(4, hi, true);
  const d = wordsView.getFloat64(0, true);
  return Number.isFinite(d) ? d : undefined;
}

/** Plain (non-atomic) i64 loads and stores: pairs over the i32 access helpers. */
export function emitI64Memory(instr: Instr, addr: Expr, value: PairEntry | undefined, hooks: PairHooks): boolean {
  const op = instr.op;
  const mem = hooks.memory(instr.memarg!.memory);
  const view = (): Expr => hooks.view(instr.memarg!.memory);
  switch (op) {
    case 'i64.load': {
      if (hooks.dataView) {
        // Both halves through the DataView, the high one first: `a + 4` is the one that can trap.
        const a = hooks.newVar('i32');
        const t = hooks.newVar('i64');
        const getWord = (k: number) => dataViewCall(view(), 'i32.load', k === 0 ? id(a) : bin('+', id(a), num(k)));
        hooks.statement(exprStmt({ type: 'SequenceExpression', expressions: [assign(id(a), addr), assign(id(hiName(t)), getWord(4)), assign(id(t), getWord(0))] } as Expr));
        hooks.push({ e: id(t), hi: id(hiName(t)), type: 'i64', kind: 0 });
        return true;
      }
      // Inline like the i32 accesses (bench D2): two i32 view reads straight into the halves when
      // aligned and in bounds; only the helper's slow path goes through `high.bits` (S10: one
      // store to a shared object fewer per load, and Go's code is mostly i64 loads).
      //   a = addr, fast ? (t_hi = mem.i32[(a >>> 2) + 1], t = mem.i32[a >>> 2]) : (t = i64_load(mem, a), t_hi = high.bits)
      const a = hooks.newVar('i32');
      if (hooks.ts) {
        // TypeScript: through `high.bits`, assigned through a cast, which tsc does not follow as an
        // assignment. Assignments to the halves in both branches (or to `high.bits` itself) make
        // tsc walk back through each one at every later read: a function of a thousand i64 loads
        // is then "too large for control flow analysis" (TS2563).
        const high = tsAs(hooks.helper('high'), '{ bits: number }');
        const fast = { type: 'SequenceExpression', expressions: [assign(member(high, 'bits') as never, i32Slot(mem, a, 1)), i32Slot(mem, a, 0)] } as Expr;
        helperPairOf(hooks, { type: 'SequenceExpression', expressions: [assign(id(a), addr), guardable(cond(fastPathTest(mem, a, 8, 4), fast, call(hooks.helper('i64_load'), [mem, id(a)])), hooks.guarded)] } as Expr);
        return true;
      }
      const t = hooks.newVar('i64');
      const fast = { type: 'SequenceExpression', expressions: [assign(id(hiName(t)), i32Slot(mem, a, 1)), assign(id(t), i32Slot(mem, a, 0))] } as Expr;
      const slow = { type: 'SequenceExpression', expressions: [assign(id(t), call(hooks.helper('i64_load'), [mem, id(a)])), assign(id(hiName(t)), member(hooks.helper('high'), 'bits'))] } as Expr;
      hooks.statement(exprStmt({ type: 'SequenceExpression', expressions: [assign(id(a), addr), guardable(cond(fastPathTest(mem, a, 8, 4), fast, slow), hooks.guarded)] } as Expr));
      hooks.push({ e: id(t), hi: id(hiName(t)), type: 'i64', kind: 0 });
      return true;
    }
    case 'i64.load8_s': case 'i64.load8_u': case 'i64.load16_s': case 'i64.load16_u':
    case 'i64.load32_s': case 'i64.load32_u': {
      // The low half is the i32 access's value (inline like it, memory.ts); the high half its sign or 0.
      const helper = hooks.helper(INLINE_ACCESS[op]!.helper);
      const t = hooks.newVar('i32');
      let e: Expr;
      if (hooks.dataView) e = orderedDataViewCall(view(), op, addr, undefined, () => hooks.newVar('i32'));
      else if (isInline(op, instr.memarg!.memory)) {
        const a = hooks.newVar('i32');
        e = { type: 'SequenceExpression', expressions: [assign(id(a), addr), inlineLoad(mem, a, op, helper, hooks.guarded)] } as Expr;
      } else e = call(helper, [mem, addr]);
      hooks.statement(exprStmt(assign(id(t), e)));
      hooks.push({ e: id(t), hi: op.endsWith('_s') ? bin('>>', id(t), num(31)) : num(0), type: 'i64', kind: 0 });
      return true;
    }
    case 'i64.store': {
      const v = hooks.simple(value!);
      const constant = hooks.dataView ? constantAsDouble(v) : undefined;
      if (constant !== undefined) {
        // A constant (Go pushes a return address before each call) as one 8-byte store: a double
        // of the same bits, one bounds check (bench/README.md S25); a finite one only.
        hooks.statement(exprStmt(orderedDataViewCall(view(), 'f64.store', addr, num(constant), () => hooks.newVar('i32'))));
        return true;
      }
      const a = hooks.newVar('i32');
      if (hooks.dataView) {
        // The high word first: if it is out of bounds nothing is written, as wasm requires (a
        // trapping store changes no byte); if it is in bounds, so is the low word.
        hooks.statement(exprStmt({ type: 'SequenceExpression', expressions: [assign(id(a), addr),
          dataViewCall(view(), 'i32.store', bin('+', id(a), num(4)), v.hi!), dataViewCall(view(), 'i32.store', id(a), v.e)] } as Expr));
        return true;
      }
      const fast = { type: 'SequenceExpression', expressions: [assign(i32Slot(mem, a, 0) as never, v.e), assign(i32Slot(mem, a, 1) as never, v.hi!)] } as Expr;
      hooks.statement(exprStmt({ type: 'SequenceExpression', expressions: [assign(id(a), addr),
        guardable(cond(fastPathTest(mem, a, 8, 4), fast, call(hooks.helper('i64_store'), [mem, id(a), v.e, v.hi!])), hooks.guarded)] } as Expr));
      return true;
    }
    case 'i64.store8': case 'i64.store16': case 'i64.store32': {
      if (hooks.dataView) {
        hooks.statement(exprStmt(orderedDataViewCall(view(), op, addr, value!.e, () => hooks.newVar('i32'))));
        return true;
      }
      const helper = hooks.helper(INLINE_ACCESS[op]!.helper);
      if (!isInline(op, instr.memarg!.memory)) {
        hooks.statement(exprStmt(call(helper, [mem, addr, value!.e])));
        return true;
      }
      const v = hooks.simple(value!);
      const a = hooks.newVar('i32');
      hooks.statement(exprStmt({ type: 'SequenceExpression', expressions: [assign(id(a), addr), inlineStore(mem, a, op, v.e, helper, hooks.guarded)] } as Expr));
      return true;
    }
    default:
      return false;
  }
}
