// bench/lib/util.mjs: paths and small helpers shared by the bench scripts.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(BENCH, '..');
export const CACHE = path.join(BENCH, '.cache');
/**
 * This process's private scratch directory under .cache/: compiled outputs and patched modules of
 * one bench run. Private because runs may overlap (two engineers, one checkout): a shared
 * directory let one run recompile the outputs another was timing.
 */
export const RUN_DIR = path.join(CACHE, `run-${process.pid}`);

/** Remove RUN_DIR (at the end of a run). */
export function removeRunDir() {
  fs.rmSync(RUN_DIR, { recursive: true, force: true });
}

/** Run a command to completion; throws with its stderr on failure. Returns stdout. */
export function exec(command, args, options = {}) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26, ...options });
  } catch (e) {
    throw new Error(`${path.basename(command)} ${args.map((a) => path.basename(String(a))).join(' ')} failed: ${String(e.stderr || e.message).trim()}`);
  }
}

/** Median of a non-empty list of numbers. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Geometric mean of positive numbers (NaN for none). */
export function geomean(values) {
  if (values.length === 0) return NaN;
  return Math.exp(values.reduce((a, v) => a + Math.log(v), 0) / values.length);
}
