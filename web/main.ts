// web/: the demo page. An xterm.js terminal boots our test kernel (kernel/test-kernel.wasm,
// compiled to JS by web/build.mjs) in the page and takes commands that become syscalls
// (web/commands.ts):
//  - threads (default where the page is cross-origin isolated): every kernel thread on a Web
//    Worker over a SharedArrayBuffer; the boot thread is a worker too (web/boot-worker.ts);
//  - single-thread (`?mode=single`, or not isolated): the --asyncify build, every kernel thread a
//    green thread on this page's thread, memory in a plain ArrayBuffer (runtime/host/single-thread.ts).
// document.title says `w2js: booted (threads)` / `w2js: booted (single-thread)` once init()
// returned and the first syscall answered, `w2js: failed: <reason>` when the kernel stops.
// A .wasm dropped on the page is compiled here by w2js (web/compile-entry.ts, loaded on demand).

import { Terminal } from '@xterm/xterm';
import * as singleKernel from 'w2js-kernel-single';
import { SharedLog } from '../runtime/host/log.js';
import { bootSingleThreadKernel, type CompiledKernelModule, type SingleThreadKernel } from '../runtime/host/single-thread.js';
import { HELP, runCommand } from './commands.js';
import type { FromBootWorker, KernelInfo, ToBootWorker } from './protocol.js';

declare const KERNEL_INFO: KernelInfo;

const params = new URLSearchParams(location.search);
const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
const mode: 'threads' | 'single-thread' = params.get('mode') === 'single' || !isolated ? 'single-thread' : 'threads';

const term = new Terminal({ convertEol: true, cursorBlink: true, scrollback: 5000, fontSize: 14, cols: 110, rows: 34 });
term.open(document.getElementById('terminal')!);
const PROMPT = '\x1b[1;32mw2js\x1b[0m$ ';
const say = (text: string): void => term.write(`${text}\n`);
const note = (text: string): void => say(`\x1b[2m${text}\x1b[0m`);

/** What the terminal's command line runs: a command's output, or an error. */
type Runner = (line: string) => Promise<string>;
let run: Runner | undefined;
let bootLog: () => string[] = () => [];
let bootMs = 0;

function fail(reason: string, message: string): void {
  document.title = `w2js: failed: ${reason}`;
  say(`\x1b[1;31m${message}\x1b[0m`);
}

async function bootSingle(): Promise<void> {
  const t0 = performance.now();
  const decoder = new TextDecoder();
  let kernel: SingleThreadKernel;
  try {
    kernel = await bootSingleThreadKernel(singleKernel as unknown as CompiledKernelModule, KERNEL_INFO, {
      onPrint: (bytes) => term.write(decoder.decode(bytes, { stream: true })),
    });
  } catch (e) {
    const err = e as { reason?: string; message?: string };
    return fail(err.reason ?? String(err.message).split('\n')[0]!, String(err.message ?? e));
  }
  const pid = kernel.syscall(172);
  bootMs = performance.now() - t0;
  note(`init() = ${kernel.initResult} in ${kernel.timings.initMs.toFixed(0)} ms; getpid() = ${pid}`);
  bootLog = () => kernel.logLines();
  run = async (line) => {
    try {
      return runCommand(kernel, line);
    } catch (e) {
      const err = e as { reason?: string; message?: string };
      fail(err.reason ?? 'error', String(err.message ?? e));
      throw e;
    }
  };
  document.title = 'w2js: booted (single-thread)';
}

async function bootThreads(): Promise<void> {
  const t0 = performance.now();
  const worker = new Worker(new URL('./boot-worker.js', import.meta.url), { type: 'module', name: 'w2js boot thread' });
  const pending = new Map<number, (m: Extract<FromBootWorker, { type: 'result' }>) => void>();
  let log: SharedLog | undefined;
  let shown = 0;
  /** Copy what the kernel printed since last time to the terminal (every thread appends to the log). */
  const pump = (): void => {
    if (!log) return;
    const text = log.text();
    if (text.length > shown) term.write(text.slice(shown));
    shown = text.length;
  };
  const timer = setInterval(pump, 50);
  await new Promise<void>((resolve) => {
    worker.addEventListener('error', (e) => {
      fail('worker error', `boot worker: ${e.message}`);
      resolve();
    });
    worker.addEventListener('message', (e: MessageEvent<FromBootWorker>) => {
      const m = e.data;
      if (m.type === 'log') log = new SharedLog(m.buffer);
      else if (m.type === 'failed') {
        pump();
        fail(m.reason, m.message);
        resolve();
      } else if (m.type === 'booted') {
        pump();
        bootMs = performance.now() - t0;
        note(`init() = ${m.initResult} in ${m.initMs.toFixed(0)} ms; getpid() = ${m.pid}`);
        document.title = 'w2js: booted (threads)';
        resolve();
      } else if (m.type === 'result') {
        pending.get(m.id)?.(m);
        pending.delete(m.id);
      }
    });
    const start: ToBootWorker = { type: 'boot', spawnerUrl: new URL('./spawner.js', location.href).href, threadWorkerUrl: new URL('./thread-worker.js', location.href).href };
    worker.postMessage(start);
  });
  bootLog = () => (log ? log.text().split('\n').filter((l) => l.length > 0) : []);
  let nextId = 1;
  run = (line) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (m) => {
        pump(); // what the command made the kernel print, before its answer
        if (m.failed) {
          fail(m.failed.reason, m.failed.message);
          clearInterval(timer);
          reject(new Error(m.text));
        } else resolve(m.text);
      });
      worker.postMessage({ type: 'command', id, line } satisfies ToBootWorker);
    });
}

// ---- the command line ----

let line = '';
let busy = false;
term.onData((data) => {
  if (busy || !run) return;
  for (const ch of data) {
    if (ch === '\r') {
      const command = line;
      line = '';
      term.write('\r\n');
      void execute(command);
      return;
    }
    if (ch === '\x7f') {
      if (line.length > 0) {
        line = line.slice(0, -1);
        term.write('\b \b');
      }
    } else if (ch >= ' ') {
      line += ch;
      term.write(ch);
    }
  }
});

async function execute(command: string): Promise<string> {
  busy = true;
  try {
    const out = await run!(command);
    if (out) say(out);
    return out;
  } catch (e) {
    return `error: ${(e as Error).message}`;
  } finally {
    busy = false;
    term.write(PROMPT);
  }
}

// ---- a dropped .wasm, compiled in the page ----

document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', (e) => {
  e.preventDefault();
  const file = e.dataTransfer?.files[0];
  if (file) void compileDropped(file);
});

/** Compile `file` with w2js in this page; the report shown (exports, or the CompileError). */
async function compileDropped(file: File): Promise<string> {
  const { describeWasm } = (await import(new URL('./compile.js', import.meta.url).href)) as typeof import('./compile-entry.js');
  const report = describeWasm(new Uint8Array(await file.arrayBuffer()), file.name);
  say(`\r\n${report}`);
  term.write(PROMPT + line);
  return report;
}

// ---- hooks for the tests (test/web/demo.test.ts) ----

(globalThis as { w2jsDemo?: unknown }).w2jsDemo = {
  mode,
  isolated,
  bootMs: () => bootMs,
  log: () => bootLog(),
  run: (command: string) => {
    term.write(`${command}\r\n`); // as if typed at the prompt
    return execute(command);
  },
  compile: (bytes: number[], name: string) => compileDropped(new File([new Uint8Array(bytes)], name)),
  screen: () => {
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  },
};

note(`w2js demo: booting kernel/test-kernel.wasm (compiled to JS) in ${mode} mode${mode === 'single-thread' && params.get('mode') !== 'single' ? ' (this page is not cross-origin isolated: no SharedArrayBuffer)' : ''}`);
await (mode === 'threads' ? bootThreads() : bootSingle());
if (run) {
  say(HELP);
  term.write(PROMPT);
  term.focus();
}
