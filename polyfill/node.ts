// polyfill/: the Node entry, `node --import w2js/polyfill app.js`. Installs `WebAssembly` where
// Node has none (`--jitless`), or always with W2JS_POLYFILL=force. With W2JS_CACHE=<dir>, compiled
// modules are kept in <dir>/<sha-256 of the bytes>.js and found there by content hash, so an app
// whose modules were compiled ahead (`w2js cache <in.wasm> -o <dir>`, or one earlier run) compiles
// nothing at load time; V8's code cache of each script beside it spares a later process its parse.

import path from 'node:path';
import { diskCache } from './disk-cache.js';
import { createWebAssembly } from './namespace.js';
import { inProcessBackend, install } from './index.js';

const cacheDir = process.env.W2JS_CACHE;
install({
  force: process.env.W2JS_POLYFILL === 'force',
  namespace: createWebAssembly(inProcessBackend(cacheDir ? diskCache(path.resolve(cacheDir)) : {})),
});
