// The WebAssembly spec suite as vitest tests: one test per suite directory, each running the spec
// runner CLI (test/spec/run.mjs) twice for the w2js engine: once compiling every module into
// test/.cache/spec/w2js, then under `node --jitless` (no WebAssembly at all) from that cache alone.
// A first test runs the harness on V8's own WebAssembly to show the harness itself is sound.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runNode, type NodeRun } from '../helpers/run-node.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, 'run.mjs');
const specRoot = path.resolve(process.env.W2JS_SPEC_DIR ?? path.join(here, '../../../shared/spec'));

/** Suite directories: the CLI takes the .wast files directly inside each (2022/core leaves out simd/). */
const suites = ['2022/core', '2022/proposals/threads'];

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

type CliRun = NodeRun;

/** Run the CLI in a child process (async, so vitest stays responsive). */
function runCli(nodeFlags: string[], args: string[], env?: Record<string, string>): Promise<CliRun> {
  return runNode([...nodeFlags, cli, ...args], undefined, env);
}

/** The CLI's last line of the form `N passed, N failed, N skipped`. */
function parseTotals(stdout: string): Totals | undefined {
  const matches = [...stdout.matchAll(/^(\d+) passed, (\d+) failed, (\d+) skipped$/gm)];
  const m = matches.at(-1);
  return m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]) } : undefined;
}

/** The summary block the CLI prints after the per-file lines. */
function summary(run: CliRun): string {
  const at = run.stdout.lastIndexOf('\nengine ');
  return (at >= 0 ? run.stdout.slice(at + 1) : run.stdout.slice(-4000)).trimEnd();
}

/** The per-file lines of failing scripts with their first failures, to explain a red test. */
function failureDetail(run: CliRun): string {
  const out: string[] = [];
  let inFailing = false;
  for (const line of run.stdout.split('\n')) {
    if (/^\S.*: \d+ passed, \d+ failed, \d+ skipped$/.test(line)) inFailing = !line.includes(' 0 failed,');
    else if (!line.startsWith('  ')) inFailing = false;
    if (inFailing && out.length < 80) out.push(line);
  }
  return [...out, run.stderr.trim().slice(-2000)].join('\n');
}

/** Run the CLI and print its summary; the checks come afterwards, so both runs of a suite always report. */
async function runAndReport(label: string, nodeFlags: string[], args: string[], env?: Record<string, string>): Promise<{ label: string; run: CliRun }> {
  const run = await runCli(nodeFlags, args, env);
  console.log(`--- ${label}\n${summary(run)}`);
  return { label, run };
}

/** Expect a total line with 0 failed, and exit code 0. */
function expectClean({ label, run }: { label: string; run: CliRun }): void {
  const totals = parseTotals(run.stdout);
  expect(totals, `${label}: no total line\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`).toBeDefined();
  expect(totals?.failed, `${label}: failures\n${failureDetail(run)}`).toBe(0);
  expect(run.code, `${label}: exit code`).toBe(0);
}

const hasWasm = typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'undefined';

describe('spec suite', () => {
  test.runIf(hasWasm)(
    'harness self-check on native WebAssembly',
    async () => {
      expectClean(await runAndReport('native', [], ['--engine', 'native', ...suites.map((s) => path.join(specRoot, s))]));
    },
    120_000,
  );

  for (const suite of suites) {
    test(
      `${suite} on w2js (compiled, then --jitless from the cache)`,
      async () => {
        const dir = path.join(specRoot, suite);
        const compiled = await runAndReport(`w2js ${suite}`, [], ['--engine', 'w2js', dir]);
        const jitless = await runAndReport(`w2js --jitless ${suite}`, ['--jitless'], ['--engine', 'w2js', '--no-compile', dir]);
        expectClean(compiled);
        expectClean(jitless);
      },
      10 * 60_000,
    );
  }

  test(
    'every function in the dispatch form and split into parts (w2js-split): every suite passes',
    async () => {
      expectClean(await runAndReport('w2js-split', [], ['--engine', 'w2js-split', ...suites.map((s) => path.join(specRoot, s))]));
    },
    10 * 60_000,
  );

  test(
    'as the polyfill runs it, every split function laid out again after two crossings, while it runs (w2js-tier): every suite passes',
    async () => {
      const report = path.join(os.tmpdir(), `w2js-tier-up-${process.pid}.txt`);
      fs.rmSync(report, { force: true });
      try {
        expectClean(await runAndReport('w2js-tier', [], ['--engine', 'w2js-tier', ...suites.map((s) => path.join(specRoot, s))], { W2JS_TIER_UP_REPORT: report }));
        const events = fs.readFileSync(report, 'utf8').split('\n').filter(Boolean);
        expect(events.filter((e) => e.startsWith('failed'))).toEqual([]);
        // 40 functions at this writing (most of the suite's change part less than twice, or return to the main function).
        expect(events.filter((e) => e === 'relaid').length).toBeGreaterThan(20);
      } finally {
        fs.rmSync(report, { force: true });
      }
    },
    10 * 60_000,
  );

  test(
    'TypeScript output (--ts): every suite passes with its types stripped, and tsc --strict accepts every module',
    async () => {
      const dirs = suites.map((s) => path.join(specRoot, s));
      const run = await runAndReport('w2js-ts', [], ['--engine', 'w2js-ts', ...dirs]);
      expectClean(run);
      // The modules this run compiled, as one program (test/spec/ts-check.mjs).
      const checked = await runNode([path.join(here, 'ts-check.mjs')]);
      const last = checked.stdout.trim().split('\n').at(-1) ?? '';
      console.log(`--- tsc --strict\n${last}`);
      expect(last, checked.stdout.slice(-4000) + checked.stderr.slice(-2000)).toMatch(/^([1-9]\d{2,}) modules type-checked, 0 errors$/);
      expect(checked.code).toBe(0);
    },
    10 * 60_000,
  );
});
