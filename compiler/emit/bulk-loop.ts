// emit/: a loop that copies or fills memory one element at a time (clang's memcpy, memmove and
// memset without bulk memory; a kernel's generic string.c) runs as one typed-array copyWithin or
// fill when that gives the same memory and locals, and as itself otherwise (bench/README.md S11).
// Recognised: a loop with no other code than
//   store(d, load(s))  or  store8(d, v)  or  store(d, 0)   (v loop-invariant, d and s locals)
//   d += step; s += step; n -= 1; br_if (n) to the loop
// in any order, for 1-, 4- and 8-byte elements, counting up or down. The runtime half
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
  /** Bytes the addresses move per iteration (±size). */
  step: number;
  dst: Access;
  src?: Access;
  /** The fill value: a local's index or a constant. */
  value?: { local: number } | { const: number };
  /** The count local: one less per iteration, the loop goes on while it is not 0. */
  count: number;
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
  let store: { at: Access; size: number; value: Sym } | undefined;
  let loads = 0;
  // Straight-line code of at most two dozen instructions, ending `br_if 0` and `end`.
  for (let i = start + 1; i < body.length && i <= start + 24; i++) {
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
      case 'br_if': {
        const c = stack.pop();
        if (instr.index !== 0 || body[i + 1]?.op !== 'end' || stack.length || !c || !('local' in c) || c.delta !== -1) return undefined;
        return finish(c.local);
      }
    }
    const loadSize = LOADS[instr.op];
    const storeSize = STORES[instr.op];
    if (instr.memarg?.memory !== 0 || (loadSize === undefined && storeSize === undefined)) return undefined;
    if (loadSize !== undefined) {
      const at = address(stack.pop() ?? null, instr.memarg.offset);
      if (!at || loads++) return undefined;
      stack.push({ load: at, size: loadSize });
    } else {
      const value = stack.pop() ?? null;
      const at = address(stack.pop() ?? null, instr.memarg.offset);
      if (!at || store) return undefined;
      store = { at, size: storeSize!, value };
    }
  }
  return undefined;

  function finish(count: number): BulkLoop | undefined {
    if (!store || changed.get(count) !== -1) return undefined;
    const { at: dst, size, value } = store;
    const step = changed.get(dst.local);
    // Descending addresses are checked from the first one down: no memarg offset there.
    if ((step !== size && step !== -size) || (step < 0 && dst.offset !== 0) || dst.local === count) return undefined;
    const others = [...changed.keys()].filter((l) => l !== dst.local && l !== count);
    if (value && 'load' in value) {
      const src = value.load;
      if (value.size !== size || others.length !== 1 || others[0] !== src.local || changed.get(src.local) !== step || (step < 0 && src.offset !== 0)) return undefined;
      return { kind: 'copy', size, step, dst, src, count };
    }
    if (others.length !== 0 || loads !== 0 || !value) return undefined;
    // A fill: any byte value, or zero words.
    if ('const' in value && (size === 1 || value.const === 0)) return { kind: 'fill', size, step, dst, value: { const: value.const }, count };
    if ('local' in value && size === 1 && value.delta === 0 && !changed.has(value.local)) return { kind: 'fill', size, step, dst, value: { local: value.local }, count };
    return undefined;
  }
}

/**
 * `if (bulk_loop_copy(mem, …)) { d += n * step; s += …; n = 0; } else <loop>`: the helper does the
 * whole loop's work or nothing, and the locals end as the loop would leave them.
 */
export function bulkLoopStmt(loop: BulkLoop, name: (local: number) => string, helper: (name: string) => Expr, loopStmt: Stmt): Stmt {
  const local = (i: number) => id(name(i));
  // The first iteration's address before its memarg offset, as an unsigned number.
  const first = (a: Access) => bin('>>>', a.delta === 0 ? local(a.local) : bin('|', bin('+', local(a.local), num(a.delta)), num(0)), num(0));
  const n = local(loop.count);
  const count = bin('>>>', n, num(0));
  const args: Expr[] = loop.kind === 'copy'
    ? [id('mem'), first(loop.dst), num(loop.dst.offset), first(loop.src!), num(loop.src!.offset), count, num(loop.step)]
    : [id('mem'), first(loop.dst), num(loop.dst.offset), 'local' in loop.value! ? local(loop.value.local) : num(loop.value!.const), count, num(loop.step), num(loop.size)];
  const moved = Math.abs(loop.step) === 1 ? n : call(member(id('Math'), 'imul'), [n, num(Math.abs(loop.step))]);
  const advance = (i: number) => exprStmt(assign(local(i), bin('|', bin(loop.step > 0 ? '+' : '-', local(i), moved), num(0))));
  const after = [advance(loop.dst.local), ...(loop.src ? [advance(loop.src.local)] : []), exprStmt(assign(n, num(0)))];
  return ifStmt(call(helper(loop.kind === 'copy' ? 'bulk_loop_copy' : 'bulk_loop_fill'), args), block(after), block([loopStmt]));
}
