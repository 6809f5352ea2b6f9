// The runtime side of the NaN probe (nan-probe.mjs): runs on node, bun or deno. Imports the probe
// module that nan-probe.mjs compiled with w2js, calls every probe export on every input, cold
// (the first call of each export) and hot (after 20 000 calls each, so the engine's optimizing
// tiers have compiled them), and prints one JSON object: { runtime, version, results }.
//
//   <runtime> test/engines/nan-probe-run.mjs <compiled index.js> <probes.json>

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { currentRuntime } from './runtimes.mjs';

const [indexPath, probesPath] = process.argv.slice(2);
const probes = JSON.parse(readFileSync(probesPath, 'utf8'));
const { instantiate } = await import(pathToFileURL(indexPath).href);
const { instance } = await instantiate({});
const ex = instance.exports;

/** Inputs travel as bit patterns: i32 numbers for f32, BigInts for f64 (never as floats, so the JS boundary is not what is probed). */
const arg = (p, v) => (p.type === 'f64' ? BigInt(v) : Number(v) | 0);
const out = (p, r) => (p.type === 'f64' ? BigInt.asUintN(64, r).toString(16) : (r >>> 0).toString(16));

const results = [];
for (const p of probes) {
  const fn = ex[p.name];
  const inputs = p.inputs.length ? p.inputs : [null];
  const call = (v) => out(p, v === null ? fn() : fn(arg(p, v)));
  const cold = inputs.map(call);
  for (let i = 0; i < 20_000; i++) call(inputs[i % inputs.length]);
  const hot = inputs.map(call);
  results.push({ name: p.name, cold, hot });
}

const runtime = currentRuntime();
const version = runtime === 'bun' ? globalThis.Bun.version : runtime === 'deno' ? globalThis.Deno.version.deno : process.version;
console.log(JSON.stringify({ runtime, version, results }));
