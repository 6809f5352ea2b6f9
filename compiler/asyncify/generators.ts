// compiler/asyncify/: `w2js compile --generators`, the w2js-native alternative to Binaryen's
// Asyncify. Every function that may reach a blocking host op (blocking-set.ts) is emitted as a
// `function*`, and every call of one from another as `yield*`: a blocking op's host returns a
// generator (which yields what the green thread waits for) and the whole JS stack of the kernel
// thread suspends with it, to be resumed by the scheduler (runtime/host/green-thread.ts).
//
// Emitted (compiler/emit/function.ts): a direct call of a blocking function `yield* f(inst, ...)`;
// a call of the blocking import and a call_indirect whose signature some blocking table function
// has `(y = call, is_gen(y) ? yield* y : y)`; from a function that cannot block (an ABI wrapper
// calling a helper shared with blocking ones), such a call is run to its end by run_gen /
// gen_value, which throw if it suspends. Functions that are generators are never split into parts.

import { findBlockingFunctions } from './blocking-set.js';
import type { Module } from '../ir/module.js';
import { typeKey, type GeneratorPlan } from '../emit/context.js';

/** The kernel ABI's one import (as asyncify.ts's KERNEL_BLOCKING_IMPORT, without loading Binaryen's wrapper). */
const KERNEL_BLOCKING_IMPORT = 'env.nccc_call64';

/** Which functions of `m` (read from `bytes`) are generators, and which indirect signatures may reach one. */
export function generatorPlan(bytes: Uint8Array, m: Module, imports: readonly string[] = [KERNEL_BLOCKING_IMPORT]): GeneratorPlan {
  const { blocking } = findBlockingFunctions(bytes, imports);
  const sigs = new Set<string>();
  for (const e of m.elems) {
    for (const init of e.init) {
      for (const ins of init.body) {
        if (ins.op === 'ref.func' && ins.index !== undefined && blocking.has(ins.index)) sigs.add(typeKey(m.types[m.funcTypes[ins.index]!]!));
      }
    }
  }
  return { funcs: blocking, sigs };
}
