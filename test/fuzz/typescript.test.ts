// A fixed-seed batch of the TypeScript fuzzer (typescript.mjs): random valid modules compiled
// with `ts` pass `tsc --strict`. Seeds 33 and 75 once failed (a comparison of `c ? a : b`
// with a literal, TS2367); seed 16 too (a br_table on `c ? 1 : 0`, TS2678: it is in 0..29).
// Long runs: `npm run fuzz:ts -- --count N --seed S`.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { runNode } from '../helpers/run-node.js';

const fuzzer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'typescript.mjs');

/** The fuzzer in a child process (tsc blocks for seconds at a time): its summary line and output. */
async function fuzz(seed: number, count: number): Promise<{ checked: number; failed: number; out: string }> {
  const r = await runNode([fuzzer, '--seed', String(seed), '--count', String(count)]);
  const m = /^(\d+) modules type-checked .*, (\d+) failed$/m.exec(r.stdout);
  if (!m) throw new Error(`no summary (exit ${r.code}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return { checked: Number(m[1]), failed: Number(m[2]), out: r.stdout };
}

test('TypeScript output of random modules: seeds 0..29, 33, 75 pass tsc --strict', async () => {
  const runs = [await fuzz(0, 30), await fuzz(33, 1), await fuzz(75, 1)];
  expect(runs.filter((r) => r.failed > 0).map((r) => r.out)).toEqual([]);
  expect(runs.reduce((n, r) => n + r.checked, 0)).toBeGreaterThanOrEqual(30);
}, 600_000);
