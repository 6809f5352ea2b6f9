#!/usr/bin/env node
// bench/experiments/i64-divide.mjs: variants of the runtime's i64 (lo, hi) pair helpers, patched
// into a copy of a w2js output, for the "Decisions" measurements in bench/README.md.
//
//   node bench/experiments/i64-divide.mjs <in-dir> <out-dir> --variant scratch|u32|both
//
//   scratch  i64_join/i64_split (the BigInt fallback's conversions) through the 8-byte scratch
//            buffer (one BigInt64Array element) instead of shifts, BigInt() and asIntN
//   u32      div/rem by a divisor that fits in 32 bits (|b| < 2^32) without BigInt: the dividend
//            in 32 + 16 + 16-bit steps, each an exact double division (every value below 2^53)
//   both     both of the above

import fs from 'node:fs';
import path from 'node:path';

const [inDir, outDir, , variant] = process.argv.slice(2);
if (!inDir || !outDir || !['scratch', 'u32', 'both'].includes(variant)) {
  process.stderr.write('usage: node i64-divide.mjs <in-dir> <out-dir> --variant scratch|u32|both\n');
  process.exit(2);
}
fs.rmSync(outDir, { recursive: true, force: true });
fs.cpSync(inDir, outDir, { recursive: true });
const file = path.join(outDir, 'runtime', 'numeric', 'i64-pair.js');
let src = fs.readFileSync(file, 'utf8');

/** Replace the function declaration `export function <name>(` … its closing brace. */
function replaceFunction(name, text) {
  const start = src.indexOf(`export function ${name}(`);
  if (start < 0) throw new Error(`no ${name}`);
  let depth = 0;
  for (let i = src.indexOf('{', start); i < src.length; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}' && --depth === 0) {
      src = src.slice(0, start) + text + src.slice(i + 1);
      return;
    }
  }
  throw new Error(`unbalanced ${name}`);
}

if (variant === 'scratch' || variant === 'both') {
  src = src.replace("import { HI, LO, scratchF64, scratchI32 } from './bits.js';", "import { HI, LO, scratchF64, scratchI32, scratchI64 } from './bits.js';");
  replaceFunction('i64_join', `export function i64_join(lo, hi) {
    scratchI32[LO] = lo;
    scratchI32[HI] = hi;
    return scratchI64[0];
}`);
  replaceFunction('i64_split', `export function i64_split(value) {
    scratchI64[0] = value; // ToBigInt64: wraps mod 2^64, as asIntN(64) would
    high.bits = scratchI32[HI];
    return scratchI32[LO];
}`);
}

if (variant === 'u32' || variant === 'both') {
  src += `
// Unsigned (alo, ahi) divided by b, 0 < b < 2^32, in three exact double steps: results in qLo, qHi, rem.
let qLo = 0, qHi = 0, rem = 0;
function divU32(alo, ahi, b) {
    const h = ahi >>> 0;
    const q2 = Math.floor(h / b);
    let r = h - q2 * b;
    let t = r * 65536 + (alo >>> 16);
    const q1 = Math.floor(t / b);
    r = t - q1 * b;
    t = r * 65536 + (alo & 0xffff);
    const q0 = Math.floor(t / b);
    rem = t - q0 * b;
    qHi = q2 | 0;
    qLo = (q1 * 65536 + q0) | 0;
}
`;
  const signed = (name, body) => replaceFunction(name, body);
  signed('i64_div_u', `export function i64_div_u(alo, ahi, blo, bhi) {
    if ((blo | bhi) === 0) trap(TRAP_DIV_ZERO);
    if (ahi >>> 0 < 0x200000 && bhi >>> 0 < 0x200000) return fromDouble(Math.floor(toDouble(alo, ahi) / toDouble(blo, bhi)));
    if (bhi === 0) { divU32(alo, ahi, blo >>> 0); high.bits = qHi; return qLo; }
    return i64_split(BigInt.asUintN(64, i64_join(alo, ahi)) / BigInt.asUintN(64, i64_join(blo, bhi)));
}`);
  signed('i64_rem_u', `export function i64_rem_u(alo, ahi, blo, bhi) {
    if ((blo | bhi) === 0) trap(TRAP_DIV_ZERO);
    if (ahi >>> 0 < 0x200000 && bhi >>> 0 < 0x200000) return fromDouble(toDouble(alo, ahi) % toDouble(blo, bhi));
    if (bhi === 0) { divU32(alo, ahi, blo >>> 0); high.bits = 0; return rem | 0; }
    return i64_split(BigInt.asUintN(64, i64_join(alo, ahi)) % BigInt.asUintN(64, i64_join(blo, bhi)));
}`);
  // Signed: |b| < 2^32 means bhi is 0 (b > 0) or -1 with blo != 0 (b < 0). Work on magnitudes.
  signed('i64_div_s', `export function i64_div_s(alo, ahi, blo, bhi) {
    if ((blo | bhi) === 0) trap(TRAP_DIV_ZERO);
    if (fitsDouble(alo, ahi) && fitsDouble(blo, bhi)) return fromDouble(Math.trunc(toDouble(alo, ahi) / toDouble(blo, bhi)) + 0);
    if (ahi === -0x80000000 && alo === 0 && blo === -1 && bhi === -1) trap(TRAP_INT_OVERFLOW);
    if (bhi === 0 || (bhi === -1 && blo !== 0)) {
        const b = bhi === 0 ? blo >>> 0 : -blo >>> 0;
        const neg = ahi < 0;
        if (neg) divU32(-alo | 0, (~ahi + (alo === 0 ? 1 : 0)) | 0, b); else divU32(alo, ahi, b);
        if (neg !== (bhi < 0)) { high.bits = (~qHi + (qLo === 0 ? 1 : 0)) | 0; return -qLo | 0; }
        high.bits = qHi;
        return qLo;
    }
    return i64_split(BigInt.asIntN(64, i64_join(alo, ahi) / i64_join(blo, bhi)));
}`);
  signed('i64_rem_s', `export function i64_rem_s(alo, ahi, blo, bhi) {
    if ((blo | bhi) === 0) trap(TRAP_DIV_ZERO);
    if (fitsDouble(alo, ahi) && fitsDouble(blo, bhi)) return fromDouble((toDouble(alo, ahi) % toDouble(blo, bhi)) + 0);
    if (bhi === 0 || (bhi === -1 && blo !== 0)) {
        const b = bhi === 0 ? blo >>> 0 : -blo >>> 0;
        const neg = ahi < 0;
        if (neg) divU32(-alo | 0, (~ahi + (alo === 0 ? 1 : 0)) | 0, b); else divU32(alo, ahi, b);
        if (neg && rem !== 0) { high.bits = -1; return -rem | 0; }
        high.bits = 0;
        return rem | 0;
    }
    return i64_split(i64_join(alo, ahi) % i64_join(blo, bhi));
}`);
}
fs.writeFileSync(file, src);
