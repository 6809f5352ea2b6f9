// Bad input: every kind gives a CompileError with a stable code and the byte offset of the
// problem; the CLI prints one line and exits 1; nothing ever crashes, hangs or dumps a stack.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile, CompileError } from '../../compiler/index.js';
import { wat } from '../helpers/wasm.js';

const cli = path.resolve('dist/compiler/cli.js');
const here = path.dirname(fileURLToPath(import.meta.url));

function errorOf(bytes: Uint8Array): CompileError {
  try {
    compile(bytes, { filename: 'bad.wasm' });
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  throw new Error('compiled without error');
}

const valid = wat(`(module
  (memory 1)
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $get (export "get") (param i32) (result i32) (i32.load (local.get 0))))`);

describe('bad input', () => {
  it('garbled magic → E_MALFORMED at 0', () => {
    const e = errorOf(new Uint8Array([0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0]));
    expect([e.code, e.offset, e.reason]).toEqual(['E_MALFORMED', 0, 'magic header not detected']);
  });

  it('exception handling (a tag section, an imported or exported tag) → E_UNSUPPORTED naming it, at its offset', () => {
    const head = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, /* type: () -> () */ 1, 4, 1, 0x60, 0, 0];
    const tagSection = new Uint8Array([...head, 13, 3, 1, 0, 0]);
    const e = errorOf(tagSection);
    expect([e.code, e.offset]).toEqual(['E_UNSUPPORTED', head.length]);
    expect(e.reason).toMatch(/exception handling \(the tag section\)/);
    const tagImport = new Uint8Array([...head, 2, 8, 1, 1, 0x6d, 1, 0x74, 0x04, 0, 0]);
    expect([errorOf(tagImport).code, errorOf(tagImport).reason]).toEqual(['E_UNSUPPORTED', 'exception handling (an imported tag) is not supported yet']);
    const tagExport = new Uint8Array([...head, 7, 5, 1, 1, 0x74, 0x04, 0]);
    expect(errorOf(tagExport).code).toBe('E_UNSUPPORTED');
  });

  it('unknown version → E_MALFORMED at 4', () => {
    const e = errorOf(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0]));
    expect([e.code, e.offset, e.reason]).toEqual(['E_MALFORMED', 4, 'unknown binary version']);
  });

  it('truncated binary → E_MALFORMED at the offset where bytes ran out', () => {
    for (const cut of [9, 20, valid.length - 1]) {
      const e = errorOf(valid.subarray(0, cut));
      expect(e.code).toBe('E_MALFORMED');
      expect(e.offset).toBeGreaterThanOrEqual(8);
      expect(e.offset).toBeLessThanOrEqual(cut);
    }
  });

  it('section size mismatch → E_MALFORMED at the section', () => {
    // type section claims 1 byte more than it has
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 0, 0x0b]);
    const e = errorOf(bytes);
    expect(e.code).toBe('E_MALFORMED');
    expect(e.offset).toBe(14);
  });

  it('invalid module (type mismatch) → E_INVALID at the instruction, with the function', () => {
    // (func (result i32) (i64.const 0)): the body's i64.const sits at a known offset
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 10, 6, 1, 4, 0, 0x42, 0, 0x0b]);
    const e = errorOf(bytes);
    expect(e.code).toBe('E_INVALID');
    expect(e.reason).toMatch(/type mismatch/);
    expect(e.funcIndex).toBe(0);
    expect(e.offset).toBeGreaterThanOrEqual(24);
    expect(e.offset).toBeLessThanOrEqual(26);
    expect(e.message).toMatch(/^bad\.wasm: func\[0\] .*@0x1[89a]: error E_INVALID: type mismatch/);
  });

  it('unsupported feature (SIMD) → E_UNSUPPORTED at the opcode', () => {
    // (func (drop (v128.const ...))) would need v128; use the 0xfd prefix directly in a body
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 6, 1, 4, 0, 0xfd, 0x0c, 0x0b]);
    const e = errorOf(bytes);
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.offset).toBe(23);
    expect(e.reason).toMatch(/SIMD/);
  });

  it('random corruption never escapes as anything but CompileError (and never hangs)', () => {
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let errors = 0;
    for (let n = 0; n < 3000; n++) {
      const bytes = valid.slice();
      const flips = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < flips; k++) bytes[8 + Math.floor(rand() * (bytes.length - 8))] = Math.floor(rand() * 256);
      try {
        compile(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(CompileError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(1000);
  });
});

describe('CLI on bad input', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-err-'));

  it('prints one line with file, offset and code, exits 1, no stack', () => {
    const bad = path.join(dir, 'bad.wasm');
    fs.writeFileSync(bad, valid.subarray(0, 20));
    const r = spawnSync(process.execPath, [cli, 'compile', bad, '-o', path.join(dir, 'out')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bad\.wasm @0x[0-9a-f]+: error E_MALFORMED: /);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('missing input → E_INPUT, exit 1; usage errors exit 2', () => {
    const r = spawnSync(process.execPath, [cli, 'compile', path.join(dir, 'nope.wasm'), '-o', dir], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error E_INPUT: cannot read input: ENOENT/);
    const u = spawnSync(process.execPath, [cli, 'compile'], { encoding: 'utf8' });
    expect(u.status).toBe(2);
    expect(spawnSync(process.execPath, [cli, 'frobnicate'], { encoding: 'utf8' }).status).toBe(2);
  });

  it('--help explains every option', () => {
    const help = execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    for (const option of ['compile', 'run', 'cache', '--invoke', '--source-map', '--split', '--runtime', '--ts', '-o']) expect(help).toContain(option);
  });

  it('an unknown option or a bad argument is a one-line usage error (exit 2)', () => {
    const demo = path.join(here, '../fixtures/demo/demo.wasm');
    const unknown = spawnSync(process.execPath, [cli, 'compile', demo, '-o', path.join(dir, 'o'), '--sourcemap'], { encoding: 'utf8' });
    expect([unknown.status, unknown.stderr.trim()]).toEqual([2, 'w2js: compile: unknown option --sourcemap (w2js --help lists them)']);
    expect(fs.existsSync(path.join(dir, 'o'))).toBe(false);
    const arg = spawnSync(process.execPath, [cli, 'run', demo, '--invoke', 'checksum', 'seven'], { encoding: 'utf8' });
    expect([arg.status, arg.stderr.trim()]).toEqual([2, 'w2js: argument "seven" is not a valid i32']);
  });

  it('run: names the imports a module needs; leaves no temporary folder', () => {
    const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('w2js-run-')).length;
    const ok = spawnSync(process.execPath, [cli, 'run', path.join(here, '../fixtures/demo/demo.wasm'), '--invoke', 'checksum', '7'], { encoding: 'utf8' });
    expect([ok.status, ok.stdout.trim()]).toEqual([0, '-1702384147']);
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('w2js-run-')).length).toBe(before);
    const kernel = spawnSync(process.execPath, [cli, 'run', path.join(here, '../../kernel/test-kernel.wasm'), '--invoke', 'init'], { encoding: 'utf8' });
    expect(kernel.status).toBe(2);
    expect(kernel.stderr).toMatch(/imports 2 value\(s\) and `w2js run` provides none: env\.memory \(memory\), env\.nccc_call64 \(func\)/);
  });

  it('compile marks its output folder as ES modules; cache writes the polyfill\'s files by content hash', () => {
    const demo = path.join(here, '../fixtures/demo/demo.wasm');
    execFileSync(process.execPath, [cli, 'compile', demo, '-o', path.join(dir, 'esm'), '-q']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'esm/package.json'), 'utf8'))).toEqual({ type: 'module' });
    const listed = execFileSync(process.execPath, [cli, 'cache', demo, '-o', path.join(dir, 'cache')], { encoding: 'utf8' }).trim();
    expect(listed).toBe(path.join(dir, 'cache', `${createHash('sha256').update(fs.readFileSync(demo)).digest('hex')}.js`));
    expect(fs.readFileSync(listed, 'utf8')).toMatch(/^\/\/ Generated by w2js .*\n\(function \(rt\) \{/);
  });
});
