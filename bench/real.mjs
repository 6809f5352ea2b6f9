#!/usr/bin/env node
// bench/real.mjs: `npm run bench:real` (issue 10). Real modules from npm, each running a workload
// through its package's own loader (bench/real/<name>.mjs), timed inside the process: the package
// loads (untimed by the workload figures, reported apart), then the workload runs `rounds` times,
// each round's CPU seconds taken with process.cpuUsage. The first round (the JIT warming up, as a
// short-lived program sees it) and the steady state (median of the later half of the rounds) are
// reported apart. Runners, interleaved round-robin, each process fresh:
//   native        V8's WebAssembly
//   w2js          the polyfill forced over V8's (W2JS_POLYFILL=force), every module found in a cache
//                 filled before the clock (w2js cache + one untimed run, so nothing compiles at load)
//   w2js-jitless  node --jitless, the same cache (no WebAssembly there: the polyfill installs its own);
//                 run at the workload's slowSize and scaled to size (marked *)
// Every runner's result must equal native's at the same size. Prints the tables, writes
// results/<date>-<commit>-real[-quick].json. Exit 1 on a wrong result or a failed process.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { environment, writeResults } from './lib/environment.mjs';
import { BENCH, ROOT, RUN_DIR, exec, geomean, median, removeRunDir } from './lib/util.mjs';

const CHILD = path.join(BENCH, 'real', 'child.mjs');
/**
 * A copy of dist/ taken at the start, which every process of the run loads: another build while
 * the bench runs (one checkout, two engineers) would otherwise change the polyfill and runtime
 * between samples.
 */
const DIST = path.join(RUN_DIR, 'dist');
const POLYFILL = path.join(DIST, 'polyfill', 'node.js');
const W2JS_CLI = path.join(DIST, 'compiler', 'cli.js');
const TIME_LIMIT_SECONDS = 900;

/**
 * size: the workload's size for native and w2js (native ≈ 0.2–0.5 s a steady round); slowSize: for
 * w2js-jitless, scaled by size/slowSize; quickSize: --quick. wasm: the package's module(s), compiled
 * into the cache ahead.
 */
const WORKLOADS = [
  {
    name: 'sqlite', what: '@sqlite.org/sqlite-wasm: inserts in a transaction (prepared statement, an index), a GROUP BY aggregate and a self-join',
    unit: 'rows', size: 40000, slowSize: 4000, quickSize: 2000,
    wasm: ['@sqlite.org/sqlite-wasm/sqlite-wasm/jswasm/sqlite3.wasm'],
  },
  {
    name: 'quickjs', what: '@jitl/quickjs-wasmfile-release-sync via quickjs-emscripten-core: a JS loop (object writes, strings, hashing) in a fresh context',
    unit: 'iterations', size: 100000, slowSize: 2000, quickSize: 2000,
    wasm: ['@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm'],
  },
  {
    name: 'esbuild', what: 'esbuild-wasm (browser build, initialize({ worker: false }), Go on this thread): transform generated TypeScript to minified ESM',
    unit: 'modules of ~2.1 KB', size: 100, slowSize: 10, quickSize: 5,
    wasm: ['esbuild-wasm/esbuild.wasm'],
  },
  {
    name: 'resvg', what: '@resvg/resvg-wasm (Rust; floats, much of it f32): an 800x600 SVG of translucent circles and curves to PNG',
    unit: 'shapes', size: 500, slowSize: 50, quickSize: 50,
    wasm: ['@resvg/resvg-wasm/index_bg.wasm'],
  },
  {
    name: 'hash-wasm', what: 'hash-wasm (hand-tuned modules, a new instance per hash): SHA-256, BLAKE3, xxHash64 of 1 MiB, then argon2id (Blake2b, 64-bit)',
    unit: 'KiB of argon2 memory', size: 65536, slowSize: 2048, quickSize: 1024,
    wasm: [], // embedded in its JS: compiled in-process on first use (in the load time)
  },
  {
    name: 'tiktoken', what: 'tiktoken (Rust, wasm-bindgen; its own regex engine): encode and decode lines of text with cl100k_base',
    unit: 'lines', size: 15000, slowSize: 1500, quickSize: 500,
    wasm: ['tiktoken/tiktoken_bg.wasm'],
  },
];

const RUNNERS = [
  { name: 'native', what: "V8's WebAssembly (Liftoff, then TurboFan)", slow: false, nodeArgs: () => [], env: () => ({}) },
  {
    name: 'w2js', what: 'the polyfill forced over V8\'s WebAssembly, modules from the cache (W2JS_POLYFILL=force, W2JS_CACHE)', slow: false,
    nodeArgs: () => ['--import', POLYFILL], env: (cache) => ({ W2JS_POLYFILL: 'force', W2JS_CACHE: cache }),
  },
  {
    name: 'w2js-jitless', what: 'node --jitless, the polyfill (no WebAssembly there), modules from the cache', slow: true,
    nodeArgs: () => ['--jitless', '--import', POLYFILL], env: (cache) => ({ W2JS_CACHE: cache }),
  },
];

const HELP = `usage: npm run bench:real -- [options]     (or: node bench/real.mjs [options] after npm run build)

  --runs <n>       repetitions, each a fresh process per workload per runner (default 3; --quick: 1)
  --rounds <n>     workload rounds per process for native and w2js (default 8: the first; the
                   steady state is the median of the later half, rounds 5..8)
  --slow-rounds <n> rounds per process for w2js-jitless (default 3)
  --only <a,b>     only these workloads (${WORKLOADS.map((w) => w.name).join(', ')})
  --runners <a,b>  only these runners (${RUNNERS.map((r) => r.name).join(', ')}; native is always run)
  --quick          small sizes, 1 run, 3 rounds: a smoke check
  --dist <dir>     the built dist/ to measure (default: this checkout's), e.g. of a clean export of a
                   commit while the working tree holds someone's unfinished change
  --help           this text
`;

function parseOptions(argv) {
  const o = { runs: null, rounds: null, slowRounds: null, only: null, runners: null, quick: false, dist: path.join(ROOT, 'dist') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    const count = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) usage(`${a} takes a positive integer`);
      return n;
    };
    if (a === '--runs') o.runs = count();
    else if (a === '--rounds') o.rounds = count();
    else if (a === '--slow-rounds') o.slowRounds = count();
    else if (a === '--only') o.only = value().split(',').filter(Boolean);
    else if (a === '--runners') o.runners = value().split(',').filter(Boolean);
    else if (a === '--quick') o.quick = true;
    else if (a === '--dist') o.dist = path.resolve(value());
    else if (a === '--help' || a === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    } else usage(`unknown option ${a}`);
  }
  for (const n of o.only ?? []) if (!WORKLOADS.some((w) => w.name === n)) usage(`unknown workload ${n}`);
  for (const n of o.runners ?? []) if (!RUNNERS.some((r) => r.name === n)) usage(`unknown runner ${n}`);
  return o;
}

function usage(message) {
  process.stderr.write(`bench:real: ${message}\n\n${HELP}`);
  process.exit(2);
}

const log = (line) => process.stderr.write(`bench:real: ${line}\n`);

/**
 * One process of real/child.mjs; resolves with its JSON line, or { error } / { timeout }. Each
 * starts without the layouts an earlier process's tier-up kept in the cache (polyfill/tier-up.ts):
 * every sample is a first process (a later one would start from them: bench/README.md S31).
 */
function runChild(runner, workload, size, rounds, cache) {
  if (fs.existsSync(cache)) for (const f of fs.readdirSync(cache)) if (f.endsWith('.tier.jsonl')) fs.rmSync(path.join(cache, f), { force: true });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...runner.nodeArgs(), CHILD, workload.name, String(size), String(rounds)], {
      stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT, env: { ...process.env, ...runner.env(cache) },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, TIME_LIMIT_SECONDS * 1000);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ timeout: true });
      const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (code !== 0 || !line) {
        const tail = stderr.trim().split('\n').filter((l) => !l.startsWith('Warning: disabling flag')).slice(-4).join(' | ');
        return resolve({ error: tail || `exit ${code ?? signal}` });
      }
      resolve(JSON.parse(line));
    });
  });
}

/**
 * The first round of the steady state: the later half of the rounds (2 of 2 or 3, 3 of 4, 5 of 8).
 * Not simply "after the first": esbuild's 14 MB module is still being optimized in rounds 2-3,
 * natively too (V8 tiers it up in the background), and w2js's rounds fall for longer.
 */
const steadyFrom = (rounds) => Math.max(2, Math.floor(rounds / 2) + 1);

const cacheFiles = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.js')).length : 0);

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const runs = opts.runs ?? (opts.quick ? 1 : 3);
  const rounds = opts.rounds ?? (opts.quick ? 3 : 8);
  const slowRounds = opts.slowRounds ?? 3;
  if (rounds < 2 || slowRounds < 2) usage('--rounds and --slow-rounds need at least 2 (the first round, then the steady state)');
  const workloads = WORKLOADS.filter((w) => !opts.only || opts.only.includes(w.name));
  const runners = RUNNERS.filter((r) => r.name === 'native' || !opts.runners || opts.runners.includes(r.name));
  fs.cpSync(opts.dist, DIST, { recursive: true });
  const env = environment({ dist: `${opts.dist} (copied at the start of the run)` });
  const failures = [];
  const cache = path.join(RUN_DIR, 'real-cache');
  const sizeOf = (w, r) => (opts.quick ? { size: w.quickSize, scale: 1 } : r.slow ? { size: w.slowSize, scale: w.size / w.slowSize } : { size: w.size, scale: 1 });

  // The cache, compiled by this checkout's compiler (it changes under us, so never reused between
  // runs): the packages' modules with `w2js cache`, then one untimed small run of each workload
  // through the polyfill, which stores whatever else the package compiles at run time.
  if (runners.some((r) => r.name !== 'native')) {
    const started = Date.now();
    exec(process.execPath, [W2JS_CLI, 'cache', ...workloads.flatMap((w) => w.wasm.map((m) => path.join(ROOT, 'node_modules', m))), '-o', cache], { cwd: ROOT });
    for (const w of workloads) {
      const r = await runChild(RUNNERS[1], w, w.quickSize, 1, cache);
      if (!r.result) throw new Error(`${w.name}: the untimed run through the polyfill failed: ${r.error ?? 'timeout'}`);
    }
    log(`cache filled in ${((Date.now() - started) / 1000).toFixed(0)} s: ${cacheFiles(cache)} modules`);
  }

  // Native's result at each size another runner uses and native does not.
  const reference = new Map();
  for (const w of workloads) {
    const sizes = new Set(runners.map((r) => sizeOf(w, r).size));
    sizes.delete(sizeOf(w, RUNNERS[0]).size);
    for (const size of sizes) {
      const r = await runChild(RUNNERS[0], w, size, 1, cache);
      if (!r.result) throw new Error(`${w.name}: native at size ${size} failed: ${r.error ?? 'timeout'}`);
      reference.set(`${w.name}\0${size}`, r.result);
    }
  }

  const cells = new Map();
  for (const w of workloads) {
    for (const r of runners) {
      const { size, scale } = sizeOf(w, r);
      cells.set(`${w.name}\0${r.name}`, { workload: w.name, runner: r.name, size: opts.quick ? size : w.size, measuredSize: size, scale, rounds: r.slow ? slowRounds : rounds, samples: [], status: 'ok' });
    }
  }
  for (let rep = 0; rep < runs; rep++) {
    for (const w of workloads) {
      for (const r of runners) {
        const cell = cells.get(`${w.name}\0${r.name}`);
        if (cell.status !== 'ok') continue;
        const before = cacheFiles(cache);
        const m = await runChild(r, w, cell.measuredSize, cell.rounds, cache);
        const tag = `[${rep + 1}/${runs}] ${w.name} ${r.name}`;
        if ('timeout' in m) {
          cell.status = 'timeout';
          log(`${tag}: timeout (${TIME_LIMIT_SECONDS} s)`);
          continue;
        }
        if ('error' in m) {
          cell.status = 'error';
          failures.push(`${w.name} ${r.name}: ${m.error}`);
          log(`${tag}: ERROR ${m.error}`);
          continue;
        }
        if (r.name === 'native' && !reference.has(`${w.name}\0${cell.measuredSize}`)) reference.set(`${w.name}\0${cell.measuredSize}`, m.result);
        const expected = reference.get(`${w.name}\0${cell.measuredSize}`);
        if (m.result !== expected) {
          cell.status = 'wrong';
          failures.push(`${w.name} ${r.name}: ${m.result} ≠ native's ${expected}`);
          log(`${tag}: WRONG RESULT ${m.result} (native ${expected})`);
          continue;
        }
        if (r.name !== 'native' && !m.polyfilled) failures.push(`${w.name} ${r.name}: ran on V8's WebAssembly, not the polyfill`);
        const compiledAtLoad = cacheFiles(cache) - before;
        if (compiledAtLoad > 0) log(`${tag}: compiled ${compiledAtLoad} module(s) at load: not in the cache`);
        const cpu = m.rounds.map((x) => x.cpu * cell.scale);
        const sample = {
          first: cpu[0], steady: median(cpu.slice(steadyFrom(cpu.length) - 1)), roundsCpu: cpu, roundsWall: m.rounds.map((x) => x.wall * cell.scale),
          loadCpu: m.load.cpu, loadWall: m.load.wall, maxRssKiB: m.maxRssKiB, compiledAtLoad,
        };
        cell.samples.push(sample);
        log(`${tag}: load ${m.load.cpu.toFixed(2)} s, rounds ${cpu.map((x) => x.toFixed(3)).join(' ')} s CPU${cell.scale !== 1 ? ` (size ${cell.measuredSize} x ${cell.scale})` : ''}`);
      }
    }
  }

  const results = [...cells.values()].map((c) => {
    const ok = c.status === 'ok' && c.samples.length > 0;
    const stat = (key) => (ok ? { median: median(c.samples.map((s) => s[key])), min: Math.min(...c.samples.map((s) => s[key])), max: Math.max(...c.samples.map((s) => s[key])) } : null);
    return { ...c, first: stat('first'), steady: stat('steady'), load: stat('loadCpu') };
  });
  const find = (w, r) => results.find((x) => x.workload === w && x.runner === r);
  for (const x of results) {
    const base = find(x.workload, 'native');
    x.ratio = {};
    for (const key of ['first', 'steady', 'load']) x.ratio[key] = x[key] && base?.[key] ? x[key].median / base[key].median : null;
  }
  const geomeans = Object.fromEntries(runners.filter((r) => r.name !== 'native').map((r) => [r.name, Object.fromEntries(['first', 'steady'].map((key) => {
    const ratios = results.filter((x) => x.runner === r.name && x.ratio[key] !== null).map((x) => x.ratio[key]);
    return [key, ratios.length ? geomean(ratios) : null];
  }))]));

  env.loadAverage.end = os.loadavg();
  const report = {
    environment: env,
    options: { quick: opts.quick, runs, rounds, slowRounds, only: opts.only, runners: runners.map((r) => r.name) },
    runners: runners.map((r) => ({ name: r.name, what: r.what, slow: r.slow })),
    workloads: workloads.map((w) => ({ name: w.name, what: w.what, unit: w.unit, size: opts.quick ? w.quickSize : w.size, slowSize: opts.quick ? w.quickSize : w.slowSize, wasm: w.wasm })),
    reference: Object.fromEntries(reference),
    results,
    geomeans,
    failures,
  };
  process.stdout.write(formatReport(report));
  const file = writeResults(report, opts.quick ? '-real-quick' : '-real');
  log(`wrote ${path.relative(ROOT, file)}`);
  if (failures.length) {
    process.stderr.write(`\nbench:real: FAILED\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
    process.exit(1);
  }
}

const secs = (x) => (x === null || x === undefined ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const ratio = (x) => (x === null || x === undefined ? '-' : x >= 10 ? `${x.toFixed(0)}x` : `${x.toFixed(2)}x`);

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}

function formatReport(report) {
  const { environment: env, options, runners, workloads, results, geomeans } = report;
  const find = (w, r) => results.find((x) => x.workload === w && x.runner === r);
  const la = (l) => l.map((x) => x.toFixed(1)).join(' ');
  const cell = (x, key) => {
    if (!x) return '-';
    if (x.status !== 'ok') return x.status;
    const s = x[key];
    if (!s) return '-';
    const star = x.scale !== 1 && key !== 'load' ? '*' : '';
    return x.samples.length === 1 ? `${secs(s.median)}${star}` : `${secs(s.median)} [${secs(s.min)}-${secs(s.max)}]${star}`;
  };
  const out = [''];
  out.push(`w2js bench:real: Node ${env.node} (V8 ${env.v8}), ${env.cpu} x${env.cores}, commit ${env.commit.slice(0, 10)}${env.dirty ? '+dirty' : ''}, ${env.date}`);
  out.push(`${options.runs} run(s) per workload per runner, interleaved, fresh process each; ${options.rounds} rounds per process (w2js-jitless ${options.slowRounds}).${options.quick ? ' QUICK: small sizes, not comparable with normal runs.' : ''}`);
  out.push(`Load average (1, 5, 15 min) at start ${la(env.loadAverage.start)}, at end ${la(env.loadAverage.end)}.`);
  out.push('CPU seconds (process.cpuUsage: all threads) per round, median [min-max] over runs. * = run at slowSize, scaled to size.');
  const others = runners.filter((r) => r.name !== 'native');
  const steadyTitle = `Steady state (median of rounds ${steadyFrom(options.rounds)}..${options.rounds}; w2js-jitless ${steadyFrom(options.slowRounds)}..${options.slowRounds})`;
  for (const [key, title] of [['first', 'First round (the JIT warming up)'], ['steady', steadyTitle]]) {
    out.push('');
    out.push(`${title}:`);
    out.push(table([['workload', 'size', ...runners.map((r) => r.name), ...others.map((r) => `${r.name} ÷ native`)],
      ...workloads.map((w) => [w.name, w.size, ...runners.map((r) => cell(find(w.name, r.name), key)), ...others.map((r) => ratio(find(w.name, r.name)?.ratio[key]))]),
      ['geomean', '', ...runners.map(() => ''), ...others.map((r) => ratio(geomeans[r.name]?.[key]))]]));
  }
  out.push('');
  out.push('Loading the package (its loader, instantiation; the polyfill evaluating its cached script), CPU s:');
  out.push(table([['workload', ...runners.map((r) => r.name)], ...workloads.map((w) => [w.name, ...runners.map((r) => cell(find(w.name, r.name), 'load'))])]));
  out.push('');
  out.push('Workloads:');
  for (const w of workloads) out.push(`  ${w.name.padEnd(8)} size ${w.size} ${w.unit} (w2js-jitless ${w.slowSize}): ${w.what}`);
  out.push('Runners:');
  for (const r of runners) out.push(`  ${r.name.padEnd(13)} ${r.what}`);
  if (report.failures.length) {
    out.push('');
    out.push('FAILURES:');
    for (const f of report.failures) out.push(`  ${f}`);
  }
  out.push('');
  return out.join('\n');
}

process.on('exit', removeRunDir);
process.on('SIGINT', () => process.exit(130));
main().catch((e) => {
  process.stderr.write(`bench:real: ${e.stack ?? e}\n`);
  process.exit(1);
});
