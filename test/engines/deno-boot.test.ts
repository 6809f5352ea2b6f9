// The kernel host on Deno (issue 12, engines): `w2js boot` of the test kernel with kernel/demo.mjs
// run by Deno must print what it prints on Node. Deno used to exit 0 with no output (the host
// awaited an unref'd worker, and nothing else held Deno's event loop) and fired the selftest's
// timers out of order (its process.hrtime counts from each thread's start).

import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';
import { repo } from '../kernel/helpers.js';
import { findRuntime, runtimeCommand } from './runtimes.mjs';

const cli = path.join(repo, 'dist/compiler/cli.js');
const args = ['boot', path.join(repo, 'kernel/test-kernel.wasm'), '--exec', path.join(repo, 'kernel/demo.mjs')];

/** The host's own worker counts depend on how far the prestarted workers got: not the kernel's output. */
const kernelOutput = (out: string) => out.replace(/"workersAlive":\d+,"workersSpawned":\d+/, '"workersAlive":N,"workersSpawned":N');

function run(argv: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: kernelOutput(out) }));
  });
}

test.runIf(findRuntime('deno'))('w2js boot on Deno prints what it prints on Node, every time', async () => {
  const node = await run([process.execPath, cli, ...args]);
  expect(node.code).toBe(0);
  expect(node.out).toMatch(/selftest: timers: 3 fired in order 1 3 2/);
  for (let i = 0; i < 3; i++) {
    const deno = await run(runtimeCommand('deno', cli, args));
    expect({ code: deno.code, out: deno.out }).toEqual({ code: 0, out: node.out });
  }
}, 300_000);
