// validate/ against the spec suite's module commands: every binary `module` must read and
// validate, every `assert_invalid` must be rejected, every binary `assert_malformed` must be
// rejected by the reader. Scripts are converted by Debian's wast2json into test/.cache/.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { CompileError } from '../../compiler/diagnostics.js';
import { readModule } from '../../compiler/read/module.js';
import { validateModule } from '../../compiler/validate/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const specRoot = resolve(root, '../shared/spec/2022');
const cacheRoot = join(root, 'test/.cache/validate');

interface Command {
  type: string;
  line: number;
  filename?: string;
  text?: string;
  module_type?: 'binary' | 'text';
}

interface Suite {
  name: string;
  dir: string;
  flags: string[];
  /** assert_invalid commands the suite expects to fail but Wasm 2.0 accepts, by reason. */
  allowedValid: string[];
}

const suites: Suite[] = [
  { name: 'core', dir: join(specRoot, 'core'), flags: [], allowedValid: [] },
  // Reference types (Wasm 2.0) made multiple tables valid; the threads suite predates that.
  { name: 'threads', dir: join(specRoot, 'proposals/threads'), flags: ['--enable-threads'], allowedValid: ['multiple tables'] },
];

/** Counts per suite and outcome, printed at the end. */
const counts = new Map<string, number>();
function count(key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Convert a script with wast2json unless its JSON is newer than the script. */
function convert(suite: Suite, file: string): { dir: string; commands: Command[] } {
  const base = file.replace(/\.wast$/, '');
  const dir = join(cacheRoot, suite.name, base);
  const json = join(dir, `${base}.json`);
  const source = join(suite.dir, file);
  if (!existsSync(json) || statSync(json).mtimeMs < statSync(source).mtimeMs) {
    mkdirSync(dir, { recursive: true });
    execFileSync('wast2json', [...suite.flags, source, '-o', json], { stdio: 'pipe' });
  }
  return { dir, commands: (JSON.parse(readFileSync(json, 'utf8')) as { commands: Command[] }).commands };
}

/** Read and validate; returns the error, or undefined when the module is valid. */
function check(bytes: Uint8Array, stage: { failedIn?: 'read' | 'validate' }): CompileError | undefined {
  let m;
  try {
    m = readModule(bytes);
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    stage.failedIn = 'read';
    return e;
  }
  try {
    validateModule(m);
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    stage.failedIn = 'validate';
    return e;
  }
  return undefined;
}

for (const suite of suites) {
  const files = readdirSync(suite.dir).filter((f) => f.endsWith('.wast')).sort();
  describe(`spec ${suite.name}`, () => {
    test.each(files)('%s', (file) => {
      const { dir, commands } = convert(suite, file);
      const failures: string[] = [];
      for (const cmd of commands) {
        if (!cmd.filename?.endsWith('.wasm')) continue;
        const bytes = readFileSync(join(dir, cmd.filename));
        const where = `${file}:${cmd.line} ${cmd.type} ${cmd.filename}`;
        const stage: { failedIn?: 'read' | 'validate' } = {};
        const error = check(bytes, stage);
        switch (cmd.type) {
          case 'module':
          case 'assert_unlinkable':
          case 'assert_uninstantiable':
            // Linking and instantiation fail later; the module itself is valid.
            if (error) failures.push(`${where}: expected valid, got ${error.message}`);
            else count(`${suite.name} ${cmd.type} valid`);
            break;
          case 'assert_invalid':
            if (!error && suite.allowedValid.includes(cmd.text ?? '')) {
              count(`${suite.name} assert_invalid allowed valid (${cmd.text})`);
            } else if (!error) {
              failures.push(`${where}: expected invalid (${cmd.text}), but it validated`);
            } else if (error.code !== 'E_INVALID' && error.code !== 'E_MALFORMED') {
              failures.push(`${where}: expected invalid (${cmd.text}), got ${error.message}`);
            } else {
              count(`${suite.name} assert_invalid rejected (${error.code})`);
              if (error.reason.startsWith(cmd.text ?? '')) count(`${suite.name} assert_invalid same reason`);
            }
            break;
          case 'assert_malformed':
            if (!error) failures.push(`${where}: expected malformed (${cmd.text}), but it validated`);
            else if (stage.failedIn === 'read' && error.code === 'E_MALFORMED') count(`${suite.name} assert_malformed rejected by reader`);
            else if (error.code === 'E_INVALID' || error.code === 'E_MALFORMED') count(`${suite.name} assert_malformed rejected by validator (${error.code})`);
            // A later proposal's encoding (a tag section or tag import, malformed in Wasm 2.0) is named instead, as test/spec counts it.
            else if (error.code === 'E_UNSUPPORTED') count(`${suite.name} assert_malformed rejected as unsupported`);
            else failures.push(`${where}: expected malformed (${cmd.text}), got ${error.message}`);
            break;
          default:
            failures.push(`${where}: unexpected command with a module`);
        }
      }
      expect(failures).toEqual([]);
    });
  });
}

/** A module with one shared memory and one `[] -> []` function with this body (no locals). */
function oneFunc(body: number[]): Uint8Array {
  const code = [0x00, ...body, 0x0b];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: [] -> []
    0x03, 0x02, 0x01, 0x00, // func section: one func of type 0
    0x05, 0x04, 0x01, 0x03, 0x01, 0x01, // memory section: shared, 1..1 pages
    0x0a, code.length + 2, 0x01, code.length, ...code, // code section
  ]);
}
/** The byte offset of the first body instruction in `oneFunc`. */
const BODY_AT = 29;

describe('validate errors', () => {
  test('atomic alignment must be exactly natural, reported at the instruction', () => {
    // i32.const 0; i32.atomic.load align=2^0 offset=0; drop
    const error = check(oneFunc([0x41, 0x00, 0xfe, 0x10, 0x00, 0x00, 0x1a]), {});
    expect(error?.code).toBe('E_INVALID');
    expect(error?.reason).toBe('alignment must be exactly natural');
    expect(error?.offset).toBe(BODY_AT + 2);
    expect(error?.funcIndex).toBe(0);
    expect(check(oneFunc([0x41, 0x00, 0xfe, 0x10, 0x02, 0x00, 0x1a]), {})).toBeUndefined();
  });

  test('unreachable code pops the unknown type, but not past a block', () => {
    // unreachable; i32.add; drop  — valid
    expect(check(oneFunc([0x00, 0x6a, 0x1a]), {})).toBeUndefined();
    // unreachable; block; i32.eqz; drop; end  — the block's own stack is reachable and empty
    const error = check(oneFunc([0x00, 0x02, 0x40, 0x45, 0x1a, 0x0b]), {});
    expect(error?.reason).toBe('type mismatch');
    expect(error?.offset).toBe(BODY_AT + 3);
  });
});

afterAll(() => {
  const lines = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k}: ${n}`);
  console.log(`validate spec counts:\n${lines.join('\n')}`);
});
