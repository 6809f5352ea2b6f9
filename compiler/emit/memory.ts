// emit/: memory and table instructions (spec 4.4.5-4.4.7): loads, stores, bulk operations,
// table access, and the threads proposal's atomics. Plain loads and stores go through the
// memory's DataView (`mem.dv.getInt32(a, true)`, dataViewAccess below; typed views under our own
// checks with `layout.dataView: false`); the rest through runtime helpers named after the
// instruction (`i32.atomic.load` → `i32_atomic_load(mem, addr)`), which bounds-check and trap.

import type { Instr, ValType } from '../ir/module.js';
import { assign, bin, bool, call, cond, exprStmt, id, letDecl, literalValue, member, num, seq, type Expr, type Stmt } from './ast.js';
import type { EmitContext } from './context.js';
import { OPS_BY_NAME } from './op-signatures.js';
import { unlessNanCanonicalised } from './numeric.js';
import { GUARDED } from './loop-guard.js';
import { someChild } from './children.js';

/** What the memory emitter needs from the function emitter. */
export interface MemoryEmitHooks {
  /** A fresh temporary variable of the function (an i32 unless `type` says otherwise). */
  temp(type?: ValType): string;
  pop(n: number): Expr[];
  push(e: Expr, type: ValType): void;
  statement(e: Expr): void;
  memory(index: number): Expr;
  /** The memory's DataView: `mem.dv`, or `dv` where the function keeps it in a local (viewMode). */
  view(index: number): Expr;
  table(index: number): Expr;
  /** The access is covered by its loop's guard (emit/loop-guard.ts): mark its check. */
  guarded?: boolean;
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

/**
 * Plain accesses emitted inline: an aligned, in-bounds access goes straight to a typed view of
 * the memory; anything else (unaligned, out of bounds, or a shared memory another thread grew)
 * falls back to the helper, which handles it and traps as wasm does. Inline because V8 stops
 * inlining small helpers once a large function has used its inlining budget, and a call per
 * access then dominates (bench/README.md, "memory access"; the narrow ones, S10: Go's code is
 * i64.load8_u and friends). Bytes, the view (`mem.<view>`), and the alignment the fast path needs
 * (an i64 is two i32 slots: 4). The i64 ones are emitted by emit/i64.ts, as halves.
 */
export const INLINE_ACCESS: Record<string, { size: number; view: string; align: number; helper: string }> = {};
for (const [ops, size, view] of [
  ['i32.load i32.store i64.load32_s i64.load32_u i64.store32', 4, 'i32'], ['f64.load f64.store', 8, 'f64'],
  ['i32.load8_u i32.store8 i64.load8_u i64.store8', 1, 'u8'], ['i32.load8_s i64.load8_s', 1, 'i8'],
  ['i32.load16_u i32.store16 i64.load16_u i64.store16', 2, 'u16'], ['i32.load16_s i64.load16_s', 2, 'i16'],
] as const) for (const op of ops.split(' ')) INLINE_ACCESS[op] = { size, view, align: size, helper: slowHelper(op) };
INLINE_ACCESS['i64.load'] = { size: 8, view: 'i32', align: 4, helper: 'i64_load' };
INLINE_ACCESS['i64.store'] = { size: 8, view: 'i32', align: 4, helper: 'i64_store' };

/** The helper for an access's slow path: an i64's narrow access is the i32 one (`i64.load32_u` → `i32_load`). */
function slowHelper(op: string): string {
  return op.replace(/^i64\.(load|store)(8|16|32)/, 'i32.$1$2').replace(/(load|store)32(_[su])?$/, '$1').replace(/\./g, '_');
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `view[index]` of `mem`, for the address held in `t`. */
function viewAt(mem: Expr, view: string, t: string, size: number): Expr {
  const i = size === 1 ? id(t) : bin('>>>', id(t), num(Math.log2(size)));
  return { type: 'MemberExpression', object: member(mem, view), property: i, computed: true } as Expr;
}

/** `(t & (align-1)) === 0 && t + size <= mem.length`: the fast path's condition (align defaults to size). */
export function fastPathTest(mem: Expr, t: string, size: number, align = size): Expr {
  const inBounds = bin('<=', bin('+', id(t), num(size)), member(mem, 'length'));
  if (size === 1) return bin('<', id(t), member(mem, 'length'));
  return { type: 'LogicalExpression', operator: '&&', left: bin('===', bin('&', id(t), num(align - 1)), num(0)), right: inBounds } as Expr;
}

/** Mark `check ? fast : slow` as one a loop's guard covers (emit/loop-guard.ts). */
export function guardable(e: Expr, guarded: boolean | undefined): Expr {
  if (guarded) (e as unknown as Record<string, unknown>)[GUARDED] = true;
  return e;
}

/** `fast ? mem.view[t >>> k] : helper(mem, t)`, marked when its loop's guard covers it. */
export function inlineLoad(mem: Expr, t: string, op: string, helper: Expr, guarded: boolean | undefined): Expr {
  const a = INLINE_ACCESS[op]!;
  return guardable(cond(fastPathTest(mem, t, a.size, a.align), viewAt(mem, a.view, t, a.size), call(helper, [mem, id(t)])), guarded);
}

/** `fast ? mem.view[t >>> k] = v : helper(mem, t, v)` (v an identifier or literal), marked likewise. */
export function inlineStore(mem: Expr, t: string, op: string, v: Expr, helper: Expr, guarded: boolean | undefined): Expr {
  const a = INLINE_ACCESS[op]!;
  return guardable(cond(fastPathTest(mem, t, a.size, a.align), assign(viewAt(mem, a.view, t, a.size) as never, v), call(helper, [mem, id(t), v])), guarded);
}

/** Whether `op` on memory `index` is emitted inline on this host (typed views are little-endian here). */
export const isInline = (op: string, memory: number): boolean => LITTLE_ENDIAN && memory === 0 && INLINE_ACCESS[op] !== undefined;

/**
 * Whether accesses to memory `index` go through its DataView alone: `mem.dv.getInt32(a, true)`.
 * The DataView's own bounds check is the trap (a RangeError, which runtime/funcref.ts's
 * `asWasmTrap` turns into the RuntimeError at the boundary), it takes any alignment, and it is
 * little-endian on every host; TurboFan inlines it to one unsigned compare. That is cheaper than
 * our alignment test and bounds check in front of a typed view, so loops need no guard
 * (bench/README.md S14). A shared memory too: another thread's grow leaves this thread's DataView
 * short, so the runtime refreshes a thread's views wherever it can learn of that grow (every
 * atomic operation, after a wait, on entering wasm from JS, on returning from a host function:
 * runtime/README.md "Shared memory that grows"), before any access could reach the new pages.
 */
export function dataViewAccess(ctx: EmitContext, index: number): boolean {
  return ctx.layout?.dataView !== false && ctx.module.memories[index] !== undefined;
}

/**
 * The DataView method of each plain access, named after its typed view (`u16` → getUint16); a
 * store keeps the low bits whatever the sign, so stores take the signed setter (setInt16).
 * i64.load and i64.store are two i32 words (emit/i64.ts).
 */
const VIEW_TYPE: Record<string, string> = { i32: 'Int32', f64: 'Float64', u8: 'Uint8', i8: 'Int8', u16: 'Uint16', i16: 'Int16' };
const DATA_VIEW_METHOD: Record<string, string> = {};
for (const [op, access] of Object.entries(INLINE_ACCESS)) {
  if (op === 'i64.load' || op === 'i64.store') continue;
  const type = VIEW_TYPE[access.view]!;
  DATA_VIEW_METHOD[op] = op.includes('store') ? `set${type.replace('Uint', 'Int')}` : `get${type}`;
}

/** `<view>.<method>(address[, value], true)` for a plain access (the byte ones take no endianness); `view` is `mem.dv` or `dv`. */
export function dataViewCall(view: Expr, op: string, address: Expr, value?: Expr): Expr {
  const method = DATA_VIEW_METHOD[op]!;
  const args = value === undefined ? [address] : [address, value];
  if (!method.endsWith('8')) args.push(bool(true));
  return call(member(view, method), args);
}

/**
 * What may make `mem.dv` another DataView while a function runs: a grow, a call (which may grow),
 * and the helpers that refresh a shared memory's views after another thread's grow (atomics,
 * bulk memory's bounds check, and memory.size: runtime/README.md "Shared memory that grows").
 */
const MAY_GROW = new Set([
  'call', 'call_indirect', 'call_ref', 'return_call', 'return_call_indirect', 'return_call_ref', 'memory.grow',
  'memory.copy', 'memory.fill', 'memory.init', 'memory.size',
]);

/** Whether `op` may leave `mem.dv` another DataView than before it. */
export const changesView = (op: string): boolean => MAY_GROW.has(op) || op.includes('atomic');

/**
 * How a function reaches memory 0's DataView. Every access reads it from a local `dv`, two
 * bytecodes fewer than `mem.dv` (a property load and a register store): TurboFan builds smaller
 * graphs and Ignition runs fewer bytecodes.
 * - `once`: nothing in the function can change it: read at entry (`const … dv = mem.dv`);
 *   hash 0.954× with V8's JIT, nbody 0.785× and 0.873× without (bench/README.md S22).
 * - `reload`: read at entry and again after each instruction that may change it (changesView),
 *   whose result is evaluated first: `t = $f(inst); dv = mem.dv;` (bench/README.md S24).
 * - `none`: no access goes through the DataView (typed views, or no plain access at all).
 */
export type ViewMode = 'none' | 'once' | 'reload';

export function viewMode(body: readonly Instr[], dataView: boolean): ViewMode {
  if (!dataView || !body.some((instr) => instr.memarg?.memory === 0 && (INLINE_ACCESS[instr.op] !== undefined || F32_ACCESS.has(instr.op)))) return 'none';
  return body.some((instr) => changesView(instr.op)) ? 'reload' : 'once';
}

/** `const mem = inst.<prop>`, and `dv = mem.dv` unless `view` is 'none' (no access took `dv`): a function's (or a split part's) memory and DataView. */
export function memoryDecl(prop: string, view: ViewMode): Stmt[] {
  const mem: [string, Expr] = ['mem', member(id('inst'), prop)];
  const dv: [string, Expr] = ['dv', member(id('mem'), 'dv')];
  if (view === 'none') return [letDecl([mem], 'const')];
  return view === 'once' ? [letDecl([mem, dv], 'const')] : [letDecl([mem], 'const'), letDecl([dv])];
}

/** `dv = mem.dv;`: the DataView read again (viewMode 'reload'). */
export const viewReload = (): Stmt => exprStmt(assign(id('dv'), member(id('mem'), 'dv')));

/**
 * The access `dataViewCall` makes, with its operands evaluated first where they may call out:
 * JS reads `mem.dv` before the arguments, and a call in them (memory.grow, any function, a
 * `yield*`) may grow the memory and detach that DataView. `temp` gives a fresh i32 variable.
 */
export function orderedDataViewCall(view: Expr, op: string, address: Expr, value: Expr | undefined, temp: () => string): Expr {
  if (!mayCall(address) && (value === undefined || !mayCall(value))) return dataViewCall(view, op, address, value);
  const a = temp();
  const parts = [assign(id(a), address)];
  let v = value;
  if (value !== undefined && mayCall(value)) {
    v = id(temp());
    parts.push(assign(v as never, value));
  }
  parts.push(dataViewCall(view, op, id(a), v));
  return { type: 'SequenceExpression', expressions: parts } as Expr;
}

const MAY_CALL = new WeakMap<object, boolean>();

/** Whether evaluating `e` may call anything but a DataView accessor (which cannot grow memory). Memoized: addresses nest loads. */
function mayCall(e: Expr): boolean {
  if (e.type === 'Identifier' || e.type === 'NumericLiteral') return false;
  const known = MAY_CALL.get(e);
  if (known !== undefined) return known;
  let result = false;
  switch (e.type) {
    case 'CallExpression': {
      const callee = e.callee;
      const view = callee.type === 'MemberExpression' ? callee.object : undefined;
      const viaDataView = view !== undefined && ((view.type === 'Identifier' && view.name === 'dv') || (view.type === 'MemberExpression' && view.property.type === 'Identifier' && view.property.name === 'dv'));
      result = !viaDataView || e.arguments.some((arg) => mayCall(arg as Expr));
      break;
    }
    case 'NewExpression': case 'YieldExpression': case 'AwaitExpression': case 'TaggedTemplateExpression':
      result = true;
      break;
    default:
      result = someChild(e, (child) => mayCall(child as Expr));
  }
  MAY_CALL.set(e, result);
  return result;
}

const F32_ACCESS = new Set(['f32.load', 'f32.store']);

/**
 * f32.load and f32.store through the DataView, inline: `(a = addr, (v = dv.getFloat32(a, true)) === v
 * ? v : f32_load(mem, a))`, the load behind unlessNanCanonicalised. Widening an f32 to a double
 * (and narrowing it back) is exact but for a NaN, whose payload the hardware quietens: a NaN,
 * loaded or stored, goes through the helpers, which carry it by its bits (runtime/numeric/bits.ts).
 * Through the helpers alone, resvg's renderer spent a third of its time in them (bench S28).
 */
function emitF32ViaDataView(instr: Instr, ctx: EmitContext, hooks: MemoryEmitHooks): void {
  const index = instr.memarg!.memory;
  const isStore = instr.op === 'f32.store';
  const operands = hooks.pop(isStore ? 2 : 1);
  const mem = hooks.memory(index);
  // Operands into temporaries first: the test reads them twice, and `dv` is read after them.
  const parts: Expr[] = [];
  const address = atomIn(parts, effectiveAddress(operands[0]!, instr.memarg!.offset), 'i32', hooks);
  const helper = ctx.helper(helperName(instr.op));
  const view = hooks.view(index);
  if (isStore) {
    const value = atomIn(parts, operands[1]!, 'f32', hooks);
    const fast = call(member(view, 'setFloat32'), [address, value, bool(true)]);
    parts.push(value.type === 'NumericLiteral' ? fast : cond(bin('===', value, value), fast, call(helper, [mem, address, value])));
    hooks.statement(parts.length === 1 ? parts[0]! : seq(parts));
    return;
  }
  const v = id(hooks.temp('f32'));
  const load = (nan: Expr): Expr => cond(bin('===', assign(v, call(member(view, 'getFloat32'), [address, bool(true)])), v), v, nan);
  parts.push(unlessNanCanonicalised(load, () => call(helper, [mem, address]), ctx));
  hooks.push(parts.length === 1 ? parts[0]! : seq(parts), 'f32');
}

/** `e` itself if an identifier or a literal, else a fresh temporary of `type` assigned `e` in `parts`. */
function atomIn(parts: Expr[], e: Expr, type: ValType, hooks: MemoryEmitHooks): Expr {
  if (e.type === 'Identifier' || e.type === 'NumericLiteral') return e;
  const t = hooks.temp(type);
  parts.push(assign(id(t), e));
  return id(t);
}

/** Emit a plain i32/f64/narrow access inline; false when `op` is not one (or the host is big-endian). */
function emitInlineAccess(instr: Instr, ctx: EmitContext, hooks: MemoryEmitHooks): boolean {
  const index = instr.memarg!.memory;
  if (F32_ACCESS.has(instr.op) && dataViewAccess(ctx, index)) {
    emitF32ViaDataView(instr, ctx, hooks);
    return true;
  }
  if (instr.op.startsWith('i64.')) return false;
  const viaDataView = DATA_VIEW_METHOD[instr.op] !== undefined && dataViewAccess(ctx, index);
  if (!viaDataView && !isInline(instr.op, index)) return false;
  const isStore = instr.op.includes('store');
  const operands = hooks.pop(isStore ? 2 : 1);
  const mem = hooks.memory(index);
  const address = effectiveAddress(operands[0]!, instr.memarg!.offset);
  const valueType = instr.op.startsWith('f64') ? 'f64' : 'i32';
  // A constant, aligned address inside the declared minimum size needs no check: memory never shrinks.
  // The typed view, not the DataView, even for f64 loads (which lose a NaN's sign there on
  // JavaScriptCore: runtime/README.md E1): nbody ran 1.26× slower with them through the DataView.
  const access = INLINE_ACCESS[instr.op];
  const minBytes = (ctx.module.memories[index]?.limits.min ?? 0) * 65536;
  if (access && isInline(instr.op, index) && address.type === 'NumericLiteral' && address.value % access.size === 0 && address.value + access.size <= minBytes) {
    const slot = { type: 'MemberExpression', object: member(mem, access.view), property: num(address.value / access.size), computed: true } as Expr;
    if (isStore) hooks.statement(assign(slot as never, operands[1]!));
    else hooks.push(slot, valueType);
    return true;
  }
  if (viaDataView) {
    const e = orderedDataViewCall(hooks.view(index), instr.op, address, operands[1], hooks.temp);
    if (isStore) hooks.statement(e);
    else hooks.push(e, valueType);
    return true;
  }
  const helper = ctx.helper(access!.helper);
  const t = hooks.temp();
  const setT = assign(id(t), address);
  if (!isStore) {
    // (t = addr, fast ? mem.view[t >>> k] : helper(mem, t))
    const e = inlineLoad(mem, t, instr.op, helper, hooks.guarded);
    hooks.push({ type: 'SequenceExpression', expressions: [setT, e] } as Expr, valueType);
    return true;
  }
  // t = addr; v = value; fast ? mem.view[t >>> k] = v : helper(mem, t, v)
  const parts: Expr[] = [setT];
  const v = atomIn(parts, operands[1]!, valueType, hooks);
  parts.push(inlineStore(mem, t, instr.op, v, helper, hooks.guarded));
  hooks.statement(seq(parts));
  return true;
}

/** Emit a memory, table or atomic instruction; false if `instr` is none of those. */
export function emitMemoryOp(instr: Instr, ctx: EmitContext, hooks: MemoryEmitHooks): boolean {
  const op = instr.op;
  const info = OPS_BY_NAME.get(op);
  if (instr.memarg && emitInlineAccess(instr, ctx, hooks)) return true;
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
