// A seeded xorshift32 for tests that draw programs or inputs: the same sequence on every run.

/** Successive uint32s of xorshift32 from `seed` (not 0). */
export function xorshift32(seed: number): () => number {
  return () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), seed >>> 0);
}
