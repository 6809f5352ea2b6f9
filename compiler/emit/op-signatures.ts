// emit/: the opcode table of read/ looked up by mnemonic, for operand and result types.

import { FC_OPS, FE_OPS, OPS, type OpInfo } from '../read/opcodes.js';

export const OPS_BY_NAME = new Map<string, OpInfo>();
for (const table of [OPS, FC_OPS, FE_OPS]) {
  for (const info of table.values()) if (!OPS_BY_NAME.has(info.name)) OPS_BY_NAME.set(info.name, info);
}
