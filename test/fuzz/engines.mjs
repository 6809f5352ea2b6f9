// The two engines the differential fuzzer compares, behind one shape:
// { name, instantiate(bytes, imports) → exports, Global, Memory, Table }.
// native: V8's WebAssembly. w2js: compile with dist/ (built by `npm run build`), write the output
// files to a scratch directory, import index.js, instantiate. Nothing here reads the generated
// code: the output format may change freely.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNTIME_URL = pathToFileURL(path.join(root, 'dist/runtime/index.js')).href;

let compiler;
/** The built compiler (dist/compiler/index.js): `compile` and `CompileError`. */
export async function loadCompiler() {
  compiler ??= await import(pathToFileURL(path.join(root, 'dist/compiler/index.js')).href);
  return compiler;
}

/** V8's own WebAssembly. */
export const nativeEngine = {
  name: 'native',
  async instantiate(bytes, imports) {
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports;
  },
  Global: WebAssembly.Global,
  Memory: WebAssembly.Memory,
  Table: WebAssembly.Table,
};

let outDir;
let outCount = 0;

/** Remove the compiled outputs this process wrote. */
export function cleanOutputs() {
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  outDir = undefined;
}

/**
 * Compile `bytes` with w2js (throws its CompileError) and load the output: resolves to an engine
 * that instantiates this module (its `bytes` argument is ignored: the code is already compiled).
 */
export async function compileW2js(bytes, options = {}) {
  if (process.env.W2JS_FUZZ_TIER) return compileW2jsTier(bytes);
  const { compile } = await loadCompiler();
  const { files } = compile(bytes, { runtimeImport: RUNTIME_URL, filename: 'fuzz.wasm', ...options });
  outDir ??= fs.mkdtempSync(path.join(os.tmpdir(), `w2js-fuzz-out-${process.pid}-`));
  const dir = path.join(outDir, String(outCount++));
  for (const [name, code] of files) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, code);
  }
  const mod = await import(pathToFileURL(path.join(dir, 'index.js')).href);
  return w2jsEngine((imports) => mod.instantiate(imports), mod);
}

/** The engine over a compiled module's `instantiate(imports)` and the runtime's classes. */
const w2jsEngine = (instantiate, { Global, Memory, Table }) => ({
  name: 'w2js',
  async instantiate(_bytes, imports) {
    const { instance } = await instantiate(imports);
    return instance.exports;
  },
  Global,
  Memory,
  Table,
});

/**
 * W2JS_FUZZ_TIER=1: as the polyfill runs a module, with every function split into parts and laid
 * out again after two crossings, while it runs (polyfill/tier-up.ts; the spec suite's w2js-tier).
 */
const TIER_LAYOUT = { flatAbove: 1, cutStatements: 1, splitAboveTokens: -1, partNodes: 1, countCrossings: true };
/**
 * Parts of one segment cross most; parts of a few segments (every other case, by the module's
 * length) gather segments from all over the function, which are then numbered again (S36).
 */
const tierLayout = (bytes) => (bytes.length % 2 ? TIER_LAYOUT : { ...TIER_LAYOUT, partNodes: 12 });
async function compileW2jsTier(bytes) {
  const { compile } = await loadCompiler();
  const rt = await import(RUNTIME_URL);
  const tierUp = await import(pathToFileURL(path.join(root, 'dist/polyfill/tier-up.js')).href);
  rt.setTierUpAfter(1, 0);
  const options = { filename: 'fuzz.wasm', script: 'only', layout: tierLayout(bytes) };
  const compiled = (0, eval)(compile(bytes, options).files.get('index.script.js'))(rt);
  // A relayout that fails leaves the old code running: the fuzzer must hear of it.
  const report = process.env.W2JS_TIER_UP_REPORT;
  const onEvent = (e) => {
    if (e.kind === 'failed') throw new Error(`tier-up failed: ${e.error?.stack ?? e.error}`);
    if (report && e.kind === 'relaid') fs.appendFileSync(report, 'relaid\n');
  };
  if (compiled.tier) tierUp.attachTierUp(compiled.tier, bytes, { compile: options, onEvent });
  return w2jsEngine((imports) => compiled.instantiate(imports), rt);
}
