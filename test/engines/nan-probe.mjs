#!/usr/bin/env node
// NaN probe: which wasm operations keep a NaN's bits on a JS runtime, through w2js's output.
//
//   node test/engines/nan-probe.mjs [--runtime node|bun|deno]... [--json]
//
// Compiles one module of probes with w2js (under Node: the compiler needs it) and runs it on each
// runtime named (default: node, bun, deno; see runtimes.mjs). Every probe is a wasm function that
// takes a bit pattern as an integer, makes it a float inside wasm (reinterpret), applies one
// operation whose result the spec fixes bit for bit (reinterpret, load, store, neg, abs, copysign,
// locals, calls, globals, select, constants: spec 4.3.3 "these are not arithmetic"), and hands the
// bits back as an integer, so the JS boundary itself is never what is measured. Each check is
// classed `exact`, `payload` (a NaN came back with the right sign but another payload), `sign` (a
// NaN with the wrong sign) or `wrong`, cold (first call) and hot (after 20 000 calls).
// The contract this measures is runtime/README.md "NaN contract".

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findRuntime, runtimeCommand } from './runtimes.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

const F32_SIGN = 0x80000000;
const F64_SIGN = 0x8000000000000000n;

/** Probe inputs: signalling and quiet NaNs of both signs, with and without payload, and -1.5 as a control. */
const F32_INPUTS = [0x7fa00001, 0xffa00001, 0x7fc00000, 0xffc00000, 0x7fc00001, 0xff800001, 0xbfc00000];
const F64_INPUTS = [0x7ff4000000000001n, 0xfff4000000000001n, 0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff8000000000001n, 0xfff0000000000001n, 0xbff8000000000000n];

/**
 * The probes of one float type: [name, wat body using $p (the input bits) and $x (the float), expected(p)].
 * `t` is f32 or f64, `i` the same-width integer type; memory addresses 8 and 16 are aligned, 9 is not
 * (w2js inlines aligned f64 accesses as typed-array reads and sends the rest to runtime helpers).
 */
function probesOf(t) {
  const i = t === 'f32' ? 'i32' : 'i64';
  const sign = t === 'f32' ? F32_SIGN : F64_SIGN;
  const one = t === 'f32' ? 0x3f800000 : 0x3ff0000000000000n;
  const x = `(${t}.reinterpret_${i} (local.get $p))`;
  const bits = (e) => `(${i}.reinterpret_${t} ${e})`;
  const u = (v) => (t === 'f32' ? v >>> 0 : BigInt.asUintN(64, v));
  const same = (p) => p;
  const nanPayload = t === 'f32' ? 'nan:0x200000' : 'nan:0x4000000000000';
  const nanPayloadBits = t === 'f32' ? 0x7fa00000 : 0x7ff4000000000000n;
  return [
    ['reinterpret', bits(x), same],
    ['local', `(local.set $x ${x}) ${bits('(local.get $x)')}`, same],
    ['call', bits(`(call $id_${t} ${x})`), same],
    ['global', `(global.set $g_${t} ${x}) ${bits(`(global.get $g_${t})`)}`, same],
    ['select', bits(`(select ${x} (${t}.const 0) (i32.const 1))`), same],
    ['neg', bits(`(${t}.neg ${x})`), (p) => u(p ^ sign)],
    ['abs', bits(`(${t}.abs ${x})`), (p) => u(p & ~sign)],
    ['copysign_minus', bits(`(${t}.copysign ${x} (${t}.const -1))`), (p) => u(p | sign)],
    ['copysign_plus', bits(`(${t}.copysign ${x} (${t}.const 1))`), (p) => u(p & ~sign)],
    ['copysign_sign_of', bits(`(${t}.copysign (${t}.const 1) ${x})`), (p) => u(one | (p & sign))],
    ['store', `(${t}.store (i32.const 8) ${x}) (${i}.load (i32.const 8))`, same],
    ['store_unaligned', `(${t}.store (i32.const 9) ${x}) (${i}.load (i32.const 9))`, same],
    ['load', `(${i}.store (i32.const 8) (local.get $p)) ${bits(`(${t}.load (i32.const 8))`)}`, same],
    ['load_unaligned', `(${i}.store (i32.const 9) (local.get $p)) ${bits(`(${t}.load (i32.const 9))`)}`, same],
    ['load_dynamic', `(${i}.store (i32.const 8) (local.get $p)) ${bits(`(${t}.load offset=4 (local.get $a))`)}`, same],
    ['load_store_copy', `(${i}.store (i32.const 8) (local.get $p)) (${t}.store (i32.const 16) (${t}.load (i32.const 8))) (${i}.load (i32.const 16))`, same],
    ['const', bits(`(${t}.const ${nanPayload})`), () => nanPayloadBits, []],
    ['const_minus', bits(`(${t}.const -nan)`), () => u(t === 'f32' ? 0xffc00000 : 0xfff8000000000000n), []],
    ['global_init', bits(`(global.get $c_${t})`), () => nanPayloadBits, []],
    ['const_store', `(${t}.store (i32.const 8) (${t}.const ${nanPayload})) (${i}.load (i32.const 8))`, () => nanPayloadBits, []],
  ].map(([name, body, expected, inputs]) => ({ name: `${t}_${name}`, type: t, body, expected, inputs: inputs ?? (t === 'f32' ? F32_INPUTS : F64_INPUTS) }));
}

/** Every probe, with its expected bits per input (hex, unsigned). */
export function probes() {
  return [...probesOf('f32'), ...probesOf('f64')].map((p) => ({
    ...p,
    expectedHex: (p.inputs.length ? p.inputs : [null]).map((v) => p.expected(v).toString(16)),
  }));
}

function probeWat(list) {
  const funcs = list.map((p) => {
    const i = p.type === 'f32' ? 'i32' : 'i64';
    const param = p.inputs.length ? `(param $p ${i})` : '';
    return `  (func (export "${p.name}") ${param} (result ${i}) (local $x ${p.type}) (local $a i32)\n    (local.set $a (i32.const 4)) ${p.body})`;
  });
  return `(module
  (memory 1)
  (global $g_f32 (mut f32) (f32.const 0))
  (global $g_f64 (mut f64) (f64.const 0))
  (global $c_f32 f32 (f32.const nan:0x200000))
  (global $c_f64 f64 (f64.const nan:0x4000000000000))
  (func $id_f32 (param f32) (result f32) (local.get 0))
  (func $id_f64 (param f64) (result f64) (local.get 0))
${funcs.join('\n')}
)`;
}

/** Compile the probe module with w2js into test/.cache/engines/nan-probe/<hash>/; returns index.js and probes.json paths. */
export async function compileProbe() {
  const list = probes();
  const wat = probeWat(list);
  const { default: wabtInit } = await import('wabt');
  const wabt = await wabtInit();
  const mod = wabt.parseWat('nan-probe.wat', wat);
  let bytes;
  try {
    mod.resolveNames();
    bytes = mod.toBinary({ write_debug_names: true }).buffer;
  } finally {
    mod.destroy();
  }
  const runtimeImport = pathToFileURL(path.join(repoRoot, 'dist/runtime/index.js')).href;
  const { compile } = await import(pathToFileURL(path.join(repoRoot, 'dist/compiler/index.js')).href);
  const { files } = compile(bytes, { filename: 'nan-probe.wasm', runtimeImport });
  const hash = createHash('sha1');
  for (const [name, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(name).update(text);
  const dir = path.join(repoRoot, 'test/.cache/engines/nan-probe', hash.digest('hex'));
  for (const [name, text] of files) {
    const p = path.join(dir, name);
    mkdirSync(path.dirname(p), { recursive: true });
    if (!existsSync(p)) writeFileSync(p, text);
  }
  const probesPath = path.join(dir, 'probes.json');
  writeFileSync(probesPath, JSON.stringify(list.map(({ name, type, inputs }) => ({ name, type, inputs: inputs.map(String) }))));
  return { indexPath: path.join(dir, 'index.js'), probesPath, list };
}

/** How a result differs from the expectation: exact, payload (NaN, same sign), sign (NaN, other sign), wrong. */
export function classify(type, expectedHex, gotHex) {
  if (expectedHex === gotHex) return 'exact';
  const e = BigInt(`0x${expectedHex}`);
  const g = BigInt(`0x${gotHex}`);
  const [exp, mant, sign] = type === 'f32' ? [0x7f800000n, 0x7fffffn, 0x80000000n] : [0x7ff0000000000000n, 0xfffffffffffffn, F64_SIGN];
  const isNan = (b) => (b & exp) === exp && (b & mant) !== 0n;
  if (!isNan(e) || !isNan(g)) return 'wrong';
  return (e & sign) === (g & sign) ? 'payload' : 'sign';
}

/** Run the compiled probe on `runtime`; returns { runtime, version, checks: [{ probe, input, expected, cold, hot, coldClass, hotClass }] }. */
export function runProbe(runtime, compiled) {
  const argv = runtimeCommand(runtime, path.join(here, 'nan-probe-run.mjs'), [compiled.indexPath, compiled.probesPath]);
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', cwd: repoRoot, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${runtime}: nan-probe-run exited ${r.status}\n${r.stderr}`);
  const { version, results } = JSON.parse(r.stdout.trim().split('\n').at(-1));
  const checks = [];
  for (const res of results) {
    const p = compiled.list.find((q) => q.name === res.name);
    const inputs = p.inputs.length ? p.inputs : [null];
    inputs.forEach((input, k) => {
      const expected = p.expectedHex[k];
      checks.push({
        probe: p.name,
        input: input === null ? '-' : input.toString(16),
        expected,
        cold: res.cold[k],
        hot: res.hot[k],
        coldClass: classify(p.type, expected, res.cold[k]),
        hotClass: classify(p.type, expected, res.hot[k]),
      });
    });
  }
  return { runtime, version, checks };
}

/** Counts per class: { exact, payload, sign, wrong }, for `which` = 'coldClass' or 'hotClass'. */
export function tally(checks, which) {
  const t = { exact: 0, payload: 0, sign: 0, wrong: 0 };
  for (const c of checks) t[c[which]]++;
  return t;
}

async function main() {
  const argv = process.argv.slice(2);
  const runtimes = [];
  let json = false;
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === '--runtime') runtimes.push(argv[++k]);
    else if (argv[k] === '--json') json = true;
    else {
      console.error('usage: node test/engines/nan-probe.mjs [--runtime node|bun|deno]... [--json]');
      process.exit(2);
    }
  }
  if (runtimes.length === 0) runtimes.push('node', ...['bun', 'deno'].filter((r) => findRuntime(r)));
  const compiled = await compileProbe();
  const runs = runtimes.map((rt) => runProbe(rt, compiled));
  if (json) {
    console.log(JSON.stringify(runs, null, 1));
    return;
  }
  for (const run of runs) {
    const cold = tally(run.checks, 'coldClass');
    const hot = tally(run.checks, 'hotClass');
    console.log(`${run.runtime} ${run.version}: ${run.checks.length} checks`);
    console.log(`  cold: ${cold.exact} exact, ${cold.payload} payload lost (sign kept), ${cold.sign} sign lost, ${cold.wrong} wrong`);
    console.log(`  hot:  ${hot.exact} exact, ${hot.payload} payload lost (sign kept), ${hot.sign} sign lost, ${hot.wrong} wrong`);
    const byProbe = new Map();
    for (const c of run.checks) {
      if (c.coldClass === 'exact' && c.hotClass === 'exact') continue;
      const list = byProbe.get(c.probe) ?? [];
      list.push(`${c.input}: ${c.expected} → ${c.cold}${c.hot !== c.cold ? ` (hot ${c.hot})` : ''}`);
      byProbe.set(c.probe, list);
    }
    for (const [probe, list] of byProbe) console.log(`  ${probe.padEnd(24)} ${list.join(', ')}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
