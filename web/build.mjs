// web/: builds the demo page into out/web/ (`npm run web`, after `npm run build`):
//  1. compiles kernel/test-kernel.wasm to JS twice with the built CLI: threaded, and --asyncify
//     for single-thread mode (into out/web-build/, importing the runtime as `w2js-runtime`);
//  2. bundles with esbuild, from the TypeScript sources: the page (main.js), the threaded boot
//     worker, the kernel's thread workers and spawner, and the compiler for dropped files
//     (compile.js). Every bundle holds one copy of the runtime, shared with the kernel in it;
//     Node modules on paths the browser never takes are stubbed (as polyfill/browser/bundle.mjs);
//  3. copies index.html and xterm.js's stylesheet.
//   node web/build.mjs [--out dir]

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** Build the demo into `out`; the files written and their sizes. */
export async function buildWeb(out = path.join(root, 'out/web')) {
  const work = path.join(path.dirname(out), `${path.basename(out)}-build`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const cli = path.join(root, 'dist/compiler/cli.js');
  if (!fs.existsSync(cli)) throw new Error('web/build.mjs: run `npm run build` first (it uses the built compiler)');
  const kernelWasm = path.join(root, 'kernel/test-kernel.wasm');
  const compileMs = {};
  for (const [name, extra] of [['threads', []], ['single', ['--asyncify']]]) {
    const t0 = performance.now();
    execFileSync(process.execPath, [cli, 'compile', kernelWasm, '-o', path.join(work, name), '-q', '--runtime', 'w2js-runtime', ...extra], { stdio: 'inherit' });
    compileMs[name] = Math.round(performance.now() - t0);
  }
  const { readKernelWasm } = await import(path.join(root, 'dist/runtime/host/wasm-info.js'));
  const info = readKernelWasm(new Uint8Array(fs.readFileSync(kernelWasm)));
  const shape = { memory: info.memory, heapBaseValue: info.heapBaseValue };

  const result = await build({
    entryPoints: {
      main: path.join(root, 'web/main.ts'),
      'boot-worker': path.join(root, 'web/boot-worker.ts'),
      'thread-worker': path.join(root, 'web/thread-worker.ts'),
      spawner: path.join(root, 'runtime/host/spawner.ts'),
      compile: path.join(root, 'web/compile-entry.ts'),
    },
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Not minified: the kernel's functions keep their names in the browser's debugger.
    alias: {
      'w2js-runtime': path.join(root, 'runtime/index.ts'),
      'w2js-kernel-threads': path.join(work, 'threads/index.js'),
      'w2js-kernel-single': path.join(work, 'single/index.js'),
    },
    define: { KERNEL_INFO: JSON.stringify(shape), 'process.env': '{}' },
    plugins: [stubNodeModules],
    metafile: true,
    logLevel: 'warning',
    // The compiler's typings use createRequire(import.meta.url): never reached in a page.
    logOverride: { 'empty-import-meta': 'silent' },
  });
  fs.copyFileSync(path.join(root, 'web/index.html'), path.join(out, 'index.html'));
  fs.copyFileSync(path.join(root, 'node_modules/@xterm/xterm/css/xterm.css'), path.join(out, 'xterm.css'));
  const sizes = Object.fromEntries(Object.entries(result.metafile.outputs).map(([f, o]) => [path.basename(f), o.bytes]));
  return { out, sizes, compileMs };
}

/**
 * `node:*` imports become an empty module. They sit on Node-only paths the page never runs (the
 * log's file descriptor, Node's worker_threads, V8's code cache, the compiler's typings); a
 * page loading the bundle must not fail on them.
 */
const stubNodeModules = {
  name: 'stub-node-modules',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, namespace: 'node-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'node-stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { out, sizes, compileMs } = await buildWeb(args.includes('--out') ? path.resolve(args[args.indexOf('--out') + 1]) : undefined);
  const list = Object.entries(sizes).map(([f, n]) => `${f} ${(n / 1024).toFixed(0)} KiB`).join(', ');
  console.log(`${path.relative(process.cwd(), out) || '.'}: ${list} (kernel compiled in ${compileMs.threads} ms, --asyncify ${compileMs.single} ms)`);
}
