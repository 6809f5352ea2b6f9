// polyfill/: the Node entry, `node --import w2js/polyfill app.js`. Installs `WebAssembly` where
// Node has none (`--jitless`), or always with W2JS_POLYFILL=force. With W2JS_CACHE=<dir>, compiled
// modules are kept in <dir>/<sha-256 of the bytes>.js and found there by content hash, so an app
// whose modules were compiled ahead (`w2js cache <in.wasm> -o <dir>`, or one earlier run) compiles
// nothing at load time; V8's code cache of each script beside it spares a later process its parse.
// W2JS_TIER_UP_AFTER=<n>: lay split functions out again after n crossings (0: never; polyfill/tier-up.ts;
// never under --jitless unless given).

import fs from 'node:fs';
import path from 'node:path';
import { diskCache } from './disk-cache.js';
import { createWebAssembly } from './namespace.js';
import { inProcessBackend, install, tierUpStats } from './index.js';
import { setTierUpAfter } from '../runtime/tier-up.js';

const cacheDir = process.env.W2JS_CACHE;
// Crossings counted before a split function is laid out again (runtime/tier-up.ts); 0: never.
// Without a JIT the compile costs ten times as much and a crossing is a smaller share: never.
const jitless = process.execArgv.includes('--jitless') || /(^|\s)--jitless(\s|$)/.test(process.env.NODE_OPTIONS ?? '');
if (jitless) setTierUpAfter(0);
if (process.env.W2JS_TIER_UP_AFTER !== undefined) setTierUpAfter(Number(process.env.W2JS_TIER_UP_AFTER));
// W2JS_TIER_UP_REPORT=<file>: what the tier-up did, a JSON line appended at exit by each process (tests, bench/real).
const report = process.env.W2JS_TIER_UP_REPORT;
if (report) {
  process.on('exit', () => {
    const { relaid, skipped, failed } = tierUpStats();
    const errors = failed.map(({ funcIndex, error }) => ({ funcIndex, error: String((error as Error)?.stack ?? error) }));
    fs.appendFileSync(report, `${JSON.stringify({ pid: process.pid, relaid, skipped, failed: errors })}\n`);
  });
}
install({
  force: process.env.W2JS_POLYFILL === 'force',
  namespace: createWebAssembly(inProcessBackend(cacheDir ? diskCache(path.resolve(cacheDir)) : {})),
});
