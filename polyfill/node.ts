// polyfill/: the Node entry, `node --import w2js/polyfill app.js`. Installs `WebAssembly` where
// Node has none (`--jitless`), or always with W2JS_POLYFILL=force. With W2JS_CACHE=<dir>, compiled
// modules are kept in <dir>/<sha-256 of the bytes>.js and found there by content hash, so an app
// whose modules were compiled ahead (`w2js cache <in.wasm> -o <dir>`, or one earlier run) compiles
// nothing at load time; V8's code cache of each script beside it spares a later process its parse.
// W2JS_TIER_UP_AFTER=<n>: split functions measure their crossings' rate after n crossings, over n
// more, and the frequent ones are laid out again (0: never; polyfill/tier-up.ts).
// W2JS_TIER_UP_RATE=<crossings a second>: the least rate worth it (lower under --jitless).

import fs from 'node:fs';
import path from 'node:path';
import { diskCache } from './disk-cache.js';
import { createWebAssembly } from './namespace.js';
import { inProcessBackend, install, tierUpStats } from './index.js';
import { setTierUpAfter, TIER_UP_AFTER, TIER_UP_MIN_RATE } from '../runtime/tier-up.js';

const cacheDir = process.env.W2JS_CACHE;
// The tier-up (runtime/tier-up.ts): W2JS_TIER_UP_AFTER crossings counted before the rate is
// measured (0: never), W2JS_TIER_UP_RATE the least crossings a second worth a new layout. Without
// a JIT everything runs ~30 times slower, crossings too: a lower rate is worth it there (quickjs
// under --jitless: rounds 4.2 s -> 2.7 s, bench/README.md S31).
const jitless = process.execArgv.includes('--jitless') || /(^|\s)--jitless(\s|$)/.test(process.env.NODE_OPTIONS ?? '');
const JITLESS_MIN_RATE = 0.3e6;
const { W2JS_TIER_UP_AFTER: after, W2JS_TIER_UP_RATE: rate } = process.env;
setTierUpAfter(after !== undefined ? Number(after) : TIER_UP_AFTER, rate !== undefined ? Number(rate) : jitless ? JITLESS_MIN_RATE : TIER_UP_MIN_RATE);
// W2JS_TIER_UP_REPORT=<file>: what the tier-up did, a JSON line appended at exit by each process (tests, bench/real).
const report = process.env.W2JS_TIER_UP_REPORT;
if (report) {
  process.on('exit', () => {
    const { relaid, reused, skipped, failed } = tierUpStats();
    const errors = failed.map(({ funcIndex, error }) => ({ funcIndex, error: String((error as Error)?.stack ?? error) }));
    fs.appendFileSync(report, `${JSON.stringify({ pid: process.pid, relaid, reused, skipped, failed: errors })}\n`);
  });
}
install({
  force: process.env.W2JS_POLYFILL === 'force',
  namespace: createWebAssembly(inProcessBackend(cacheDir ? diskCache(path.resolve(cacheDir)) : {})),
});
