// The spec suite on the other JS runtimes: 2022/core and the threads proposal compiled by w2js under
// Node (into test/.cache/spec/w2js) and run on Bun (JavaScriptCore) and on Deno (a newer V8), through
// `run.mjs --runtime`. Zero failures; the commands engine-differences.tsv lists for a runtime must fail
// there (each is explained in test/spec/README.md, "Engine differences"), and count as skipped.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode, type NodeRun } from '../helpers/run-node.js';
import { describe, expect, test } from 'vitest';
import { findRuntime } from '../engines/runtimes.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, 'run.mjs');
const specRoot = path.resolve(process.env.W2JS_SPEC_DIR ?? path.join(here, '../../../shared/spec'));
const suites = ['2022/core', '2022/proposals/threads'];

type CliRun = NodeRun;

function runCli(args: string[]): Promise<CliRun> {
  return runNode([cli, ...args]);
}

/** How many commands engine-differences.tsv lists for `runtime` in these suites. */
function listedDifferences(runtime: string): number {
  return readFileSync(path.join(here, 'engine-differences.tsv'), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('#') && l.trim())
    .map((l) => l.split('\t'))
    .filter(([rt, p]) => rt === runtime && suites.some((s) => p!.startsWith(`${s}/`)) && !p!.slice(0, -5).includes('/simd/')).length;
}

describe('spec suite on other runtimes', () => {
  for (const runtime of ['bun', 'deno']) {
    test(`2022/core and threads compiled by w2js, run on ${runtime}`, async () => {
      const rt = findRuntime(runtime);
      expect(rt, `${runtime} is not installed: npm install puts it in node_modules (devDependency "${runtime}")`).not.toBeNull();
      const run = await runCli(['--engine', 'w2js', '--runtime', runtime, ...suites.map((s) => path.join(specRoot, s))]);
      const at = run.stdout.lastIndexOf('\nengine ');
      console.log(`--- ${runtime} (${rt!.version})\n${(at >= 0 ? run.stdout.slice(at + 1) : run.stdout.slice(-3000)).trimEnd()}`);
      const totals = [...run.stdout.matchAll(/^(\d+) passed, (\d+) failed, (\d+) skipped$/gm)].at(-1);
      expect(totals, `no total line\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`).toBeDefined();
      const failing = run.stdout.split('\n').filter((l) => /^ {2}line \d+:/.test(l) || /: \d+ passed, [1-9]\d* failed/.test(l));
      expect(Number(totals![2]), `failures on ${runtime}\n${failing.slice(0, 60).join('\n')}\n${run.stderr.slice(-2000)}`).toBe(0);
      expect(run.code).toBe(0);
      // Every listed difference showed up (a listed command that passes is already a failure above).
      const differences = Number(/^engine differences: (\d+) /m.exec(run.stdout)?.[1] ?? 0);
      expect(differences).toBe(listedDifferences(runtime));
      // The suites really ran (2022/core alone has 27 923 commands).
      expect(Number(totals![1])).toBeGreaterThan(27_923);
    }, 10 * 60_000);
  }
});
