// esbuild-wasm through its own Node API (the Go program runs in esbuild's worker thread, which
// gets the polyfill through the same --import): transform a TypeScript file. One JSON line.
import fs from 'node:fs';
import esbuild from 'esbuild-wasm';

const input = fs.readFileSync(new URL('../../../compiler/emit/stack.ts', import.meta.url), 'utf8');
const { code, warnings } = await esbuild.transform(input, { loader: 'ts', format: 'esm', minify: true });
await esbuild.stop?.();
console.log(JSON.stringify({ version: esbuild.version, bytes: code.length, head: code.slice(0, 60), sha: (await import('node:crypto')).createHash('sha1').update(code).digest('hex'), warnings: warnings.length, polyfilled: !String(WebAssembly.Module).includes('[native code]') }));
