#!/usr/bin/env node
// The w2js command line: parse arguments → compile → write files; or load and run.
// Exit codes: 0 success, 1 compile error (or a trap in `run`), 2 usage error.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildId } from './build-id.js';
import { CompileError } from './index.js';
import { readModule } from './read/module.js';
import { compileParallel } from './parallel.js';
import { runtimeFiles } from './link/runtime-files.js';
import { ignoredFileMap } from './link/output.js';
import { debugInfoWarnings, diskSources } from './link/source-map-sources.js';

const HELP = `w2js: compile WebAssembly to JavaScript

Usage:
  w2js compile <in.wasm> -o <dir> [options]
      Write <dir>/index.js, an ES module exporting instantiate(imports) → { module, instance }
      (shaped like WebAssembly.instantiate's), <dir>/index.d.ts (its imports and exports typed
      for TypeScript), and <dir>/runtime/, the runtime it imports (with its .d.ts files).
      --source-map         also write a v3 source map beside each file: to the C source lines
                           when the module has DWARF (.debug_line, e.g. clang -g), else to
                           the byte offset of each wasm instruction (the convention for wasm)
      --source-map-target <wasm|dwarf|auto>
                           force one of the two (default auto)
      --source-root <url>  the maps' sourceRoot; sources named relative to --source-dir
                           (default: sources named relative to <dir>, where the map is)
      --source-dir <dir>   where the C sources are, if not where DWARF says (the longest
                           tail of each DWARF path that exists under <dir>)
      --sources-content    embed the C sources' text in the maps (sourcesContent)
      --runtime <spec>     import the runtime from <spec> instead of copying it into <dir>
                           (e.g. "w2js/runtime" when the package is a dependency)
      --split <n>          put at most <n> functions in each file (funcs-0.js, funcs-1.js, …,
                           imported by index.js): for large modules, whose single file
                           would be slow to load and to open in a debugger
      --script             also write index.script.js, the same code as one classic script
                           (a factory taking the runtime): kernel hosts load it through
                           V8's code cache, so each worker thread skips parsing (w2js boot
                           compiles with it)
      --ts                 write TypeScript instead: index.ts (and funcs-N.ts), every function
                           typed, an interface for the instance; passes tsc --strict
      --threads <n>        compile on <n> worker threads (default: one per core, for
                           modules with over 1 MB of code; 1: on the main thread only)
      --asyncify           first apply Binaryen's Asyncify pass, so calls of the kernel ABI's
                           env.nccc_call64 can suspend (green threads: boot --single-thread)
      --generators         instead, emit the functions that may reach env.nccc_call64 as JS
                           generators (function*, yield*): green threads without Binaryen
      -q, --quiet          no progress output

  w2js cache <in.wasm>... -o <dir> [--threads <n>]
      Compile each module ahead for the polyfill (w2js/polyfill) into <dir>/<sha-256>.js: an app
      run with W2JS_CACHE=<dir> then compiles nothing when it loads them.

  w2js run <in.wasm | dir> --invoke <export> [args...]
      Compile (into a temporary directory) or load a compiled <dir>, instantiate it with no
      imports, call <export> with the arguments (i64 parameters take integers, f32/f64 decimals)
      and print the result. A trap prints its message and exits 1.

  w2js boot <kernel.wasm | dir> [--exec <script.mjs>] [--engine w2js|native] [--cache <dir>] [--source-map] [--single-thread [--generators]]
      Boot a kernel of the WasmLinux host ABI (kernel/README.md): compile it once into a cache
      directory (default <tmpdir>/w2js-kernel-cache) unless given one compiled by boot, run its
      init() with its threads on workers, print its log as it comes, run the default export
      \`async (kernel) => ...\` of the script (see runtime/boot.ts: syscall, alloc, strings, log),
      and halt. --engine native runs the .wasm on this host's WebAssembly with the same host.
      --source-map compiles with source maps and maps traps through them (C lines for -g).
      --single-thread compiles with --asyncify and runs every kernel thread as a green thread
      on this JS thread (no workers; runtime/host/single-thread.ts); with --generators it
      compiles with --generators instead of --asyncify.
      Exits 0; a panic or a trap prints the error and where it happened, and exits 1.

  w2js --help | -h      this text
  w2js --version        the version

Bad input prints one line, e.g. "bad.wasm @0x1a3: error E_MALFORMED: unexpected end", and exits 1.
`;

class UsageError extends Error {}

interface Args {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['-o', '--out', '--invoke', '--runtime', '--split', '--threads', '--exec', '--engine', '--cache', '--source-map-target', '--source-root', '--source-dir']);

/** Each command's options: any other is a usage error, not silently ignored. */
const COMMAND_FLAGS: Record<string, string[]> = {
  compile: ['-o', '--runtime', '--split', '--source-map-target', '--threads', '--source-map', '-q', '--quiet', '--script', '--asyncify', '--generators', '--ts', '--source-root', '--source-dir', '--sources-content'],
  run: ['--invoke'],
  cache: ['-o', '--threads'],
  boot: ['--exec', '--engine', '--cache', '--single-thread', '--generators', '--source-map'],
};

function parseArgs(argv: string[]): Args {
  const [command = '', ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (flags.has('--invoke') && command === 'run') {
      positional.push(arg); // everything after --invoke <name> is an argument to the function
    } else if (VALUE_FLAGS.has(arg)) {
      const value = rest[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      flags.set(arg === '--out' ? '-o' : arg, value);
    } else if (arg.startsWith('-') && !/^-[0-9.]/.test(arg)) {
      flags.set(arg, true);
    } else {
      positional.push(arg);
    }
  }
  return { command, positional, flags };
}

function readInput(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new CompileError('E_INPUT', `cannot read input: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file });
  }
}

interface CompileToOptions {
  sourceMap: boolean;
  runtime?: string;
  quiet: boolean;
  split?: number;
  script?: boolean;
  sourceMapTarget?: 'auto' | 'wasm' | 'dwarf';
  threads?: number;
  asyncify?: boolean;
  generators?: boolean;
  ts?: boolean;
  sourceRoot?: string;
  sourceDir?: string;
  sourcesContent?: boolean;
  /** A kernel: warn when it has no name section. */
  kernel?: boolean;
}

/** Marks the output folder as ES modules for Node, whatever the enclosing project says. */
const OUTPUT_PACKAGE_JSON = '{ "type": "module" }\n';
/** Single output files past this get a hint to split. */
const SPLIT_HINT_BYTES = 16e6;

async function compileTo(input: string, outDir: string, options: CompileToOptions): Promise<void> {
  if (options.generators && (options.asyncify || options.ts)) throw new UsageError('--generators goes with neither --asyncify nor --ts');
  let bytes = readInput(input);
  if (options.asyncify) bytes = await asyncifyInput(input, bytes);
  const progress = !options.quiet && process.stderr.isTTY;
  if (progress) process.stderr.write(`w2js: compiling ${input} (${bytes.length} bytes)\n`);
  const started = Date.now();
  const onProgress = progress ? (done: number, total: number) => process.stderr.write(`\rw2js: ${done}/${total} functions`) : undefined;
  // Files are written as they are finished, into a directory beside outDir that replaces the
  // old output only once everything compiled: bad input leaves outDir as it was.
  fs.mkdirSync(path.dirname(path.resolve(outDir)), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(path.resolve(outDir)), '.w2js-'));
  const written: string[] = [];
  // Appends are gathered into writes of a few MB: a function is often only a few hundred bytes.
  const buffered = new Map<string, { parts: string[]; size: number }>();
  const flush = (name: string) => {
    const b = buffered.get(name);
    if (b?.parts.length) fs.appendFileSync(path.join(staging, name), b.parts.join(''));
    buffered.delete(name);
  };
  const sink = {
    write: (name: string, text: string) => {
      buffered.delete(name);
      fs.writeFileSync(path.join(staging, name), text);
      written.push(name);
    },
    append: (name: string, text: string) => {
      const b = buffered.get(name) ?? { parts: [], size: 0 };
      buffered.set(name, b);
      b.parts.push(text);
      b.size += text.length;
      if (b.size > 4 << 20) flush(name);
    },
  };
  let module;
  const warn = (message: string) => process.stderr.write(`w2js: warning: ${input}: ${message}\n`);
  const sourceMapSources = diskSources({ input, outDir, sourceDir: options.sourceDir, sourceRoot: options.sourceRoot, content: options.sourcesContent, warn });
  try {
    ({ module } = await compileParallel(bytes, { onProgress, sink, typings: true, filename: input, sourceMap: options.sourceMap, sourceMapTarget: options.sourceMapTarget, sourceMapSources, runtimeImport: options.runtime ?? './runtime/index.js', split: options.split, script: options.script, threads: options.threads, ts: options.ts, generators: options.generators }));
    for (const name of [...buffered.keys()]) flush(name);
    fs.mkdirSync(outDir, { recursive: true });
    // Output files of an earlier compile that this one does not write (funcs-N.js) would be stale.
    for (const old of fs.readdirSync(outDir)) if (/^(funcs-\d+\.[jt]s|index\.(script\.)?js|index\.(script\.)?json|index\.d?\.ts)(\.map)?$/.test(old)) fs.rmSync(path.join(outDir, old));
    for (const name of written) fs.renameSync(path.join(staging, name), path.join(outDir, name));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  if (!options.runtime) {
    fs.mkdirSync(path.join(outDir, 'runtime'), { recursive: true });
    for (const [name, text] of runtimeFiles()) {
      fs.mkdirSync(path.dirname(path.join(outDir, 'runtime', name)), { recursive: true });
      // With maps, each runtime file is ignore-listed, so debuggers show the program's frames only.
      if (options.sourceMap && name.endsWith('.js')) {
        fs.writeFileSync(path.join(outDir, 'runtime', name), `${text}//# sourceMappingURL=${path.basename(name)}.map\n`);
        fs.writeFileSync(path.join(outDir, 'runtime', `${name}.map`), ignoredFileMap(name, text));
      } else {
        fs.writeFileSync(path.join(outDir, 'runtime', name), text);
      }
    }
  }
  for (const w of debugInfoWarnings(module, { sourceMap: options.sourceMap, target: options.sourceMapTarget, kernel: options.kernel })) warn(w);
  // The output is ES modules: say so to Node in a project whose package.json says "commonjs"
  // (npm init's default). Never over a package.json that is not ours (`-o .` in a project).
  const marker = path.join(outDir, 'package.json');
  if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') === OUTPUT_PACKAGE_JSON) fs.writeFileSync(marker, OUTPUT_PACKAGE_JSON);
  const index = path.join(outDir, options.ts ? 'index.ts' : 'index.js');
  const size = fs.existsSync(index) ? fs.statSync(index).size : 0;
  if (!options.split && !options.quiet && size > SPLIT_HINT_BYTES) {
    warn(`${path.basename(index)} is ${(size / 1e6).toFixed(0)} MB: --split 2000 puts 2000 functions in each of several files, which load faster and open in debuggers`);
  }
  if (progress) process.stderr.write(`\rw2js: ${module.funcs.length} functions → ${outDir} in ${Date.now() - started} ms\n`);
}

/** The input after Binaryen's Asyncify (compiler/asyncify/); its errors are the input's. */
async function asyncifyInput(input: string, bytes: Uint8Array): Promise<Uint8Array> {
  const { asyncifyWasm } = await import('./asyncify/asyncify.js');
  try {
    return (await asyncifyWasm(bytes)).bytes;
  } catch (e) {
    throw new CompileError('E_MALFORMED', `asyncify: ${(e as Error).message}`, { file: input });
  }
}

/** A command-line argument as a wasm value; anything that is not a number of that type is a usage error. */
function parseArg(type: string, text: string): unknown {
  const bad = () => new UsageError(`argument "${text}" is not a valid ${type}`);
  if (type === 'i64') {
    if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(text)) throw bad();
    return BigInt.asIntN(64, BigInt(text.startsWith('-') ? -BigInt(text.slice(1)) : BigInt(text)));
  }
  const value = Number(text);
  if (text.trim() === '' || (Number.isNaN(value) && !/^[+-]?nan$/i.test(text))) throw bad();
  if (type === 'i32') {
    if (!Number.isInteger(value)) throw bad();
    return value | 0;
  }
  return value;
}

async function run(target: string, exportName: string, args: string[]): Promise<void> {
  if (!fs.existsSync(target)) throw new CompileError('E_INPUT', 'cannot read input: ENOENT', { file: target });
  if (!fs.statSync(target).isFile()) return runCompiled(target, exportName, args);
  // `run` gives no imports: name the ones the module needs instead of failing inside instantiation.
  const imports = readModule(readInput(target), { lazyBodies: true }).imports;
  if (imports.length) {
    const list = imports.slice(0, 8).map((i) => `${i.module}.${i.name} (${i.kind})`).join(', ');
    throw new UsageError(`${target} imports ${imports.length} value(s) and \`w2js run\` provides none: ${list}${imports.length > 8 ? ', …' : ''}. Compile it (w2js compile) and call instantiate(imports) from a script of yours.`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-run-'));
  try {
    await compileTo(target, dir, { sourceMap: false, quiet: true });
    await runCompiled(dir, exportName, args);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function runCompiled(dir: string, exportName: string, args: string[]): Promise<void> {
  const mod = (await import(pathToFileURL(path.join(path.resolve(dir), 'index.js')).href)) as {
    instantiate(imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
  };
  const { instance } = await mod.instantiate({});
  const fn = instance.exports[exportName] as ((...a: unknown[]) => unknown) & { wasmType?: string };
  if (typeof fn !== 'function') throw new UsageError(`no exported function "${exportName}"`);
  const params = (fn.wasmType ?? '->').split('->')[0]!.split(',').filter(Boolean);
  if (params.length !== args.length) throw new UsageError(`"${exportName}" takes ${params.length} argument(s), got ${args.length}`);
  const result = fn(...params.map((t, i) => parseArg(t, args[i]!)));
  if (result !== undefined) console.log(Array.isArray(result) ? result.map(String).join(' ') : String(result));
}

/** The imports a compiled module names (its descriptor's), as `module.name (kind)`. */
async function importsOf(dir: string): Promise<string[]> {
  const text = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
  const at = text.indexOf('\n  imports: [');
  if (at < 0) return [];
  const list = text.slice(at, text.indexOf('\n  ]', at));
  return [...list.matchAll(/module: ("(?:[^"\\]|\\.)*"),\s*name: ("(?:[^"\\]|\\.)*"),\s*kind: "(\w+)"/g)].map((m) => `${JSON.parse(m[1]!)}.${JSON.parse(m[2]!)} (${m[3]})`);
}

/** `w2js boot`: boot, run the script, halt. A kernel that stops on its own exits 1. */
async function boot(target: string, options: { exec?: string; engine: 'w2js' | 'native'; cacheDir?: string; sourceMap: boolean; singleThread: boolean; generators?: boolean }): Promise<number> {
  const { bootKernel } = await import('../runtime/host/boot.js');
  const failed = (what: string, e: unknown): number => {
    const err = e as Error;
    if (err?.name === 'BootError') process.stderr.write(`w2js: ${err.message}\n`);
    else if (err?.name === 'KernelError') process.stderr.write(`w2js: ${what}: ${err.message}\n`);
    else process.stderr.write(`w2js: ${what}: ${err?.stack ?? String(e)}\n`);
    return 1;
  };
  let kernel: Awaited<ReturnType<typeof bootKernel>>;
  try {
    kernel = await bootKernel(target, {
      engine: options.engine,
      cacheDir: options.cacheDir,
      logFd: 1,
      sourceMaps: options.sourceMap,
      singleThread: options.singleThread,
      generators: options.generators,
      compilerId: `${buildId(path.dirname(path.dirname(new URL(import.meta.url).pathname)))}\n${options.sourceMap ? 'source-map' : ''}${options.singleThread ? (options.generators ? '\ngenerators' : '\nasyncify') : ''}`,
      compileTo: (wasm, out) => compileTo(wasm, out, { sourceMap: options.sourceMap, kernel: true, quiet: true, script: !options.sourceMap && !options.singleThread, asyncify: options.singleThread && !options.generators, generators: options.singleThread && options.generators }),
    });
  } catch (e) {
    if (e instanceof CompileError) throw e;
    return failed('boot', e);
  }
  let code = 0;
  try {
    if (options.exec) {
      const script = (await import(pathToFileURL(path.resolve(options.exec)).href)) as { default?: unknown };
      if (typeof script.default !== 'function') throw new UsageError(`${options.exec} has no default export function`);
      await (script.default as (k: typeof kernel) => unknown)(kernel);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    code = failed(options.exec ?? 'script', e);
  }
  try {
    const report = await kernel.halt();
    if (report.workersLeft > 0) process.stderr.write(`w2js: ${report.workersLeft} kernel worker(s) did not stop\n`);
  } catch (e) {
    code = failed('halt', e);
  }
  return code;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.command === '--version') {
    console.log(JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
    return 0;
  }
  if (args.command === '' || args.command === '--help' || args.command === '-h' || args.flags.has('--help') || args.flags.has('-h')) {
    process.stdout.write(HELP);
    return args.command === '' ? 2 : 0;
  }
  const known = COMMAND_FLAGS[args.command];
  const unknown = known && [...args.flags.keys()].find((flag) => !known.includes(flag));
  if (unknown) throw new UsageError(`${args.command}: unknown option ${unknown} (w2js --help lists them)`);
  switch (args.command) {
    case 'compile': {
      const [input, extra] = args.positional;
      const out = args.flags.get('-o');
      if (!input || extra !== undefined || typeof out !== 'string') throw new UsageError('usage: w2js compile <in.wasm> -o <dir>');
      const runtime = args.flags.get('--runtime');
      const split = args.flags.get('--split');
      if (split !== undefined && !(typeof split === 'string' && /^[1-9][0-9]*$/.test(split))) throw new UsageError('--split takes a positive number of functions per file');
      const target = args.flags.get('--source-map-target');
      if (target !== undefined && target !== 'auto' && target !== 'wasm' && target !== 'dwarf') throw new UsageError('--source-map-target is wasm, dwarf or auto');
      const threads = args.flags.get('--threads');
      const sourceRoot = args.flags.get('--source-root');
      const sourceDir = args.flags.get('--source-dir');
      if ((sourceRoot !== undefined || sourceDir !== undefined || args.flags.has('--sources-content')) && !args.flags.has('--source-map')) throw new UsageError('--source-root, --source-dir and --sources-content need --source-map');
      if (threads !== undefined && !(typeof threads === 'string' && /^[1-9][0-9]*$/.test(threads))) throw new UsageError('--threads takes a positive number');
      await compileTo(input, out, {
        threads: typeof threads === 'string' ? Number(threads) : undefined,
        sourceMapTarget: target,
        split: typeof split === 'string' ? Number(split) : undefined,
        sourceMap: args.flags.has('--source-map'),
        runtime: typeof runtime === 'string' ? runtime : undefined,
        quiet: args.flags.has('-q') || args.flags.has('--quiet'),
        script: args.flags.has('--script'),
        asyncify: args.flags.has('--asyncify'),
        generators: args.flags.has('--generators'),
        ts: args.flags.has('--ts'),
        sourceRoot: typeof sourceRoot === 'string' ? sourceRoot : undefined,
        sourceDir: typeof sourceDir === 'string' ? sourceDir : undefined,
        sourcesContent: args.flags.has('--sources-content'),
      });
      return 0;
    }
    case 'cache': {
      const out = args.flags.get('-o');
      if (!args.positional.length || typeof out !== 'string') throw new UsageError('usage: w2js cache <in.wasm>... -o <dir>');
      const threads = args.flags.get('--threads');
      if (threads !== undefined && !(typeof threads === 'string' && /^[1-9][0-9]*$/.test(threads))) throw new UsageError('--threads takes a positive number');
      const { precompileBytes } = await import('../polyfill/precompile.js');
      for (const input of args.positional) {
        console.log(await precompileBytes(readInput(input), out, { filename: input, threads: typeof threads === 'string' ? Number(threads) : undefined }));
      }
      return 0;
    }
    case 'run': {
      const invoke = args.flags.get('--invoke');
      const [target, ...fnArgs] = args.positional;
      if (!target || typeof invoke !== 'string') throw new UsageError('usage: w2js run <in.wasm|dir> --invoke <export> [args...]');
      await run(target, invoke, fnArgs);
      return 0;
    }
    case 'boot': {
      const [target, extra] = args.positional;
      const exec = args.flags.get('--exec');
      const engine = args.flags.get('--engine') ?? 'w2js';
      const cache = args.flags.get('--cache');
      if (args.flags.has('--generators') && !args.flags.has('--single-thread')) throw new UsageError('--generators goes with --single-thread');
      if (!target || extra !== undefined) throw new UsageError('usage: w2js boot <kernel.wasm|dir> [--exec script.mjs] [--engine w2js|native] [--cache dir]');
      if (engine !== 'w2js' && engine !== 'native') throw new UsageError('--engine is w2js or native');
      return boot(target, { exec: typeof exec === 'string' ? exec : undefined, engine, cacheDir: typeof cache === 'string' ? cache : undefined, sourceMap: args.flags.has('--source-map'), singleThread: args.flags.has('--single-thread'), generators: args.flags.has('--generators') });
    }
    default:
      throw new UsageError(`unknown command "${args.command}" (see w2js --help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`w2js: ${e.message}\n`);
      process.exit(2);
    }
    if (e instanceof CompileError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    const err = e as Error;
    if (err?.name === 'RuntimeError' || err?.name === 'LinkError') {
      process.stderr.write(`w2js: ${err.name}: ${err.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`w2js: internal compiler error: ${err?.stack ?? String(e)}\n`);
    process.exit(3);
  },
);
