// emit/: memory and table instructions (spec 4.4.5-4.4.7): loads, stores, bulk operations,
// table access, and the threads proposal's atomics. All go through runtime helpers named after
// the instruction (`i32.load8_u` → `i32_load8_u(mem, addr)`), which bounds-check and trap.

import type { Instr, ValType } from '../ir/module.js';
import { bin, call, id, member, num, type Expr } from './ast.js';
import type { EmitContext } from './context.js';
import { OPS_BY_NAME } from './op-signatures.js';
import { literalValue } from './numeric.js';

/** What the memory emitter needs from the function emitter. */
export interface MemoryEmitHooks {
  pop(n: number): Expr[];
  push(e: Expr, type: ValType): void;
  statement(e: Expr): void;
  memory(index: number): Expr;
  table(index: number): Expr;
}

/** The effective address `addr + offset` as an exact JS number (it may exceed 2^32: then it traps). */
export function effectiveAddress(addr: Expr, offset: number): Expr {
  const value = literalValue(addr);
  if (value !== undefined) return num((value >>> 0) + offset);
  const base = bin('>>>', addr, num(0));
  if (offset === 0) return base;
  return bin('+', base, num(offset));
}

const helperName = (op: string): string => op.replace(/\./g, '_');

/** Emit a memory, table or atomic instruction; false if `instr` is none of those. */
export function emitMemoryOp(instr: Instr, ctx: EmitContext, hooks: MemoryEmitHooks): boolean {
  const op = instr.op;
  const info = OPS_BY_NAME.get(op);
  if (instr.memarg && info?.sig) {
    const [params, results] = info.sig;
    const operands = hooks.pop(params.length);
    const mem = hooks.memory(instr.memarg.memory);
    const args = [mem, effectiveAddress(operands[0]!, instr.memarg.offset), ...operands.slice(1)];
    const e = call(ctx.helper(helperName(op)), args);
    if (results.length) hooks.push(e, results[0]!);
    else hooks.statement(e);
    return true;
  }
  const elems = member(id('inst'), 'elems');
  const datas = member(id('inst'), 'datas');
  switch (op) {
    case 'memory.size':
      hooks.push(call(ctx.helper('memory_size'), [hooks.memory(0)]), 'i32');
      return true;
    case 'memory.grow':
      hooks.push(call(ctx.helper('memory_grow'), [hooks.memory(0), ...hooks.pop(1)]), 'i32');
      return true;
    default:
      break;
  }
  return emitBulk(instr, ctx, hooks, elems, datas);
}

function emitBulk(instr: Instr, ctx: EmitContext, hooks: MemoryEmitHooks, elems: Expr, datas: Expr): boolean {
  const h = (name: string) => ctx.helper(name);
  switch (instr.op) {
    case 'memory.fill': {
      const [d, v, n] = hooks.pop(3);
      hooks.statement(call(h('memory_fill'), [hooks.memory(0), d!, v!, n!]));
      return true;
    }
    case 'memory.copy': {
      const [d, s, n] = hooks.pop(3);
      hooks.statement(call(h('memory_copy'), [hooks.memory(0), hooks.memory(0), d!, s!, n!]));
      return true;
    }
    case 'memory.init': {
      const [d, s, n] = hooks.pop(3);
      hooks.statement(call(h('memory_init'), [hooks.memory(0), datas, num(instr.index!), d!, s!, n!]));
      return true;
    }
    case 'data.drop':
      hooks.statement(call(h('segment_drop'), [datas, num(instr.index!)]));
      return true;
    case 'elem.drop':
      hooks.statement(call(h('segment_drop'), [elems, num(instr.index!)]));
      return true;
    case 'table.get': {
      const [i] = hooks.pop(1);
      hooks.push(call(h('table_get'), [hooks.table(instr.index!), i!]), ctx.module.tables[instr.index!]!.elem);
      return true;
    }
    case 'table.set': {
      const [i, v] = hooks.pop(2);
      hooks.statement(call(h('table_set'), [hooks.table(instr.index!), i!, v!]));
      return true;
    }
    case 'table.size':
      hooks.push(call(h('table_size'), [hooks.table(instr.index!)]), 'i32');
      return true;
    case 'table.grow': {
      const [v, n] = hooks.pop(2);
      hooks.push(call(h('table_grow'), [hooks.table(instr.index!), v!, n!]), 'i32');
      return true;
    }
    case 'table.fill': {
      const [i, v, n] = hooks.pop(3);
      hooks.statement(call(h('table_fill'), [hooks.table(instr.index!), i!, v!, n!]));
      return true;
    }
    case 'table.copy': {
      const [d, s, n] = hooks.pop(3);
      hooks.statement(call(h('table_copy'), [hooks.table(instr.index!), hooks.table(instr.index2!), d!, s!, n!]));
      return true;
    }
    case 'table.init': {
      const [d, s, n] = hooks.pop(3);
      // table.init's immediates are elemidx then tableidx.
      hooks.statement(call(h('table_init'), [hooks.table(instr.index2!), elems, num(instr.index!), d!, s!, n!]));
      return true;
    }
    case 'atomic.fence':
      return true;
    default:
      return false;
  }
}
