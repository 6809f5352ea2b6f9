// The malformed fuzzer's one case: a real module (ttf, our fixtures and kernels, .wasm files in
// node_modules) or a deeply nested one, mutated (mutate.mjs), then compiled by w2js and validated
// by V8. Every case must end in a CompileError with an offset in [0, length] and a sensible
// message, or in a module V8 accepts too (which must then compile, and a ttf-based one must run
// like native). Runs inside worker.mjs, so a hang or a crash of the process is caught too.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkModule } from './differential.mjs';
import { loadCompiler } from './engines.mjs';
import { generateModule, prng } from './generate.mjs';
import { MUTATIONS, deepNesting } from './mutate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** All .wasm files under `dir`, recursively (symlinks not followed). */
function wasmFilesUnder(dir) {
  const out = [];
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && e.name !== '.cache') walk(p);
      else if (e.isFile() && e.name.endsWith('.wasm')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

let corpus;
/**
 * The real modules mutations start from, with a weight each: big ones are picked rarely (a valid
 * mutant of esbuild.wasm takes w2js ~50 s to compile).
 */
export function corpusFiles() {
  if (corpus) return corpus;
  const dirs = ['test/fixtures', 'test/threads/fixtures', 'kernel', 'bench/programs', 'node_modules'];
  corpus = dirs.flatMap((d) => wasmFilesUnder(path.join(root, d))).map((file) => {
    const size = fs.statSync(file).size;
    const weight = size < 256 * 1024 ? 100 : size < 4 * 1024 * 1024 ? 2 : 0.2;
    return { file: path.relative(root, file), size, weight };
  });
  return corpus;
}

const fileCache = new Map();
function readCorpus(entry) {
  if (!fileCache.has(entry.file)) fileCache.set(entry.file, new Uint8Array(fs.readFileSync(path.join(root, entry.file))));
  return fileCache.get(entry.file);
}

function pickCorpus(next) {
  const files = corpusFiles();
  const total = files.reduce((n, f) => n + f.weight, 0);
  let r = (next() / 2 ** 32) * total;
  for (const f of files) {
    r -= f.weight;
    if (r < 0) return f;
  }
  return files[files.length - 1];
}

let ttfCache = { seed: -1, bytes: undefined };
/** ttf module `seed`; eight consecutive malformed cases share one, so it is generated once. */
async function ttfModule(seed) {
  if (ttfCache.seed !== seed) ttfCache = { seed, bytes: (await generateModule(seed)).bytes };
  return ttfCache.bytes;
}

const DEPTHS = [10, 100, 1000, 5000, 20000, 100000];
const NESTING = ['block', 'loop', 'if'];
const MUTATION_NAMES = Object.keys(MUTATIONS);

/** Case `seed`: the module it starts from and the mutations applied, then the mutant's bytes. */
export async function malformedInput(seed) {
  const next = prng(seed ^ 0xbadc0de);
  const slot = seed % 16;
  if (slot === 0) {
    const depth = DEPTHS[next() % DEPTHS.length];
    const kind = NESTING[next() % NESTING.length];
    const broken = next() % 3;
    return { bytes: deepNesting(depth, kind, broken), source: `nesting ${kind} x${depth}${['', ' (end missing)', ' (extra end)'][broken]}`, mutations: [], ttf: false };
  }
  let base;
  let source;
  const ttf = slot <= 9;
  if (ttf) {
    base = await ttfModule(Math.floor(seed / 16));
    source = `ttf ${Math.floor(seed / 16)}`;
  } else {
    const entry = pickCorpus(next);
    base = readCorpus(entry);
    source = entry.file;
  }
  const donor = next() & 1 ? await ttfModule(Math.floor(seed / 16)) : readCorpus(corpusFiles().filter((f) => f.size < 64 * 1024)[next() % 8] ?? corpusFiles()[0]);
  let bytes = base;
  const mutations = [];
  for (let n = 1 + (next() % 3); n > 0; n--) {
    let name = MUTATION_NAMES[next() % MUTATION_NAMES.length];
    let out;
    try {
      out = MUTATIONS[name](bytes, next, donor);
    } catch {
      out = undefined; // a structured mutation on an already broken module: flip bytes instead
    }
    if (out === undefined) {
      name = 'flipBytes';
      out = MUTATIONS.flipBytes(bytes, next);
    }
    mutations.push(name);
    bytes = out;
  }
  return { bytes, source, mutations, ttf };
}

let wabt;
/** Whether wabt's validator (Wasm 2.0 + threads, no implementation limits) accepts `bytes`. */
async function wabtAccepts(bytes) {
  wabt ??= await (await import('wabt')).default();
  const features = { threads: true, multi_value: true, bulk_memory: true, reference_types: true, sign_extension: true, sat_float_to_int: true, mutable_globals: true };
  let module;
  try {
    module = wabt.readWasm(new Uint8Array(bytes), { readDebugNames: false, ...features }); // a copy: wabt reads from byte 0 of the buffer
    module.validate(features);
    return true;
  } catch {
    return false;
  } finally {
    module?.destroy();
  }
}

/** Words no sensible message contains (a formatting slip: a missing value, an object). */
const SLIPS = /\bundefined\b|\bNaN\b|\[object |\bfunction \(|^\s*$/;

/**
 * Check `bytes`. Statuses that pass: rejected (both reject), valid (both accept), unsupported
 * (V8 accepts, w2js: E_UNSUPPORTED), v8-limit (V8 rejects, w2js and wabt accept: a JS API
 * implementation limit), v8-lax (V8 accepts, w2js and wabt reject: V8 is laxer than the spec).
 * Failures: crash, bad-diagnostic, rejects-valid, accepts-invalid, mismatch.
 */
export async function checkMalformed(bytes, { differential = false, onStep = () => {} } = {}) {
  const { compile, CompileError } = await loadCompiler();
  onStep('v8 validate');
  const v8ok = WebAssembly.validate(bytes);
  let v8message;
  if (!v8ok) {
    try {
      new WebAssembly.Module(bytes);
    } catch (e) {
      v8message = String(e.message);
    }
  }
  onStep('w2js compile');
  let error;
  try {
    compile(bytes, { filename: 'mutant.wasm' });
  } catch (e) {
    error = e;
  }
  if (error !== undefined && !(error instanceof CompileError)) {
    return { status: 'crash', detail: `${error?.name ?? typeof error}: ${error?.message ?? error}`, stack: String(error?.stack ?? '').slice(0, 2000), v8: v8message ?? 'valid' };
  }
  if (error) {
    const bad = [];
    if (!Number.isInteger(error.offset) || error.offset < 0 || error.offset > bytes.length) bad.push(`offset ${error.offset} not in [0, ${bytes.length}]`);
    if (typeof error.reason !== 'string' || SLIPS.test(error.reason) || error.reason.length > 1000) bad.push(`reason ${JSON.stringify(error.reason)}`);
    if (!['E_MALFORMED', 'E_INVALID', 'E_UNSUPPORTED'].includes(error.code)) bad.push(`code ${error.code}`);
    if (bad.length) return { status: 'bad-diagnostic', detail: `${bad.join('; ')} (${error.message})`, v8: v8message ?? 'valid' };
    if (!v8ok) return { status: 'rejected', code: error.code };
    if (error.code === 'E_UNSUPPORTED') return { status: 'unsupported', detail: error.reason };
    // V8 (Node 20) is laxer than the spec in places: it accepts an atomic access aligned below
    // its natural alignment, which the threads proposal makes invalid. wabt is the judge.
    if (!(await wabtAccepts(bytes))) return { status: 'v8-lax', detail: error.message };
    return { status: 'rejects-valid', detail: error.message, v8: 'valid' };
  }
  if (!v8ok) {
    // V8 enforces the JS API's implementation limits (locals, function size, segment counts...)
    // at validation; w2js need not. Such a module is valid for the spec: wabt is the judge.
    if (await wabtAccepts(bytes)) return { status: 'v8-limit', detail: v8message };
    return { status: 'accepts-invalid', detail: v8message };
  }
  if (!differential) return { status: 'valid' };
  let run;
  try {
    run = await checkModule(bytes, onStep);
  } catch (e) {
    return { status: 'valid', detail: `not run: ${e?.message ?? e}` }; // e.g. imports the harness cannot supply
  }
  if (run.status === 'mismatch' || run.status === 'crash') return { status: run.status === 'crash' ? 'crash' : 'mismatch', detail: run.detail, mismatches: run.mismatches };
  return { status: 'valid', allowances: run.allowances };
}
