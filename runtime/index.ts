// runtime/: everything generated code and hosts import. See README.md for the contract.

export { RuntimeError, LinkError, trap } from './trap.js';
export { Memory, PAGE_SIZE } from './memory.js';
export * from './memory.js';
export * from './atomics.js';
export { bulk_loop_copy, bulk_loop_count, bulk_loop_fill, bulk_loop_until } from './bulk-loop.js';
export { setTierUpAfter, tier_counts, tierUpAfter, tierUpMinRate, TIER_UP_AFTER, TIER_UP_MIN_RATE } from './tier-up.js';
export { Table } from './table.js';
export * from './table.js';
export { Global } from './global.js';
export { call_target, callee_inst, ref_func, makeFuncRef, hostFuncRef, isFuncRef } from './funcref.js';
export { is_gen, run_gen, gen_value } from './generators.js';
export type { FuncRef, InstanceBase } from './funcref.js';
export { instantiateModule, createInstance } from './instantiate.js';
export type { Instance, ModuleDescriptor } from './instantiate.js';
export * from './numeric/index.js';
// i64 travels as two i32 halves in generated code: these pair helpers replace the BigInt ones.
export {
  high, i64_join, i64_split, i64_mul, mul_high_u32, i64_div_s, i64_div_u, i64_rem_s, i64_rem_u, i64_shl, i64_shr_s, i64_shr_u,
  i64_rotl, i64_rotr, i64_clz, i64_ctz, i64_popcnt, i64_trunc_f32_s, i64_trunc_f32_u, i64_trunc_f64_s, i64_trunc_f64_u,
  i64_trunc_sat_f32_s, i64_trunc_sat_f32_u, i64_trunc_sat_f64_s, i64_trunc_sat_f64_u, f32_convert_i64_s, f32_convert_i64_u,
  i64_reinterpret_f64, f64_reinterpret_i64, i64_load, i64_store,
} from './numeric/i64-pair.js';
export { createThreadInstance, internalInstance, getStackPointer, setStackPointer, stackPointerIndex, INSTANTIATE_OPTIONS } from './instance-thread.js';
export type { InstantiateOptions, ThreadInstance } from './instance-thread.js';
// The Node kernel host is its own entry (`w2js/host`: runtime/host/boot.ts): this index, which every
// compiled module imports, stays free of Node imports, so outputs bundle for the browser.
export type { BootOptions, HaltReport, Kernel, KernelStats } from './host/boot.js';
