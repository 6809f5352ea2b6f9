// web/: the compiler for a .wasm dropped on the demo page, bundled apart (compile.js, about
// 500 KiB) and loaded on the first drop: the polyfill's WebAssembly namespace over w2js's
// in-process compiler (polyfill/), not installed over the page's own.

import { createWebAssembly, inProcessBackend } from '../polyfill/index.js';

interface Namespace {
  Module: (new (bytes: Uint8Array) => object) & {
    exports(m: object): { name: string; kind: string }[];
    imports(m: object): { module: string; name: string; kind: string }[];
  };
}

const w2js = createWebAssembly(inProcessBackend()) as unknown as Namespace;

/** Compile `bytes` (named `name`) with w2js; a report of its imports and exports, or of the CompileError. */
export function describeWasm(bytes: Uint8Array, name: string): string {
  const t0 = performance.now();
  let module: object;
  try {
    module = new w2js.Module(bytes);
  } catch (e) {
    const err = e as Error;
    return `${name}: ${err.name}: ${err.message}`;
  }
  const ms = performance.now() - t0;
  const exports = w2js.Module.exports(module);
  const imports = w2js.Module.imports(module);
  return [
    `${name}: compiled by w2js in this page in ${ms.toFixed(0)} ms (${bytes.length} bytes)`,
    `  ${exports.length} exports: ${exports.map((x) => `${x.name} (${x.kind})`).join(', ')}`,
    `  ${imports.length} imports: ${imports.map((x) => `${x.module}.${x.name} (${x.kind})`).join(', ')}`,
  ].join('\n');
}
