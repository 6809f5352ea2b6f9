// The saved regression cases (test/fuzz/regressions/): `<name>.wasm`, the reduced module, and
// `<name>.json`: { kind, seed, signature, status: 'open' | 'fixed', detail, diagnosis }.
// An open case must still fail with its signature (a known bug, see its diagnosis); a fixed one
// must pass. fuzz.mjs does not reduce or save again a failure whose signature is known here.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { signature } from './reduce.mjs';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'regressions');

/** Every saved case, sorted by name. */
export function loadRegressions() {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const name = f.replace(/\.json$/, '');
      return { name, file: path.join(dir, `${name}.wasm`), ...JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) };
    });
}

/** Run a saved case on `runner` (runner.mjs); resolves to its signature, undefined if it passes. */
export async function regressionSignature(runner, regression) {
  const bytes = fs.readFileSync(regression.file).toString('base64');
  const job = regression.kind === 'differential' ? { kind: 'module', bytes, denan: false } : { kind: 'mutant', bytes, run: true };
  return signature(regression.kind, await runner.run(job));
}
