// Real packages through the polyfill (issue 12): @sqlite.org/sqlite-wasm, quickjs (through
// quickjs-emscripten-core) and esbuild-wasm, each run by its own loader, unchanged, in a fresh
// Node with `--import w2js/polyfill` (given through NODE_OPTIONS, so the processes a package
// starts get it too: esbuild runs its Go program in a child process). Each workload prints one
// JSON line; it must equal the package's output on V8's own WebAssembly:
//   - with the polyfill forced over native WebAssembly (W2JS_POLYFILL=force), compiling in-process
//     into a fresh content-hash cache (esbuild's 14 MB: compiled ahead by precompile(), the
//     `w2js cache` path, to keep the suite's time);
//   - under `node --jitless`, where WebAssembly does not exist, from that cache.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { repo } from '../kernel/helpers.js';
import { polyfillEnvironments, runWorkload as run } from './run-workload.js';

const { cache, forced, jitless, tierUps } = polyfillEnvironments();

describe('packages through the polyfill, unchanged', () => {
  for (const name of ['quickjs', 'sqlite', 'esbuild']) {
    test(name, async () => {
      const native = await run(name, {});
      expect(native.polyfilled).toBe(false);
      const before = new Set(fs.readdirSync(cache));
      if (name === 'esbuild') {
        const { precompile } = (await import(path.join(repo, 'dist/polyfill/precompile.js'))) as typeof import('../../polyfill/precompile.js');
        await precompile([path.join(repo, 'node_modules/esbuild-wasm/esbuild.wasm')], cache);
      }
      tierUps();
      const onPolyfill = await run(name, forced);
      expect(onPolyfill).toEqual({ polyfilled: true, rest: native.rest });
      // Laid out again while running (quickjs's interpreter at least), with no compile failing.
      const tier = tierUps();
      expect(tier.failed).toEqual([]);
      if (name === 'quickjs') expect(tier.relaid.length).toBeGreaterThan(0);
      // The modules it compiled (or found) are in the cache, named by their content hash.
      expect(fs.readdirSync(cache).filter((f) => !before.has(f) || name === 'esbuild').some((f) => /^[0-9a-f]{64}\.js$/.test(f))).toBe(true);
      const noWasm = await run(name, jitless);
      expect(noWasm).toEqual({ polyfilled: true, rest: native.rest });
    }, 900_000);
  }
});
