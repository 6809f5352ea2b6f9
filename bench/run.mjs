#!/usr/bin/env node
// bench/run.mjs: `npm run bench`. The same wasm run side by side by every runner (lib/runners.mjs),
// repetitions interleaved round-robin, every result checked against V8's native wasm. Each process
// times the first call of run(n) and, for the JIT runners, --calls - 1 more (the steady state:
// median of those), reported as two tables; then the
// compile side (lib/compile-side.mjs). Prints the tables and writes them as JSON to bench/results/.
// Exit codes: 0 all results right, 1 a wrong result or a failed runner, 2 usage error.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROGRAMS } from './programs.mjs';
import { measureCompileSide } from './lib/compile-side.mjs';
import { formatBootTables, runBootBench, withoutLogs } from './kernel-boot.mjs';
import { environment, tryExec, writeResults } from './lib/environment.mjs';
import { formatReport } from './lib/report.mjs';
import { RUNNERS, TIME_LIMIT_SECONDS, WASM2JS_FLAGS, useDist } from './lib/runners.mjs';
import { BENCH, ROOT, geomean, median, removeRunDir } from './lib/util.mjs';

const HELP = `usage: npm run bench -- [options]     (or: node bench/run.mjs [options] after npm run build)

  --quick             one run per runner at each program's small size (quickN), a small large module
  --only <a,b>        only these programs; "compile" names the compile side
  --runners <a,b>     only these runners (${RUNNERS.map((r) => r.name).join(', ')})
  --reps <n>          repetitions (default 5; --quick: 1)
  --calls <k>         calls of run(n) per process for native, w2js, wasm2js: the first, then k-1 for
                      the steady state (default 3; 1: first call only)
  --no-compile        skip the compile side
  --no-boot           skip the kernel boot table (kernel-boot.mjs)
  --dist <dir>        compile the programs with the w2js of this built dist/ (default: this
                      checkout's; the compile side always uses this checkout's)
  --help              this text
`;

function parseOptions(argv) {
  const o = { quick: false, only: null, runners: null, reps: null, calls: 3, compile: true, boot: true, dist: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--only') o.only = value().split(',').filter(Boolean);
    else if (a === '--runners') o.runners = value().split(',').filter(Boolean);
    else if (a === '--reps') o.reps = Number(value());
    else if (a === '--calls') o.calls = Number(value());
    else if (a === '--no-compile') o.compile = false;
    else if (a === '--no-boot') o.boot = false;
    else if (a === '--dist') o.dist = path.resolve(value());
    else if (a === '--help' || a === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    } else usage(`unknown option ${a}`);
  }
  if (o.reps !== null && !(Number.isInteger(o.reps) && o.reps > 0)) usage('--reps takes a positive integer');
  if (!(Number.isInteger(o.calls) && o.calls > 0)) usage('--calls takes a positive integer');
  const known = new Set([...PROGRAMS.map((p) => p.name), 'compile', 'boot']);
  for (const name of o.only ?? []) if (!known.has(name)) usage(`unknown program ${name} (${[...known].join(', ')})`);
  for (const name of o.runners ?? []) if (!RUNNERS.some((r) => r.name === name)) usage(`unknown runner ${name}`);
  return o;
}

function usage(message) {
  process.stderr.write(`bench: ${message}\n\n${HELP}`);
  process.exit(2);
}

const log = (line) => process.stderr.write(`bench: ${line}\n`);

/** The size a runner runs a program at, and the factor its time is scaled by to stand for `n`. */
function sizeFor(program, runner, quick) {
  if (quick) return { size: program.quickN ?? program.slowN, scale: 1 };
  if (runner.slow) return { size: program.slowN, scale: program.n / program.slowN };
  return { size: program.n, scale: 1 };
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const reps = opts.reps ?? (opts.quick ? 1 : 5);
  const programs = PROGRAMS.filter((p) => !opts.only || opts.only.includes(p.name));
  const runners = RUNNERS.filter((r) => !opts.runners || opts.runners.includes(r.name));
  if (opts.dist) useDist(opts.dist);
  const env = environment({
    dist: opts.dist ?? 'dist',
    wasmInterp: tryExec('wasm-interp', ['--version']),
    binaryen: JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'binaryen', 'package.json'), 'utf8')).version,
    wasm2jsFlags: WASM2JS_FLAGS,
    timeLimitSeconds: TIME_LIMIT_SECONDS,
  });
  const failures = [];
  const native = RUNNERS.find((r) => r.name === 'native');

  // Prepare each program for each runner once (w2js-jitless shares w2js's output).
  const targets = new Map();
  const prepared = new Map();
  for (const program of programs) {
    for (const runner of runners) {
      if (program.skip?.[runner.name]) continue;
      if (!prepared.has(runner.prepare)) prepared.set(runner.prepare, new Map());
      const done = prepared.get(runner.prepare);
      if (!done.has(program.name)) {
        log(`preparing ${program.name} for ${runner.name}`);
        done.set(program.name, runner.prepare(program));
      }
      targets.set(`${program.name}\0${runner.name}`, done.get(program.name));
    }
  }

  // The reference results: native wasm at every size some runner uses, checked against `expected`.
  const reference = new Map();
  for (const program of programs) {
    const sizes = new Set(runners.filter((r) => !program.skip?.[r.name]).map((r) => sizeFor(program, r, opts.quick).size));
    for (const size of sizes) {
      const r = await native.measure(native.prepare(program), program, size);
      if (!('result' in r)) throw new Error(`native ${program.name} run(${size}) failed: ${r.error ?? 'timeout'}`);
      reference.set(`${program.name}\0${size}`, r.result);
      const expected = program.expected?.[size];
      if (expected !== undefined && expected !== r.result) {
        failures.push(`${program.name}: native run(${size}) = ${r.result}, expected ${expected} (programs.mjs)`);
      }
    }
  }

  // Repetitions, round-robin: every runner once per program per repetition.
  const cells = new Map();
  for (const program of programs) {
    for (const runner of runners) {
      const { size, scale } = sizeFor(program, runner, opts.quick);
      cells.set(`${program.name}\0${runner.name}`, {
        program: program.name, runner: runner.name, n: opts.quick ? size : program.n, measuredN: size, scale,
        calls: runner.steady ? opts.calls : 1,
        // samples: the first call's seconds per repetition; steadySamples: the median of the later calls'
        // (laterSamples: all of them), each scaled like samples.
        samples: [], steadySamples: [], laterSamples: [],
        status: program.skip?.[runner.name] ? `skipped: ${program.skip[runner.name]}` : 'ok',
      });
    }
  }
  if (programs.length && runners.length) {
    for (let rep = 0; rep < reps; rep++) {
      for (const program of programs) {
        for (const runner of runners) {
          const cell = cells.get(`${program.name}\0${runner.name}`);
          if (cell.status !== 'ok') continue;
          const m = await runner.measure(targets.get(`${program.name}\0${runner.name}`), program, cell.measuredN, cell.calls);
          const expected = reference.get(`${program.name}\0${cell.measuredN}`);
          if ('timeout' in m) {
            cell.status = 'timeout';
            log(`[${rep + 1}/${reps}] ${program.name} ${runner.name}: timeout (${TIME_LIMIT_SECONDS} s per call)`);
          } else if ('error' in m) {
            cell.status = 'error';
            failures.push(`${program.name} ${runner.name}: ${m.error}`);
            log(`[${rep + 1}/${reps}] ${program.name} ${runner.name}: ERROR ${m.error}`);
          } else if (m.result !== expected) {
            cell.status = 'wrong';
            failures.push(`${program.name} ${runner.name}: run(${cell.measuredN}) = ${m.result}, native ${expected}`);
            log(`[${rep + 1}/${reps}] ${program.name} ${runner.name}: WRONG RESULT ${m.result} (native ${expected})`);
          } else {
            cell.samples.push(m.seconds * cell.scale);
            const later = m.later.map((x) => x * cell.scale);
            cell.laterSamples.push(later);
            if (later.length) cell.steadySamples.push(median(later));
            log(`[${rep + 1}/${reps}] ${program.name} ${runner.name}: ${(m.seconds * cell.scale).toFixed(3)} s${cell.scale !== 1 ? ` (run(${cell.measuredN}) ${m.seconds.toFixed(3)} s x ${cell.scale})` : ''}${later.length ? `, later calls ${later.map((x) => x.toFixed(3)).join(' ')} s` : ''}`);
          }
        }
      }
    }
  }

  // Summaries: median, min, max; ratio of medians to native; geometric mean of the ratios. The first
  // call's at the top level of each result (median, min, max, ratio); the steady state's in `steady`,
  // its ratio to native's steady state.
  const results = [...cells.values()].map((c) => {
    const ok = c.samples.length > 0 && c.status === 'ok';
    const okSteady = c.steadySamples.length > 0 && c.status === 'ok';
    const base = cells.get(`${c.program}\0native`);
    const baseOk = base && base.status === 'ok';
    const baseMedian = baseOk && base.samples.length ? median(base.samples) : null;
    const baseSteady = baseOk && base.steadySamples.length ? median(base.steadySamples) : null;
    const med = ok ? median(c.samples) : null;
    const steadyMed = okSteady ? median(c.steadySamples) : null;
    return {
      ...c,
      median: med,
      min: ok ? Math.min(...c.samples) : null,
      max: ok ? Math.max(...c.samples) : null,
      ratio: med !== null && baseMedian !== null ? med / baseMedian : null,
      steady: {
        median: steadyMed,
        min: okSteady ? Math.min(...c.steadySamples) : null,
        max: okSteady ? Math.max(...c.steadySamples) : null,
        ratio: steadyMed !== null && baseSteady !== null ? steadyMed / baseSteady : null,
      },
    };
  });
  const geo = (ratios) => ({ ratio: ratios.length ? geomean(ratios) : null, programs: ratios.length });
  const geomeans = Object.fromEntries(runners.map((r) => {
    const mine = results.filter((x) => x.runner === r.name);
    return [r.name, {
      ...geo(mine.filter((x) => x.ratio !== null).map((x) => x.ratio)),
      steady: geo(mine.filter((x) => x.steady.ratio !== null).map((x) => x.steady.ratio)),
    }];
  }));

  // The kernel boot table (issue 8): the large kernel on w2js, native and native with every worker ready.
  let boot = null;
  if (opts.boot && (!opts.only || opts.only.includes('boot'))) {
    try {
      const kernels = opts.quick ? ['kernel/large-kernel.wasm'] : ['kernel/large-kernel.wasm', 'kernel/test-kernel.wasm'];
      boot = runBootBench({ reps: opts.quick ? 1 : 3, seconds: opts.quick ? 0.3 : 1, kernels: kernels.map((k) => path.join(ROOT, k)) });
    } catch (e) {
      failures.push(`kernel boot: ${e.message}`);
    }
  }

  let compile = null;
  if (opts.compile && (!opts.only || opts.only.includes('compile'))) {
    compile = measureCompileSide({ functions: opts.quick ? 1000 : 10000, reps: opts.quick ? 1 : 3, log });
    failures.push(...compile.failures);
  }

  const report = {
    environment: env,
    options: { quick: opts.quick, reps, calls: opts.calls, only: opts.only, runners: runners.map((r) => r.name) },
    runners: runners.map((r) => ({ name: r.name, what: r.what, slow: r.slow, steady: r.steady })),
    programs: programs.map((p) => ({
      name: p.name, what: p.what, wasm: p.wasm, n: p.n, slowN: p.slowN, quickN: p.quickN ?? p.slowN,
      reference: Object.fromEntries([...reference].filter(([k]) => k.startsWith(`${p.name}\0`)).map(([k, v]) => [k.split('\0')[1], v])),
    })),
    results,
    geomeans,
    compile,
    boot: boot && withoutLogs(boot),
    failures,
  };
  env.loadAverage.end = os.loadavg();
  process.stdout.write(formatReport(report));
  if (boot) process.stdout.write(`\n${formatBootTables(boot)}\n`);
  const file = writeResults(report, opts.quick ? '-quick' : '');
  log(`wrote ${path.relative(ROOT, file)}`);
  if (failures.length) {
    process.stderr.write(`\nbench: FAILED\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
    process.exit(1);
  }
}

process.on('exit', removeRunDir);
process.on('SIGINT', () => process.exit(130));
main().catch((e) => {
  process.stderr.write(`bench: ${e.stack ?? e}\n`);
  process.exit(1);
});
