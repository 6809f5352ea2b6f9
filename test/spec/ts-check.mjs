#!/usr/bin/env node
// Type-check the TypeScript output of the spec suite: every module the current compiler build
// compiled into test/.cache/spec/w2js-ts (run.mjs --engine w2js-ts fills it), as one program
// under `tsc --strict --noUncheckedIndexedAccess`. Prints each diagnostic, then
// `N modules type-checked, N errors`; exit 1 on any error or when there is nothing to check.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { w2jsCache } from './engines.mjs';
import { typeCheck } from '../helpers/typescript.mjs';

const { dir, stamp } = w2jsCache({ ts: true });
const files = [];
for (const entry of existsSync(dir) ? readdirSync(dir).sort() : []) {
  const entryDir = path.join(dir, entry);
  const stampPath = path.join(entryDir, 'stamp');
  // Entries of other compiler builds stay in the cache; only this build's output is checked.
  if (!existsSync(stampPath) || readFileSync(stampPath, 'utf8') !== stamp) continue;
  for (const name of readdirSync(entryDir)) if (/^(index|funcs-\d+)\.ts$/.test(name)) files.push(path.join(entryDir, name));
}
const modules = new Set(files.map((f) => path.dirname(f))).size;
const diagnostics = files.length ? typeCheck(files) : [];
for (const d of diagnostics) console.log(d.split(dir + path.sep).join(''));
console.log(`${modules} modules type-checked, ${diagnostics.length} errors`);
process.exit(modules === 0 || diagnostics.length > 0 ? 1 : 0);
