// Output properties: deterministic bytes, names that cannot inject code, split files that
// link, and source maps that point at wasm byte offsets.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { escapeName, NameSpace } from '../../compiler/mangle.js';
import { readModule } from '../../compiler/read/module.js';
import { RUNTIME_URL, load, wat, withNames } from '../helpers/wasm.js';

/** A module of `n` functions calling each other, with memory, globals, a table and data. */
function bigModule(n: number): Uint8Array {
  const funcs: string[] = [];
  for (let i = 0; i < n; i++) {
    const next = (i * 7 + 3) % n;
    funcs.push(`(func $f${i} (param $x i32) (result i32)
      (if (result i32) (i32.gt_s (local.get $x) (i32.const 0))
        (then (call $f${next} (i32.sub (local.get $x) (i32.const 1))))
        (else (i32.add (i32.load (i32.const ${(i % 64) * 4})) (i32.const ${i})))))`);
  }
  return wat(`(module (memory 1) (global $g (mut i32) (i32.const 5)) (table ${n} funcref)
    (elem (i32.const 0) ${Array.from({ length: n }, (_, i) => `$f${i}`).join(' ')})
    (data (i32.const 0) "\\01\\02\\03\\04")
    ${funcs.join('\n')}
    (export "f0" (func $f0)))`);
}

describe('determinism', () => {
  it('compiling a module of 3000 functions twice gives identical bytes (also split and with maps)', () => {
    const bytes = bigModule(3000);
    expect(readModule(bytes).funcs.length).toBe(3000);
    for (const options of [{}, { split: 500, sourceMap: true }]) {
      const a = compile(bytes, { filename: 'big.wasm', ...options }).files;
      const b = compile(bytes.slice(), { filename: 'big.wasm', ...options }).files;
      expect([...a.keys()]).toEqual([...b.keys()]);
      for (const [name, text] of a) expect(text === b.get(name)).toBe(true);
    }
  });

  it('no absolute paths or timestamps leak into the output', () => {
    const files = compile(bigModule(10), { filename: '/home/someone/secret/big.wasm', sourceMap: true }).files;
    for (const text of files.values()) expect(text).not.toContain('/home/someone');
  });
});

/** Write split output files to `dir`, load them, and compare f0 with the module compiled whole. */
async function expectSameAsOneFile(files: Map<string, string>, dir: string, bytes: Uint8Array): Promise<void> {
  for (const [name, text] of files) fs.writeFileSync(path.join(dir, name), text);
  const mod = await import(pathToFileURL(path.join(dir, 'index.js')).href);
  const { instance } = await mod.instantiate();
  const whole = await load(bytes);
  for (const x of [0, 1, 5, 50, 123]) expect(instance.exports.f0(x)).toBe(whole.exports.f0(x));
}

describe('split output', () => {
  it('links across files and computes the same results', async () => {
    const bytes = bigModule(200);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-split-'));
    const { files } = compile(bytes, { split: 37, runtimeImport: RUNTIME_URL });
    expect(files.size).toBe(1 + Math.ceil(200 / 37));
    await expectSameAsOneFile(files, dir, bytes);
  });
});

describe('split by size', () => {
  it('starts a new file past maxFileBytes, links across files, and maps each one', async () => {
    const bytes = bigModule(200);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-size-'));
    const maxFileBytes = 4000;
    const { files } = compile(bytes, { maxFileBytes, sourceMap: true, runtimeImport: RUNTIME_URL });
    const chunks = [...files.keys()].filter((n) => /^funcs-\d+\.js$/.test(n));
    expect(chunks.length).toBeGreaterThan(5);
    for (const name of chunks) {
      const text = files.get(name)!;
      // Functions fill at most maxFileBytes; the header, imports and exports come on top.
      const functions = text.slice(text.indexOf('\n'), text.search(/^(import|export) \{/m) - 1);
      expect(functions.length, name).toBeLessThanOrEqual(maxFileBytes);
      expect(files.has(`${name}.map`), name).toBe(true);
      expect(text.endsWith(`//# sourceMappingURL=${name}.map\n`), name).toBe(true);
    }
    await expectSameAsOneFile(files, dir, bytes);
  });

  it('the CLI writes files as it goes and leaves no staging directory behind', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-cli-split-'));
    const input = path.join(dir, 'big.wasm');
    fs.writeFileSync(input, bigModule(300));
    const cli = path.join(path.dirname(new URL(import.meta.url).pathname), '../../dist/compiler/cli.js');
    execFileSync(process.execPath, [cli, 'compile', input, '-o', path.join(dir, 'out'), '--split', '100', '--source-map']);
    const out = fs.readdirSync(path.join(dir, 'out')).sort();
    expect(out).toEqual(['funcs-0.js', 'funcs-0.js.map', 'funcs-1.js', 'funcs-1.js.map', 'funcs-2.js', 'funcs-2.js.map', 'index.d.ts', 'index.js', 'index.js.map', 'package.json', 'runtime']);
    expect(fs.readdirSync(dir).sort()).toEqual(['big.wasm', 'out']);
    // The CLI names a map's sources relative to the output folder: big.wasm is one level up.
    const inMemory = compile(bigModule(300), { filename: input, split: 100, sourceMap: true, typings: true, sourceMapSources: { rename: (s) => `../${s}` } }).files;
    for (const name of out.filter((n) => n !== 'runtime' && n !== 'package.json')) expect(fs.readFileSync(path.join(dir, 'out', name), 'utf8'), name).toBe(inMemory.get(name));
  });
});

describe('names', () => {
  it('escapes everything outside [A-Za-z0-9_] and keeps readable names readable', () => {
    expect(escapeName('copy_process')).toBe('copy_process');
    expect(escapeName('std::vector<int>')).toBe('std$3a_$3a_vector$3c_int$3e_');
    expect(escapeName('a$b')).toBe('a$24_b');
  });

  it('keeps distinct names distinct, even ones that look like escapes or suffixes', () => {
    const space = new NameSpace('$');
    const names = ['a:b', 'a$3a_b', 'a_3a_b', 'x', 'x', 'x$$1', 'f1', 'f1', '', 'class', 'return'];
    const ids = names.map((n, i) => space.claim(n, i));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^\$[A-Za-z0-9_$]*$/);
  });

  it('a hostile name section cannot inject code', async () => {
    const evil = ['*/ globalThis.pwned = 1; /*', '"); globalThis.pwned = 1; ("', '\n globalThis.pwned = 1 \n', '\u2028globalThis.pwned=1',
      '</script><script>pwned=1</script>', 'constructor', '__proto__', 'inst', 'mem', 'class', 'f1', 'f1', 'p0'];
    const funcs = evil.map((_, i) => `(func (export "e${i}") (param i32) (result i32) (local i32) (local.set 1 (i32.const ${i})) (i32.add (local.get 0) (local.get 1)))`);
    const plain = wat(`(module (memory (export "m") 1) (global (export "g") (mut i32) (i32.const 7)) ${funcs.join('\n')})`, false);
    const bytes = withNames(plain, {
      funcs: evil.map((name, i) => [i, name]),
      locals: evil.map((_, i) => [i, [[0, evil[i]!], [1, evil[(i + 1) % evil.length]!]]]),
      globals: [[0, evil[0]!]],
    });
    const { exports, code } = await load(bytes);
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    for (let i = 0; i < evil.length; i++) expect(exports[`e${i}`](100)).toBe(100 + i);
    expect(code).not.toMatch(/^\s*globalThis\.pwned/m);
    expect(code).not.toContain('</script>');
    // Readable names stay readable; clashing ones are told apart by index.
    expect(code).toContain('function $constructor(inst, ');
    expect(code).toContain('function $f1(inst');
    expect(code).toContain('function $f1$$11(inst');
  });
});

describe('source maps', () => {
  it('map generated statements to the byte offsets of their wasm instructions', () => {
    const bytes = wat(`(module (memory 1)
      (func $store (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)) (call $other))
      (func $other (i32.store (i32.const 0) (i32.const 1))))`);
    const { files } = compile(bytes, { filename: 'm.wasm', sourceMap: true });
    const code = files.get('index.js')!;
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.js\.map\n$/);
    const map = JSON.parse(files.get('index.js.map')!);
    expect(map.version).toBe(3);
    expect(map.sources).toEqual(['m.wasm']);
    const m = readModule(bytes);
    const storeAt = m.funcs[0]!.body.find((i) => i.op === 'i32.store')!.at;
    const callAt = m.funcs[0]!.body.find((i) => i.op === 'call')!.at;
    const tracer = new TraceMap(map);
    const lines = code.split('\n');
    const pos = (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle));
      const col = lines[line]!.indexOf(needle.trim());
      return originalPositionFor(tracer, { line: line + 1, column: col });
    };
    expect(pos('dv.setInt32(p0 >>> 0')).toMatchObject({ source: 'm.wasm', line: 1, column: storeAt });
    expect(pos('$other(inst)')).toMatchObject({ source: 'm.wasm', line: 1, column: callAt });
  });
});

describe('names that would close an inline <script> or open an HTML comment (issue 9, item 8)', () => {
  const bytes = wat(`(module (import "</script>" "<!--imp" (func $imp_<!--))
    (func $f_<!--_</script> (export "</script><!-- x") (param i32) (result i32) (local.get 0))
    (global $g_<!-- (export "<!--g") i32 (i32.const 1)))`);

  it('appear nowhere raw in any output file, which still works', async () => {
    const { files } = compile(bytes, { filename: 'odd</script><!--.wasm', typings: true, script: true });
    for (const [name, text] of files) expect(text, name).not.toMatch(/<\/script|<!--/i);
    const { exports } = await load(bytes, { '</script>': { '<!--imp': () => undefined } });
    expect((exports['</script><!-- x'] as (x: number) => number)(42)).toBe(42);
    expect(Object.keys(exports)).toEqual(['</script><!-- x', '<!--g']);
  });
});
