// polyfill/: `WebAssembly` for hosts without it, compiling modules with w2js in-process.
//   import { WebAssembly, install } from 'w2js/polyfill/api';
//   install();                 // globalThis.WebAssembly, where absent (install({ force: true }) replaces it)
// `node --import w2js/polyfill app.js` does that before the app loads (polyfill/node.ts).

import { compile, type CompileOptions } from '../compiler/index.js';
import { prepare } from '../compiler/compile-function.js';
import { readFuncBody } from '../compiler/read/module.js';
import { createWebAssembly, type PolyfillBackend } from './namespace.js';
import { attachTierUp, POLYFILL_COMPILE_OPTIONS, type TierHook } from './tier-up.js';

export { createWebAssembly, type PolyfillBackend } from './namespace.js';
export { tierUpStats } from './tier-up.js';

/** Compile `bytes` to the classic-script form the namespace evaluates. */
export function compileScript(bytes: Uint8Array, options: CompileOptions = POLYFILL_COMPILE_OPTIONS): string {
  const { files } = compile(bytes, options);
  return files.get('index.script.js')!;
}

/** Validate without printing anything: read, check the module, then each function body. */
export function validateBytes(bytes: Uint8Array): void {
  const p = prepare(bytes, 'module.wasm', {});
  p.module.funcs.forEach((func, i) => {
    func.body = readFuncBody(bytes, p.module, func);
    p.validateFunc(p.module.importedFuncs + i);
    func.body = [];
  });
}

/**
 * The in-process backend, with an optional cache in front (polyfill/node.ts adds a disk cache);
 * `options` for tests (small layouts).
 */
export function inProcessBackend(cache: Pick<PolyfillBackend, 'lookup' | 'store' | 'lookupError' | 'storeError' | 'evaluate' | 'lookupTierUps' | 'storeTierUp'> = {}, options = POLYFILL_COMPILE_OPTIONS): PolyfillBackend {
  return {
    compile: (bytes) => compileScript(bytes, options),
    validate: validateBytes,
    // Functions laid out again are kept with the cache's script, for the next process.
    attachTierUp: (hook: TierHook, bytes) => {
      const keep = cache.storeTierUp && ((line: string) => cache.storeTierUp!(bytes, line));
      attachTierUp(hook, bytes, { compile: options, kept: cache.lookupTierUps?.(bytes), keep });
    },
    ...cache,
  };
}

/** The namespace over the in-process compiler. */
export const WebAssembly = createWebAssembly(inProcessBackend());

/**
 * Make `globalThis.WebAssembly` the polyfill where there is none, or always with `force`.
 * Returns whether it installed. A non-writable global (some embedders) is left alone.
 */
export function install({ force = false, namespace = WebAssembly }: { force?: boolean; namespace?: Record<string | symbol, unknown> } = {}): boolean {
  const g = globalThis as { WebAssembly?: unknown };
  if (g.WebAssembly !== undefined && !force) return false;
  Object.defineProperty(globalThis, 'WebAssembly', { value: namespace, writable: true, configurable: true, enumerable: false });
  return true;
}
