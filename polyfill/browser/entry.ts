// polyfill/: the browser entry, bundled into one classic script (dist/w2js-polyfill.js,
// `npm run build:browser`): `<script src="w2js-polyfill.js"></script>` installs `WebAssembly`
// where the page has none (JIT turned off, Lockdown Mode), or always when the page set
// `globalThis.W2JS_POLYFILL = 'force'` first. Modules compile in the page.

import { install, WebAssembly } from '../index.js';

install({ force: (globalThis as { W2JS_POLYFILL?: unknown }).W2JS_POLYFILL === 'force', namespace: WebAssembly });
