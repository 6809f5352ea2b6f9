// emit/: a loop that copies or fills memory one element at a time (clang's memcpy, memmove and
// memset without bulk memory; a kernel's generic string.c) runs as one typed-array copyWithin or
// fill when that gives the same memory and locals, and as itself otherwise (bench/README.md S11).
// Recognised: a loop with no other code than
//   store(d, load(s))  or  store8(d, v)  or  store(d, v) of 4 bytes  or  store(d, 0)   (v loop-invariant, d and s locals)
//   d += step; s += step; n -= 1; br_if (n) to the loop
// in any order, for 1-, 4- and 8-byte elements, counting up or down; clang's unrolled copies:
// several load/store pairs over consecutive elements, the count falling by k and tested `n >u c`;
// and loops that end at an address, counting up: `d += step; br_if (d <u end)` (Rust's memset
// and memcpy word loops). The runtime half
// (runtime/bulk-loop.ts) takes the fast path only when every element is in bounds and, for a
// copy, no element read was written by an earlier iteration; otherwise the loop runs and traps
// where wasm does.

import type { Instr } from '../ir/module.js';
import { assign, bin, block, call, exprStmt, id, ifStmt, member, num, type Expr, type Stmt } from './ast.js';

/** A loop that is one bulk copy or fill. Locals are indices; deltas are from the iteration's start. */
export interface BulkLoop {
  kind: 'copy' | 'fill';
  /** Element size in bytes. */
  size: number;
  /** Elements per iteration (an unrolled copy's pairs). */
  per: number;
  /** Bytes the addresses move per iteration (±size × per). */
  step: number;
  /** The iteration's first element (the lowest counting up, the highest counting down). */
  dst: Access;
  src?: Access;
  /** The fill value: a local's index or a constant. */
  value?: { local: number } | { const: number };
  /** The count local: `by` less per iteration; the loop goes on while it is not 0 (`above`
   * undefined, `by` 1) or while it is above `above`, unsigned. */
  count: number;
  by: number;
  above?: number;
  /** Instead of a count: the loop goes on while the destination local, moved, is below this local (unsigned). */
  until?: number;
}

interface Access {
  local: number;
  /** The local's change, within the iteration, when it is read as the address. */
  delta: number;
  offset: number;
}

type Sym =
  | { local: number; delta: number }
  | { const: number }
  | { load: Access; size: number }
  | { above: number; local: number; delta: number; cmp: true }
  | { until: number; local: number; delta: number; cmp: true }
  | null;

const LOADS: Record<string, number> = { 'i32.load8_u': 1, 'i32.load': 4, 'i64.load': 8 };
const STORES: Record<string, number> = { 'i32.store8': 1, 'i32.store': 4, 'i64.store': 8 };

/** The loop opened at body[start], if it is one bulk copy or fill; its block type must be empty. */
export function analyzeBulkLoop(body: Instr[], start: number, isI32Local: (i: number) => boolean): BulkLoop | undefined {
  const head = body[start]!;
  if (head.block!.params.length || head.block!.results.length) return undefined;
  const changed = new Map<number, number>();
  const stack: Sym[] = [];
  const current = (local: number): Sym => ({ local, delta: changed.get(local) ?? 0 });
  const address = (s: Sym, offset: number): Access | undefined =>
    s && 'local' in s ? { local: s.local, delta: s.delta, offset } : undefined;
  const stores: { at: Access; size: number; value: Sym }[] = [];
  let loads = 0;
  // Straight-line code of at most 60 instructions (eight unrolled pairs), ending `br_if 0` and `end`.
  for (let i = start + 1; i < body.length && i <= start + 60; i++) {
    const instr = body[i]!;
    switch (instr.op) {
      case 'local.get':
        if (!isI32Local(instr.index!)) return undefined;
        stack.push(current(instr.index!));
        continue;
      case 'i32.const':
        stack.push({ const: instr.value as number });
        continue;
      case 'i64.const':
        if (instr.value !== 0n) return undefined;
        stack.push({ const: 0 });
        continue;
      case 'i32.add':
      case 'i32.sub': {
        const b = stack.pop();
        const a = stack.pop();
        const sign = instr.op === 'i32.add' ? 1 : -1;
        if (a && 'local' in a && b && 'const' in b) stack.push({ local: a.local, delta: a.delta + sign * b.const });
        else if (sign === 1 && b && 'local' in b && a && 'const' in a) stack.push({ local: b.local, delta: b.delta + a.const });
        else return undefined;
        continue;
      }
      case 'local.set':
      case 'local.tee': {
        const v = stack.pop();
        // Only a local's own update (d += step): anything else is not this shape.
        if (!v || !('local' in v) || v.local !== instr.index) return undefined;
        changed.set(v.local, v.delta);
        if (instr.op === 'local.tee') stack.push(v);
        continue;
      }
      case 'i32.gt_u':
      case 'i32.lt_u': {
        const b = stack.pop();
        const a = stack.pop();
        if (!a || 'cmp' in a || !b || 'cmp' in b) return undefined;
        // `n >u c`, or `d <u end` / `end >u d` with `end` a local the loop does not change.
        const [moving, end] = instr.op === 'i32.lt_u' ? [a, b] : [b, a];
        if (instr.op === 'i32.gt_u' && 'local' in a && 'const' in b) stack.push({ above: b.const >>> 0, local: a.local, delta: a.delta, cmp: true });
        else if ('local' in moving && 'local' in end && end.delta === 0 && !changed.has(end.local)) stack.push({ until: end.local, local: moving.local, delta: moving.delta, cmp: true });
        else return undefined;
        continue;
      }
      case 'br_if': {
        const c = stack.pop();
        if (instr.index !== 0 || body[i + 1]?.op !== 'end' || stack.length || !c || !('local' in c) || c.delta !== changed.get(c.local)) return undefined;
        if ('until' in c) return untilEnd(c.local, c.until);
        return finish(c.local, 'cmp' in c ? c.above : undefined);
      }
    }
    const loadSize = LOADS[instr.op];
    const storeSize = STORES[instr.op];
    if (instr.memarg?.memory !== 0 || (loadSize === undefined && storeSize === undefined)) return undefined;
    if (loadSize !== undefined) {
      // Each load feeds the store right after it: no other load in between.
      const at = address(stack.pop() ?? null, instr.memarg.offset);
      if (!at || ++loads !== stores.length + 1) return undefined;
      stack.push({ load: at, size: loadSize });
    } else {
      const value = stack.pop() ?? null;
      const at = address(stack.pop() ?? null, instr.memarg.offset);
      if (!at) return undefined;
      stores.push({ at, size: storeSize!, value });
    }
  }
  return undefined;

  /** A loop that ends at an address: its destination moving up to `end`, and nothing else changed but a source. */
  function untilEnd(moving: number, end: number): BulkLoop | undefined {
    const first = stores[0];
    const step = changed.get(moving) ?? 0;
    if (!first || first.at.local !== moving || step <= 0 || end === moving) return undefined;
    return finish(moving, undefined, end);
  }

  function finish(count: number, above: number | undefined, until?: number): BulkLoop | undefined {
    const by = until === undefined ? -(changed.get(count) ?? 0) : 1;
    if (stores.length === 0 || by <= 0 || (above === undefined && by !== 1)) return undefined;
    const { at: dst, size, value } = stores[0]!;
    const per = stores.length;
    const step = changed.get(dst.local);
    if ((step !== size * per && step !== -size * per) || (until === undefined && dst.local === count)) return undefined;
    // Consecutive elements, in order: offsets apart (counting up) or the locals' deltas apart (and
    // no memarg offsets: descending addresses are checked from the first one down), so that no
    // address wraps where the first does not.
    const consecutive = (list: Access[]): boolean => list.every((a, j) => a.local === list[0]!.local && (step > 0
      ? a.delta === list[0]!.delta && a.offset === list[0]!.offset + j * size
      : a.offset === 0 && a.delta === list[0]!.delta - j * size));
    if (!consecutive(stores.map((x) => x.at)) || stores.some((x) => x.size !== size)) return undefined;
    const others = [...changed.keys()].filter((l) => l !== dst.local && l !== count);
    const shape = { size, per, step, dst, count, by, above, ...(until === undefined ? {} : { until }) };
    if (value && 'load' in value) {
      const srcs = stores.map((x) => x.value);
      if (!srcs.every((v) => v && 'load' in v && v.size === size)) return undefined;
      const src = (srcs as { load: Access }[]).map((v) => v.load);
      if (!consecutive(src) || others.length !== 1 || others[0] !== src[0]!.local || changed.get(src[0]!.local) !== step) return undefined;
      return { kind: 'copy', ...shape, src: src[0]! };
    }
    if (per !== 1 || others.length !== 0 || loads !== 0 || !value) return undefined;
    // A fill: any byte value, or zero words.
    if ('const' in value && (size === 1 || value.const === 0)) return { kind: 'fill', ...shape, value: { const: value.const } };
    // Or a loop-invariant local's byte, or its word (a memset's broadcast byte: Rust's, musl's).
    if ('local' in value && !('cmp' in value) && (size === 1 || size === 4) && value.delta === 0 && !changed.has(value.local)) return { kind: 'fill', ...shape, value: { local: value.local } };
    return undefined;
  }
}

/**
 * `if (bulk_loop_copy(mem, …)) { d += n * step; s += …; n = 0; } else <loop>`: the helper does the
 * whole loop's work or nothing, and the locals end as the loop would leave them. A count tested
 * `n >u c` first has its iterations worked out into `temp()`:
 * `if ((k = bulk_loop_count(n, by, c)) !== 0 && bulk_loop_copy(…k…)) { …; n = n - k * by | 0; }`.
 */
export function bulkLoopStmt(loop: BulkLoop, name: (local: number) => string, helper: (name: string) => Expr, temp: () => string, loopStmt: Stmt): Stmt {
  const local = (i: number) => id(name(i));
  // The first iteration's address before its memarg offset, as an unsigned number.
  const first = (a: Access) => bin('>>>', a.delta === 0 ? local(a.local) : bin('|', bin('+', local(a.local), num(a.delta)), num(0)), num(0));
  const n = () => local(loop.count);
  const k = loop.above === undefined && loop.until === undefined ? undefined : temp();
  // Iterations, as a count (unsigned) and as an i32 to scale the locals' moves by.
  const iterations = () => (k === undefined ? bin('>>>', n(), num(0)) : id(k));
  const moves = () => (k === undefined ? n() : id(k));
  const times = (e: Expr, by: number) => (by === 1 ? e : call(member(id('Math'), 'imul'), [e, num(by)]));
  const elements = times(iterations(), loop.per);
  const elementStep = loop.step > 0 ? loop.size : -loop.size;
  const args: Expr[] = loop.kind === 'copy'
    ? [id('mem'), first(loop.dst), num(loop.dst.offset), first(loop.src!), num(loop.src!.offset), elements, num(elementStep)]
    : [id('mem'), first(loop.dst), num(loop.dst.offset), 'local' in loop.value! ? local(loop.value.local) : num(loop.value!.const), elements, num(elementStep), num(loop.size)];
  let test = call(helper(loop.kind === 'copy' ? 'bulk_loop_copy' : 'bulk_loop_fill'), args);
  if (k !== undefined) {
    const count = loop.until === undefined
      ? call(helper('bulk_loop_count'), [n(), num(loop.by), num(loop.above!)])
      : call(helper('bulk_loop_until'), [local(loop.dst.local), local(loop.until), num(loop.step)]);
    test = { type: 'LogicalExpression', operator: '&&', left: bin('!==', assign(id(k), count), num(0)), right: test } as Expr;
  }
  const advance = (i: number) => exprStmt(assign(local(i), bin('|', bin(loop.step > 0 ? '+' : '-', local(i), times(moves(), Math.abs(loop.step))), num(0))));
  // The count last: the others move by its value before the loop.
  const counted = k === undefined ? num(0) : bin('|', bin('-', n(), times(id(k), loop.by)), num(0));
  const after = [advance(loop.dst.local), ...(loop.src ? [advance(loop.src.local)] : []), ...(loop.until === undefined ? [exprStmt(assign(n(), counted))] : [])];
  return ifStmt(test, block(after), block([loopStmt]));
}
