// TypeScript output on random modules: every module of the differential fuzzer's generator
// (generate.mjs: binaryen translate-to-fuzz), compiled with `ts`, must pass
// `tsc --strict --noUncheckedIndexedAccess`. Modules are checked in batches (one tsc program
// each: a program's set-up costs a second); a batch with errors is checked module by module so
// the report names the seeds.
//
//   node test/fuzz/typescript.mjs --count N --seed S [--batch 40]     (npm run fuzz:ts -- …)
// Prints a summary line `N modules type-checked, N failed` and each failure; exit 1 if any.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cleanScratch, resetWasmOpt } from './binaryen-tools.mjs';
import { generateModule, parseArgs } from './generate.mjs';
import { typeCheck } from '../helpers/typescript.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const runtimePath = path.join(root, 'dist/runtime/index.js');

/**
 * Compile seeds [seed, seed + count) to TypeScript and type-check them.
 * Returns { checked, skipped, generatorErrors, failures: [{ seed, errors }] }; skipped: the
 * compiler rejected the module (an unsupported feature), which the differential fuzzer reports on its own.
 */
export async function typeCheckSeeds(seed, count, { batch = 40, onProgress } = {}) {
  const { compile } = await import(pathToFileURL(path.join(root, 'dist/compiler/index.js')).href);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-ts-fuzz-'));
  fs.writeFileSync(path.join(work, 'package.json'), '{"type":"module"}');
  const result = { checked: 0, skipped: 0, generatorErrors: 0, failures: [] };
  try {
    for (let start = seed; start < seed + count; start += batch) {
      const cases = [];
      for (let s = start; s < Math.min(start + batch, seed + count); s++) {
        let bytes;
        try {
          ({ bytes } = await generateModule(s));
        } catch {
          // wasm-opt itself failed on this input (the differential fuzzer counts it apart too).
          result.generatorErrors++;
          resetWasmOpt();
          continue;
        }
        const dir = path.join(work, String(s));
        fs.mkdirSync(dir);
        let files;
        try {
          ({ files } = compile(bytes, { filename: `fuzz-${s}.wasm`, ts: true, runtimeImport: path.relative(dir, runtimePath).split(path.sep).join('/') }));
        } catch (e) {
          if (e && e.code === 'E_UNSUPPORTED') {
            result.skipped++;
            continue;
          }
          result.failures.push({ seed: s, errors: [`compile: ${e && e.message}`] });
          continue;
        }
        const tsFiles = [];
        for (const [name, text] of files) {
          fs.writeFileSync(path.join(dir, name), text);
          if (name.endsWith('.ts')) tsFiles.push(path.join(dir, name));
        }
        cases.push({ seed: s, files: tsFiles });
      }
      cleanScratch();
      if (cases.length && typeCheck(cases.flatMap((c) => c.files)).length > 0) {
        for (const c of cases) {
          const errors = typeCheck(c.files);
          if (errors.length) result.failures.push({ seed: c.seed, errors: errors.map((e) => e.split(work + path.sep).join('')) });
        }
      }
      result.checked += cases.length;
      onProgress?.(result);
      for (const c of cases) fs.rmSync(path.join(work, String(c.seed)), { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const seed = Number(args.seed ?? 0);
  const count = Number(args.count ?? 100);
  const started = Date.now();
  const result = await typeCheckSeeds(seed, count, {
    batch: Number(args.batch ?? 40),
    onProgress: (r) => process.stderr.write(`[ts] ${r.checked + r.skipped}/${count} | failed ${r.failures.length} | ${((Date.now() - started) / 1000).toFixed(0)} s\n`),
  });
  for (const f of result.failures) console.log(`seed ${f.seed}:\n  ${f.errors.slice(0, 5).join('\n  ')}`);
  console.log(`${result.checked} modules type-checked (seeds ${seed}..${seed + count - 1}, ${result.skipped} unsupported, ${result.generatorErrors} not generated: wasm-opt failed), ${result.failures.length} failed`);
  process.exit(result.failures.length ? 1 : 0);
}
