// Running a workload of workloads/ (one JSON line, with whether WebAssembly was the polyfill) on
// native WebAssembly, on the polyfill forced over it, and under `node --jitless`: for the suites
// of real packages (packages.test.ts, toolchains.test.ts).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { runNode } from '../helpers/run-node.js';
import { repo } from '../kernel/helpers.js';

const polyfill = path.join(repo, 'dist/polyfill/node.js');
const workloads = path.join(repo, 'test/polyfill/workloads');

/** Run a workload; its JSON line, with whether it ran on the polyfill. */
export async function runWorkload(name: string, env: Record<string, string>): Promise<{ polyfilled: boolean; rest: unknown }> {
  const r = await runNode([path.join(workloads, `${name}.mjs`)], undefined, env);
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  expect(r.code, `${name} ${JSON.stringify(env)}: exit ${r.code}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-3000)}`).toBe(0);
  const { polyfilled, ...rest } = JSON.parse(line) as { polyfilled: boolean };
  return { polyfilled, rest };
}

/**
 * A fresh content-hash cache for the calling suite (removed after it), and the two environments:
 * the polyfill forced over native WebAssembly, compiling into the cache; `--jitless`, where
 * WebAssembly does not exist, from it. Through NODE_OPTIONS, so that processes a package starts
 * get the polyfill too.
 */
export function polyfillEnvironments(): { cache: string; forced: Record<string, string>; jitless: Record<string, string>; tierUps: () => TierReport } {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-polyfill-cache-'));
  const report = `${cache}.tier-up.jsonl`;
  afterAll(() => {
    fs.rmSync(cache, { recursive: true, force: true });
    fs.rmSync(report, { force: true });
  });
  return {
    cache,
    // The tier-up (polyfill/tier-up.ts) after 20 000 crossings instead of 1 M, at any rate: every
    // split function the workload runs much is laid out again, while it runs.
    forced: { NODE_OPTIONS: `--import=${polyfill}`, W2JS_POLYFILL: 'force', W2JS_CACHE: cache, W2JS_TIER_UP_AFTER: '20000', W2JS_TIER_UP_RATE: '0', W2JS_TIER_UP_REPORT: report },
    jitless: { NODE_OPTIONS: `--jitless --import=${polyfill}`, W2JS_CACHE: cache },
    tierUps: () => readTierReport(report),
  };
}

/** What the processes run since the last call laid out again (function indices), and what failed. */
export interface TierReport {
  relaid: number[];
  failed: { funcIndex: number; error: string }[];
}

function readTierReport(file: string): TierReport {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  fs.rmSync(file, { force: true });
  const all = lines.map((line) => JSON.parse(line) as TierReport);
  return { relaid: all.flatMap((r) => r.relaid), failed: all.flatMap((r) => r.failed) };
}
