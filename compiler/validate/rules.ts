// validate/: how each instruction is checked, keyed by mnemonic. Operators with a fixed
// signature reuse read/opcodes.ts; the rest get a kind that func.ts handles case by case.

import { FE_OPS, OPS_BY_NAME } from '../read/opcodes.js';
import { typeCode } from './types.js';

/** Pop `params`, push `results`. */
export const SIG = 0;
/** A load or store: memory 0 must exist, alignment at most natural. */
export const MEMARG = 1;
/** An atomic access, wait or notify: memory 0 must exist, alignment exactly natural. */
export const ATOMIC = 2;
/** memory.size, memory.grow, memory.copy, memory.fill: memory 0 must exist. */
export const MEMORY = 3;
export const MEMORY_INIT = 4;
export const DATA_DROP = 5;
export const UNREACHABLE = 6;
export const NOP = 7;
export const BLOCK = 8;
export const LOOP = 9;
export const IF = 10;
export const ELSE = 11;
export const END = 12;
export const BR = 13;
export const BR_IF = 14;
export const BR_TABLE = 15;
export const RETURN = 16;
export const CALL = 17;
export const CALL_INDIRECT = 18;
export const REF_NULL = 19;
export const REF_IS_NULL = 20;
export const REF_FUNC = 21;
export const DROP = 22;
export const SELECT = 23;
export const LOCAL_GET = 24;
export const LOCAL_SET = 25;
export const LOCAL_TEE = 26;
export const GLOBAL_GET = 27;
export const GLOBAL_SET = 28;
export const TABLE_GET = 29;
export const TABLE_SET = 30;
export const TABLE_SIZE = 31;
export const TABLE_GROW = 32;
export const TABLE_FILL = 33;
export const TABLE_COPY = 34;
export const TABLE_INIT = 35;
export const ELEM_DROP = 36;
export const ATOMIC_FENCE = 37;

/** One instruction's validation rule. */
export interface Rule {
  kind: number;
  /** Operand and result stack codes (for SIG, MEMARG, ATOMIC and MEMORY). */
  params: Uint8Array;
  results: Uint8Array;
  /** log2 of the natural access size, for MEMARG and ATOMIC. */
  alignLog: number;
}

const SPECIAL: Record<string, number> = {
  'unreachable': UNREACHABLE, 'nop': NOP, 'block': BLOCK, 'loop': LOOP, 'if': IF, 'else': ELSE,
  'end': END, 'br': BR, 'br_if': BR_IF, 'br_table': BR_TABLE, 'return': RETURN, 'call': CALL,
  'call_indirect': CALL_INDIRECT, 'ref.null': REF_NULL, 'ref.is_null': REF_IS_NULL,
  'ref.func': REF_FUNC, 'drop': DROP, 'select': SELECT, 'local.get': LOCAL_GET,
  'local.set': LOCAL_SET, 'local.tee': LOCAL_TEE, 'global.get': GLOBAL_GET,
  'global.set': GLOBAL_SET, 'table.get': TABLE_GET, 'table.set': TABLE_SET,
  'table.size': TABLE_SIZE, 'table.grow': TABLE_GROW, 'table.fill': TABLE_FILL,
  'table.copy': TABLE_COPY, 'table.init': TABLE_INIT, 'elem.drop': ELEM_DROP,
  'memory.size': MEMORY, 'memory.grow': MEMORY, 'memory.copy': MEMORY, 'memory.fill': MEMORY,
  'memory.init': MEMORY_INIT, 'data.drop': DATA_DROP, 'atomic.fence': ATOMIC_FENCE,
};

const atomics = new Set([...FE_OPS.values()].map((info) => info.name));

/** The rule of every mnemonic the reader produces. */
export const RULES = new Map<string, Rule>();
for (const [name, info] of OPS_BY_NAME) {
  let kind = SPECIAL[name];
  if (kind === undefined) {
    if (info.bytes !== undefined) kind = atomics.has(name) ? ATOMIC : MEMARG;
    else if (info.sig) kind = SIG;
    else throw new Error(`internal compiler error: no validation rule for ${name}`);
  }
  const [params = [], results = []] = info.sig ?? [];
  RULES.set(name, {
    kind,
    params: Uint8Array.from(params, typeCode),
    results: Uint8Array.from(results, typeCode),
    alignLog: info.bytes === undefined ? 0 : Math.log2(info.bytes),
  });
}
