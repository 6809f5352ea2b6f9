// test/web/: the demo page (issue 13) in headless Chromium (Debian's `chromium`, installed by
// .ci/run, driven by playwright-core). `web/build.mjs` builds out/web; `web/serve.mjs` serves it
// twice, cross-origin isolated and not. In both modes the test kernel must boot in the page with
// the boot log and the syscall transcript of the threaded Node boot; a command typed into the
// terminal must be answered there; a dropped .wasm compiles in the page; a panic or trap sets the
// failure title. Screenshots go to out/web-demo-*.png.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Kernel } from '../../runtime/host/kernel.js';
import { transcript } from '../../web/transcript.mjs';
import { boot, BOOT_LOG, repo, testKernel } from '../kernel/helpers.js';

const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const out = path.join(repo, 'out/web');

interface Demo {
  mode: string;
  isolated: boolean;
  bootMs(): number;
  log(): string[];
  run(command: string): Promise<string>;
  compile(bytes: number[], name: string): Promise<string>;
  screen(): string;
}

/** `node web/serve.mjs --port 0 [...]`, once it says where it listens. */
async function serve(extra: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(repo, 'web/serve.mjs'), '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /on (http:\/\/\S+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`web/serve.mjs exited (${code}): ${text}`)));
  });
  return { child, url };
}

let browser: Browser | undefined;
const servers: ChildProcess[] = [];
let isolatedUrl = '';
let plainUrl = '';
let nodeLines: string[] = [];
let nodeLog: string[] = [];

beforeAll(async () => {
  if (!chromiumPath) return;
  const { buildWeb } = (await import(path.join(repo, 'web/build.mjs'))) as { buildWeb(out: string): Promise<unknown> };
  await buildWeb(out);
  const [a, b] = await Promise.all([serve([]), serve(['--no-isolation'])]);
  servers.push(a.child, b.child);
  isolatedUrl = a.url;
  plainUrl = b.url;
  // The reference: the threaded Node boot (real workers), its log and its transcript.
  const threaded: Kernel = await boot(testKernel, 'w2js');
  try {
    nodeLog = threaded.logLines();
    nodeLines = transcript(threaded);
  } finally {
    await threaded.halt();
  }
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: chromiumPath });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) s.kill();
});

/** Open the demo at `url` and wait until its title says booted or failed. */
async function open(url: string): Promise<{ tab: Page; title: string; errors: string[] }> {
  const tab = await browser!.newPage({ viewport: { width: 1100, height: 820 } });
  const errors: string[] = [];
  tab.on('pageerror', (e) => errors.push(String(e)));
  await tab.goto(url);
  await tab.waitForFunction(() => /^w2js: (booted|failed)/.test(document.title), undefined, { timeout: 60_000 }).catch(() => undefined);
  return { tab, title: await tab.title(), errors };
}

const demo = <T>(tab: Page, f: (d: Demo) => T | Promise<T>): Promise<T> =>
  tab.evaluate(`(${f.toString()})(globalThis.w2jsDemo)`) as Promise<T>;

/** Type `command` into the terminal, press Enter, and wait until the screen shows `answer`. */
async function type(tab: Page, command: string, answer: string): Promise<void> {
  await tab.click('#terminal');
  await tab.keyboard.type(command);
  await tab.keyboard.press('Enter');
  await tab.waitForFunction((a) => (globalThis as unknown as { w2jsDemo: Demo }).w2jsDemo.screen().includes(a), answer, { timeout: 20_000 });
}

test('the host files a page loads import no Node module statically (the runtime core, both boots, the workers)', () => {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    // Static imports only: Node-only paths load theirs with import() where they run (fdSink, Node's workers).
    for (const m of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*'([^']+)'/gm)) {
      const spec = m[1]!;
      expect(spec.startsWith('.'), `${path.relative(repo, file)} imports ${spec}`).toBe(true);
      visit(path.resolve(path.dirname(file), spec));
    }
  };
  for (const f of ['boot-threads', 'thread-worker', 'spawner', 'single-thread']) visit(path.join(repo, `dist/runtime/host/${f}.js`));
  expect(seen.size).toBeGreaterThan(15);
});

describe.runIf(chromiumPath)('the demo page in Chromium', () => {
  test.each([
    ['threads', 'isolated', ''],
    ['single-thread', 'isolated', '?mode=single'],
    ['single-thread', 'not isolated', ''],
  ])('%s (%s%s): boots with the threaded Node boot\'s log and syscall results; a typed command is answered', async (mode, where, query) => {
    expect(nodeLog).toEqual(BOOT_LOG);
    const { tab, title, errors } = await open(`${where === 'isolated' ? isolatedUrl : plainUrl}${query}`);
    try {
      expect(errors).toEqual([]);
      expect(title).toBe(`w2js: booted (${mode})`);
      expect(await demo(tab, (d) => d.mode)).toBe(mode);
      expect(await tab.evaluate(() => typeof SharedArrayBuffer)).toBe(where === 'isolated' ? 'function' : 'undefined');
      expect(await demo(tab, (d) => d.log())).toEqual(nodeLog);
      // First, before any other command changes the kernel's counters.
      expect((await demo(tab, (d) => d.run('transcript'))).split('\n')).toEqual(nodeLines);
      const screen = await demo(tab, (d) => d.screen());
      for (const line of BOOT_LOG) expect(screen).toContain(line);
      const uname = nodeLines.find((l) => l.startsWith('uname fields = '))!.slice('uname fields = '.length).split(' | ').slice(0, 5).join(' ');
      await type(tab, 'uname', uname);
      await type(tab, 'echo hello w2js > pipe', 'read back through pipe_echo: HELLO W2JS');
      const ms = await demo(tab, (d) => d.bootMs());
      console.log(`demo page, ${mode} (${where}): booted in ${ms.toFixed(0)} ms`);
      await tab.screenshot({ path: path.join(repo, `out/web-demo-${mode}${where === 'isolated' ? '' : '-not-isolated'}.png`) });
    } finally {
      await tab.close();
    }
  }, 90_000);

  test('a dropped .wasm compiles in the page: its exports, or the CompileError', async () => {
    const { tab, title } = await open(`${plainUrl}?mode=single`);
    try {
      expect(title).toBe('w2js: booted (single-thread)');
      const good = [...fs.readFileSync(path.join(repo, 'test/fixtures/demo/demo.wasm'))];
      const report = await tab.evaluate(([b]) => (globalThis as unknown as { w2jsDemo: Demo }).w2jsDemo.compile(b as number[], 'demo.wasm'), [good]);
      expect(report).toMatch(/^demo\.wasm: compiled by w2js in this page/);
      expect(report).toMatch(/checksum \(function\)/);
      const bad = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5];
      expect(await tab.evaluate(([b]) => (globalThis as unknown as { w2jsDemo: Demo }).w2jsDemo.compile(b as number[], 'bad.wasm'), [bad])).toMatch(/^bad\.wasm: CompileError: .+/);
      // Through a real drop event too.
      await tab.evaluate(([b]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(b as number[])], 'dropped.wasm'));
        document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, [good]);
      await tab.waitForFunction(() => (globalThis as unknown as { w2jsDemo: Demo }).w2jsDemo.screen().includes('dropped.wasm: compiled by w2js'), undefined, { timeout: 15_000 });
    } finally {
      await tab.close();
    }
  }, 90_000);

  test.each([
    ['threads', 'trap', 'fault'],
    ['single-thread', 'panic', 'panic'],
  ])('%s: a kernel %s sets the title to w2js: failed: <reason>', async (mode, command, reason) => {
    const { tab, title } = await open(mode === 'threads' ? isolatedUrl : `${plainUrl}?mode=single`);
    try {
      expect(title).toBe(`w2js: booted (${mode})`);
      await tab.evaluate((c) => (globalThis as unknown as { w2jsDemo: Demo }).w2jsDemo.run(c), command);
      await tab.waitForFunction(() => document.title.startsWith('w2js: failed'), undefined, { timeout: 10_000 });
      expect(await tab.title()).toBe(`w2js: failed: ${reason}`);
    } finally {
      await tab.close();
    }
  }, 90_000);
});
