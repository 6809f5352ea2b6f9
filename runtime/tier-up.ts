// runtime/: the counters of a split function's crossings between parts (compiler/emit/split.ts
// countCrossings). A script compiled for the polyfill counts, per function, how often each segment
// is entered from another part; after `tierUpAfter` crossings the module's `$$tier.up` lays the
// function out again from those counts (polyfill/tier-up.ts). Crossing is what costs in an
// interpreter split into parts (8.6 ns each, bench/README.md D16).

/**
 * Crossings counted before a function is laid out again: about 30 ms of quickjs's interpreter, so
 * that a function crossed only a few times never pays for a compile (one takes 0.1–0.3 s).
 */
export const TIER_UP_AFTER = 1 << 22;
let after = TIER_UP_AFTER;

/** Lay functions out again after `n` crossings instead (tests; W2JS_TIER_UP_AFTER in polyfill/node.ts); 0: never. */
export function setTierUpAfter(n: number): void {
  after = n > 0 ? Math.min(n, 0x7fffffff) : 0;
}

/** A function's counters: one per segment, and a countdown in the last slot (never reaching 0 when tier-up is off). */
export function tier_counts(segments: number): Int32Array {
  const counts = new Int32Array(segments + 1);
  counts[segments] = after > 0 ? after : -1;
  return counts;
}
