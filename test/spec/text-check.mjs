// Spec runner: `assert_malformed` on a text module (wast2json writes it as a .wat). w2js reads
// binaries only; its text front-end is the npm `wabt` parser, so the check is that wabt rejects
// the text: the command passes if parsing (or name resolution) throws. wabt.js is itself wasm, so
// under --jitless only the verdicts cached by an earlier run are available.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MissingCacheError } from './engines.mjs';
import { cacheRoot, repoRoot } from './wast-json.mjs';

/** Returns `rejects(text, { threads }) → Promise<{ rejected: boolean, message: string }>`. */
export function createTextChecker({ noCompile = false } = {}) {
  let wabt = null;
  const wabtVersion = (() => {
    try {
      return JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/wabt/package.json'), 'utf8')).version;
    } catch {
      return 'unknown';
    }
  })();

  return async function rejects(text, { threads = false } = {}) {
    const key = createHash('sha1').update(`wabt ${wabtVersion} threads=${threads}\n`).update(text).digest('hex');
    const cachePath = path.join(cacheRoot, 'text', `${key}.json`);
    if (existsSync(cachePath)) return JSON.parse(readFileSync(cachePath, 'utf8'));
    if (noCompile || !globalThis.WebAssembly) {
      throw new MissingCacheError(`--no-compile: no cached text-parser verdict for ${key} (run once without --no-compile)`);
    }
    if (!wabt) {
      const { default: wabtInit } = await import('wabt');
      wabt = await wabtInit();
    }
    let verdict;
    let mod = null;
    try {
      mod = wabt.parseWat('module.wat', text, { threads });
      mod.resolveNames();
      verdict = { rejected: false, message: 'wabt parsed it' };
    } catch (e) {
      verdict = { rejected: true, message: String(e && e.message).split('\n')[0] };
    } finally {
      mod?.destroy();
    }
    mkdirSync(path.dirname(cachePath), { recursive: true });
    const tmp = `${cachePath}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(verdict));
    renameSync(tmp, cachePath);
    return verdict;
  };
}
