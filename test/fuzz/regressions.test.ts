// Every saved regression case (test/fuzz/regressions/, written by `npm run fuzz`): an open case
// must still fail exactly as recorded (a known bug; its .json says what it is), a fixed one must
// pass. When an open case starts passing, the bug was fixed: set its "status" to "fixed".

import { afterAll, describe, expect, test } from 'vitest';
import { loadRegressions, regressionSignature } from './regressions.mjs';
import { CaseRunner } from './runner.mjs';

const runner = new CaseRunner({ timeoutMs: 60_000 });
afterAll(() => runner.stop());
const cases = loadRegressions();

describe('fuzz regressions', () => {
  test('the cases are well-formed records', () => {
    for (const c of cases) {
      expect(['differential', 'malformed']).toContain(c.kind);
      expect(['open', 'fixed']).toContain(c.status);
      expect(typeof c.signature).toBe('string');
    }
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const sig = await regressionSignature(runner, c);
    if (c.status === 'open') expect(sig, 'still fails as recorded (if it passes now: mark it fixed)').toBe(c.signature);
    else expect(sig).toBeUndefined();
  }, 120_000);
});
