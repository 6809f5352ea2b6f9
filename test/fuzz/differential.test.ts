// A fixed-seed batch of the differential fuzzer (differential.mjs): binaryen ttf modules run on
// native V8 and through w2js must agree, in a worker process with a time limit per case. A
// failure already saved as an open regression case (regressions/) is reported there, not here.
// Long runs: `npm run fuzz -- --count N --seed S` (README.md).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { signature } from './reduce.mjs';
import { loadRegressions } from './regressions.mjs';
import { CaseRunner } from './runner.mjs';

const SEEDS = 80;
const runner = new CaseRunner({ timeoutMs: 60_000 });
afterAll(() => runner.stop());

/** The batch's failures (not known as open regressions), statuses and exports called. */
async function batch(cases: CaseRunner, seeds: number): Promise<{ failures: string[]; statuses: Record<string, number>; exportsCalled: number }> {
  const known = new Set(loadRegressions().filter((r) => r.status === 'open').map((r) => r.signature));
  const failures: string[] = [];
  const statuses: Record<string, number> = {};
  let exportsCalled = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const result = await cases.run({ kind: 'differential', seed });
    statuses[result.status] = (statuses[result.status] ?? 0) + 1;
    exportsCalled += result.exportsCalled ?? 0;
    const sig = signature('differential', result);
    if (sig !== undefined && !known.has(sig)) failures.push(`seed ${seed}: ${sig}\n  ${result.detail ?? JSON.stringify(result.mismatches?.slice(0, 3))}`);
  }
  return { failures, statuses, exportsCalled };
}

test(`differential: seeds 0..${SEEDS - 1} agree with native V8`, async () => {
  const { failures, statuses, exportsCalled } = await batch(runner, SEEDS);
  expect(failures).toEqual([]);
  // The batch really ran: most modules compiled and ran, and their exports were called.
  expect(statuses.ok ?? 0).toBeGreaterThan(SEEDS * 0.8);
  expect(exportsCalled).toBeGreaterThan(SEEDS * 5);
}, 600_000);

// As the polyfill runs them (engines.mjs W2JS_FUZZ_TIER): every function split, laid out again
// after two crossings while it runs (polyfill/tier-up.ts); a relayout that fails is a failure.
test('differential, every function laid out again while it runs: seeds 0..39 agree with native V8', async () => {
  const report = path.join(os.tmpdir(), `w2js-fuzz-tier-${process.pid}.txt`);
  fs.rmSync(report, { force: true });
  const tiered = new CaseRunner({ timeoutMs: 60_000, env: { W2JS_FUZZ_TIER: '1', W2JS_TIER_UP_REPORT: report } });
  try {
    const { failures, statuses } = await batch(tiered, 40);
    expect(failures).toEqual([]);
    expect(statuses.ok ?? 0).toBeGreaterThan(40 * 0.8);
    // Functions were laid out again (3 000 cases of a long run: 46 459).
    expect(fs.readFileSync(report, 'utf8').split('\n').filter(Boolean).length).toBeGreaterThan(40);
  } finally {
    tiered.stop();
    fs.rmSync(report, { force: true });
  }
}, 600_000);
