// Traps and panics that say where (issue 14): a trap's message names the wasm function and,
// through source maps, the C file and line; a kernel panic lists the panicking thread's kernel
// frames with theirs; a trap on a kernel worker names them in its stack.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { demangle, describeFrame, wasmFrames } from '../../runtime/wasm-stack.js';
import type { KernelError } from '../../runtime/host/boot.js';
import { boot, NR, repo } from '../kernel/helpers.js';

const fixtures = path.resolve('test/fixtures/dwarf');
const cli = path.resolve('dist/compiler/cli.js');
const source = fs.readFileSync(path.join(fixtures, 'lines.c'), 'utf8').split('\n');
const lineOf = (marker: string) => source.findIndex((l) => l.includes(`LINE:${marker}`)) + 1;

describe('stack frames', () => {
  it('demangles generated names', () => {
    expect(demangle('$store_at')).toBe('store_at');
    expect(demangle('$fs$2f_open$$12')).toBe('fs/open');
    expect(demangle('$a$1f600_')).toBe('a\u{1f600}');
    // A part of a function split for V8 (compiler/emit/split.ts) is named after the function.
    expect(demangle('$JS_CallInternal$$p3')).toBe('JS_CallInternal');
    expect(demangle('$fs$2f_open$$12$$p1')).toBe('fs/open');
  });

  it('reads V8, JavaScriptCore and native wasm frames; skips the runtime and the host', () => {
    const stack = [
      'RuntimeError: x',
      '    at trap (file:///o/runtime/trap.js:48:11)',
      '    at Object.$nccc_call64 (file:///o/runtime/funcref.js:148:43)',
      '    at $store_at (/src/prog.c:66:7)',
      '    at Function.$main [as wasmCode] (file:///o/index.js:12:3)',
      '    at k.wasm.sys_crash (wasm://wasm/k.wasm-0006cdba:wasm-function[77]:0x277e)',
      '    at k.wasm.call0 (wasm://wasm/k.wasm-0006cdba:1:673)',
      '$run@file:///o/index.js:30:9',
      'trap@file:///o/runtime/trap.js:48:11',
    ].join('\n');
    const frames = wasmFrames(stack);
    expect(frames.map((f) => f.name)).toEqual(['store_at', 'main', 'sys_crash', 'call0', 'run']);
    expect(frames.map(describeFrame)).toEqual(['store_at (prog.c:66)', 'main', 'sys_crash (wasm @0x277e)', 'call0 (wasm @0x2a0)', 'run']);
    expect(describeFrame({ name: 'f', file: '/o/m.wasm', line: 1, column: 0x2b })).toBe('f (m.wasm @0x2a)');
  });

  it('reads frames of code run by eval, named by a sourceURL or not', () => {
    const stack = [
      'RuntimeError: x',
      '    at $boom (eval at evaluate (file:///o/polyfill/namespace.js:76:88), <anonymous>:8:20)',
      '    at $interp$t1 (eval at relink (w2js-module-1.js:3:40), <anonymous>:5:10)',
      '    at $run (w2js-module-1.js:12:3)',
    ].join('\n');
    const frames = wasmFrames(stack);
    expect(frames.map((f) => [f.name, f.file, f.line])).toEqual([['boom', '<anonymous>', 8], ['interp', '<anonymous>', 5], ['run', 'w2js-module-1.js', 12]]);
    expect(frames.map(describeFrame)).toEqual(['boom', 'interp', 'run']);
  });
});

describe('trap messages', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-traps-'));
  const run = (flags: string[], nodeFlags: string[]) => {
    execFileSync(process.execPath, [cli, 'compile', path.join(fixtures, 'lines.wasm'), '-o', out, '-q', ...flags]);
    const script = `const { instantiate } = await import(${JSON.stringify(pathToFileURL(path.join(out, 'index.js')).href)});
      const { instance } = await instantiate();
      try { instance.exports.run(5); } catch (e) { console.log(e.constructor === WebAssembly.RuntimeError, e.message); }`;
    return spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], { encoding: 'utf8' }).stdout.trim();
  };

  it('name the C function and line with source maps on', () => {
    expect(run(['--source-map'], ['--enable-source-maps'])).toBe(`true integer divide by zero in scale (lines.c:${lineOf('divide')})`);
  });

  it('name the wasm function, or its byte offset with a wasm-offset map', () => {
    expect(run([], [])).toBe('true integer divide by zero in scale');
    expect(run(['--source-map', '--source-map-target', 'wasm'], ['--enable-source-maps'])).toMatch(/^true integer divide by zero in scale \(lines\.wasm @0x[0-9a-f]+\)$/);
  });
});

describe('the debug test kernel', () => {
  const debugKernel = path.join(repo, 'kernel/test-kernel.debug.wasm');
  const withMaps = {
    sourceMaps: true,
    cacheDir: path.join(os.tmpdir(), 'w2js-debug-kernel-cache'),
    compilerId: `issue14-source-maps ${fs.statSync(cli).mtimeMs}`,
    compileTo: (wasm: string, dir: string) => void execFileSync(process.execPath, [cli, 'compile', wasm, '-o', dir, '-q', '--source-map']),
  };
  const fails = (kernel: Awaited<ReturnType<typeof boot>>, args: number[]): KernelError => {
    try {
      kernel.syscall(NR.crash, args);
    } catch (e) {
      return e as KernelError;
    }
    throw new Error('the syscall returned');
  };

  it('a panic lists every kernel frame with its C function and line', async () => {
    const kernel = await boot(debugKernel, 'w2js', withMaps);
    const e = fails(kernel, [1]);
    await kernel.halt();
    expect(e.reason).toBe('panic');
    const stack = e.message.split('kernel stack:')[1]!.split('---')[0]!.trim().split('\n').map((l) => l.trim());
    expect(stack).toEqual([
      expect.stringMatching(/^at call0 \(host_ops\.c:\d+\)$/),
      expect.stringMatching(/^at host_panic \(host_ops\.c:\d+\)$/),
      expect.stringMatching(/^at panic \(klib\.c:\d+\)$/),
      expect.stringMatching(/^at sys_crash \(syscalls\.c:\d+\)$/),
      expect.stringMatching(/^at kernel_syscall \(syscalls\.c:\d+\)$/),
    ]);
  }, 60_000);

  it('a trap on a kernel worker names its C function and line, and its stack every kernel frame', async () => {
    const kernel = await boot(debugKernel, 'w2js', withMaps);
    const e = fails(kernel, [2]);
    await kernel.halt();
    const crashLine = fs.readFileSync(path.join(repo, 'kernel/test-kernel/syscalls.c'), 'utf8').split('\n').findIndex((l) => l.includes('__builtin_trap')) + 1;
    expect(crashLine).toBeGreaterThan(0);
    expect(e.message).toContain(`RuntimeError: unreachable in crash_deep (syscalls.c:${crashLine})`);
    const kernelFrames = e.message.split('\n').filter((l) => /^\s+at (Function\.)?\$/.test(l));
    expect(kernelFrames.length).toBeGreaterThanOrEqual(5); // crash_deep ×4, crash_thread
    for (const f of kernelFrames) expect(f).toMatch(/\(\/.*\.c:\d+:\d+\)$/);
  }, 60_000);

  it('on native wasm, a panic lists the kernel frames with their byte offsets', async () => {
    const kernel = await boot(debugKernel, 'native');
    const e = fails(kernel, [1]);
    await kernel.halt();
    expect(e.message).toMatch(/kernel stack:\n\s+at call0 \(wasm @0x[0-9a-f]+\)\n\s+at host_panic/);
  }, 60_000);
});
