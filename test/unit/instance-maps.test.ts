// Every instance of a module has one V8 map (hidden class), however many other modules the runtime
// serves (compiler/link/descriptor.ts instanceShape): generated code reads `inst.$memory0` and the
// globals at every call, and a map per instance made those reads megamorphic. hash-wasm makes a
// new instance for each hash; after a few modules' shapes, the copy `{ ...desc.shape }` that made
// instances gave each one a map of its own (bench/README.md S29). Thread instances (a sibling in
// the same JS thread) share their root's map too. Checked with V8's %HaveSameMap in a child Node.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runNode } from '../helpers/run-node.js';
import { compileText, RUNTIME_URL, wat } from '../helpers/wasm.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-maps-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('gives every instance of a module one map, among many modules, and its thread siblings the same', async () => {
  const files: string[] = [];
  for (let k = 0; k < 7; k++) {
    // Modules of different shapes: k + 1 globals, an import, a memory.
    const globals = Array.from({ length: k + 1 }, (_, i) => `(global $g${i} (mut i32) (i32.const ${i}))`).join(' ');
    const bytes = wat(`(module (import "env" "f" (func $f (result i32))) (memory 1) ${globals}
      (func (export "run") (result i32) (global.set $g0 (i32.add (global.get $g0) (call $f))) (global.get $g0)))`);
    const file = path.join(dir, `m${k}.mjs`);
    fs.writeFileSync(file, compileText(bytes));
    files.push(file);
  }
  const script = path.join(dir, 'check.mjs');
  fs.writeFileSync(script, `
    const { internalInstance, createThreadInstance } = await import(${JSON.stringify(RUNTIME_URL)});
    const modules = await Promise.all(${JSON.stringify(files)}.map((f) => import(f)));
    const seen = modules.map(() => []);
    for (let round = 0; round < 6; round++) {
      for (const [k, m] of modules.entries()) {
        const { instance } = await m.instantiate({ env: { f: () => round } });
        if (instance.exports.run() !== round) throw new Error('wrong result');
        seen[k].push(internalInstance(instance));
        if (round === 5) seen[k].push(createThreadInstance(instance).inst);
      }
    }
    console.log(JSON.stringify(seen.map((insts) => insts.every((x) => %HaveSameMap(x, insts[0])))));
  `);
  const r = await runNode(['--allow-natives-syntax', script]);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout.trim())).toEqual(new Array(7).fill(true));
});
