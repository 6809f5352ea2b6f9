#!/usr/bin/env node
// Spec runner CLI: run .wast scripts of the WebAssembly spec suite on an engine and report.
//
//   node test/spec/run.mjs [--engine native|w2js|w2js-ts|w2js-split|w2js-tier] [--no-compile] [--runtime node|bun|deno]
//                          [--filter substr] [--timeout s] [--show n] [--recursive] <dir-or-file>...
//
// Directories contribute the .wast files directly inside them (so 2022/core leaves out simd/)
// unless --recursive. Scripts run one after another in a worker thread; one that runs past the
// timeout is stopped and its remaining commands count as failed. Prints one line per file, its
// first failures, per-kind totals, and last a line `N passed, N failed, N skipped`. Exit 1 if
// anything failed, 2 on a usage error.
//
// --runtime bun|deno runs the scripts on that runtime (found by test/engines/runtimes.mjs): this
// process (Node) first compiles every module the scripts name into the cache, as the compiler runs
// on Node, then runs this CLI on the other runtime with --no-compile and passes its output and exit
// code through. Commands listed for that runtime in engine-differences.tsv count as skipped.

import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { currentRuntime, runtimeCommand } from '../engines/runtimes.mjs';
import { createEngine } from './engines.mjs';
import { createTextChecker } from './text-check.mjs';
import { convertWast, specRelative } from './wast-json.mjs';

const usage =
  'usage: node test/spec/run.mjs [--engine native|w2js|w2js-ts|w2js-split|w2js-tier] [--no-compile] [--runtime node|bun|deno] [--filter substr] [--timeout s] [--show n] [--recursive] <dir-or-file>...';

/** Parse argv; exits 2 on a usage error. */
function parseArgs(argv) {
  const opts = { engine: 'w2js', noCompile: false, runtime: currentRuntime(), filters: [], timeout: 60, show: 5, recursive: false, paths: [] };
  const value = (i) => {
    if (i >= argv.length) usageError(`${argv[i - 1]} needs a value`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--engine') opts.engine = value(++i);
    else if (a === '--no-compile') opts.noCompile = true;
    else if (a === '--runtime') opts.runtime = value(++i);
    else if (a === '--filter') opts.filters.push(value(++i));
    else if (a === '--timeout') opts.timeout = Number(value(++i));
    else if (a === '--show') opts.show = Number(value(++i));
    else if (a === '--recursive') opts.recursive = true;
    else if (a === '-h' || a === '--help') {
      console.log(usage);
      process.exit(0);
    } else if (a.startsWith('-')) usageError(`unknown option ${a}`);
    else opts.paths.push(a);
  }
  if (!['native', 'w2js', 'w2js-ts', 'w2js-split', 'w2js-tier'].includes(opts.engine)) usageError(`unknown engine ${opts.engine}`);
  if (!['node', 'bun', 'deno'].includes(opts.runtime)) usageError(`unknown runtime ${opts.runtime}`);
  if (!(opts.timeout > 0) || !(opts.show >= 0)) usageError('--timeout and --show take positive numbers');
  if (opts.paths.length === 0) usageError('no scripts given');
  return opts;
}

function usageError(message) {
  console.error(`run.mjs: ${message}\n${usage}`);
  process.exit(2);
}

/** The .wast files named by the arguments, in a stable order. */
function collectScripts(opts) {
  const out = [];
  const addDir = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isFile() && e.name.endsWith('.wast')) out.push(p);
      else if (e.isDirectory() && opts.recursive) addDir(p);
    }
  };
  for (const p of opts.paths) {
    if (!existsSync(p)) usageError(`no such file or directory: ${p}`);
    if (statSync(p).isDirectory()) addDir(p);
    else out.push(p);
  }
  const files = out.map((p) => ({ wastPath: path.resolve(p), rel: specRelative(p) }));
  return files
    .filter((f) => opts.filters.length === 0 || opts.filters.some((s) => f.rel.includes(s)))
    .map((f, index) => ({ ...f, index }));
}

/**
 * The result of a script the worker never finished: the counts it reached (from the shared
 * progress array), the failures it reported, and the hung command plus the rest counted as failed.
 */
function unfinishedResult(file, progress, failures, message) {
  const [line, passed, failed, skipped, total] = progress ?? [0, 0, 0, 0, 0];
  const remaining = Math.max(1, total - passed - failed - skipped);
  return {
    file: file.rel,
    total,
    passed,
    failed: failed + remaining,
    skipped,
    boundary: 0,
    unsupportedRejections: 0,
    // Per-kind counts stay with the worker; the whole script is tallied under one pseudo-kind.
    kinds: { 'unfinished script': { passed, failed: failed + remaining, skipped } },
    failures: [
      ...failures,
      { line, kind: 'script', message: `${message} (at this command); it and ${remaining - 1} later command(s) counted as failed` },
    ],
  };
}

/**
 * Run `files` in one worker until it finishes, hangs or dies. Calls `record(result)` per file
 * and resolves to the position in `files` at which a fresh worker must carry on.
 */
function runBatch(files, opts, skipsPath, differencesPath, record) {
  return new Promise((resolve) => {
    const progress = new Int32Array(new SharedArrayBuffer(5 * 4));
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
      workerData: { engine: opts.engine, noCompile: opts.noCompile, files, skipsPath, differencesPath, runtime: currentRuntime(), progress },
    });
    let pos = 0; // position in `files` of the script now running (or next to run)
    let running = false;
    let failures = [];
    let timer = null;
    let settled = false;
    const finish = (next) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(next);
      void worker.terminate();
    };
    const abandon = (message) => {
      if (settled) return;
      if (running) {
        record(unfinishedResult(files[pos], [...progress], failures, message));
        finish(pos + 1);
      } else {
        // The worker died between scripts (or before the first): do not retry forever.
        for (const f of files.slice(pos)) record(unfinishedResult(f, null, [], message));
        finish(files.length);
      }
    };
    worker.on('message', (m) => {
      if (m.type === 'start') {
        pos = files.findIndex((f) => f.index === m.index);
        running = true;
        failures = [];
        clearTimeout(timer);
        timer = setTimeout(() => abandon(`timed out after ${opts.timeout} s`), opts.timeout * 1000);
      } else if (m.type === 'failure') {
        failures.push(m.failure);
      } else if (m.type === 'done') {
        clearTimeout(timer);
        running = false;
        record(m.result);
        pos++;
        // Done with the batch: stop the worker even if generated code left timers behind.
        if (pos >= files.length) finish(files.length);
      }
    });
    worker.on('error', (e) => abandon(`worker crashed: ${String(e && e.message).split('\n')[0]}`));
    worker.on('exit', (code) => abandon(`worker exited with code ${code}`));
  });
}

/** Group failure messages into categories: numbers and quoted names blanked out. */
function category(f) {
  const msg = f.message
    .replace(/"[^"]*"/g, '"…"')
    .replace(/0x[0-9a-f]+/gi, 'X')
    .replace(/-?\b\d+(\.\d+)?(e[+-]?\d+)?n?\b/gi, 'N')
    .replace(/\bfunc\[N\][^:]*/g, 'func[N]');
  return `${f.kind}: ${msg}`.slice(0, 160);
}

/** The runtime and its version, for the summary. */
function runtimeName() {
  const rt = currentRuntime();
  if (rt === 'bun') return `bun ${globalThis.Bun.version}`;
  if (rt === 'deno') return `deno ${globalThis.Deno.version.deno}`;
  return `node ${process.version}`;
}

/**
 * Fill the caches a --no-compile run reads: every binary module the scripts name compiled (or its
 * rejection recorded), every text module's parser verdict. Failures are left for the run to report.
 */
async function prepareCache(opts, files) {
  const engine = await createEngine(opts.engine, { noCompile: false });
  const textRejects = createTextChecker();
  for (const f of files) {
    let commands;
    try {
      commands = JSON.parse(readFileSync(convertWast(f.wastPath), 'utf8')).commands;
    } catch {
      continue; // reported by the run
    }
    const dir = path.dirname(convertWast(f.wastPath));
    for (const cmd of commands) {
      if (!cmd.filename) continue;
      const file = path.join(dir, cmd.filename);
      try {
        if (cmd.filename.endsWith('.wasm')) await engine.compile(new Uint8Array(readFileSync(file)));
        else if (cmd.filename.endsWith('.wat')) await textRejects(readFileSync(file, 'utf8'), { threads: f.rel.includes('proposals/threads/') });
      } catch {
        // Rejections are cached by the engine; anything else the run reports as the command's failure.
      }
    }
  }
}

/** --runtime: prepare the caches here, then run this CLI on the other runtime; resolves to its exit code. */
async function runElsewhere(opts, files) {
  if (opts.engine.startsWith('w2js') && !opts.noCompile) await prepareCache(opts, files);
  const args = [];
  for (let i = 0; i < process.argv.length - 2; i++) {
    const a = process.argv[i + 2];
    if (a === '--runtime') i++;
    else if (a !== '--no-compile') args.push(a);
  }
  if (opts.engine.startsWith('w2js')) args.unshift('--no-compile');
  let argv;
  try {
    argv = runtimeCommand(opts.runtime, fileURLToPath(import.meta.url), args);
  } catch (e) {
    console.error(`run.mjs: ${e.message}`);
    return 2;
  }
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
    child.on('error', (e) => {
      console.error(`run.mjs: cannot start ${opts.runtime}: ${e.message}`);
      resolve(2);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function main() {
  // Piped into `head`: stop quietly instead of dying on EPIPE.
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const opts = parseArgs(process.argv.slice(2));
  const files = collectScripts(opts);
  if (files.length === 0) usageError('no .wast files matched');
  if (opts.runtime !== currentRuntime()) {
    process.exitCode = await runElsewhere(opts, files);
    return;
  }
  const skipsPath = fileURLToPath(new URL('./skips.tsv', import.meta.url));
  const differencesPath = fileURLToPath(new URL('./engine-differences.tsv', import.meta.url));
  const started = Date.now();
  const totals = { passed: 0, failed: 0, skipped: 0, boundary: 0, unsupportedRejections: 0, differences: 0 };
  const kinds = {};
  const categories = new Map();

  const record = (r) => {
    console.log(`${r.file}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
    for (const f of r.failures.slice(0, opts.show)) console.log(`  line ${f.line}: ${f.kind}: ${f.message}`);
    if (r.failures.length > opts.show && opts.show > 0) console.log(`  ... and ${r.failures.length - opts.show} more`);
    for (const k of Object.keys(totals)) totals[k] += r[k] ?? 0;
    for (const [kind, t] of Object.entries(r.kinds)) {
      const k = (kinds[kind] ??= { passed: 0, failed: 0, skipped: 0 });
      k.passed += t.passed;
      k.failed += t.failed;
      k.skipped += t.skipped;
    }
    for (const f of r.failures) {
      const c = category(f);
      categories.set(c, (categories.get(c) ?? 0) + 1);
    }
  };

  for (let next = 0; next < files.length; ) {
    next += await runBatch(files.slice(next), opts, skipsPath, differencesPath, record);
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nengine ${opts.engine}${opts.noCompile ? ' (--no-compile)' : ''} on ${runtimeName()}, ${files.length} files, ${seconds} s`);
  console.log('by command kind:');
  for (const [kind, t] of Object.entries(kinds).sort(([a], [b]) => (a < b ? -1 : 1))) {
    console.log(`  ${kind.padEnd(22)} ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  }
  if (opts.engine === 'native' || totals.boundary > 0) {
    console.log(`boundary: ${totals.boundary} assertions passed without an exact NaN-payload check (f32 NaNs cannot cross native wasm's JS boundary exactly)`);
  }
  if (totals.unsupportedRejections > 0) {
    console.log(`E_UNSUPPORTED: ${totals.unsupportedRejections} assert_invalid/assert_malformed passed only because the compiler rejected an unsupported feature`);
  }
  if (totals.differences > 0) {
    console.log(`engine differences: ${totals.differences} commands failed as engine-differences.tsv lists for ${currentRuntime()} (counted as skipped)`);
  }
  if (categories.size > 0) {
    console.log('top failure categories:');
    for (const [c, n] of [...categories].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${String(n).padStart(6)}  ${c}`);
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exitCode = totals.failed > 0 ? 1 : 0;
}

await main();
