// The threads proposal's spec scripts on w2js: every command passes (only the skips.tsv
// entries skipped), compiling, then under `node --jitless` from the cache alone.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const suite = path.resolve(process.env.W2JS_SPEC_DIR ?? path.join(root, '../shared/spec'), '2022/proposals/threads');

function run(nodeFlags: string[], args: string[]): string {
  const r = spawnSync(process.execPath, [...nodeFlags, path.join(root, 'test/spec/run.mjs'), '--engine', 'w2js', ...args, suite], { encoding: 'utf8' });
  return r.stdout + r.stderr;
}

test('threads spec: all pass, 3 skipped (compiled, then --jitless --no-compile)', () => {
  const compiled = run([], []);
  expect(compiled).toMatch(/^\d+ passed, 0 failed, 3 skipped$/m);
  const jitless = run(['--jitless'], ['--no-compile']);
  expect(jitless).toMatch(/^\d+ passed, 0 failed, 3 skipped$/m);
}, 60_000);
