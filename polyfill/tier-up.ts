// polyfill/: tier-up of split functions. The polyfill compiles with `layout.countCrossings`, so a
// function split into parts counts, by target, how often its code changes part; once it has
// counted enough (runtime/tier-up.ts), the module script calls `$$tier.up`, and this compiles that
// one function again with its hottest segments in one part (compiler/emit/part-layout.ts),
// evaluates it in the script's scope and binds the function's name to it. Calls already running
// finish in the old code, which stays correct: the old and new functions differ only in which
// segments share a JS function. quickjs's interpreter: bench/README.md S31.

import { compileFunction, prepare, type Prepared } from '../compiler/compile-function.js';
import type { CompileOptions } from '../compiler/index.js';
import { tierUpAfter, tierUpMinRate } from '../runtime/tier-up.js';
import { gathers, HOT_PART_FACTOR } from '../compiler/emit/part-layout.js';
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

const SUFFIX = '$t1';
const now = (): number => globalThis.performance?.now() ?? Date.now();

/**
 * How many more windows, each twice the last, a function found crossing too few times a second is
 * measured over before it is left as it is. quickjs's interpreter, measured while V8 still ran it
 * in its interpreter (counting from 2^18 crossings), was skipped for good and ran its later rounds
 * 1.8× slower (bench/README.md D32, S46). A function that stays slow costs only its counting,
 * 2^21 to 2^24 crossings more.
 */
const RATE_RETRIES = 4;

/** The module script's hook (compiler/link/output.ts). */
export interface TierHook {
  up(funcIndex: number, counts: Int32Array, mainEnd: number): void;
  relink(src: string): unknown;
}

/** What the tier-up did in this process: function indices (tests and the bench read it). */
export interface TierStats {
  relaid: number[];
  /** Laid out by an earlier process, found in the disk cache and used from the start. */
  reused: number[];
  skipped: number[];
  failed: { funcIndex: number; error: unknown }[];
}
const stats: TierStats = { relaid: [], reused: [], skipped: [], failed: [] };
export const tierUpStats = (): TierStats => stats;

/** A function laid out again: what `relink` evaluates, kept by a disk cache for later processes (a JSON line each). */
interface TierRecord {
  funcIndex: number;
  src: string;
}

/** One decision of the tier-up, as it is made. */
export type TierEvent = { kind: 'relaid' | 'reused' | 'skipped'; funcIndex: number } | { kind: 'failed'; funcIndex: number; error: unknown };

export interface TierUpOptions {
  /** How the script was compiled (the layout decides the segments' numbering). */
  compile?: CompileOptions;
  /** The records an earlier process kept for this script (polyfill/disk-cache.ts): evaluated now, before any instance. */
  kept?: string;
  /** Keep one more record (a line, with its newline). */
  keep?: (line: string) => void;
  /** Told each decision (the spec suite's and the fuzzer's tier modes report them). */
  onEvent?: (event: TierEvent) => void;
  /** Milliseconds, for the rate (tests give their own clock). */
  clock?: () => number;
}

/** The records in `text`; a line cut short (a process killed while appending) is left out. */
function parseRecords(text: string): TierRecord[] {
  return text.split('\n').flatMap((line) => {
    try {
      return line ? [JSON.parse(line) as TierRecord] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Set `hook.up` for the module of `bytes`: each function laid out again once. The module is read
 * again on the first call (its function bodies stay undecoded until compiled). Exports and table
 * entries made before keep the old code (correct, not faster). Records kept by an earlier process
 * are evaluated first: their functions never count (bench/README.md S31: quickjs's first round).
 */
export function attachTierUp(hook: TierHook, bytes: Uint8Array, { compile = POLYFILL_COMPILE_OPTIONS, kept = '', keep, onEvent, clock = now }: TierUpOptions = {}): void {
  let prepared: Prepared | undefined;
  const done = new Set<number>();
  const tell = (event: TierEvent): void => {
    if (event.kind === 'failed') stats.failed.push({ funcIndex: event.funcIndex, error: event.error });
    else stats[event.kind].push(event.funcIndex);
    onEvent?.(event);
  };
  for (const record of parseRecords(kept)) {
    if (done.has(record.funcIndex)) continue; // two processes may both have kept one
    try {
      hook.relink(record.src);
      done.add(record.funcIndex);
      tell({ kind: 'reused', funcIndex: record.funcIndex });
    } catch {
      // Not this script's (the cache names records by the script file's size and time): counted afresh.
    }
  }
  // Functions whose first crossing called (runtime/tier-up.ts tier_counts): counting since.
  const counting = new Set<number>();
  // The window each function's rate is being measured over, from when its countdown first ran out.
  const windows = new Map<number, { start: number; length: number; retries: number }>();
  hook.up = (funcIndex, counts, mainEnd) => {
    const n = counts.length - 1;
    const after = tierUpAfter();
    if (done.has(funcIndex)) {
      counts[n] = 0; // decided: the old code, where it still runs, counts no more
      return;
    }
    if (!counting.has(funcIndex)) {
      counting.add(funcIndex);
      counts[n] = after;
      return;
    }
    const window = windows.get(funcIndex);
    if (window === undefined) {
      // The rate over the next window; none with tier-up turned off since counting began.
      if (after > 0) windows.set(funcIndex, { start: clock(), length: after, retries: 0 });
      counts[n] = after;
      return;
    }
    // The most frequent target in the main function: gathering parts would not remove it.
    const worth = gathers(counts, n, mainEnd);
    const slow = window.length < tierUpMinRate() * ((clock() - window.start) / 1000);
    if (worth && slow && window.retries < RATE_RETRIES) {
      // Too few crossings a second so far, perhaps because V8 still interprets the function
      // (bench/README.md D32): measured again over a window twice as long, the counts kept.
      window.retries++;
      window.length = Math.min(window.length * 2, 0x3fffffff);
      window.start = clock();
      counts[n] = window.length;
      return;
    }
    counts[n] = 0;
    done.add(funcIndex);
    if (!worth || slow) {
      tell({ kind: 'skipped', funcIndex });
      return;
    }
    try {
      // Read with the layout the script was compiled with: the same segments, numbered alike.
      prepared ??= prepare(bytes, compile.filename ?? 'module.wasm', { layout: compile.layout });
      const src = relayoutSource(prepared, funcIndex, counts);
      if (src === undefined) {
        tell({ kind: 'skipped', funcIndex });
        return;
      }
      hook.relink(src);
      tell({ kind: 'relaid', funcIndex });
      keep?.(`${JSON.stringify({ funcIndex, src } satisfies TierRecord)}\n`);
    } catch (error) {
      // The old layout runs on, correct; the failure is kept for whoever looks (a compiler bug).
      tell({ kind: 'failed', funcIndex, error });
    }
  };
}

/**
 * The source that makes function `funcIndex` (split into parts) the same function laid out by
 * `counts`: declared as `<name>$t1` with frame pools of its own (the old code, still running in
 * calls that have not returned, gives its frames back to the old pools, which the new function
 * carries), then bound to `<name>` and to the descriptor's code for later instances. A function
 * is laid out again at most once, so one suffix serves (no mangled name has `$t`).
 */
export function relayoutSource(p: Prepared, funcIndex: number, counts: ArrayLike<number>): string | undefined {
  const m = p.module;
  const name = p.names.funcs[funcIndex]!;
  const next = `${name}${SUFFIX}`;
  const funcs = p.names.funcs.slice();
  funcs[funcIndex] = next;
  const partNodes = p.options.layout?.partNodes ?? PART_NODES;
  // The gathered part as large as measured best, or smaller where it prints past V8's limit.
  for (let factor = HOT_PART_FACTOR; factor >= 2; factor -= 0.5) {
    const profile = { counts, poolSuffix: SUFFIX, hotNodes: partNodes * factor };
    const layout = { ...p.options.layout, countCrossings: false, profile };
    const { printed } = compileFunction({ ...p, names: { ...p.names, funcs }, options: { ...p.options, layout } }, funcIndex - m.importedFuncs);
    const parts = printed.code.split(/^(?=function )/m).slice(1);
    if (parts.some((code) => splitsAbove(code, GATHERED_PART_TOKENS))) continue;
    return `${printed.code}\n${next}.fi = ${name}.fi; ${next}.fd = ${name}.fd; ${next}.fo = ${name}.fo;\n${name} = ${next};\nmodule.code[${funcIndex - m.importedFuncs}] = ${next};\n`;
  }
  return undefined;
}
