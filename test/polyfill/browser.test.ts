// The polyfill and compiled output in a real browser (issue 12): headless Chromium (Debian's
// `chromium`, installed by .ci/run) driven over the DevTools protocol by playwright-core.
//   - `<script src="w2js-polyfill.js">` (the bundle of polyfill/browser/entry.ts) forced over the
//     page's own WebAssembly, then in a Chromium whose V8 runs --jitless (no WebAssembly at all):
//     a module fetched by instantiateStreaming compiles in the page and computes what V8 does.
//   - A compiled output bundled by esbuild for the browser (the runtime's core has no Node
//     imports) and loaded by a page.

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compile } from '../../compiler/index.js';
import { repo } from '../kernel/helpers.js';

const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-browser-'));
const demo = fs.readFileSync(path.join(repo, 'test/fixtures/demo/demo.wasm'));

/** What V8's own WebAssembly computes: the results every page must show. */
async function expected(): Promise<string> {
  const { instance } = await WebAssembly.instantiate(demo);
  const ex = instance.exports as Record<string, (n: number) => unknown>;
  return `${ex.checksum!(7)} ${ex.fib!(30)} ${ex.pi!(1000)}`;
}

const PAGE_SCRIPT = `
  const wasm = await WebAssembly.instantiateStreaming(fetch('/demo.wasm'));
  const ex = wasm.instance.exports;
  const polyfilled = !String(WebAssembly.Module).includes('[native code]');
  document.title = (polyfilled ? 'polyfill: ' : 'native: ') + ex.checksum(7) + ' ' + ex.fib(30) + ' ' + ex.pi(1000);`;

const pages: Record<string, string> = {
  '/forced.html': `<script>globalThis.W2JS_POLYFILL = 'force';</script><script src="/w2js-polyfill.js"></script><script type="module">${PAGE_SCRIPT}</script>`,
  '/plain.html': `<script src="/w2js-polyfill.js"></script><script type="module">${PAGE_SCRIPT}</script>`,
  '/bundled.html': '<script src="/bundled.js"></script>',
  // Compiled ahead: the module's code comes from /cache/<sha-256>.js, which counts its loads.
  '/cached.html': `<script>globalThis.W2JS_POLYFILL = 'force'; globalThis.W2JS_CACHE_URL = '/cache/';</script><script src="/w2js-polyfill.js"></script><script type="module">${PAGE_SCRIPT}
    document.title += ' cached ' + (globalThis.loadsFromCache ?? 0);</script>`,
};

let server: http.Server;
let origin = '';

beforeAll(async () => {
  const { bundlePolyfill } = (await import(path.join(repo, 'polyfill/browser/bundle.mjs'))) as { bundlePolyfill(out: string): Promise<{ bytes: number }> };
  await bundlePolyfill(path.join(work, 'w2js-polyfill.js'));
  // A compiled output, bundled as a browser app would bundle it.
  const out = path.join(work, 'out');
  fs.mkdirSync(out);
  const runtimeImport = path.relative(out, path.join(repo, 'dist/runtime/index.js')).split(path.sep).join('/');
  for (const [name, text] of compile(demo, { filename: 'demo.wasm', runtimeImport }).files) fs.writeFileSync(path.join(out, name), text);
  fs.writeFileSync(path.join(work, 'app.mjs'), `import { instantiate } from './out/index.js';
    const { instance } = await instantiate();
    const ex = instance.exports;
    document.title = 'bundled: ' + ex.checksum(7) + ' ' + ex.fib(30) + ' ' + ex.pi(1000);`);
  await build({ entryPoints: [path.join(work, 'app.mjs')], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', outfile: path.join(work, 'bundled.js'), logLevel: 'error' });

  const files: Record<string, [string, Buffer | string]> = {
    '/w2js-polyfill.js': ['text/javascript', fs.readFileSync(path.join(work, 'w2js-polyfill.js'))],
    '/bundled.js': ['text/javascript', fs.readFileSync(path.join(work, 'bundled.js'))],
    '/demo.wasm': ['application/wasm', demo],
  };
  // What `w2js cache` writes, marked so the page can tell it ran (the file's value is still the factory).
  const { precompile } = (await import(path.join(repo, 'dist/polyfill/precompile.js'))) as typeof import('../../polyfill/precompile.js');
  const [cached] = await precompile([path.join(repo, 'test/fixtures/demo/demo.wasm')], path.join(work, 'cache'), { threads: 1 });
  // After its first line: the header that says which w2js wrote it (another version's is not used).
  const text = fs.readFileSync(cached!, 'utf8');
  const firstLine = text.indexOf('\n') + 1;
  files[`/cache/${path.basename(cached!)}`] = ['text/javascript', `${text.slice(0, firstLine)}globalThis.loadsFromCache = (globalThis.loadsFromCache ?? 0) + 1,\n${text.slice(firstLine)}`];
  for (const [p, html] of Object.entries(pages)) files[p] = ['text/html', `<!doctype html><title>loading</title>${html}`];
  files['/bundled.html']![1] = `<!doctype html><title>loading</title><script type="module" src="/bundled.js"></script>`;
  server = http.createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  fs.rmSync(work, { recursive: true, force: true });
});

/** Open `page` in a fresh headless Chromium (with `jsFlags` for V8) and wait for its title to settle. */
async function titleOf(page: string, jsFlags: string[] = []): Promise<string> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath!, args: jsFlags.length ? [`--js-flags=${jsFlags.join(' ')}`] : [] });
  try {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    await tab.goto(`${origin}${page}`);
    await tab.waitForFunction(() => document.title !== 'loading', undefined, { timeout: 60_000 }).catch(() => {});
    const title = await tab.title();
    if (title === 'loading') throw new Error(`${page}: no result; page errors: ${errors.join('; ')}`);
    if (page === '/forced.html' && !jsFlags.length) await tab.screenshot({ path: path.join(repo, 'out/polyfill-chromium.png') });
    return title;
  } finally {
    await browser.close();
  }
}

describe.runIf(chromiumPath)('in Chromium', () => {
  test('the script-tag polyfill, forced over the page\'s WebAssembly', async () => {
    fs.mkdirSync(path.join(repo, 'out'), { recursive: true });
    expect(await titleOf('/forced.html')).toBe(`polyfill: ${await expected()}`);
  }, 120_000);

  test('the script-tag polyfill where WebAssembly does not exist (V8 --jitless)', async () => {
    expect(await titleOf('/plain.html', ['--jitless'])).toBe(`polyfill: ${await expected()}`);
    // The same page on Chromium's own WebAssembly: the polyfill stays out of the way.
    expect(await titleOf('/plain.html')).toBe(`native: ${await expected()}`);
  }, 180_000);

  test('compiled ahead: instantiateStreaming takes the module\'s code from W2JS_CACHE_URL by content hash', async () => {
    expect(await titleOf('/cached.html')).toBe(`polyfill: ${await expected()} cached 1`);
  }, 120_000);

  test('a compiled output bundled by esbuild for the browser', async () => {
    expect(await titleOf('/bundled.html')).toBe(`bundled: ${await expected()}`);
  }, 120_000);
});

test('the runtime core and the polyfill bundle for the browser without Node modules', () => {
  // beforeAll bundled both with platform: 'browser' (esbuild fails on a node: import there).
  expect(fs.statSync(path.join(work, 'bundled.js')).size).toBeGreaterThan(10_000);
  const polyfill = fs.readFileSync(path.join(work, 'w2js-polyfill.js'), 'utf8');
  expect(polyfill).not.toMatch(/require\(["']node:/);
});
