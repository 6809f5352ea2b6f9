// Bundle the browser polyfill (polyfill/browser/entry.ts, built to dist/) into one classic script:
// dist/w2js-polyfill.js. `npm run build:browser` (after `npm run build`).
//   node polyfill/browser/bundle.mjs [--out file]

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const out = args.includes('--out') ? path.resolve(args[args.indexOf('--out') + 1]) : path.join(root, 'dist/w2js-polyfill.js');

/** Bundle `dist/polyfill/browser/entry.js` for browsers; the output path and its size. */
export async function bundlePolyfill(outfile = out) {
  const result = await build({
    entryPoints: [path.join(root, 'dist/polyfill/browser/entry.js')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    outfile,
    minify: true,
    // @babel/types reads process.env (feature switches): a page has no `process`.
    define: { 'process.env': '{}' },
    // The one Node import on the compiler's path (typings only).
    alias: { 'node:module': path.join(root, 'dist/polyfill/browser/node-module-stub.js') },
    metafile: true,
    logLevel: 'warning',
    // typings.js's createRequire(import.meta.url): the stub above throws before it matters.
    logOverride: { 'empty-import-meta': 'silent' },
  });
  return { outfile, bytes: Object.values(result.metafile.outputs)[0].bytes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outfile, bytes } = await bundlePolyfill();
  console.log(`${path.relative(process.cwd(), outfile)}: ${(bytes / 1024).toFixed(0)} KiB`);
}
