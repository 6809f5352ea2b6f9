// runtime/: everything generated code and hosts import. See README.md for the contract.

export { RuntimeError, LinkError, trap } from './trap.js';
export { Memory, PAGE_SIZE } from './memory.js';
export * from './memory.js';
export * from './atomics.js';
export { Table } from './table.js';
export * from './table.js';
export { Global } from './global.js';
export { call_target, callee_inst, ref_func, makeFuncRef, hostFuncRef, isFuncRef } from './funcref.js';
export type { FuncRef } from './funcref.js';
export { instantiateModule, createInstance } from './instantiate.js';
export type { Instance, ModuleDescriptor } from './instantiate.js';
export * from './numeric/index.js';
