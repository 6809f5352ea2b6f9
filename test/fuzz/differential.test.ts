// A fixed-seed batch of the differential fuzzer (differential.mjs): binaryen ttf modules run on
// native V8 and through w2js must agree, in a worker process with a time limit per case. A
// failure already saved as an open regression case (regressions/) is reported there, not here.
// Long runs: `npm run fuzz -- --count N --seed S` (README.md).

import { afterAll, expect, test } from 'vitest';
import { signature } from './reduce.mjs';
import { loadRegressions } from './regressions.mjs';
import { CaseRunner } from './runner.mjs';

const SEEDS = 80;
const runner = new CaseRunner({ timeoutMs: 60_000 });
afterAll(() => runner.stop());

test(`differential: seeds 0..${SEEDS - 1} agree with native V8`, async () => {
  const known = new Set(loadRegressions().filter((r) => r.status === 'open').map((r) => r.signature));
  const failures: string[] = [];
  const statuses: Record<string, number> = {};
  let exportsCalled = 0;
  for (let seed = 0; seed < SEEDS; seed++) {
    const result = await runner.run({ kind: 'differential', seed });
    statuses[result.status] = (statuses[result.status] ?? 0) + 1;
    exportsCalled += result.exportsCalled ?? 0;
    const sig = signature('differential', result);
    if (sig !== undefined && !known.has(sig)) failures.push(`seed ${seed}: ${sig}\n  ${result.detail ?? JSON.stringify(result.mismatches?.slice(0, 3))}`);
  }
  expect(failures).toEqual([]);
  // The batch really ran: most modules compiled and ran, and their exports were called.
  expect(statuses.ok ?? 0).toBeGreaterThan(SEEDS * 0.8);
  expect(exportsCalled).toBeGreaterThan(SEEDS * 5);
}, 600_000);
