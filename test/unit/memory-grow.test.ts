// test/unit/memory-grow.test.ts: memory.grow of a non-shared memory (issue 9, item 1), on each of
// the runtime's backings (runtime/memory.ts `BACKING`): `wasm` (a WebAssembly.Memory, where the
// host has WebAssembly: this process), `resizable` (a resizable ArrayBuffer: `node --jitless`) and
// `copy` (neither: `node --jitless` without ArrayBuffer.prototype.resize). The same scenario
// (memory-grow-observe.mjs) runs on each; all must show the JS API's behaviour: contents survive,
// the old buffer is detached and memory.buffer is a new object of the new length (also for a
// grow by 0), a failed grow changes nothing and returns -1 (wasm) or throws RangeError (JS),
// and every instance and function sees the new pages.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileText, wat } from '../helpers/wasm.js';
import { STACK_SHOWS_EVERY_FRAME } from '../../runtime/wasm-stack.js';
import { IMPORTER_WAT, observe, PAGE, WAT } from './memory-grow-observe.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const cacheDir = path.resolve(here, '../.cache/memory-grow');

/** Compile wat text to test/.cache/memory-grow/<hash>/index.js; returns the file. */
function compileTo(text: string): string {
  const code = compileText(wat(text));
  const dir = path.join(cacheDir, createHash('sha1').update(code).digest('hex'));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'index.js');
  if (!fs.existsSync(file)) fs.writeFileSync(file, code);
  return file;
}

const mainFile = compileTo(WAT);
const importerFile = compileTo(IMPORTER_WAT);

/** BigInts as "…n" strings, as the child processes print them. */
const plain = (facts: unknown) => JSON.parse(JSON.stringify(facts, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));

/** The scenario in a fresh `node --jitless` (no WebAssembly), optionally without resizable buffers. */
function observeInChild(noResizable: boolean): { facts: Record<string, unknown>; wasm: string; resize: string } {
  const args = ['--jitless', path.join(here, 'memory-grow-observe.mjs'), mainFile, importerFile];
  if (noResizable) args.push('--no-resizable');
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out);
}

/** What every backing must show; `resizable` is the one fact that differs (see runtime/README.md). */
function expected(resizable: boolean): Record<string, unknown> {
  // The spec's text, then the wasm function where the engine's stacks show it (runtime/trap.ts).
  const oob = `RuntimeError: out of bounds memory access${STACK_SHOWS_EVERY_FRAME ? ' in load' : ''}`;
  return {
    initial: { size: 1, byteLength: PAGE, resizable },
    grow1: 1,
    afterGrow1: {
      size: 2,
      oldByteLength: 0,
      newObject: true,
      byteLength: 2 * PAGE,
      load100: 0x11223344,
      load64: `${-0x123456789abcdefn}n`,
      loadf: Math.PI,
      hostByte100: 0x44,
      newPageZero: 0,
    },
    hostSeesNewPage: 7,
    importer: { load: 7, grow: 2, mainSize: 3, loadAfterMainStore: 99 },
    growThenUse: 0x5eed + 0x5e,
    atMaximum: { size: 4, byteLength: 4 * PAGE },
    growPastMaximum: -1,
    growThenUsePastMaximum: -1,
    afterFailedGrow: { size: 4, sameObject: true, byteLength: 4 * PAGE, load100: 0x11223344 },
    jsGrowPastMaximum: expect.stringMatching(/^RangeError: /),
    jsGrowPastMaximumErrorClass: true,
    growZero: 4,
    afterGrowZero: { oldByteLength: 0, newObject: true, byteLength: 4 * PAGE, load100: 0x11223344 },
    jsGrowZero: 4,
    afterJsGrowZero: { oldByteLength: 0, newObject: true },
    outOfBounds: oob,
    lastWord: null,
    jsMemory: {
      initialByteLength: 0,
      grow: 0,
      oldByteLength: 0,
      byteLength: 2 * PAGE,
      past4GiB: expect.stringMatching(/^RangeError: /),
      sizeAfterFailure: 2 * PAGE,
    },
  };
}

describe('memory.grow of a non-shared memory', () => {
  it('backed by a WebAssembly.Memory where WebAssembly exists: the JS API exactly', async () => {
    const facts = plain(await observe(pathToFileURL(mainFile).href, pathToFileURL(importerFile).href));
    expect(facts).toEqual(expected(false));
  });

  it('backed by a resizable ArrayBuffer without WebAssembly (node --jitless)', () => {
    const { facts, wasm, resize } = observeInChild(false);
    expect([wasm, resize]).toEqual(['undefined', 'function']);
    expect(facts).toEqual(expected(true));
  });

  it('copied into a new ArrayBuffer without either', () => {
    const { facts, wasm, resize } = observeInChild(true);
    expect([wasm, resize]).toEqual(['undefined', 'undefined']);
    expect(facts).toEqual(expected(false));
  });

  it('grows a memory without a maximum to 4 GiB in place, contents kept, and no further', async () => {
    // Only the in-place backings can do this in a test: copying would touch 4 GiB.
    const { instance } = await (await import(pathToFileURL(compileTo(`(module
      (memory (export "memory") 0)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))`)).href)).instantiate({});
    const x = instance.exports;
    for (let pages = 0; pages < 65536; pages += 8192) {
      expect(x.grow(8192)).toBe(pages);
      x.store((pages + 8192) * PAGE - 4, pages + 1); // the last word so far
    }
    for (let pages = 0; pages < 65536; pages += 8192) expect(x.load((pages + 8192) * PAGE - 4)).toBe(pages + 1);
    expect(instance.exports.memory.buffer.byteLength).toBe(2 ** 32);
    expect(x.grow(1)).toBe(-1);
    expect(x.grow(0)).toBe(65536);
    expect(x.load(-4)).toBe(65536 - 8192 + 1);
  });
});
