// A fixed-seed batch of the TypeScript fuzzer (typescript.mjs): random valid modules compiled
// with `ts` pass `tsc --strict`. Seeds 33 and 75 once failed (a comparison of `c ? a : b`
// with a literal, TS2367); seed 16 too (a br_table on `c ? 1 : 0`, TS2678: it is in 0..29).
// Long runs: `npm run fuzz:ts -- --count N --seed S`.

import { expect, test } from 'vitest';
import { typeCheckSeeds } from './typescript.mjs';

test('TypeScript output of random modules: seeds 0..29, 33, 75 pass tsc --strict', async () => {
  const runs = [await typeCheckSeeds(0, 30), await typeCheckSeeds(33, 1), await typeCheckSeeds(75, 1)];
  expect(runs.flatMap((r) => r.failures)).toEqual([]);
  expect(runs.reduce((n, r) => n + r.checked, 0)).toBeGreaterThanOrEqual(30);
}, 600_000);
