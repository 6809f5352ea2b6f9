// polyfill/: tier-up of split functions. The polyfill compiles with `layout.countCrossings`, so a
// function split into parts counts, by target, how often its code changes part; once it has
// counted enough (runtime/tier-up.ts), the module script calls `$$tier.up`, and this compiles that
// one function again with its hottest segments in one part (compiler/emit/part-layout.ts),
// evaluates it in the script's scope and binds the function's name to it. Calls already running
// finish in the old code, which stays correct: the old and new functions differ only in which
// segments share a JS function. quickjs's interpreter: bench/README.md S31.

import { compileFunction, prepare, type Prepared } from '../compiler/compile-function.js';
import type { CompileOptions } from '../compiler/index.js';
import { HOT_PART_FACTOR } from '../compiler/emit/part-layout.js';
import { PART_NODES, splitsAbove } from '../compiler/emit/split.js';

/** How the polyfill compiles (in-process, and `w2js cache` ahead): the classic script, counting crossings. */
export const POLYFILL_COMPILE_OPTIONS: CompileOptions = { filename: 'module.wasm', script: 'only', runtimeImport: 'w2js/runtime', layout: { countCrossings: true } };

/**
 * The most tokens a gathered part may print as. Where a function is first split (26 000 tokens,
 * emit/split.ts) V8's limit of 60 KB of bytecode is far; at most 2.07 bytes a token were measured
 * (S10), so 28 000 tokens stay below 58 KB. quickjs's interpreter at 3 parts' nodes: 26 514
 * tokens, 48.6 KB of bytecode (`--print-bytecode`); at 3.5: 28 571 tokens, 52.8 KB.
 */
const GATHERED_PART_TOKENS = 28_000;

/** The module script's hook (compiler/link/output.ts). */
export interface TierHook {
  up(funcIndex: number, counts: Int32Array, mainEnd: number): void;
  relink(src: string): unknown;
}

/** What the tier-up did in this process: function indices (tests and the bench read it). */
export interface TierStats {
  relaid: number[];
  skipped: number[];
  failed: { funcIndex: number; error: unknown }[];
}
const stats: TierStats = { relaid: [], skipped: [], failed: [] };
export const tierUpStats = (): TierStats => stats;
let generation = 0;

/**
 * Set `hook.up` for the module of `bytes`, compiled with `options`: each function laid out again
 * once. The module is read again on the first call (its function bodies stay undecoded until
 * compiled). Exports and table entries made before keep the old code (correct, not faster).
 */
export function attachTierUp(hook: TierHook, bytes: Uint8Array, options: CompileOptions = POLYFILL_COMPILE_OPTIONS): void {
  let prepared: Prepared | undefined;
  const done = new Set<number>();
  hook.up = (funcIndex, counts, mainEnd) => {
    const n = counts.length - 1;
    counts[n] = -1; // counting on past this, the countdown needs 2^32 crossings to come back to 0
    if (done.has(funcIndex)) return;
    done.add(funcIndex);
    let top = 0;
    for (let k = 1; k < n; k++) if (counts[k]! > counts[top]!) top = k;
    // The most frequent target in the main function: gathering parts would not remove crossings.
    if (top < mainEnd) {
      stats.skipped.push(funcIndex);
      return;
    }
    try {
      // Read with the layout the script was compiled with: the same segments, numbered alike.
      prepared ??= prepare(bytes, options.filename ?? 'module.wasm', { layout: options.layout });
      const src = relayoutSource(prepared, funcIndex, counts, ++generation);
      if (src === undefined) {
        stats.skipped.push(funcIndex);
        return;
      }
      hook.relink(src);
      stats.relaid.push(funcIndex);
    } catch (error) {
      // The old layout runs on, correct; the failure is kept for whoever looks (a compiler bug).
      stats.failed.push({ funcIndex, error });
    }
  };
}

/**
 * The source that makes function `funcIndex` (split into parts) the same function laid out by
 * `counts`: declared as `<name>$t<generation>` with its own frame pools (the old code, still
 * running in calls that have not returned, gives its frames back to the old pools, which the new
 * function carries), then bound to `<name>` and to the descriptor's code for later instances.
 */
export function relayoutSource(p: Prepared, funcIndex: number, counts: ArrayLike<number>, generation: number): string | undefined {
  const m = p.module;
  const name = p.names.funcs[funcIndex]!;
  const next = `${name}$t${generation}`;
  const funcs = p.names.funcs.slice();
  funcs[funcIndex] = next;
  const partNodes = p.options.layout?.partNodes ?? PART_NODES;
  // The gathered part as large as measured best, or smaller where it prints past V8's limit.
  for (let factor = HOT_PART_FACTOR; factor >= 2; factor -= 0.5) {
    const profile = { counts, poolSuffix: `$t${generation}`, hotNodes: partNodes * factor };
    const layout = { ...p.options.layout, countCrossings: false, profile };
    const { printed } = compileFunction({ ...p, names: { ...p.names, funcs }, options: { ...p.options, layout } }, funcIndex - m.importedFuncs);
    const parts = printed.code.split(/^(?=function )/m).slice(1);
    if (parts.some((code) => splitsAbove(code, GATHERED_PART_TOKENS))) continue;
    return `${printed.code}\n${next}.fi = ${name}.fi; ${next}.fd = ${name}.fd; ${next}.fo = ${name}.fo;\n${name} = ${next};\nmodule.code[${funcIndex - m.importedFuncs}] = ${next};\n`;
  }
  return undefined;
}
