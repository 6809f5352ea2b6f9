// Source maps a debugger can open (issue 14): sources resolvable from where the map is, their
// text embedded on request, the runtime ignore-listed; JS locals named after C variables from
// DWARF .debug_info, and never wrongly; warnings when a module's debug info is missing.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { readModule } from '../../compiler/read/module.js';
import { readDebugInfo, soleLocalNames, localsInExpr } from '../../compiler/read/dwarf-info.js';
import { debugInfoWarnings } from '../../compiler/link/source-map-sources.js';
import { load } from '../helpers/wasm.js';

const fixtures = path.resolve('test/fixtures/dwarf');
const cli = path.resolve('dist/compiler/cli.js');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-debug-'));
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name));
const w2js = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('sources that open', () => {
  it('names C sources relative to the map and embeds their text with --sources-content', () => {
    const out = path.join(tmp(), 'deep', 'out');
    const r = w2js('compile', path.join(fixtures, 'lines.wasm'), '-o', out, '--source-map', '--sources-content', '-q');
    expect(r.status, r.stderr).toBe(0);
    const map = JSON.parse(fs.readFileSync(path.join(out, 'index.js.map'), 'utf8'));
    expect(map.sources).toHaveLength(1);
    expect(path.resolve(out, map.sources[0])).toBe(path.join(fixtures, 'lines.c'));
    expect(map.sourcesContent).toEqual([fs.readFileSync(path.join(fixtures, 'lines.c'), 'utf8')]);
    expect(map.sourceRoot).toBeUndefined();
    expect(map.ignoreList).toEqual([]);
  });

  it('without --sources-content the map carries no sourcesContent', () => {
    const out = path.join(tmp(), 'out');
    expect(w2js('compile', path.join(fixtures, 'lines5.wasm'), '-o', out, '--source-map', '-q').status).toBe(0);
    const map = JSON.parse(fs.readFileSync(path.join(out, 'index.js.map'), 'utf8'));
    expect(map.sourcesContent).toBeUndefined();
    expect(fs.existsSync(path.resolve(out, map.sources[0]))).toBe(true);
  });

  it('--source-dir finds moved sources by the tail of their DWARF path; --source-root names them under it', () => {
    const dir = tmp();
    // The debug kernel's DWARF names /…/kernel/test-kernel/*.c; the tree is copied elsewhere.
    const moved = path.join(dir, 'src', 'linux');
    fs.cpSync(path.resolve('kernel/test-kernel'), path.join(moved, 'test-kernel'), { recursive: true });
    fs.cpSync(path.resolve('kernel/abi'), path.join(moved, 'abi'), { recursive: true });
    fs.appendFileSync(path.join(moved, 'test-kernel/main.c'), '/* the moved copy */\n');
    const out = path.join(dir, 'out');
    const r = w2js('compile', path.resolve('kernel/test-kernel.debug.wasm'), '-o', out, '--source-map', '--sources-content', '--source-dir', moved, '--source-root', 'https://example.org/linux/', '-q');
    expect(r.status, r.stderr).toBe(0);
    const map = JSON.parse(fs.readFileSync(path.join(out, 'index.js.map'), 'utf8'));
    expect(map.sourceRoot).toBe('https://example.org/linux/');
    expect(map.sources).toContain('test-kernel/main.c');
    expect(map.sources).toContain('abi/host_ops.c');
    const main = map.sourcesContent[map.sources.indexOf('test-kernel/main.c')];
    expect(main).toMatch(/the moved copy \*\/\n$/);
  });

  it('warns when a source cannot be found, and names it as DWARF does', () => {
    const dir = tmp();
    fs.copyFileSync(path.join(fixtures, 'lines.wasm'), path.join(dir, 'lines.wasm')); // no lines.c beside it
    const r = w2js('compile', path.join(dir, 'lines.wasm'), '-o', path.join(dir, 'out'), '--source-map', '--sources-content', '-q');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: .*source \.\/lines\.c not found/);
    const map = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'index.js.map'), 'utf8'));
    expect(map.sources).toEqual(['./lines.c']);
    expect(map.sourcesContent).toEqual([null]);
  });

  it("ignore-lists every runtime file, each mapped line for line onto itself", () => {
    const out = path.join(tmp(), 'out');
    expect(w2js('compile', path.join(fixtures, 'lines.wasm'), '-o', out, '--source-map', '-q').status).toBe(0);
    const files = fs.readdirSync(path.join(out, 'runtime'), { recursive: true }).map(String).filter((f) => f.endsWith('.js'));
    expect(files).toContain('trap.js');
    for (const f of files) {
      const text = fs.readFileSync(path.join(out, 'runtime', f), 'utf8');
      expect(text.endsWith(`//# sourceMappingURL=${path.basename(f)}.map\n`), f).toBe(true);
      const map = JSON.parse(fs.readFileSync(path.join(out, 'runtime', `${f}.map`), 'utf8'));
      expect(map.sources).toEqual([path.basename(f)]);
      expect(map.ignoreList).toEqual([0]);
      expect(map.x_google_ignoreList).toEqual([0]);
      expect(map.mappings.split(';')).toHaveLength(text.split('\n').length - 1);
    }
    // Without --source-map the runtime carries no maps.
    const plain = path.join(tmp(), 'out');
    expect(w2js('compile', path.join(fixtures, 'lines.wasm'), '-o', plain, '-q').status).toBe(0);
    expect(fs.existsSync(path.join(plain, 'runtime', 'trap.js.map'))).toBe(false);
  });

  it('--source-root and friends need --source-map', () => {
    const r = w2js('compile', path.join(fixtures, 'lines.wasm'), '-o', path.join(tmp(), 'out'), '--sources-content');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/need --source-map/);
  });
});

describe('C variables by name', () => {
  it('reads parameters and variables with their DW_OP_WASM_location locals (DWARF 4 and 5)', () => {
    for (const file of ['lines.wasm', 'lines5.wasm']) {
      const m = readModule(fixture(file));
      const info = readDebugInfo(new Map(m.customs.map((c) => [c.name, c.bytes] as const)));
      expect(info.compDirs.get(0)).toBe('.');
      const scale = info.subprograms.find((s) => s.name === 'scale')!;
      // y and the inlined divide's a live on the operand stack (DW_OP_WASM_location 2): no local.
      expect(scale.vars).toEqual([{ name: 'x', local: 0, whole: true, topLevel: true }]);
      expect([...soleLocalNames(scale)]).toEqual([[0, 'x']]);
      const run = info.subprograms.find((s) => s.name === 'run')!;
      // total is in local 3 over part of the function only (a location list), i in a lexical block.
      expect(run.vars).toEqual([
        { name: 'n', local: 0, whole: true, topLevel: true },
        { name: 'total', local: 3, whole: false, topLevel: true },
        { name: 'i', local: 4, whole: false, topLevel: false },
      ]);
      expect([...soleLocalNames(run)]).toEqual([[0, 'n']]);
      // Claimed twice, or by the frame base, or by an unreadable location: named after nothing.
      expect([...soleLocalNames({ ...run, vars: [...run.vars, { name: 'm', local: 0, whole: true, topLevel: true }] })]).toEqual([]);
      expect([...soleLocalNames({ ...run, unknown: true })]).toEqual([]);
    }
  });

  it('names JS parameters after C parameters, keeps lN for locals that hold several things', () => {
    const code = compile(fixture('lines.wasm'), { filename: 'lines.wasm' }).files.get('index.js')!;
    expect(code).toContain('function $scale(inst, x) {');
    expect(code).toContain('function $run(inst, n) {');
    expect(code).toMatch(/let l1 = 0, l2 = 0, l3 = 0, l4 = 0;/);
  });

  it("keeps pN for a parameter whose local the code reuses, though DWARF places it there throughout", () => {
    // store_at(p, n): clang's code writes p->x * n into n's local (local.tee 1) after n's last use.
    const code = compile(fixture('prog.wasm'), { filename: 'prog.wasm' }).files.get('index.js')!;
    expect(code).toContain('function $store_at(inst, p, p1) {');
    expect(code).toMatch(/p1 = Math\.imul\(l2, p1\);/);
    expect(code).toContain('function $run(inst, count) {');
  });

  it('never lets a C name shadow a helper, a restricted name or a generated variable', async () => {
    const { exports, code } = await load(fixture('names.wasm'));
    expect(code).toContain('function $clash(inst, i32_div_s_0, eval_1, l1_2, arguments_3) {');
    expect(code).toContain('function $plain(inst, count, step) {');
    expect(exports.clash(84, 2, 3, 5)).toBe(57);
    expect(exports.plain(6, 7)).toBe(43);
  });

  it('sizes DWARF expressions and refuses operations it cannot size', () => {
    expect(localsInExpr(Uint8Array.of(0xed, 0x00, 0x85, 0x01, 0x9f))).toEqual([133]);
    expect(localsInExpr(Uint8Array.of(0xed, 0x03, 1, 0, 0, 0, 0x23, 0x10, 0xed, 0x00, 0x02))).toEqual([2]);
    expect(() => localsInExpr(Uint8Array.of(0xe0))).toThrow(/unsupported DWARF operation/);
  });
});

describe('debug info that went missing', () => {
  it('warns when --source-map asks for C lines of a clang module without .debug_line', () => {
    const r = w2js('compile', path.join(fixtures, 'nodebug.wasm'), '-o', path.join(tmp(), 'out'), '--source-map', '-q');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: .*nodebug\.wasm: the module has no \.debug_line/);
    expect(w2js('compile', path.join(fixtures, 'lines.wasm'), '-o', path.join(tmp(), 'out'), '--source-map', '-q').stderr).toBe('');
    expect(w2js('compile', path.join(fixtures, 'nodebug.wasm'), '-o', path.join(tmp(), 'out'), '-q').stderr).toBe('');
  });

  it('warns when a kernel has no name section', () => {
    const kernel = readModule(fs.readFileSync('kernel/test-kernel.wasm'));
    expect(debugInfoWarnings(kernel, { sourceMap: false, kernel: true })).toEqual([]);
    const stripped = { ...kernel, customs: kernel.customs.filter((c) => c.name !== 'name') };
    expect(debugInfoWarnings(stripped, { sourceMap: false, kernel: true })).toEqual([expect.stringMatching(/no name section/)]);
  });

  const clang = ['/usr/bin/clang-19'].find((p) => fs.existsSync(p));
  it.runIf(clang)('a link without -O runs no wasm-opt from PATH, and keeps DWARF and names (clang-19, where installed)', () => {
    // A wasm-opt on PATH that leaves a mark and strips everything but the code, as the real one
    // strips DWARF and names when clang runs it without -g.
    const dir = tmp();
    const shim = path.join(dir, 'bin', 'wasm-opt');
    fs.mkdirSync(path.dirname(shim));
    fs.writeFileSync(shim, `#!/bin/sh\ntouch ${JSON.stringify(path.join(dir, 'ran'))}\n`, { mode: 0o755 });
    const env = { ...process.env, PATH: `${path.dirname(shim)}:${process.env.PATH}` };
    const cc = (...args: string[]) => spawnSync(clang!, ['--target=wasm32', '-nostdlib', ...args], { env, encoding: 'utf8' });
    // One step at -O1: clang runs the wasm-opt it finds.
    expect(cc('-O1', '-g', '-Wl,--no-entry', '-o', path.join(dir, 'one.wasm'), path.join(fixtures, 'lines.c')).status).toBe(0);
    expect(fs.existsSync(path.join(dir, 'ran'))).toBe(true);
    fs.rmSync(path.join(dir, 'ran'));
    // Compiled and linked apart, as our build scripts do: no wasm-opt.
    expect(cc('-O1', '-g', '-c', '-o', path.join(dir, 'lines.o'), path.join(fixtures, 'lines.c')).status).toBe(0);
    expect(cc('-Wl,--no-entry', '-o', path.join(dir, 'two.wasm'), path.join(dir, 'lines.o')).status).toBe(0);
    expect(fs.existsSync(path.join(dir, 'ran'))).toBe(false);
    const names = readModule(fs.readFileSync(path.join(dir, 'two.wasm'))).customs.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['.debug_info', '.debug_line', 'name']));
  });

  it('kernel/build.sh and the fixtures link without -O, so no wasm-opt runs', () => {
    for (const script of ['kernel/build.sh', 'test/fixtures/dwarf/build.sh']) {
      const text = fs.readFileSync(script, 'utf8');
      expect(text, script).toMatch(/-c -o/);
    }
    // The committed debug kernel keeps both.
    const debug = readModule(fs.readFileSync('kernel/test-kernel.debug.wasm'));
    expect(debug.customs.map((c) => c.name)).toEqual(expect.arrayContaining(['.debug_info', '.debug_line', 'name']));
  });
});
