#!/usr/bin/env node
// bench/call-depth.mjs: how deep wasm recursion goes before the stack is exhausted, V8's native
// wasm against the w2js output of the same module, on the main thread and in a worker (issue 9).
//
//   node bench/call-depth.mjs [--reps 3] [--only trivial,locals] [--threads main,worker]
//                             [--worker-stack-mb N] [--cli path/to/cli.js] [name=dir...]
//
// The module (below) has one recursive function per shape, `f(n)` recursing n times; each counts
// its depth in a global before recursing, so one call that ends in stack exhaustion tells the depth. Each
// measurement is a fresh process (`--child`) that reports a cold and a warm depth (`measure`), with
// the defaults a user has: no flags (main thread: V8's --stack-size of 984 KiB; worker: Node's
// default resourceLimits.stackSizeMb of 4). Each `name=dir` is another w2js output of the same
// module (e.g. a hand-edited copy of .cache/call-depth/w2js/index.js, see
// experiments/call-depth-variants.py) measured beside it. --worker-stack-mb N adds the w2js output
// in a worker with resourceLimits.stackSizeMb N (a worker the runtime starts can ask for that).
// The compiler is the built one (dist/compiler/cli.js: `npm run build` first), or --cli's.

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { CACHE, ROOT, exec, median } from './lib/util.mjs';

/** The recursive shapes: export name → what it is. */
const SHAPES = {
  trivial: 'one i32 param, one result: depth + f(x + 1)',
  locals: '16 i32 + 4 f64 locals live across the call',
  indirect: 'the same as trivial, through call_indirect',
  i64: 'two i64 params and an i32 (five JS params in w2js)',
};

const WAT = `(module
  (type $t (func (param i32) (result i32)))
  (global $d (mut i32) (i32.const 0))
  (table 1 funcref)
  (elem (i32.const 0) $indirect)
  (func (export "depth") (result i32) (global.get $d))
  (func (export "reset") (global.set $d (i32.const 0)))
  (func $trivial (export "trivial") (param $n i32) (result i32)
    (global.set $d (i32.add (global.get $d) (i32.const 1)))
    (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
      (else (i32.add (call $trivial (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func $indirect (export "indirect") (type $t) (param $n i32) (result i32)
    (global.set $d (i32.add (global.get $d) (i32.const 1)))
    (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
      (else (i32.add (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0)) (i32.const 1)))))
  (func $i64 (export "i64") (param $a i64) (param $b i64) (param $n i32) (result i32)
    (global.set $d (i32.add (global.get $d) (i32.const 1)))
    (if (result i32) (i32.eqz (local.get $n)) (then (i32.wrap_i64 (local.get $b)))
      (else (i32.add
        (call $i64 (i64.add (local.get $a) (i64.const 1)) (i64.mul (local.get $b) (local.get $a)) (i32.sub (local.get $n) (i32.const 1)))
        (i32.wrap_i64 (i64.xor (local.get $a) (local.get $b)))))))
  (func $locals (export "locals") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32) (local $g i32) (local $h i32)
    (local $i i32) (local $j i32) (local $k i32) (local $l i32) (local $m i32) (local $o i32) (local $p i32) (local $q i32)
    (local $f1 f64) (local $f2 f64) (local $f3 f64) (local $f4 f64)
    (global.set $d (i32.add (global.get $d) (i32.const 1)))
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (local.set $a (i32.add (local.get $n) (i32.const 1)))  (local.set $b (i32.mul (local.get $a) (i32.const 3)))
    (local.set $c (i32.xor (local.get $b) (local.get $n))) (local.set $d (i32.add (local.get $c) (local.get $a)))
    (local.set $e (i32.shl (local.get $d) (i32.const 1)))  (local.set $f (i32.sub (local.get $e) (local.get $b)))
    (local.set $g (i32.or (local.get $f) (local.get $c)))  (local.set $h (i32.add (local.get $g) (i32.const 7)))
    (local.set $i (i32.mul (local.get $h) (local.get $h))) (local.set $j (i32.xor (local.get $i) (local.get $a)))
    (local.set $k (i32.add (local.get $j) (local.get $e)))  (local.set $l (i32.and (local.get $k) (local.get $g)))
    (local.set $m (i32.add (local.get $l) (local.get $i)))  (local.set $o (i32.shr_u (local.get $m) (i32.const 2)))
    (local.set $p (i32.add (local.get $o) (local.get $j)))  (local.set $q (i32.xor (local.get $p) (local.get $k)))
    (local.set $f1 (f64.convert_i32_s (i32.and (local.get $a) (i32.const 0xffff))))     (local.set $f2 (f64.mul (local.get $f1) (f64.const 1.5)))
    (local.set $f3 (f64.add (local.get $f2) (local.get $f1))) (local.set $f4 (f64.sqrt (local.get $f3)))
    (local.set $a (i32.add (local.get $a) (call $locals (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $a)
      (i32.add (i32.add (i32.add (local.get $q) (local.get $b)) (i32.add (local.get $c) (local.get $d)))
        (i32.add (i32.add (i32.add (local.get $e) (local.get $f)) (i32.add (local.get $g) (local.get $h)))
          (i32.add (i32.add (i32.add (local.get $i) (local.get $j)) (i32.add (local.get $k) (local.get $l)))
            (i32.add (i32.add (local.get $m) (local.get $o)) (local.get $p))))))
    (i32.add (i32.trunc_f64_s (f64.add (f64.add (local.get $f1) (local.get $f2)) (f64.add (local.get $f3) (local.get $f4))))))
)`;


/**
 * In the measuring thread: the depth `shape` reaches, cold (the first call in the process: every
 * frame an interpreter frame, since V8 tiers a function up only when it returns or loops) and warm
 * (after 40 rounds of shallow calls that return, with pauses for the concurrent optimizer).
 */
async function measure(engine, target, shape) {
  const exports = engine === 'native'
    ? (await WebAssembly.instantiate(fs.readFileSync(path.join(target, 'depth.wasm')))).instance.exports
    : (await (await import(pathToFileURL(path.join(target, 'index.js')).href)).instantiate({})).instance.exports;
  const call = (n) => (shape === 'i64' ? exports.i64(1n, 3n, n) : exports[shape](n));
  const deepest = () => {
    exports.reset();
    try {
      call(1e9);
      throw new Error(`${shape}(1e9) returned`);
    } catch (e) {
      const ok = e instanceof RangeError || (typeof WebAssembly === 'object' && e instanceof WebAssembly.RuntimeError) || e?.name === 'RuntimeError';
      if (!ok || !/stack|recursion/i.test(String(e.message))) throw e;
    }
    return exports.depth();
  };
  const cold = deepest();
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < 20; i++) call(200);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return [cold, deepest()];
}

if (!isMainThread) {
  const { engine, target, shape } = workerData;
  parentPort.postMessage(await measure(engine, target, shape));
} else if (process.argv[2] === '--child') {
  const [, , , engine, target, shape, thread, stackMb] = process.argv;
  const resourceLimits = stackMb ? { stackSizeMb: Number(stackMb) } : undefined;
  const depths = thread === 'worker'
    ? await new Promise((resolve, reject) => {
      const w = new Worker(fileURLToPath(import.meta.url), { workerData: { engine, target, shape }, resourceLimits });
      w.once('message', resolve);
      w.once('error', reject);
    })
    : await measure(engine, target, shape);
  process.stdout.write(`${JSON.stringify(depths)}\n`);
} else {
  const args = process.argv.slice(2);
  const take = (name, fallback) => {
    const i = args.indexOf(name);
    return i < 0 ? fallback : args.splice(i, 2)[1];
  };
  const reps = Number(take('--reps', 3));
  const shapes = take('--only', Object.keys(SHAPES).join(',')).split(',');
  const threads = take('--threads', 'main,worker').split(',');
  const stackMb = take('--worker-stack-mb', '');
  const cli = path.resolve(take('--cli', path.join(ROOT, 'dist/compiler/cli.js')));

  const own = path.join(CACHE, 'call-depth', 'w2js');
  fs.rmSync(own, { recursive: true, force: true });
  fs.mkdirSync(own, { recursive: true });
  const { default: wabtInit } = await import('wabt');
  const parsed = (await wabtInit()).parseWat('depth.wat', WAT);
  parsed.resolveNames();
  const bytes = parsed.toBinary({ write_debug_names: true }).buffer;
  parsed.destroy();
  fs.writeFileSync(path.join(own, 'depth.wasm'), bytes);
  exec(process.execPath, [cli, 'compile', path.join(own, 'depth.wasm'), '-o', own]);
  const runners = [{ name: 'native', engine: 'native', target: own }, { name: 'w2js', engine: 'w2js', target: own }];
  for (const a of args) {
    const [name, dir] = a.split('=');
    runners.push({ name, engine: 'w2js', target: path.resolve(dir) });
  }
  // w2js-stack: the w2js output in a worker given a larger stack (the runtime's own workers can be).
  if (stackMb) runners.push({ name: `w2js ${stackMb} MB`, engine: 'w2js', target: own, stackMb });

  const once = (r, shape, thread) => {
    const p = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', r.engine, r.target, shape, thread, thread === 'worker' ? r.stackMb ?? '' : ''], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`${r.name} ${shape} ${thread}: ${p.stderr.trim().split('\n').slice(-4).join(' | ')}`);
    return JSON.parse(p.stdout.trim().split('\n').pop());
  };

  console.log(`Node ${process.version} (V8 ${process.versions.v8}), no flags; depth reached, median of ${reps} processes: cold / warm; % of native cold/warm`);
  for (const thread of threads) {
    console.log(`${thread} thread${thread === 'worker' && stackMb ? ` (w2js ${stackMb} MB: resourceLimits.stackSizeMb ${stackMb}; the others Node's default 4)` : ''}`);
    console.log(`  ${'shape'.padEnd(9)}${runners.map((r) => r.name.padStart(24)).join('')}`);
    for (const shape of shapes) {
      const samples = runners.map(() => []);
      for (let rep = 0; rep < reps; rep++) runners.forEach((r, i) => samples[i].push(once(r, shape, thread)));
      const cold = samples.map((s) => median(s.map((d) => d[0])));
      const warm = samples.map((s) => median(s.map((d) => d[1])));
      const cells = runners.map((r, i) => `${cold[i]} / ${warm[i]}${i === 0 ? '' : ` ${(cold[i] / cold[0] * 100).toFixed(0)}%/${(warm[i] / warm[0] * 100).toFixed(0)}%`}`);
      console.log(`  ${shape.padEnd(9)}${cells.map((c) => c.padStart(24)).join('')}`);
    }
  }
  console.log(Object.entries(SHAPES).filter(([s]) => shapes.includes(s)).map(([s, what]) => `  ${s}: ${what}`).join('\n'));
}
