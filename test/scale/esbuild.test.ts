// A real 14 MB Go program (esbuild-wasm's esbuild.wasm) compiles with default settings and runs
// its own transform through Go's wasm_exec.js on w2js output, with Node's default flags, giving
// what it gives on V8's wasm (issue 11). Before: the printer overflowed its stack on Go's nesting,
// one output file went past V8's string limit, and Go's runtime exhausted the JS stack.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runNode } from '../helpers/run-node.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = path.join(root, 'node_modules/esbuild-wasm');
const cli = path.join(root, 'dist/compiler/cli.js');
const goRun = path.join(root, 'bench/lib/go-run.cjs');

/** Run node with `args`, `input` on stdin; resolve stdout, reject on a non-zero exit. */
async function node(args: string[], input?: string): Promise<string> {
  const run = await runNode(args, input);
  if (run.code !== 0) throw new Error(`node ${args.join(' ')} exited ${run.code}: ${run.stderr.slice(-2000)}`);
  return run.stdout;
}

describe('esbuild.wasm (Go, 14 MB)', () => {
  it('compiles with default settings and transforms TypeScript as on V8\'s wasm', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-esbuild-'));
    try {
      await node([cli, 'compile', path.join(pkg, 'esbuild.wasm'), '-o', out, '-q']);
      for (const name of fs.readdirSync(out).filter((n) => n.endsWith('.js'))) {
        expect(fs.statSync(path.join(out, name)).size, name).toBeLessThanOrEqual(64 * 1024 * 1024 + 1024 * 1024);
      }
      const input = 'enum Color { Red, Green }\nexport const pick = (c: Color, xs: readonly number[]): number => xs.reduce((a, x) => a + x * c, 0) as number;\n';
      const args = ['--loader=ts', '--format=esm'];
      const transform = (target: string) => node([goRun, target, path.join(pkg, 'wasm_exec.js'), ...args], input);
      const native = await transform(path.join(pkg, 'esbuild.wasm'));
      expect(native).toContain('Color2[Color2["Red"] = 0] = "Red"');
      expect(await transform(out)).toBe(native);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
