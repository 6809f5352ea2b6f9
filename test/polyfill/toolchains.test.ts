// Real packages from other toolchains through the polyfill, each by its own loader, unchanged:
// Rust through wasm-bindgen (brotli-wasm, tiktoken's 5.6 MB tokenizer, resvg's floating-point
// renderer, lightningcss's 15.8 MB CSS compiler), hand-tuned modules (hash-wasm: a module per
// algorithm, argon2id and bcrypt among them) and two more Emscripten builds (zstd, sql.js). The
// output of each must equal the package's on V8's own WebAssembly, with the polyfill forced over
// it (compiling in-process into a fresh cache; lightningcss compiled ahead by precompile(), the
// `w2js cache` path, to keep the suite's time) and under `node --jitless` from that cache.

import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { repo } from '../kernel/helpers.js';
import { polyfillEnvironments, runWorkload } from './run-workload.js';

const { cache, forced, jitless, tierUps } = polyfillEnvironments();

describe('packages of other toolchains through the polyfill, unchanged', () => {
  for (const name of ['brotli', 'zstd', 'hash-wasm', 'sqljs', 'resvg', 'tiktoken', 'lightningcss']) {
    test(name, async () => {
      const native = await runWorkload(name, {});
      expect(native.polyfilled).toBe(false);
      if (name === 'lightningcss') {
        const { precompile } = (await import(path.join(repo, 'dist/polyfill/precompile.js'))) as typeof import('../../polyfill/precompile.js');
        await precompile([path.join(repo, 'node_modules/lightningcss-wasm/lightningcss_node.wasm')], cache);
      }
      tierUps();
      expect(await runWorkload(name, forced)).toEqual({ polyfilled: true, rest: native.rest });
      expect(tierUps().failed).toEqual([]);
      expect(await runWorkload(name, jitless)).toEqual({ polyfilled: true, rest: native.rest });
    }, 900_000);
  }
});
