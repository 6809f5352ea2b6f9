// read/: instruction sequences (spec 5.4): function bodies and constant expressions,
// decoded into flat Instr lists that keep each opcode's byte offset.

import type { BlockType, FuncType, Instr, ValType } from '../ir/module.js';
import type { Cursor } from './cursor.js';
import { unsupported } from '../diagnostics.js';
import { FC_OPS, FE_OPS, OPS, type OpInfo } from './opcodes.js';
import { isValTypeByte, readRefType, readValType } from './types.js';

/** What decoding needs from the rest of the module. */
export interface CodeContext {
  types: FuncType[];
  /** Whether a data count section was present (memory.init and data.drop need it, spec 5.5.16). */
  hasDataCount: boolean;
}

/** Opcodes of proposals w2js does not compile yet: a clear E_UNSUPPORTED instead of "illegal opcode". */
const UNSUPPORTED_FEATURES = new Map<number, string>([
  [0xfd, 'SIMD'],
  [0x06, 'exception handling'], [0x07, 'exception handling'], [0x08, 'exception handling'], [0x09, 'exception handling'],
  [0x18, 'exception handling'], [0x19, 'exception handling'], [0x1f, 'exception handling'],
  [0x12, 'tail calls'], [0x13, 'tail calls'],
  [0x14, 'typed function references'], [0x15, 'typed function references'], [0xd3, 'typed function references'],
  [0xd4, 'typed function references'], [0xd5, 'typed function references'], [0xd6, 'typed function references'],
  [0xfb, 'garbage collection'],
]);

const EMPTY: BlockType = { params: [], results: [] };
const SINGLE = new Map<ValType, BlockType>();

function readBlockType(c: Cursor, ctx: CodeContext): BlockType {
  const byte = c.bytes[c.pos];
  if (byte === 0x40) {
    c.pos++;
    return EMPTY;
  }
  if (byte !== undefined && isValTypeByte(byte)) {
    const t = readValType(c);
    let bt = SINGLE.get(t);
    if (!bt) SINGLE.set(t, (bt = { params: [], results: [t] }));
    return bt;
  }
  const at = c.pos;
  const index = c.s33();
  if (index < 0) c.fail('malformed block type', at);
  // An unknown type index is a validation error, reported by validate/ through `typeIndex`.
  const type = ctx.types[index];
  return { params: type?.params ?? [], results: type?.results ?? [], typeIndex: index };
}

function zeroByte(c: Cursor): void {
  const at = c.pos;
  if (c.u8() !== 0) c.fail('zero byte expected', at);
}

/**
 * Decode instructions until the `end` that closes depth 0. Returns them with that final
 * `end` included. `limit` is where the body must stop (its declared size).
 */
export function readInstructions(c: Cursor, ctx: CodeContext): Instr[] {
  const out: Instr[] = [];
  let depth = 0;
  for (;;) {
    if (c.atEnd) c.fail(c.end < c.bytes.length ? 'END opcode expected' : 'unexpected end', c.pos);
    const at = c.pos;
    const code = c.u8();
    let info: OpInfo | undefined;
    if (code === 0xfc) {
      info = FC_OPS.get(c.u32());
    } else if (code === 0xfe) {
      info = FE_OPS.get(c.u32());
    } else {
      info = OPS.get(code);
    }
    if (!info) {
      const feature = UNSUPPORTED_FEATURES.get(code);
      if (feature) throw unsupported(`${feature} (opcode 0x${code.toString(16)}) is not supported yet`, at);
      return c.fail('illegal opcode', at);
    }
    const instr: Instr = { op: info.name, at };
    switch (info.imm) {
      case 'none':
        break;
      case 'block':
        instr.block = readBlockType(c, ctx);
        break;
      case 'label':
      case 'func':
      case 'local':
      case 'global':
      case 'table':
      case 'elem':
        instr.index = c.u32();
        break;
      case 'data':
        if (!ctx.hasDataCount) c.fail('data count section required', at);
        instr.index = c.u32();
        break;
      case 'br_table': {
        const count = c.u32();
        // Each label takes at least one byte: refuse counts the body cannot hold before allocating.
        if (count > c.end - c.pos) c.fail('unexpected end', c.pos);
        const labels = new Array<number>(count + 1);
        for (let i = 0; i <= count; i++) labels[i] = c.u32();
        instr.labels = labels;
        break;
      }
      case 'call_indirect':
        instr.index = c.u32();
        instr.index2 = c.u32();
        break;
      case 'memarg': {
        const align = c.u32();
        // Bit 6 of the alignment selects an explicit memory index (multi-memory); Wasm 2.0 has one memory.
        if (align >= 64) c.fail('malformed memop flags', at);
        instr.memarg = { align, offset: c.u32(), memory: 0 };
        break;
      }
      case 'i32':
        instr.value = c.s32();
        break;
      case 'i64':
        instr.value = c.s64();
        break;
      case 'f32':
        instr.value = c.fixed32();
        break;
      case 'f64':
        instr.value = c.fixed64();
        break;
      case 'select_t': {
        const count = c.u32();
        if (count > c.end - c.pos) c.fail('unexpected end', c.pos);
        const types: ValType[] = [];
        for (let i = 0; i < count; i++) types.push(readValType(c));
        instr.types = types;
        break;
      }
      case 'reftype':
        instr.types = [readRefType(c)];
        break;
      case 'zero':
        zeroByte(c);
        break;
      case 'zero2':
        zeroByte(c);
        zeroByte(c);
        break;
      case 'data_zero':
        if (!ctx.hasDataCount) c.fail('data count section required', at);
        instr.index = c.u32();
        zeroByte(c);
        break;
      case 'elem_table':
        instr.index = c.u32();
        instr.index2 = c.u32();
        break;
      case 'table_table':
        instr.index = c.u32();
        instr.index2 = c.u32();
        break;
    }
    out.push(instr);
    if (info.imm === 'block') depth++;
    else if (code === 0x0b) {
      if (depth === 0) return out;
      depth--;
    }
  }
}
