// read/: the opcode table (spec 5.4): each opcode's mnemonic, how its immediates are encoded,
// and for plain operators their stack signature, which validate/ and emit/ share.

import type { ValType } from '../ir/module.js';

/** How an instruction's immediates are encoded. */
export type Immediate =
  | 'none' | 'block' | 'label' | 'br_table' | 'func' | 'call_indirect' | 'local' | 'global'
  | 'table' | 'memarg' | 'i32' | 'i64' | 'f32' | 'f64' | 'select_t' | 'reftype' | 'zero'
  | 'zero2' | 'data_zero' | 'data' | 'elem_table' | 'elem' | 'table_table';

export interface OpInfo {
  name: string;
  imm: Immediate;
  /** Operand and result types for instructions with a fixed signature. */
  sig?: [ValType[], ValType[]];
  /** Natural access size in bytes, for loads, stores and atomics. */
  bytes?: number;
}

const T: Record<string, ValType> = { i: 'i32', I: 'i64', f: 'f32', F: 'f64' };
/** "ii:i" → [[i32, i32], [i32]] */
function sig(s: string): [ValType[], ValType[]] {
  const [a = '', r = ''] = s.split(':');
  return [[...a].map((c) => T[c]!), [...r].map((c) => T[c]!)];
}

/** Single-byte opcodes. */
export const OPS = new Map<number, OpInfo>();
/** 0xFC-prefixed opcodes, by their u32 sub-opcode. */
export const FC_OPS = new Map<number, OpInfo>();
/** 0xFE-prefixed (threads) opcodes. */
export const FE_OPS = new Map<number, OpInfo>();
/** Every opcode by mnemonic (the first entry wins: `select` is the untyped one). */
export const OPS_BY_NAME = new Map<string, OpInfo>();

function op(table: Map<number, OpInfo>, code: number, name: string, imm: Immediate, s?: string, bytes?: number): void {
  const info: OpInfo = { name, imm };
  if (s !== undefined) info.sig = sig(s);
  if (bytes !== undefined) info.bytes = bytes;
  table.set(code, info);
  if (!OPS_BY_NAME.has(name)) OPS_BY_NAME.set(name, info);
}

// Control (spec 5.4.1)
op(OPS, 0x00, 'unreachable', 'none');
op(OPS, 0x01, 'nop', 'none');
op(OPS, 0x02, 'block', 'block');
op(OPS, 0x03, 'loop', 'block');
op(OPS, 0x04, 'if', 'block');
op(OPS, 0x05, 'else', 'none');
op(OPS, 0x0b, 'end', 'none');
op(OPS, 0x0c, 'br', 'label');
op(OPS, 0x0d, 'br_if', 'label');
op(OPS, 0x0e, 'br_table', 'br_table');
op(OPS, 0x0f, 'return', 'none');
op(OPS, 0x10, 'call', 'func');
op(OPS, 0x11, 'call_indirect', 'call_indirect');
// Reference and parametric (5.4.2, 5.4.3)
op(OPS, 0xd0, 'ref.null', 'reftype');
op(OPS, 0xd1, 'ref.is_null', 'none');
op(OPS, 0xd2, 'ref.func', 'func');
op(OPS, 0x1a, 'drop', 'none');
op(OPS, 0x1b, 'select', 'none');
op(OPS, 0x1c, 'select', 'select_t');
// Variable and table (5.4.4, 5.4.5)
op(OPS, 0x20, 'local.get', 'local');
op(OPS, 0x21, 'local.set', 'local');
op(OPS, 0x22, 'local.tee', 'local');
op(OPS, 0x23, 'global.get', 'global');
op(OPS, 0x24, 'global.set', 'global');
op(OPS, 0x25, 'table.get', 'table');
op(OPS, 0x26, 'table.set', 'table');

// Memory (5.4.6)
const loads: [number, string, string, number][] = [
  [0x28, 'i32.load', 'i:i', 4], [0x29, 'i64.load', 'i:I', 8], [0x2a, 'f32.load', 'i:f', 4], [0x2b, 'f64.load', 'i:F', 8],
  [0x2c, 'i32.load8_s', 'i:i', 1], [0x2d, 'i32.load8_u', 'i:i', 1], [0x2e, 'i32.load16_s', 'i:i', 2], [0x2f, 'i32.load16_u', 'i:i', 2],
  [0x30, 'i64.load8_s', 'i:I', 1], [0x31, 'i64.load8_u', 'i:I', 1], [0x32, 'i64.load16_s', 'i:I', 2], [0x33, 'i64.load16_u', 'i:I', 2],
  [0x34, 'i64.load32_s', 'i:I', 4], [0x35, 'i64.load32_u', 'i:I', 4],
  [0x36, 'i32.store', 'ii:', 4], [0x37, 'i64.store', 'iI:', 8], [0x38, 'f32.store', 'if:', 4], [0x39, 'f64.store', 'iF:', 8],
  [0x3a, 'i32.store8', 'ii:', 1], [0x3b, 'i32.store16', 'ii:', 2], [0x3c, 'i64.store8', 'iI:', 1], [0x3d, 'i64.store16', 'iI:', 2],
  [0x3e, 'i64.store32', 'iI:', 4],
];
for (const [code, name, s, bytes] of loads) op(OPS, code, name, 'memarg', s, bytes);
op(OPS, 0x3f, 'memory.size', 'zero', ':i');
op(OPS, 0x40, 'memory.grow', 'zero', 'i:i');

// Numeric constants and operators (5.4.7)
op(OPS, 0x41, 'i32.const', 'i32', ':i');
op(OPS, 0x42, 'i64.const', 'i64', ':I');
op(OPS, 0x43, 'f32.const', 'f32', ':f');
op(OPS, 0x44, 'f64.const', 'f64', ':F');

function numeric(start: number, names: string, s: string): void {
  names.split(' ').forEach((name, i) => op(OPS, start + i, name, 'none', s));
}
numeric(0x45, 'i32.eqz', 'i:i');
numeric(0x46, 'i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u', 'ii:i');
numeric(0x50, 'i64.eqz', 'I:i');
numeric(0x51, 'i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u', 'II:i');
numeric(0x5b, 'f32.eq f32.ne f32.lt f32.gt f32.le f32.ge', 'ff:i');
numeric(0x61, 'f64.eq f64.ne f64.lt f64.gt f64.le f64.ge', 'FF:i');
numeric(0x67, 'i32.clz i32.ctz i32.popcnt', 'i:i');
numeric(0x6a, 'i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr', 'ii:i');
numeric(0x79, 'i64.clz i64.ctz i64.popcnt', 'I:I');
numeric(0x7c, 'i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr', 'II:I');
numeric(0x8b, 'f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt', 'f:f');
numeric(0x92, 'f32.add f32.sub f32.mul f32.div f32.min f32.max f32.copysign', 'ff:f');
numeric(0x99, 'f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt', 'F:F');
numeric(0xa0, 'f64.add f64.sub f64.mul f64.div f64.min f64.max f64.copysign', 'FF:F');
const conversions: [number, string, string][] = [
  [0xa7, 'i32.wrap_i64', 'I:i'], [0xa8, 'i32.trunc_f32_s', 'f:i'], [0xa9, 'i32.trunc_f32_u', 'f:i'],
  [0xaa, 'i32.trunc_f64_s', 'F:i'], [0xab, 'i32.trunc_f64_u', 'F:i'], [0xac, 'i64.extend_i32_s', 'i:I'],
  [0xad, 'i64.extend_i32_u', 'i:I'], [0xae, 'i64.trunc_f32_s', 'f:I'], [0xaf, 'i64.trunc_f32_u', 'f:I'],
  [0xb0, 'i64.trunc_f64_s', 'F:I'], [0xb1, 'i64.trunc_f64_u', 'F:I'], [0xb2, 'f32.convert_i32_s', 'i:f'],
  [0xb3, 'f32.convert_i32_u', 'i:f'], [0xb4, 'f32.convert_i64_s', 'I:f'], [0xb5, 'f32.convert_i64_u', 'I:f'],
  [0xb6, 'f32.demote_f64', 'F:f'], [0xb7, 'f64.convert_i32_s', 'i:F'], [0xb8, 'f64.convert_i32_u', 'i:F'],
  [0xb9, 'f64.convert_i64_s', 'I:F'], [0xba, 'f64.convert_i64_u', 'I:F'], [0xbb, 'f64.promote_f32', 'f:F'],
  [0xbc, 'i32.reinterpret_f32', 'f:i'], [0xbd, 'i64.reinterpret_f64', 'F:I'], [0xbe, 'f32.reinterpret_i32', 'i:f'],
  [0xbf, 'f64.reinterpret_i64', 'I:F'], [0xc0, 'i32.extend8_s', 'i:i'], [0xc1, 'i32.extend16_s', 'i:i'],
  [0xc2, 'i64.extend8_s', 'I:I'], [0xc3, 'i64.extend16_s', 'I:I'], [0xc4, 'i64.extend32_s', 'I:I'],
];
for (const [code, name, s] of conversions) op(OPS, code, name, 'none', s);

// 0xFC: saturating truncation, bulk memory, table instructions
const sat: [string, string][] = [
  ['i32.trunc_sat_f32_s', 'f:i'], ['i32.trunc_sat_f32_u', 'f:i'], ['i32.trunc_sat_f64_s', 'F:i'], ['i32.trunc_sat_f64_u', 'F:i'],
  ['i64.trunc_sat_f32_s', 'f:I'], ['i64.trunc_sat_f32_u', 'f:I'], ['i64.trunc_sat_f64_s', 'F:I'], ['i64.trunc_sat_f64_u', 'F:I'],
];
sat.forEach(([name, s], i) => op(FC_OPS, i, name, 'none', s));
op(FC_OPS, 8, 'memory.init', 'data_zero', 'iii:');
op(FC_OPS, 9, 'data.drop', 'data', ':');
op(FC_OPS, 10, 'memory.copy', 'zero2', 'iii:');
op(FC_OPS, 11, 'memory.fill', 'zero', 'iii:');
op(FC_OPS, 12, 'table.init', 'elem_table');
op(FC_OPS, 13, 'elem.drop', 'elem', ':');
op(FC_OPS, 14, 'table.copy', 'table_table');
op(FC_OPS, 15, 'table.grow', 'table');
op(FC_OPS, 16, 'table.size', 'table');
op(FC_OPS, 17, 'table.fill', 'table');

// 0xFE: threads (atomic memory accesses, wait/notify, fence)
op(FE_OPS, 0x00, 'memory.atomic.notify', 'memarg', 'ii:i', 4);
op(FE_OPS, 0x01, 'memory.atomic.wait32', 'memarg', 'iiI:i', 4);
op(FE_OPS, 0x02, 'memory.atomic.wait64', 'memarg', 'iII:i', 8);
op(FE_OPS, 0x03, 'atomic.fence', 'zero');
const atomicAccess: [string, string, number][] = [
  ['i32.atomic.load', 'i:i', 4], ['i64.atomic.load', 'i:I', 8], ['i32.atomic.load8_u', 'i:i', 1], ['i32.atomic.load16_u', 'i:i', 2],
  ['i64.atomic.load8_u', 'i:I', 1], ['i64.atomic.load16_u', 'i:I', 2], ['i64.atomic.load32_u', 'i:I', 4],
  ['i32.atomic.store', 'ii:', 4], ['i64.atomic.store', 'iI:', 8], ['i32.atomic.store8', 'ii:', 1], ['i32.atomic.store16', 'ii:', 2],
  ['i64.atomic.store8', 'iI:', 1], ['i64.atomic.store16', 'iI:', 2], ['i64.atomic.store32', 'iI:', 4],
];
atomicAccess.forEach(([name, s, bytes], i) => op(FE_OPS, 0x10 + i, name, 'memarg', s, bytes));
// Read-modify-write families, each in the order i32, i64, i32 8u, i32 16u, i64 8u, i64 16u, i64 32u.
const rmwWidths: [string, string, number][] = [
  ['i32.atomic.rmw', 'i', 4], ['i64.atomic.rmw', 'I', 8], ['i32.atomic.rmw8', 'i', 1], ['i32.atomic.rmw16', 'i', 2],
  ['i64.atomic.rmw8', 'I', 1], ['i64.atomic.rmw16', 'I', 2], ['i64.atomic.rmw32', 'I', 4],
];
['add', 'sub', 'and', 'or', 'xor', 'xchg', 'cmpxchg'].forEach((rmw, family) => {
  rmwWidths.forEach(([prefix, t, bytes], i) => {
    const suffix = bytes === 4 && t === 'i' || bytes === 8 ? '' : '_u';
    const s = rmw === 'cmpxchg' ? `i${t}${t}:${t}` : `i${t}:${t}`;
    op(FE_OPS, 0x1e + family * 7 + i, `${prefix}.${rmw}${suffix}`, 'memarg', s, bytes);
  });
});
