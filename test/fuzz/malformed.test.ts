// A fixed-seed batch of the malformed fuzzer (malformed.mjs), plus the inputs it draws from at
// their extremes: every truncation of a real module, and 100 000 nested blocks, loops and ifs.
// Every case ends in a CompileError with an offset within the input, or in a module V8 accepts
// too that w2js compiles (and runs like V8 when it is ttf-based). Runs in a worker process with
// a time limit per case. Long runs: `npm run fuzz -- --kind malformed --count N --seed S`.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { deepNesting } from './mutate.mjs';
import { signature } from './reduce.mjs';
import { loadRegressions } from './regressions.mjs';
import { CaseRunner } from './runner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SEEDS = 800;
const runner = new CaseRunner({ timeoutMs: 60_000, recycle: 1000 });
afterAll(() => runner.stop());
const known = () => new Set(loadRegressions().filter((r) => r.status === 'open').map((r) => r.signature));

/** Check `bytes` as a malformed case: its failure signature, or undefined. */
async function check(bytes: Uint8Array, run = false) {
  const result = await runner.run({ kind: 'mutant', bytes: Buffer.from(bytes).toString('base64'), run });
  return { result, sig: signature('malformed', result) };
}

describe('malformed', () => {
  test(`seeds 0..${SEEDS - 1}: a CompileError with an offset, or valid for V8 and w2js alike`, async () => {
    const open = known();
    const failures: string[] = [];
    const statuses: Record<string, number> = {};
    for (let seed = 0; seed < SEEDS; seed++) {
      const result = await runner.run({ kind: 'malformed', seed });
      statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      const sig = signature('malformed', result);
      if (sig !== undefined && !open.has(sig)) failures.push(`seed ${seed} (${result.source}: ${result.mutations}): ${sig}`);
    }
    expect(failures).toEqual([]);
    // Both outcomes were exercised: rejections, and mutants that stayed valid.
    expect(statuses.rejected ?? 0).toBeGreaterThan(SEEDS / 2);
    expect(statuses.valid ?? 0).toBeGreaterThan(SEEDS / 20);
  }, 600_000);

  test('every truncation of test/fixtures/demo/demo.wasm is rejected with an offset within it (or, cut at a section end, valid)', async () => {
    const demo = new Uint8Array(fs.readFileSync(path.join(root, 'test/fixtures/demo/demo.wasm')));
    const open = known();
    const failures: string[] = [];
    const statuses: Record<string, number> = {};
    for (let n = 0; n < demo.length; n++) {
      const { result, sig } = await check(demo.subarray(0, n));
      statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      if (sig !== undefined && !open.has(sig)) failures.push(`${n} bytes: ${sig}`);
    }
    expect(failures).toEqual([]);
    // A prefix ending where a section ends is a valid module: a handful at most.
    expect(statuses.rejected).toBeGreaterThan(demo.length - 20);
    expect(Object.keys(statuses).sort()).toEqual(['rejected', 'valid']);
  }, 300_000);

  test.each(['block', 'loop', 'if'])('100 000 nested %s compile and run like V8; unbalanced, rejected', async (kind) => {
    const valid = await check(deepNesting(100_000, kind, 0), true);
    expect(valid.result).toMatchObject({ status: 'valid' });
    for (const broken of [1, 2]) {
      const { result } = await check(deepNesting(100_000, kind, broken));
      expect(result).toMatchObject({ status: 'rejected' });
    }
  }, 120_000);
});
