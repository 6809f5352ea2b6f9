// bench/experiments/worker-load/prepare.mjs: build the realistic input once.
//
//   node bench/experiments/worker-load/prepare.mjs [functions=4000] [dir=/tmp/wl]
//
// gen/big-module.mjs → C → clang-19 -O2 (table exported, so every function is callable from JS)
// → `w2js compile` → <dir>/big-<n>/index.js (ES module, as shipped), then the experimental
// classic-script forms next to it (see classic.mjs): index.classic.js, index.classic-flat.js
// (no indentation).

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { toClassic, flatten } from './classic.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const functions = Number(process.argv[2] ?? 4000);
const dir = process.argv[3] ?? '/tmp/wl';
fs.mkdirSync(dir, { recursive: true });
const c = path.join(dir, `big-${functions}.c`);
const wasm = path.join(dir, `big-${functions}.wasm`);
const out = path.join(dir, `big-${functions}`);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

if (!fs.existsSync(wasm)) {
  run(process.execPath, [path.join(ROOT, 'bench/gen/big-module.mjs'), c, String(functions)]);
  run(process.env.CC ?? 'clang-19', ['--target=wasm32', '-nostdlib', '-O2', '-Wl,--no-entry', '-Wl,--export=run', '-Wl,--export=bench_main',
    '-Wl,--export-table', '-I', path.join(ROOT, 'bench/programs'), '-o', wasm, c]);
}
if (!fs.existsSync(path.join(out, 'index.js'))) run(process.execPath, [path.join(ROOT, 'dist/compiler/cli.js'), 'compile', wasm, '-o', out, '-q']);
const esm = fs.readFileSync(path.join(out, 'index.js'), 'latin1');
const classic = toClassic(esm);
fs.writeFileSync(path.join(out, 'index.classic.js'), classic, 'latin1');
fs.writeFileSync(path.join(out, 'index.classic-flat.js'), flatten(classic), 'latin1');
for (const f of ['index.js', 'index.classic.js', 'index.classic-flat.js']) {
  console.log(`${path.join(out, f)}: ${(fs.statSync(path.join(out, f)).size / 1e6).toFixed(2)} MB`);
}
console.log(`${wasm}: ${(fs.statSync(wasm).size / 1e6).toFixed(2)} MB wasm, ${functions} generated functions`);
