#!/usr/bin/env node
// bench/perf-lines.mjs: where a real workload's steady rounds spend their CPU, by V8 tier and by
// line of the generated JS, from Linux perf samples and V8's JIT dump (machine code with source
// positions). A CPU profile says which function; this says which tier runs it and which lines of
// optimized code the samples fall on, grouped by the shape of code the compiler emitted (i64
// halves, split functions' trampolines, frame slots...): bench/README.md D25 was found with it.
//
//   node bench/perf-lines.mjs <workload> <size> <warm> [--seconds 3] [--top 40] [--lines 30] [--native] [--cache <dir>] [--keep]
//
// The workload runs through the polyfill (W2JS_POLYFILL=force, modules from --cache, default
// bench/.cache/perf-lines) or, with --native, on V8's own wasm (tiers only). Needs `perf`
// (Debian's linux-perf) with cpu-clock sampling. Line numbers of code V8 inlined from another
// function are that function's own: a line whose text does not fit was probably inlined.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH, CACHE, ROOT, exec } from './lib/util.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args.splice(i, 2)[1];
};
const flag = (name) => (args.includes(name) ? (args.splice(args.indexOf(name), 1), true) : false);
const seconds = Number(option('--seconds', 3));
const top = Number(option('--top', 40));
const lineCount = Number(option('--lines', 30));
const cache = path.resolve(option('--cache', path.join(CACHE, 'perf-lines')));
const native = flag('--native');
// Keep the scratch directory (perf.jit.data, for `perf annotate` by hand) and print where it is.
const keep = flag('--keep');
const [workload, size, warm] = args;
if (!workload || !size || !warm) {
  process.stderr.write('usage: node bench/perf-lines.mjs <workload> <size> <warm> [--seconds 3] [--top 40] [--lines 30] [--native] [--cache <dir>] [--keep]\n');
  process.exit(2);
}
try {
  exec('perf', ['--version']);
} catch {
  process.stderr.write('perf-lines: needs Linux perf (apt-get install linux-perf)\n');
  process.exit(2);
}

// V8 writes jit-<pid>.dump into its working directory: a scratch directory of our own.
fs.mkdirSync(CACHE, { recursive: true }); // a fresh clone has none yet
const work = fs.mkdtempSync(path.join(CACHE, 'perf-lines-run-'));
fs.mkdirSync(cache, { recursive: true });
const data = path.join(work, 'perf.data');
// perf keeps a copy of every binary it sampled, the JIT's too, in a build-id cache (~/.debug by
// default: hundreds of MB a run): here, gone with the scratch directory.
const perf = (argv, options) => exec('perf', ['--buildid-dir', path.join(work, 'debug'), ...argv], options);
const injected = path.join(work, 'perf.jit.data');

/** Start the child, wait for its warm rounds, sample it for `seconds`, stop it. */
async function sample() {
  const polyfill = native ? [] : ['--import', path.join(ROOT, 'dist/polyfill/node.js')];
  const env = native ? process.env : { ...process.env, W2JS_POLYFILL: 'force', W2JS_CACHE: cache };
  // Its stdin is ours: it exits when we do, however we end.
  const child = spawn(process.execPath, ['--perf-prof', ...polyfill, path.join(BENCH, 'lib/perf-child.mjs'), workload, size, warm], { cwd: work, env, stdio: ['pipe', 'pipe', 'inherit'] });
  const pid = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`the workload exited (${code}) before its warm rounds ended`)));
  });
  process.stderr.write(`perf-lines: warm after ${warm} rounds; sampling ${seconds} s\n`);
  try {
    perf(['record', '-k', '1', '-e', 'cpu-clock', '-F', '4000', '-p', String(pid), '-o', data, '--', 'sleep', String(seconds)]);
  } finally {
    child.kill('SIGKILL');
  }
  perf(['inject', '--jit', '-i', data, '-o', injected], { cwd: work });
}

/** perf report's symbols: [{ percent, symbol }]. */
function symbols() {
  const text = perf(['report', '-i', injected, '--stdio', '--no-children', '--sort', 'sym', '-g', 'none', '--percent-limit', '0']);
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^\s+([\d.]+)%\s+\[.\]\s+(.*\S)\s*$/.exec(line);
    if (m) out.push({ percent: Number(m[1]), symbol: m[2] });
  }
  return out;
}

// V8's names in the dump: `JS:*f` optimized by TurboFan, `JS:+f` by Maglev, `JS:^f` Sparkplug's
// baseline code, `JS:~f` the interpreter's (with --interpreted-frames-native-stack only).
// --native's wasm code is `JS:wasm-function[i]-i-turbofan` (or `-liftoff`).
const TIERS = [
  ['wasm code, TurboFan (--native)', (s) => /^JS:wasm-function.*-turbofan$/.test(s)],
  ['wasm code, Liftoff (--native)', (s) => /^JS:wasm-function/.test(s)],
  ['optimized JS (TurboFan, Maglev)', (s) => /^JS:[*+]/.test(s)],
  ['baseline JS (Sparkplug)', (s) => /^JS:\^/.test(s) || /_Baseline/.test(s)],
  ['interpreter', (s) => /^JS:~/.test(s) || /InterpreterEntryTrampoline|Handler$|^Builtins_.*Handler/.test(s)],
  ['TurboFan compiling', (s) => /v8::internal::compiler::|Pipeline|RegisterAllocator|InstructionSelector/.test(s)],
  ['garbage collection', (s) => /Heap|Mark|Scaveng|Sweep|Evacuat|Compactor|MinorGC|Marking/.test(s)],
  ['builtins (IC, calls, DataView, typed arrays)', (s) => /^Builtins_|^v8::internal::Builtin_/.test(s)],
  ['other (V8 runtime, Node, libc, kernel)', () => true],
];

// What a line of generated code is, from its text (compiler/emit's shapes).
const SHAPES = [
  ['i64 load (two halves)', /_hi = dv\.getInt32\(\w+ \+ 4, true\), \w+ = dv\.getInt32\(/],
  ['i64 store (two halves)', /dv\.setInt32\(\w+ \+ 4, [^;]*dv\.setInt32\(/],
  ['i64 add/sub carry', /_hi = .*4294967295/],
  ['split: part selection', /= pc < \d+ \?/],
  ['split: frame pool', /\.f[ido]\w*\.(pop|push)\(/],
  ['split: frame slot', /\bf[ido]\d+\[\d+\]/],
  ['tier-up counter', /\$cx\[/],
  ['call', /(^|= )\$f\w+\(inst|call_target\(|\.wasmCode\(/],
  ['memory (other)', /\bdv\.(get|set)\w+\(|\bmem\.\w+\[/],
  ['dispatch (switch, case, pc)', /^(case |switch \(|default:|dispatch:|continue dispatch|pc = )/],
  ['global', /inst\.\$global/],
  ['branch, block', /^(if \(|} else|}$|L\d+: |break )/],
  ['other', /.*/],
];
/** A line outside the function (V8 gives inlined code its own function's lines) has no shape. */
const shapeOf = (text) => (text === null ? 'inlined (a line outside the function)' : SHAPES.find(([, re]) => re.test(text))[0]);

// Sources by the names perf shows: files by URL; code the tier-up evaluated (`<unknown>`) found
// in the cache's *.tier.jsonl by the line its function starts on.
const files = new Map();
function fileLines(url) {
  if (!files.has(url)) {
    let lines = null;
    try {
      lines = fs.readFileSync(fileURLToPath(url), 'utf8').split('\n');
    } catch {
      // gone, or not a file
    }
    files.set(url, lines);
  }
  return files.get(url);
}
function evaluatedLines(functionName, line) {
  for (const file of fs.existsSync(cache) ? fs.readdirSync(cache) : []) {
    if (!file.endsWith('.tier.jsonl')) continue;
    for (const record of fs.readFileSync(path.join(cache, file), 'utf8').split('\n')) {
      if (!record) continue;
      const lines = JSON.parse(record).src.split('\n');
      if (lines[line - 1]?.includes(`function ${functionName}(`)) return lines;
    }
  }
  return null;
}

/**
 * Samples of one optimized function by source position: Map<"url line", { url, line, p }>, p in
 * percent of the whole profile; url is the position's script (a file URL, or '' for code the
 * tier-up evaluated), which for code V8 inlined is the inlined function's.
 */
function annotate(symbol, percent) {
  const text = perf(['annotate', '-i', injected, '--stdio', '-s', symbol]);
  const byLine = new Map();
  let at = null;
  for (const row of text.split('\n')) {
    const header = /:\s+\d+\s+(file:\/\/\S+|<unknown>):(\d+)\s*$/.exec(row);
    if (header) {
      const url = header[1] === '<unknown>' ? '' : header[1];
      const key = `${url} ${header[2]}`;
      if (!byLine.has(key)) byLine.set(key, { url, line: Number(header[2]), p: 0 });
      at = byLine.get(key);
      continue;
    }
    const m = /^\s+([\d.]+) :\s+[0-9a-f]+:/.exec(row);
    if (m && at) at.p += (Number(m[1]) * percent) / 100;
  }
  return byLine.values();
}

// The scratch directory holds the JIT dump and perf's copies (hundreds of MB): gone however we end.
try {
  await sample();
  const all = symbols();
  const total = all.reduce((s, x) => s + x.percent, 0);
  console.log(`${workload} ${size}, after ${warm} rounds, ${seconds} s of samples${native ? ' (native wasm)' : ''}\n`);
  console.log('by tier:');
  const tierShare = new Map(TIERS.map(([name]) => [name, 0]));
  for (const { percent, symbol } of all) {
    const [name] = TIERS.find(([, test]) => test(symbol));
    tierShare.set(name, tierShare.get(name) + percent);
  }
  for (const [name, p] of tierShare) console.log(`  ${((100 * p) / total).toFixed(1).padStart(5)}%  ${name}`);

  if (!native) {
    const optimized = all.filter((x) => /^JS:[*+]/.test(x.symbol)).slice(0, top);
    const covered = optimized.reduce((s, x) => s + x.percent, 0);
    const lines = [];
    for (const { symbol, percent } of optimized) {
      const m = /^JS:[*+](\S+) (\S*):(\d+):\d+$/.exec(symbol);
      if (!m) continue;
      const [, fn, url, start] = m;
      const source = url ? fileLines(url) : evaluatedLines(fn, Number(start));
      // The function's own lines: from its start to the next top-level function.
      const first = Number(start);
      let last = first;
      while (source && last < source.length && !source[last].startsWith('function ')) last++;
      for (const { url: at, line, p } of annotate(symbol, percent)) {
        const own = source && at === url && line >= first && line <= last;
        // Inlined from a file: its line, named; from evaluated code: not found by line alone.
        const inlined = !own && at ? `${path.basename(fileURLToPath(at))}:${line}  ${(fileLines(at)?.[line - 1] ?? '').trim()}` : '';
        lines.push({ fn, line, p, text: own ? source[line - 1].trim() : null, inlined });
      }
    }
    const byShape = new Map();
    for (const l of lines) byShape.set(shapeOf(l.text), (byShape.get(shapeOf(l.text)) ?? 0) + l.p);
    const attributed = [...byShape.values()].reduce((a, b) => a + b, 0);
    console.log(`\nthe ${optimized.length} hottest optimized functions: ${((100 * covered) / total).toFixed(1)}% of samples; their lines by shape (share of those lines):`);
    for (const [shape, p] of [...byShape].sort((a, b) => b[1] - a[1])) console.log(`  ${((100 * p) / attributed).toFixed(1).padStart(5)}%  ${shape}`);
    console.log(`\nhottest lines (% of all samples):`);
    for (const l of lines.sort((a, b) => b.p - a.p).slice(0, lineCount)) console.log(`  ${((100 * l.p) / total).toFixed(2).padStart(5)}%  ${l.fn}:${l.line}  ${l.text === null ? `(inlined${l.inlined ? ` from ${l.inlined.slice(0, 100)}` : ': not this function\'s line'})` : l.text.slice(0, 110)}`);
  }
} finally {
  if (keep) process.stderr.write(`perf-lines: kept ${injected} (perf annotate --buildid-dir ${path.join(work, 'debug')} -i …)\n`);
  else fs.rmSync(work, { recursive: true, force: true });
}
