// Source maps from DWARF: a trap's stack trace, read through Node's --enable-source-maps,
// names the C lines it happened at (DWARF 4 and 5 line tables from clang-19, committed).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { readLineTable, lookupLine } from '../../compiler/read/dwarf-line.js';
import { readModule } from '../../compiler/read/module.js';
import { RUNTIME_URL } from '../helpers/wasm.js';

const fixtures = path.resolve('test/fixtures/dwarf');
const source = fs.readFileSync(path.join(fixtures, 'lines.c'), 'utf8').split('\n');
const lineOf = (marker: string) => source.findIndex((l) => l.includes(`LINE:${marker}`)) + 1;

function debugSections(file: string) {
  const m = readModule(fs.readFileSync(path.join(fixtures, file)));
  return { m, table: readLineTable(new Map(m.customs.map((c) => [c.name, c.bytes] as const))) };
}

describe('DWARF line tables', () => {
  for (const file of ['lines.wasm', 'lines5.wasm']) {
    it(`${file}: rows name lines.c and cover the marked lines`, () => {
      const { table } = debugSections(file);
      expect(table.length).toBeGreaterThan(5);
      const lines = new Set(table.filter((r) => r.line > 0).map((r) => r.line));
      for (const marker of ['divide', 'scale', 'loop']) expect(lines).toContain(lineOf(marker));
      for (const row of table) if (row.line > 0) expect(row.file).toMatch(/(^|\/)lines\.c$/);
      expect(lookupLine(table, -1)).toBeUndefined();
    });

    it(`${file}: a trap's stack trace points at the C lines`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-dwarf-'));
      const { files } = compile(fs.readFileSync(path.join(fixtures, file)), { filename: file, sourceMap: true, runtimeImport: RUNTIME_URL });
      for (const [name, text] of files) fs.writeFileSync(path.join(dir, name), text);
      expect(JSON.parse(files.get('index.js.map')!).sources[0]).toMatch(/lines\.c$/);
      const script = `const { instantiate } = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'index.js')).href)});
        const { instance } = await instantiate();
        try { instance.exports.run(5); } catch (e) { console.log(e.stack); }`;
      const r = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(r.stdout).toContain('RuntimeError: integer divide by zero');
      expect(r.stdout).toMatch(new RegExp(`at \\$scale \\(.*lines\\.c:${lineOf('divide')}:\\d+\\)`));
      expect(r.stdout).toMatch(new RegExp(`at \\$run \\(.*lines\\.c:${lineOf('loop')}:\\d+\\)`));
    });
  }

  it('--source-map-target wasm keeps byte offsets even with DWARF present', () => {
    const { files } = compile(fs.readFileSync(path.join(fixtures, 'lines.wasm')), { filename: 'lines.wasm', sourceMap: true, sourceMapTarget: 'wasm' });
    expect(JSON.parse(files.get('index.js.map')!).sources).toEqual(['lines.wasm']);
  });
});
