// Debugging C in headless Chromium over the DevTools protocol (issue 14), where Chromium is
// installed (Debian's `chromium`, as .ci/run installs it): the page loads a compiled C program
// over HTTP; the map's sources open from the page's origin (no 404); scripts' maps are fetched
// from their sourceMapURL as DevTools does; a breakpoint at a C line hits, the frames are C
// functions at C lines, the runtime's frames are ignore-listed, stepping advances the C line, and
// C parameters evaluate by their names.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, TraceMap, generatedPositionFor, originalPositionFor } from '@jridgewell/trace-mapping';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const fixtures = path.resolve('test/fixtures/dwarf');
const cli = path.resolve('dist/compiler/cli.js');
const progText = fs.readFileSync(path.join(fixtures, 'prog.c'), 'utf8');
const lineOf = (marker: string) => progText.split('\n').findIndex((l) => l.includes(`LINE:${marker}`)) + 1;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.map': 'application/json', '.html': 'text/html', '.c': 'text/plain' };
let root = '';
let server: http.Server | undefined;
let origin = '';

beforeAll(async () => {
  if (!chromiumPath) return;
  // The site: src/ (the C source and its module, as a build tree has them) and out/ (w2js's output).
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-chromium-debug-'));
  fs.mkdirSync(path.join(root, 'src'));
  for (const f of ['prog.c', 'prog.wasm']) fs.copyFileSync(path.join(fixtures, f), path.join(root, 'src', f));
  execFileSync(process.execPath, [cli, 'compile', path.join(root, 'src/prog.wasm'), '-o', path.join(root, 'out'), '--source-map', '-q']);
  fs.writeFileSync(path.join(root, 'index.html'), `<!doctype html><script type="module">
    import { instantiate } from './out/index.js';
    window.go = async () => (await instantiate()).instance.exports.run(3);
  </script>`);
  server = http.createServer((req, res) => {
    const file = path.join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** GET from the test's origin (what DevTools does for a map and its sources). */
async function get(url: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url);
  return { status: r.status, text: await r.text() };
}

describe.runIf(chromiumPath)('in Chromium', () => {
  it("opens the C sources, stops at a C line, shows C frames, steps by C lines, reads C variables by name", async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: chromiumPath! });
    try {
      const page = await browser.newPage();
      const cdp = await page.context().newCDPSession(page);
      /** scriptId → its source map, fetched from its sourceMapURL as DevTools does. */
      const maps = new Map<string, Promise<TraceMap | undefined>>();
      cdp.on('Debugger.scriptParsed', (p) => {
        if (!p.sourceMapURL) return;
        const url = new URL(p.sourceMapURL, p.url).href;
        maps.set(p.scriptId, get(url).then((r) => (r.status === 200 ? new TraceMap(r.text, url) : undefined)));
      });
      await cdp.send('Debugger.enable');
      await page.goto(`${origin}/index.html`);
      await page.waitForFunction(() => typeof (window as { go?: unknown }).go === 'function');

      // The map's sources resolve against the map's URL to files the server has.
      const indexMap = new TraceMap((await get(`${origin}/out/index.js.map`)).text, `${origin}/out/index.js.map`);
      expect(indexMap.resolvedSources).toEqual([`${origin}/src/prog.c`]);
      expect(await get(indexMap.resolvedSources[0]!)).toEqual({ status: 200, text: progText });

      const at = generatedPositionFor(indexMap, { source: indexMap.resolvedSources[0]!, line: lineOf('x'), column: 0, bias: LEAST_UPPER_BOUND });
      const bp = await cdp.send('Debugger.setBreakpointByUrl', { url: `${origin}/out/index.js`, lineNumber: at.line! - 1, columnNumber: at.column! });
      const pausedOnce = () => new Promise<any>((resolve) => cdp.once('Debugger.paused', resolve));
      let paused = pausedOnce();
      const result = page.evaluate(() => (window as unknown as { go(): Promise<number> }).go());
      let p = await paused;
      expect(p.hitBreakpoints).toContain(bp.breakpointId);

      const original = async (loc: { scriptId: string; lineNumber: number; columnNumber?: number }) => {
        const map = await maps.get(loc.scriptId);
        const pos = map && originalPositionFor(map, { line: loc.lineNumber + 1, column: loc.columnNumber ?? 0, bias: GREATEST_LOWER_BOUND });
        return pos?.source ? `${pos.source.replace(origin, '')}:${pos.line}` : undefined;
      };
      const ignored = async (loc: { scriptId: string }) => ((await maps.get(loc.scriptId)) as { ignoreList?: number[] } | undefined)?.ignoreList?.length === 1;
      const frames = await Promise.all(p.callFrames.slice(0, 3).map(async (f: any) => [f.functionName, await original(f.location), await ignored(f.location)]));
      expect(frames).toEqual([
        ['$store_at', `/src/prog.c:${lineOf('x')}`, false],
        ['$run', `/src/prog.c:${lineOf('loop')}`, false],
        ['1', expect.stringMatching(/^\/out\/runtime\/funcref\.js:\d+$/), true],
      ]);
      const evaluate = async (frame: any, expression: string) => (await cdp.send('Debugger.evaluateOnCallFrame', { callFrameId: frame.callFrameId, expression })).result.value;
      expect(await evaluate(p.callFrames[0], 'p')).toBe(1024); // &points[0]
      expect(await evaluate(p.callFrames[1], 'count')).toBe(3);

      // Step as DevTools does over a source-mapped frame: JS steps until the C line changes.
      const lines: string[] = [];
      for (let s = 0; s < 2; s++) {
        const from = await original(p.callFrames[0].location);
        for (let i = 0; i < 50; i++) {
          paused = pausedOnce();
          await cdp.send('Debugger.stepOver');
          p = await paused;
          const now = await original(p.callFrames[0].location);
          if (now && now !== from) break;
        }
        lines.push(`${p.callFrames[0].functionName} ${await original(p.callFrames[0].location)}`);
      }
      expect(lines).toEqual([`$store_at /src/prog.c:${lineOf('y')}`, `$store_at /src/prog.c:${lineOf('return')}`]);

      await cdp.send('Debugger.removeBreakpoint', { breakpointId: bp.breakpointId });
      await cdp.send('Debugger.resume');
      expect(await result).toBe(14);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
