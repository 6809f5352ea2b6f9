// Debugging C over the DevTools protocol (issue 14), against Node's inspector: the drivers
// (devtools-c.mjs, devtools-kernel.mjs) speak the protocol over the inspector's WebSocket as a
// frontend does and report what they saw; here we check it. The same in headless Chromium:
// devtools-chromium.test.ts.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const fixtures = path.resolve('test/fixtures/dwarf');
const cli = path.resolve('dist/compiler/cli.js');
const prog = fs.readFileSync(path.join(fixtures, 'prog.c'), 'utf8').split('\n');
const lineOf = (marker: string) => prog.findIndex((l) => l.includes(`LINE:${marker}`)) + 1;
const progUrl = `file://${path.join(fixtures, 'prog.c')}`;

/** Run a driver under Node's WebSocket (experimental on Node 20) and parse its report. */
function drive(script: string, ...args: string[]): any {
  const text = execFileSync(process.execPath, ['--experimental-websocket', path.resolve('test/debug', script), ...args], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(text);
}

describe("Node's inspector", () => {
  it('stops at a C line set through the source map, shows C frames, steps by C lines, reads C variables by name', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-devtools-'));
    execFileSync(process.execPath, [cli, 'compile', path.join(fixtures, 'prog.wasm'), '-o', out, '--source-map', '-q']);
    const seen = drive('devtools-c.mjs', out, String(lineOf('x')));
    // The paused frames: C functions at their C lines, the export's wrapper ignore-listed.
    expect(seen.frames.slice(0, 3)).toEqual([
      { name: '$store_at', c: { source: progUrl, line: lineOf('x') }, ignored: false },
      { name: '$run', c: { source: progUrl, line: lineOf('loop') }, ignored: false },
      { name: '1', c: expect.objectContaining({ source: expect.stringMatching(/runtime\/funcref\.js$/) }), ignored: true },
    ]);
    // C variables by their C names: store_at's p (&points[0]) and run's count.
    expect(seen.p).toBeGreaterThanOrEqual(1024);
    expect(seen.p % 8).toBe(0);
    expect(seen.count).toBe(3);
    expect(seen.locals).toContain('p');
    // Two steps: the next two C lines of store_at.
    expect(seen.steps).toEqual([
      { name: '$store_at', c: { source: progUrl, line: lineOf('y') } },
      { name: '$store_at', c: { source: progUrl, line: lineOf('return') } },
    ]);
    expect(seen.output).toBe('run(3) = 14');
  }, 150_000);

  it("pauses kernel worker threads blocked in a host op and shows their kernel stacks in C", () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-devtools-kernel-'));
    const seen = drive('devtools-kernel.mjs', cache);
    expect(seen.ready).toBe('READY 1');
    expect(seen.workers).toBeGreaterThan(8);
    expect(seen.threads.length).toBe(8);
    for (const t of seen.threads) expect(t.paused, t.title).toBe(true);
    const withKernel = seen.threads.filter((t: any) => t.frames.some((f: any) => f.name.startsWith('$')));
    expect(withKernel.length).toBeGreaterThan(0);
    for (const t of withKernel) {
      const kernel = t.frames.filter((f: any) => f.name.startsWith('$'));
      // Every kernel frame maps to a C file and line of the kernel's sources.
      for (const f of kernel) expect(f.c?.source, f.name).toMatch(/\/kernel\/(abi|test-kernel)\/[\w-]+\.c$/);
      // Blocked in a host op: the innermost kernel frame is host_ops.c's call into the host,
      // below the runtime's wait (Atomics.wait).
      expect(kernel[0].name).toBe('$host_sem_down');
      expect(t.frames[0].name).toBe('waitOn');
      // The kernel's copy of the runtime (funcref.js between kernel and host) is ignore-listed.
      for (const f of t.frames) if (/\/runtime\/funcref\.js$/.test(f.c?.source ?? '')) expect(f.ignored).toBe(true);
    }
  }, 150_000);
});
