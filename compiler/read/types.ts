// read/: value, reference, limit and table/memory/global type encodings (spec 5.3).

import type { GlobalType, Limits, MemoryType, RefType, TableType, ValType } from '../ir/module.js';
import type { Cursor } from './cursor.js';
import { unsupported } from '../diagnostics.js';

const VALTYPES: Record<number, ValType> = {
  0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref',
};

export function isValTypeByte(byte: number): boolean {
  return byte in VALTYPES;
}

export function readValType(c: Cursor): ValType {
  const at = c.pos;
  const t = VALTYPES[c.u8()];
  if (!t) return c.fail('malformed value type', at);
  // TODO(simd): v128 values and the 0xfd instructions.
  if (t === 'v128') throw unsupported('the v128 type (SIMD) is not supported yet', at);
  return t;
}

export function readRefType(c: Cursor): RefType {
  const at = c.pos;
  const byte = c.u8();
  if (byte === 0x70) return 'funcref';
  if (byte === 0x6f) return 'externref';
  return c.fail('malformed reference type', at);
}

/** Limits: flag 0 = min, 1 = min max, 3 = shared min max (threads); 2 is shared without max. */
export function readLimits(c: Cursor, allowShared: boolean): Limits {
  const at = c.pos;
  const flag = c.u8();
  if (flag > 3 || (!allowShared && flag > 1)) c.fail('integer too large', at);
  const min = c.u32();
  const max = flag & 1 ? c.u32() : undefined;
  return { min, max, shared: (flag & 2) !== 0 };
}

export function readTableType(c: Cursor): TableType {
  const at = c.pos;
  const elem = readRefType(c);
  return { elem, limits: readLimits(c, false), at };
}

export function readMemoryType(c: Cursor): MemoryType {
  const at = c.pos;
  return { limits: readLimits(c, true), at };
}

export function readGlobalType(c: Cursor): GlobalType {
  const type = readValType(c);
  const at = c.pos;
  const m = c.u8();
  if (m > 1) c.fail('malformed mutability', at);
  return { type, mutable: m === 1 };
}
