// bench/real/esbuild.mjs: esbuild-wasm transforming generated TypeScript, in this process.
// esbuild's Node API runs its Go program in a child process (a CPU time process.cpuUsage does not
// see), so this uses the package's browser build, whose `initialize({ worker: false, wasmModule })`
// runs the Go program on this thread through Go's own wasm_exec.js; the module is compiled by
// `new WebAssembly.Module` (V8's, or the polyfill's). A round transforms `size` generated modules
// (about 9 KB of TypeScript each) to minified ESM.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `count` generated TypeScript modules' worth of source: interfaces, enums, generics, classes. */
export function generateTypeScript(count) {
  const parts = [];
  for (let i = 0; i < count; i++) {
    parts.push(`
export interface Shape${i}<T extends object = {}> { readonly id: number; name: string; tags?: string[]; extra: T; }
export enum Kind${i} { Alpha = ${i}, Beta, Gamma = "gamma${i}", Delta = ${i * 3} }
type Pair${i}<A, B> = [first: A, second: B];
namespace Util${i} { export const scale = ${i % 17} as const; export function clamp(x: number, lo = 0, hi = 100): number { return Math.min(hi, Math.max(lo, x)); } }
export abstract class Base${i}<T> {
  protected readonly items: Map<string, T> = new Map();
  constructor(public readonly label: string, private limit: number = ${i + 10}) {}
  abstract weigh(item: T): number;
  add(key: string, item: T): this { if (this.items.size < this.limit) this.items.set(key, item); return this; }
  total(): number { let s = 0; for (const [, v] of this.items) s += this.weigh(v); return s * Util${i}.scale; }
}
export class Store${i} extends Base${i}<Shape${i}<{ weight: number }>> {
  private static instances = 0;
  #secret = ${i} * 7;
  constructor(label: string) { super(label); Store${i}.instances++; }
  weigh(item: Shape${i}<{ weight: number }>): number { return item.extra.weight + (item.tags?.length ?? 0) + this.#secret; }
  async *walk(filter?: (s: Shape${i}<{ weight: number }>) => boolean): AsyncGenerator<Pair${i}<string, number>> {
    for (const [k, v] of this.items) if (!filter || filter(v)) yield [k, this.weigh(v)];
  }
  describe = (k: Kind${i}): string => { switch (k) { case Kind${i}.Alpha: return \`alpha \${this.label}\`; case Kind${i}.Beta: return "beta"; default: return String(k satisfies Kind${i}); } };
}
export function build${i}(n: number): Store${i} {
  const store = new Store${i}("store-${i}");
  for (let j = 0; j < n; j++) {
    const shape: Shape${i}<{ weight: number }> = { id: j, name: \`item-\${j}\`, tags: j % 3 ? ["a", "b"] : undefined, extra: { weight: (j * ${i + 1}) % 97 } };
    store.add(shape.name, shape);
  }
  const { label, ...rest } = { label: store.label, kind: Kind${i}.Gamma, clamp: Util${i}.clamp(n * 2) };
  return Object.keys(rest).length > 1 && label ? store : (null as unknown as Store${i});
}
export const table${i}: Record<string, readonly number[]> = { small: [1, 2, 3], large: Array.from({ length: ${i % 50} }, (_, k) => k * k) };
`);
  }
  return parts.join('');
}

export async function setup() {
  globalThis.self ??= globalThis; // the browser build's in-thread runner reads its globals from `self`
  const esbuild = await import('esbuild-wasm/esm/browser.js');
  const wasm = fs.readFileSync(require.resolve('esbuild-wasm/esbuild.wasm'));
  await esbuild.initialize({ worker: false, wasmModule: new WebAssembly.Module(wasm) });
  const inputs = new Map();
  return {
    info: { version: esbuild.version },
    async run(size) {
      if (!inputs.has(size)) inputs.set(size, generateTypeScript(size));
      const input = inputs.get(size);
      const { code, warnings } = await esbuild.transform(input, { loader: 'ts', format: 'esm', minify: true, target: 'es2020' });
      return `${input.length} bytes in, ${code.length} out, ${warnings.length} warnings, sha1 ${crypto.createHash('sha1').update(code).digest('hex')}`;
    },
  };
}
