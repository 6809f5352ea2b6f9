// The one file that calls into binaryen for the fuzzers: wasm-opt's translate-to-fuzz (ttf), its
// passes, and binaryen.js for reading and printing modules.
//
// The npm package ships wasm-opt as an Emscripten program for Node (bin/wasm-opt). Started as a
// process it costs ~0.7 s, so we load it once per process, without running main, and call its
// main per module (~40 ms). It reads and writes real files (NODERAWFS), so modules pass through
// a per-process temp directory. Its wasm-reduce does not run under Node (it aborts in its
// `system()`), so reduce.mjs has its own reducer built on binaryen.js.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const binDir = path.join(path.dirname(require.resolve('binaryen')), 'bin');

let wasmOptMain;
let scratch;

/** The per-process scratch directory for files handed to wasm-opt. */
function scratchDir() {
  scratch ??= fs.mkdtempSync(path.join(os.tmpdir(), `w2js-fuzz-${process.pid}-`));
  return scratch;
}

/** Remove this process's scratch directory (call before exiting). */
export function cleanScratch() {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

/** Drop the loaded wasm-opt: after it trapped, its memory may be corrupt; the next call loads a fresh one. */
export function resetWasmOpt() {
  wasmOptMain = undefined;
}

/** Load wasm-opt's Emscripten module once; resolves to its `callMain(args)` → exit status. */
async function loadWasmOpt() {
  if (wasmOptMain) return wasmOptMain;
  const file = path.join(binDir, 'wasm-opt');
  const source = fs.readFileSync(file, 'utf8').replace(/^#!.*\n/, '');
  let ready;
  const initialized = new Promise((resolve) => (ready = resolve));
  const messages = [];
  // Its stdout/stderr go to this console: warnings ("no passes specified") are noise here.
  const quiet = { log: (...a) => messages.push(a.join(' ')), error: (...a) => messages.push(a.join(' ')), warn: () => {} };
  const Module = { noInitialRun: true, noExitRuntime: true, thisProgram: 'wasm-opt', onRuntimeInitialized: () => ready() };
  const factory = new Function('Module', 'require', '__filename', '__dirname', 'process', 'console', `${source}\n;return callMain;`);
  const callMain = factory(Module, require, file, binDir, process, quiet);
  await initialized;
  wasmOptMain = (args) => {
    messages.length = 0;
    let status;
    try {
      status = callMain([...args]);
    } catch (e) {
      return { status: 1, messages: [...messages, String(e)] };
    }
    return { status: status ?? 0, messages: [...messages] };
  };
  return wasmOptMain;
}

/** Run wasm-opt on `input` (bytes) with `args`; returns the output module's bytes. */
export async function wasmOpt(input, args) {
  const main = await loadWasmOpt();
  const dir = scratchDir();
  const inFile = path.join(dir, 'in.dat');
  const outFile = path.join(dir, 'out.wasm');
  fs.writeFileSync(inFile, input);
  fs.rmSync(outFile, { force: true });
  const { status, messages } = main([inFile, ...args, '-o', outFile]);
  if (status !== 0 || !fs.existsSync(outFile)) {
    throw new Error(`wasm-opt ${args.join(' ')} failed (${status}): ${messages.join('\n').slice(0, 2000)}`);
  }
  return new Uint8Array(fs.readFileSync(outFile));
}

/** Feature flags of the two differential sets (see README: no SIMD, EH, GC, tail calls, memory64). */
export const FEATURE_SETS = {
  base: ['--mvp-features', '--enable-sign-ext', '--enable-nontrapping-float-to-int', '--enable-bulk-memory', '--enable-bulk-memory-opt', '--enable-multivalue', '--enable-reference-types', '--enable-mutable-globals'],
  threads: ['--mvp-features', '--enable-sign-ext', '--enable-nontrapping-float-to-int', '--enable-bulk-memory', '--enable-bulk-memory-opt', '--enable-multivalue', '--enable-reference-types', '--enable-mutable-globals', '--enable-threads'],
};

/** translate-to-fuzz: turn arbitrary bytes into a valid module using only `features`. */
export async function translateToFuzz(input, features) {
  return wasmOpt(input, ['-ttf', '-q', ...features]);
}

let binaryenModule;

/** binaryen.js (loaded on first use: it takes a while). */
export async function binaryen() {
  binaryenModule ??= (await import('binaryen')).default;
  return binaryenModule;
}

/** The module as text (binaryen's printer), for reports; undefined if binaryen cannot read it. */
export async function toText(bytes) {
  const b = await binaryen();
  try {
    const m = b.readBinary(bytes, b.Features.All);
    try {
      return m.emitText();
    } finally {
      m.dispose();
    }
  } catch {
    return undefined;
  }
}
