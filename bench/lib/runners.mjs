// bench/lib/runners.mjs: the runners. Each prepares what it runs (a compiled output, a patched
// module) and measures the first call of the program's entry in a fresh process; the runners marked
// `steady` also time `calls - 1` further calls in that process (the steady state).

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BENCH, CACHE, ROOT, RUN_DIR, exec } from './util.mjs';

const CHILD = path.join(BENCH, 'lib', 'child.mjs');
let W2JS_CLI = path.join(ROOT, 'dist', 'compiler', 'cli.js');

/** Compile with the w2js of another built dist/ (run.mjs --dist). */
export function useDist(dir) {
  W2JS_CLI = path.join(dir, 'compiler', 'cli.js');
}
const WASM2JS = path.join(ROOT, 'node_modules', 'binaryen', 'bin', 'wasm2js');
/** Flags for wasm2js: optimise as emscripten does for -O2 builds. Without --pedantic it does not trap. */
export const WASM2JS_FLAGS = ['-O2'];

/** Per-call time limit (a process of k calls gets k times it); a slower run is reported as "timeout". */
export const TIME_LIMIT_SECONDS = 120;

/**
 * @typedef {{ name: string, wasm: string, entry?: string, imports?: string }} Program
 * @typedef {{ result: string, seconds: number, later: number[] } | { error: string } | { timeout: true }} Measurement
 *   seconds: the first call; later: the further calls' seconds (empty unless asked for)
 */

/**
 * Compile the program with w2js into <baseDir>/w2js/<name>/ (default: this run's private
 * directory); always, as the compiler changes under us.
 */
export function compileW2js(program, baseDir = RUN_DIR) {
  const dir = path.join(baseDir, 'w2js', program.name);
  fs.rmSync(dir, { recursive: true, force: true });
  exec(process.execPath, [W2JS_CLI, 'compile', path.join(BENCH, program.wasm), '-o', dir, '-q']);
  return dir;
}

/** Translate `wasm` with binaryen's wasm2js into .cache/wasm2js/, cached by the module's hash. */
export function compileWasm2js(program) {
  const bytes = fs.readFileSync(path.join(BENCH, program.wasm));
  const hash = crypto.createHash('sha256').update(bytes).update(WASM2JS_FLAGS.join(' ')).digest('hex').slice(0, 16);
  const out = path.join(CACHE, 'wasm2js', `${program.name}-${hash}.mjs`);
  if (!fs.existsSync(out)) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`; // written aside and renamed: runs may overlap
    exec(process.execPath, [WASM2JS, path.join(BENCH, program.wasm), ...WASM2JS_FLAGS, '-o', tmp]);
    fs.renameSync(tmp, out);
  }
  return out;
}

/**
 * A copy of the module whose `bench_arg.n` (after the tag "W2JSARG!", see programs/common.h) is `n`,
 * for wasm-interp, which can only call nullary exports.
 */
export function patchArgument(program, n) {
  const bytes = Buffer.from(fs.readFileSync(path.join(BENCH, program.wasm)));
  const tag = Buffer.from('W2JSARG!');
  const at = bytes.indexOf(tag);
  if (at < 0 || bytes.indexOf(tag, at + 1) >= 0) throw new Error(`${program.wasm}: no unique W2JSARG! tag`);
  bytes.writeInt32LE(n, at + tag.length);
  const out = path.join(RUN_DIR, 'interp', `${program.name}-${n}.wasm`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, bytes);
  return out;
}

/** Run a command with a time limit; resolves with stdout, wall seconds, and the exit status. */
function runProcess(command, args, limitSeconds = TIME_LIMIT_SECONDS) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, limitSeconds * 1000);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal, timedOut, wall: Number(process.hrtime.bigint() - started) / 1e9 });
    });
  });
}

/** Measure through child.mjs: the calls' own times, without loading; `calls` calls in one process. */
async function measureJs(loader, target, program, n, nodeArgs, calls = 1) {
  const imports = program.imports ? [path.join(BENCH, program.imports)] : [];
  const r = await runProcess(process.execPath, [...nodeArgs, CHILD, loader, target, program.entry ?? 'run', String(n), ...imports, '--calls', String(calls)], TIME_LIMIT_SECONDS * calls);
  if (r.timedOut) return { timeout: true };
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !line.startsWith('{')) return { error: lastLines(r.stderr) || `exit ${r.code ?? r.signal}` };
  const { result, seconds, later } = JSON.parse(line);
  return { result, seconds, later: later.map((c) => c.seconds) };
}

function lastLines(text) {
  return text.trim().split('\n').filter((l) => !l.startsWith('Warning: disabling flag')).slice(-3).join(' | ');
}

/**
 * The runners, in report order. `slow`: runs with the program's slowN and is scaled to n.
 * `steady`: measure(target, program, n, calls) times `calls` calls in one process (the others time one).
 * prepare(program) returns the target measure() takes; it runs once per program per bench run.
 */
export const RUNNERS = [
  {
    name: 'native',
    what: "V8's WebAssembly (Liftoff, then TurboFan)",
    slow: false,
    prepare: (program) => path.join(BENCH, program.wasm),
    steady: true,
    measure: (target, program, n, calls = 1) => measureJs('native', target, program, n, [], calls),
  },
  {
    name: 'w2js',
    what: 'w2js output on Node',
    slow: false,
    prepare: compileW2js,
    steady: true,
    measure: (target, program, n, calls = 1) => measureJs('w2js', target, program, n, [], calls),
  },
  {
    name: 'w2js-jitless',
    what: 'w2js output on node --jitless (Ignition only; no WebAssembly there)',
    slow: true,
    prepare: compileW2js,
    steady: false, // no JIT: later calls run as the first (and would triple its long runs)
    measure: (target, program, n) => measureJs('w2js', target, program, n, ['--jitless']),
  },
  {
    name: 'wasm2js',
    what: `binaryen wasm2js ${WASM2JS_FLAGS.join(' ')} output on Node`,
    slow: false,
    prepare: compileWasm2js,
    steady: true,
    measure: (target, program, n, calls = 1) => measureJs('wasm2js', target, program, n, [], calls),
  },
  {
    name: 'wasm-interp',
    what: "wabt's wasm-interp (wall time of the process, including parsing the module)",
    slow: true,
    steady: false,
    prepare: () => 'wasm-interp',
    async measure(_target, program, n) {
      const file = patchArgument(program, n);
      const r = await runProcess('wasm-interp', [file, '--run-all-exports']);
      if (r.timedOut) return { timeout: true };
      const m = /^bench_main\(\) => i(?:32|64):(\d+)/m.exec(r.stdout);
      if (r.code !== 0 || !m) return { error: lastLines(r.stdout + r.stderr) || `exit ${r.code ?? r.signal}` };
      return { result: m[1], seconds: r.wall, later: [] };
    },
  },
];
