// polyfill/: the browser entry, bundled into one classic script (dist/w2js-polyfill.js,
// `npm run build:browser`): `<script src="w2js-polyfill.js"></script>` installs `WebAssembly`
// where the page has none (JIT turned off, Lockdown Mode), or always when the page set
// `globalThis.W2JS_POLYFILL = 'force'` first. Modules compile in the page, or come compiled ahead
// from `globalThis.W2JS_CACHE_URL` (polyfill/browser/cache.ts).

import { createWebAssembly } from '../namespace.js';
import { inProcessBackend, install } from '../index.js';
import { fetchCache } from './cache.js';

const page = globalThis as { W2JS_POLYFILL?: unknown; W2JS_CACHE_URL?: unknown };
const cacheUrl = typeof page.W2JS_CACHE_URL === 'string' ? page.W2JS_CACHE_URL : undefined;
install({
  force: page.W2JS_POLYFILL === 'force',
  namespace: createWebAssembly({ ...inProcessBackend(), lookupAsync: cacheUrl ? fetchCache(cacheUrl) : undefined }),
});
