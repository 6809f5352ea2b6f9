// runtime/: the counters of a split function's crossings between parts (compiler/emit/split.ts
// countCrossings). A script compiled for the polyfill counts, per function, how often each segment
// is entered from another part, while the countdown in the counters' last slot is not 0; each
// time it reaches 0 the module's `$$tier.up` is called, which measures the crossings' rate over a
// second window (and, where it is too low, over up to four longer ones) and, where they are
// frequent enough to matter, lays the function out again from the counts (polyfill/tier-up.ts).
// Crossing is what costs in an interpreter split into parts (8.6 ns each, bench/README.md D16).

/** Crossings counted before the rate is measured, and the window it is measured over. */
export const TIER_UP_AFTER = 1 << 20;
/**
 * Crossings a second below which a function is left as it is: at 8.6 ns each, 10 M a second are
 * under a tenth of the time (quickjs's interpreter: 37 M; resvg's loop of three parts: 0.7 M).
 */
export const TIER_UP_MIN_RATE = 10e6;

let after = TIER_UP_AFTER;
let minRate = TIER_UP_MIN_RATE;

/**
 * Count `n` crossings before measuring, and measure over `n` more (tests; W2JS_TIER_UP_AFTER in
 * polyfill/node.ts); 0: never count. `rate`: the least crossings a second worth a new layout.
 */
export function setTierUpAfter(n: number, rate = TIER_UP_MIN_RATE): void {
  after = n > 0 ? Math.min(n, 0x3fffffff) : 0;
  minRate = rate;
}

export const tierUpAfter = (): number => after;
export const tierUpMinRate = (): number => minRate;

/**
 * A function's counters: one per segment, and the countdown in the last slot (0: not counting).
 * The countdown starts at 1: the first crossing calls `$$tier.up` at once, which starts the count
 * proper. That call runs while the function is still interpreted, so V8 has type feedback for it
 * when it optimizes the function; a call first reached in optimized code deopts it, and sqlite's
 * VDBE loop was compiled again twice (an OSR and a full compile each time, ~120 ms) when its
 * count ran out (bench/README.md S44).
 */
export function tier_counts(segments: number): Int32Array {
  const counts = new Int32Array(segments + 1);
  counts[segments] = after > 0 ? 1 : 0;
  return counts;
}
