// `npm run fuzz -- --count N --seed S [--kind differential|malformed]`: a long batch of cases
// S, S+1, … S+N-1 on one worker process (runner.mjs), a progress line, a summary; each new kind
// of failure (signature, reduce.mjs) is reduced and saved under test/fuzz/regressions/, every
// failing case's original bytes under out/fuzz/.
//
// Options: --timeout ms (per step of a case other than a call, default 30000; more for big
// modules), --call-timeout ms (per instantiation or export call, default 10000, malformed 3000;
// through w2js at least 50 times the native call's time), --no-reduce,
// --budget n (reduction tests per failure, default 800), --max-saved n (reduced cases saved per
// run, default 20).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_SETS, cleanScratch, toText, wasmOpt } from './binaryen-tools.mjs';
import { generateModule, parseArgs } from './generate.mjs';
import { malformedInput } from './malformed.mjs';
import { isNativeStep, reduceCase, signature } from './reduce.mjs';
import { CaseRunner } from './runner.mjs';
import { loadRegressions } from './regressions.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const regressionsDir = path.join(root, 'test/fuzz/regressions');

/** Statuses that are not failures, per fuzzer. */
const PASSING = {
  differential: ['ok', 'unsupported', 'invalid', 'nan-divergence', 'native-hang', 'native-slow', 'generator-error'],
  malformed: ['rejected', 'valid', 'unsupported', 'v8-limit', 'v8-lax', 'native-hang', 'generator-error'],
};

/** A hang while native V8 ran (or binaryen generated) is not w2js's: counted apart. */
function settle(result) {
  if (result.status === 'hang' && isNativeStep(result.step)) return { ...result, status: 'native-hang' };
  return result;
}

/** The bytes of a failing case, as the worker saw them. */
async function caseBytes(kind, seed, result) {
  if (kind === 'malformed') return (await malformedInput(seed)).bytes;
  const { bytes } = await generateModule(seed);
  return result.reproducer === 'denan' ? wasmOpt(bytes, ['--denan', '-q', ...FEATURE_SETS.threads]) : bytes;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const kind = args.kind ?? 'differential';
  if (!PASSING[kind]) {
    console.error(`unknown --kind ${kind} (differential | malformed)`);
    process.exit(2);
  }
  return run({
    kind,
    seed: Number(args.seed ?? 1),
    count: Number(args.count ?? 100),
    timeoutMs: Number(args.timeout ?? 30_000),
    // A malformed mutant may have lost ttf's hang limit: V8 loops in it until the call limit.
    callTimeoutMs: Number(args['call-timeout'] ?? (kind === 'malformed' ? 3000 : 10_000)),
    reduce: !args['no-reduce'],
    budget: Number(args.budget ?? 800),
    maxSaved: Number(args['max-saved'] ?? 20),
  });
}

async function run({ kind, seed, count, timeoutMs, callTimeoutMs, reduce, budget, maxSaved }) {
  const runName = `${kind}-${seed}-${count}`;
  const outDir = path.join(root, 'out/fuzz', runName);
  fs.mkdirSync(outDir, { recursive: true });
  const runner = new CaseRunner({ timeoutMs, callTimeoutMs, recycle: kind === 'differential' ? 150 : 1000 });
  const known = new Map(loadRegressions().map((r) => [r.signature, r.name]));
  const summary = { kind, seed, count, node: process.version, started: new Date().toISOString(), cases: 0, exportsCalled: 0, statuses: {}, allowances: {}, failures: {} };
  const started = Date.now();
  let saved = 0;
  let lastProgress = 0;
  const progress = (force = false) => {
    const now = Date.now();
    if (!force && now - lastProgress < (process.stderr.isTTY ? 1000 : 30_000)) return;
    lastProgress = now;
    const rate = summary.cases / Math.max(1, (now - started) / 1000);
    const st = Object.entries(summary.statuses).map(([k, v]) => `${k} ${v}`).join(', ');
    const line = `[${kind}] ${summary.cases}/${count} (seed ${seed + summary.cases}) ${rate.toFixed(1)}/s | ${st}${kind === 'differential' ? ` | exports ${summary.exportsCalled}` : ''}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line.slice(0, process.stderr.columns - 1)}\x1b[K`);
    else process.stderr.write(`${line}\n`);
  };
  let interrupted = false;
  process.once('SIGINT', () => (interrupted = true));

  for (let s = seed; s < seed + count && !interrupted; s++) {
    const result = settle(await runner.run({ kind, seed: s }));
    summary.cases++;
    summary.statuses[result.status] = (summary.statuses[result.status] ?? 0) + 1;
    summary.exportsCalled += result.exportsCalled ?? 0;
    for (const [k, v] of Object.entries(result.allowances ?? {})) summary.allowances[k] = (summary.allowances[k] ?? 0) + (v > 0 ? 1 : 0);
    if (result.status === 'nan-divergence') (summary.nanDivergenceSeeds ??= []).push(s);
    if (!PASSING[kind].includes(result.status)) {
      const sig = signature(kind, result) ?? `${result.status}: ${result.detail}`;
      const entry = (summary.failures[sig] ??= { count: 0, seeds: [], status: result.status, detail: String(result.detail ?? JSON.stringify(result.mismatches?.slice(0, 3))).slice(0, 1500), known: known.get(sig) });
      entry.count++;
      if (entry.seeds.length < 20) entry.seeds.push(s);
      const bytes = await caseBytes(kind, s, result);
      fs.writeFileSync(path.join(outDir, `${kind}-${s}.wasm`), bytes);
      if (entry.count === 1 && !entry.known && reduce && saved < maxSaved) {
        if (process.stderr.isTTY) process.stderr.write('\n');
        console.error(`seed ${s}: ${sig}; reducing…`);
        const reduced = await reduceCase(runner, kind, bytes, sig, { budget });
        entry.saved = saveRegression(kind, s, reduced, sig, entry.detail);
        await writeText(path.join(regressionsDir, `${kind}-${s}.wat`), reduced);
        saved++;
        console.error(`  ${bytes.length} → ${reduced.length} bytes: ${path.relative(root, entry.saved)}`);
      }
    }
    progress();
  }
  progress(true);
  if (process.stderr.isTTY) process.stderr.write('\n');
  await runner.stop();
  cleanScratch();
  summary.seconds = Math.round((Date.now() - started) / 1000);
  fs.writeFileSync(path.join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  printSummary(summary, outDir);
  const failed = Object.values(summary.failures).some((f) => !f.known);
  process.exitCode = failed ? 1 : 0;
}

/** Save a reduced failing case as a regression case: `<kind>-<seed>.wasm` and its `.json`. */
function saveRegression(kind, seed, bytes, sig, detail) {
  fs.mkdirSync(regressionsDir, { recursive: true });
  const file = path.join(regressionsDir, `${kind}-${seed}.wasm`);
  fs.writeFileSync(file, bytes);
  const meta = { kind, seed, signature: sig, status: 'open', detail, diagnosis: '' };
  fs.writeFileSync(file.replace(/\.wasm$/, '.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return file;
}

/** The module as text beside it, when binaryen can print it (a malformed case usually cannot). */
async function writeText(file, bytes) {
  const text = WebAssembly.validate(bytes) ? await toText(bytes) : undefined;
  if (text) fs.writeFileSync(file, text);
}

function printSummary(summary, outDir) {
  const lines = [
    `${summary.kind}: ${summary.cases} cases, seeds ${summary.seed}..${summary.seed + summary.cases - 1}, ${summary.seconds} s`,
    `  statuses: ${Object.entries(summary.statuses).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ];
  if (summary.kind === 'differential') lines.push(`  exports called: ${summary.exportsCalled}`);
  if (Object.keys(summary.allowances).length) lines.push(`  cases with allowances: ${Object.entries(summary.allowances).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const failures = Object.entries(summary.failures);
  lines.push(`  failures: ${failures.length ? '' : 'none'}`);
  for (const [sig, f] of failures) {
    lines.push(`    ${f.count}× ${sig}${f.known ? ` (known: ${f.known})` : ''}`);
    lines.push(`       seeds ${f.seeds.join(' ')}${f.saved ? `; reduced: ${path.relative(root, f.saved)}` : ''}`);
  }
  lines.push(`  summary: ${path.relative(root, path.join(outDir, 'summary.json'))}`);
  console.log(lines.join('\n'));
}

await main();
