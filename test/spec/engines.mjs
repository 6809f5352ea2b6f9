// Spec runner: the engines a script runs on. An engine compiles module bytes and supplies the
// value helpers the harness needs to build arguments and check results in that engine's terms.
//
// Engine interface:
//   name
//   compile(bytes: Uint8Array) → Promise<CompiledModule>, CompiledModule.instantiate(imports) → Promise<{ instance: { exports } }>
//   RuntimeError, LinkError, isCompileError(e), Memory, Table, Global (shaped like WebAssembly's)
//   f32FromBits(u32) → number, f32ToBits(number) → int32, f64FromBits(bigint) → number, f64ToBits(number) → bigint
//   trapMatches(error, expectedText) → boolean (is `error` the trap the spec names)
//   nanBoundary: true when f32 NaN payloads cannot cross the JS boundary exactly (native wasm)

import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheRoot, moveIntoPlace, repoRoot } from './wast-json.mjs';

/** A trap matches when its message starts with or contains the spec's text (`uninitialized element 2`). */
function messageMatches(message, expected) {
  return message.startsWith(expected) || message.includes(expected);
}

/** Stack exhaustion: the spec's trap text, or the JS engine's own stack overflow (RangeError). */
function isStackExhaustion(e, RuntimeError) {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return true;
  return e instanceof RuntimeError && messageMatches(e.message, 'call stack exhausted');
}

// V8 words its traps differently from the spec (src/common/message-template.h, kWasmTrap*).
// These aliases are what the native engine accepts for each spec text; only the harness's
// self-check relies on them, the w2js engine must produce the spec's own words.
// Keyed by the start of the spec's text (`uninitialized element 2` uses the `uninitialized element` entry).
const v8TrapAliases = [
  ['unreachable', ['unreachable']],
  ['integer divide by zero', ['divide by zero', 'remainder by zero']],
  // Both the division overflow and a float→int truncation out of range (spec 4.3.2 trunc).
  ['integer overflow', ['divide result unrepresentable', 'float unrepresentable in integer range']],
  ['invalid conversion to integer', ['float unrepresentable in integer range']],
  ['out of bounds memory access', ['memory access out of bounds', 'data segment is out of bounds', 'data segment out of bounds']],
  ['out of bounds table access', ['table index is out of bounds', 'table access out of bounds', 'element segment out of bounds', 'element segment is out of bounds']],
  ['undefined element', ['table index is out of bounds', 'invalid index into function table']],
  ['uninitialized element', ['null function or function signature mismatch']],
  ['indirect call type mismatch', ['null function or function signature mismatch']],
  ['unaligned atomic', ['operation does not support unaligned accesses']],
];

/** Does V8's trap message say what the spec's `expected` text says? */
function v8TrapMatches(message, expected) {
  if (messageMatches(message, expected)) return true;
  return v8TrapAliases.some(([spec, v8]) => expected.startsWith(spec) && v8.some((m) => messageMatches(message, m)));
}

/** V8's own WebAssembly: validates the harness, so the whole 2022 core suite must pass on it. */
export function createNativeEngine() {
  const W = globalThis.WebAssembly;
  if (!W) throw new Error('the native engine needs globalThis.WebAssembly (not available under --jitless)');
  // Plain typed-array conversions: native wasm quietens f32 NaNs at the JS boundary anyway.
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const f64 = new Float64Array(1);
  const u64 = new BigUint64Array(f64.buffer);
  return {
    name: 'native',
    async compile(bytes) {
      const module = await W.compile(bytes);
      return { instantiate: async (imports) => ({ instance: await W.instantiate(module, imports) }) };
    },
    RuntimeError: W.RuntimeError,
    LinkError: W.LinkError,
    isCompileError: (e) => e instanceof W.CompileError,
    Memory: W.Memory,
    Table: W.Table,
    Global: W.Global,
    f32FromBits: (bits) => ((u32[0] = bits), f32[0]),
    f32ToBits: (x) => ((f32[0] = x), u32[0] | 0),
    f64FromBits: (bits) => ((u64[0] = BigInt.asUintN(64, bits)), f64[0]),
    f64ToBits: (x) => ((f64[0] = x), u64[0]),
    trapMatches(e, expected) {
      if (expected === 'call stack exhausted') return isStackExhaustion(e, W.RuntimeError);
      if (!(e instanceof W.RuntimeError)) return false;
      return v8TrapMatches(e.message, expected);
    },
    nanBoundary: true,
  };
}

/** The compiler's error codes that reject a module; anything else thrown by compile() is an internal error. */
const compileErrorCodes = new Set(['E_MALFORMED', 'E_INVALID', 'E_UNSUPPORTED']);

/** A compile error of the w2js compiler, fresh or read back from the cache. */
export class W2jsCompileError extends Error {
  constructor({ code, message, offset }) {
    super(message);
    this.name = 'CompileError';
    this.code = code;
    this.offset = offset;
  }
}

/** Thrown under --no-compile when a module was never compiled (or was compiled by another compiler build). */
export class MissingCacheError extends Error {
  constructor(message) {
    super(message);
    this.name = 'MissingCacheError';
  }
}

/** sha1 over the compiler's built JavaScript: cached output from another compiler build is stale. */
function hashCompiler(compilerDir, runtimeImport) {
  const hash = createHash('sha1').update(runtimeImport);
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.js')) hash.update(entry.name).update(readFileSync(p));
    }
  };
  walk(compilerDir);
  return hash.digest('hex');
}

/** Write `files` into `dir` via a temporary sibling, so a killed run never leaves half a module behind. */
function writeCacheDir(dir, files) {
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  for (const [name, text] of files) {
    const p = path.join(tmp, name);
    if (path.relative(tmp, p).startsWith('..')) throw new Error(`compiler output file escapes its directory: ${name}`);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  // Another run (the spec suite, the cross-runtime suite, a developer) may write the same entry
  // meanwhile: same input and same compiler give the same files, and theirs is kept.
  moveIntoPlace(tmp, dir, path.join(dir, 'stamp'), files.find(([name]) => name === 'stamp')?.[1]);
}

/**
 * The build the w2js engine uses (its compiler and runtime), its cache folder and the stamp its
 * entries from that build carry. $W2JS_DIST points the harness at another build (the harness's
 * own tests use a stand-in compiler).
 * TypeScript output lives in its own cache (test/.cache/spec/w2js-ts) and imports the runtime by
 * a relative path, which tsc resolves to the runtime's .d.ts files.
 */
/**
 * `w2js-split`: every function in the dispatch form and split into parts of a few statements
 * (compiler/emit/split.ts), so the whole suite checks what only huge functions get by default.
 */
export const SPLIT_EVERYTHING = { flatAbove: 1, cutStatements: 1, splitAboveTokens: -1, partNodes: 1 };
/**
 * `w2js-tier`: the same, as the polyfill runs it (the script form, counting crossings), and every
 * function that changes part twice laid out again at once, while it runs (polyfill/tier-up.ts).
 */
export const TIER_EVERYTHING = { ...SPLIT_EVERYTHING, countCrossings: true };

export function w2jsCache({ ts = false, layout = undefined } = {}) {
  const distDir = path.resolve(process.env.W2JS_DIST ?? path.join(repoRoot, 'dist'));
  const compilerDir = path.join(distDir, 'compiler');
  const runtimePath = path.join(distDir, 'runtime/index.js');
  const cacheName = ts ? 'w2js-ts' : layout?.countCrossings ? 'w2js-tier' : layout ? 'w2js-split' : 'w2js';
  // Every entry is two levels below the cache root, so one relative import serves them all.
  const key = ts ? `ts:${path.relative(path.join(cacheRoot, cacheName, 'x'), runtimePath)}` : pathToFileURL(runtimePath).href;
  return { compilerDir, runtimePath, cacheName, dir: path.join(cacheRoot, cacheName), stamp: existsSync(compilerDir) ? hashCompiler(compilerDir, key) : null };
}

/**
 * Our compiler. Each distinct binary is compiled once into test/.cache/spec/w2js/<sha1>/index.js
 * (or error.json for a rejected one), imported by file URL, and instantiated as often as the script asks.
 * With `noCompile`, only that cache is used: `node --jitless` then runs exactly the code the
 * compiling run produced, whatever the compiler itself needs to run.
 */
export async function createW2jsEngine({ noCompile = false, ts = false, layout = undefined } = {}) {
  const { compilerDir, runtimePath, cacheName, stamp } = w2jsCache({ ts, layout });
  const runtimeImport = pathToFileURL(runtimePath).href;
  const rt = await import(runtimeImport);
  const tsRuntimeImport = (dir) => path.relative(dir, runtimePath).split(path.sep).join('/');
  const { stripTypes } = ts ? await import('../helpers/typescript.mjs') : {};
  const tier = layout?.countCrossings === true;
  // Laid out again after two crossings (one to open the rate's window, one to close it), at any rate.
  const tierUp = tier ? await import(pathToFileURL(path.join(path.dirname(compilerDir), 'polyfill/tier-up.js')).href) : undefined;
  if (tier) rt.setTierUpAfter(1, 0);
  const tierReport = process.env.W2JS_TIER_UP_REPORT;
  let compilerApi = null;
  const modules = new Map();

  async function compileUncached(bytes) {
    const sha1 = createHash('sha1').update(bytes).digest('hex');
    const dir = path.join(cacheRoot, cacheName, sha1);
    const stampPath = path.join(dir, 'stamp');
    const cachedStamp = existsSync(stampPath) ? readFileSync(stampPath, 'utf8') : null;
    const fresh = cachedStamp !== null && (stamp === null || cachedStamp === stamp);
    if (!fresh) {
      if (noCompile) {
        throw new MissingCacheError(
          `--no-compile: ${cachedStamp === null ? 'no compiled module' : 'compiled module is stale'} for ${sha1} (run once without --no-compile)`,
        );
      }
      compilerApi ??= await import(pathToFileURL(path.join(compilerDir, 'index.js')).href);
      let files;
      try {
        ({ files } = compilerApi.compile(bytes, { filename: `${sha1}.wasm`, runtimeImport: ts ? tsRuntimeImport(dir) : runtimeImport, ts, layout, script: tier ? 'only' : undefined }));
        // TypeScript output runs as its types stripped (what tsc, esbuild or Node's type stripping do).
        if (ts) files = new Map([...files, ...[...files].map(([name, text]) => [name.replace(/\.ts$/, '.js'), stripTypes(text)])]);
      } catch (e) {
        // Only the compiler's own rejections are cached; an internal error is reported afresh every run.
        if (!(e && compileErrorCodes.has(e.code))) throw e;
        const error = { code: e.code, message: String(e.message), offset: e.offset };
        writeCacheDir(dir, [['error.json', JSON.stringify(error)], ['stamp', stamp]]);
        throw new W2jsCompileError(error);
      }
      writeCacheDir(dir, [...files, ['stamp', stamp]]);
    }
    const errorPath = path.join(dir, 'error.json');
    if (existsSync(errorPath)) throw new W2jsCompileError(JSON.parse(readFileSync(errorPath, 'utf8')));
    if (tier) {
      // As the polyfill: the script evaluated at global scope, its hook given the compiler.
      const scriptPath = path.join(dir, 'index.script.js');
      const compiled = (0, eval)(readFileSync(scriptPath, 'utf8'))(rt);
      // Each decision appended to the report as it is made (workers are terminated, not ended).
      const onEvent = tierReport ? (e) => appendFileSync(tierReport, e.kind === 'failed' ? `failed ${JSON.stringify(String(e.error?.stack ?? e.error))}\n` : `${e.kind}\n`) : undefined;
      if (compiled.tier) tierUp.attachTierUp(compiled.tier, bytes, { compile: { filename: `${sha1}.wasm`, script: 'only', layout }, onEvent });
      return { instantiate: async (imports) => ({ instance: (await compiled.instantiate(imports)).instance }) };
    }
    const indexPath = path.join(dir, 'index.js');
    let mod;
    try {
      mod = await import(pathToFileURL(indexPath).href);
    } catch (e) {
      // A syntax error in generated code, or an import the runtime does not provide.
      throw new Error(`loading ${path.relative(repoRoot, indexPath)} failed: ${e && e.name}: ${String(e && e.message).split('\n')[0]}`);
    }
    return {
      async instantiate(imports) {
        const { instance } = await mod.instantiate(imports);
        return { instance };
      },
    };
  }

  return {
    name: 'w2js',
    compile(bytes) {
      // One compile per distinct binary per run; ES modules are cached by URL anyway, so the
      // generated module must keep all per-instance state inside instantiate().
      const key = createHash('sha1').update(bytes).digest('hex');
      let p = modules.get(key);
      if (!p) modules.set(key, (p = compileUncached(bytes)));
      return p;
    },
    RuntimeError: rt.RuntimeError,
    LinkError: rt.LinkError,
    isCompileError: (e) => e instanceof W2jsCompileError,
    Memory: rt.Memory,
    Table: rt.Table,
    Global: rt.Global,
    f32FromBits: rt.f32FromBits,
    f32ToBits: rt.f32ToBits,
    f64FromBits: rt.f64FromBits,
    f64ToBits: rt.f64ToBits,
    trapMatches(e, expected) {
      if (expected === 'call stack exhausted') return isStackExhaustion(e, rt.RuntimeError);
      return e instanceof rt.RuntimeError && messageMatches(String(e.message), expected);
    },
    nanBoundary: false,
  };
}

/** An engine that could not be set up: every compile fails with the reason, so every command reports it. */
export function createBrokenEngine(name, reason) {
  class Unavailable extends Error {}
  return {
    name,
    compile: async () => {
      throw new Error(`engine ${name} unavailable: ${reason}`);
    },
    RuntimeError: Unavailable,
    LinkError: Unavailable,
    isCompileError: () => false,
    Memory: null,
    Table: null,
    Global: null,
    f32FromBits: () => NaN,
    f32ToBits: () => 0,
    f64FromBits: () => NaN,
    f64ToBits: () => 0n,
    trapMatches: () => false,
    nanBoundary: false,
  };
}

/** Build the named engine. */
export async function createEngine(name, options = {}) {
  if (name === 'native') return createNativeEngine();
  if (name === 'w2js') return createW2jsEngine(options);
  if (name === 'w2js-ts') return createW2jsEngine({ ...options, ts: true });
  if (name === 'w2js-split') return createW2jsEngine({ ...options, layout: SPLIT_EVERYTHING });
  if (name === 'w2js-tier') return createW2jsEngine({ ...options, layout: TIER_EVERYTHING });
  throw new Error(`unknown engine ${name} (native | w2js | w2js-ts | w2js-split | w2js-tier)`);
}
