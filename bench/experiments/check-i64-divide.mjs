#!/usr/bin/env node
// bench/experiments/check-i64-divide.mjs: check a (patched) runtime's i64 div/rem pair helpers
// against BigInt on random operands of mixed magnitudes (both signs, below and above 2^32 and 2^53).
//
//   node bench/experiments/check-i64-divide.mjs <output-dir>/runtime/numeric/i64-pair.js [count]
//
// Prints the first mismatches and their number; exits 1 if there are any.

import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, countArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node check-i64-divide.mjs <.../runtime/numeric/i64-pair.js> [count]\n');
  process.exit(2);
}
const m = await import(pathToFileURL(path.resolve(file)).href);
const count = Number(countArg ?? 300000);

let s = 12345n;
const MASK = (1n << 64n) - 1n;
const next = () => (s = (s * 6364136223846793005n + 1442695040888963407n) & MASK);
/** A 64-bit pattern of one of several magnitudes. */
function pick() {
  const v = next();
  switch (Number(next() % 6n)) {
    case 0: return v;
    case 1: return v >> 32n;
    case 2: return v >> 40n;
    case 3: return v & 0xffffffffn;
    case 4: return v & 0xffffn;
    default: return -(v >> 35n);
  }
}
const split = (v) => [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))];
const join = (lo, hi) => BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));

let bad = 0;
for (let i = 0; i < count; i++) {
  const a = BigInt.asIntN(64, pick());
  const b = BigInt.asIntN(64, pick());
  if (b === 0n) continue;
  const [alo, ahi] = split(a);
  const [blo, bhi] = split(b);
  const ua = BigInt.asUintN(64, a);
  const ub = BigInt.asUintN(64, b);
  const cases = [
    ['i64_div_u', BigInt.asIntN(64, ua / ub)],
    ['i64_rem_u', BigInt.asIntN(64, ua % ub)],
    ['i64_rem_s', BigInt.asIntN(64, a % b)],
  ];
  if (!(a === -(1n << 63n) && b === -1n)) cases.push(['i64_div_s', BigInt.asIntN(64, a / b)]);
  for (const [name, want] of cases) {
    const got = join(m[name](alo, ahi, blo, bhi), m.high.bits);
    if (got !== want && bad++ < 5) console.log(`${name}(${a}, ${b}) = ${got}, want ${want}`);
  }
}
console.log(`${count} operand pairs, ${bad} mismatches`);
process.exit(bad ? 1 : 0);
