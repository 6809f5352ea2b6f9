// emit/: wasm's select of integers without a branch. V8's own wasm compiles select to a
// conditional move; a JS conditional `c ? a : b` is a branch, and the selects clang writes for
// unpredictable picks (a merge's smaller record, a binary search's next bound) mispredicted half
// the time (bench/README.md S33: mem 0.92×). f32/f64 and references keep the conditional.

import { assign, bin, exprStmt, i32Test, id, num, unary, type Expr } from './ast.js';
import type { PairEntry, PairHooks } from './i64.js';

/** `b ^ (a ^ b) & mask`: `a` where the mask is all ones, `b` where it is 0 (`b` is read twice). */
export const bitSelect = (a: Expr, b: Expr, mask: Expr): Expr => bin('^', b, bin('&', bin('^', a, b), mask));

/** −1 when the i32 `c` is not 0, else 0: `-c` of a comparison's 0/1, else `(c | -c) >> 31` (INT_MIN too; `c` read twice). */
export const selectMask = (c: Expr): Expr => (i32Test(c) ? unary('-', c) : bin('>>', bin('|', c, unary('-', c)), num(31)));

/** select of two i32s or two i64s by the i32 `c`; none of them has effects left (the caller took those to temporaries first). */
export function emitIntegerSelect(a: PairEntry, b: PairEntry, c: PairEntry, hooks: PairHooks): void {
  const kind = Math.max(a.kind, b.kind, c.kind);
  let mask = selectMask((i32Test(c.e) ? c : hooks.simple(c)).e);
  if (a.type === 'i64') {
    // Read by both halves: computed once.
    const name = hooks.newVar('i32');
    hooks.statement(exprStmt(assign(id(name), mask)));
    mask = id(name);
  }
  const other = hooks.simple(b);
  const lo = bitSelect(a.e, other.e, mask);
  hooks.push(a.type === 'i64' ? { e: lo, hi: bitSelect(a.hi!, other.hi!, mask), type: 'i64', kind } : { e: lo, type: 'i32', kind });
}
