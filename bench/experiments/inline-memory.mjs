#!/usr/bin/env node
// bench/experiments/inline-memory.mjs: rewrite a w2js output so plain loads and stores are inline
// expressions instead of calls to the runtime's helpers, as the compiler could emit them. For the
// "Decisions" measurements in bench/README.md; the output is a copy, in bench/.cache/.
//
//   node bench/experiments/inline-memory.mjs <in-dir> <out-dir> --mode ta|ta-const|ta-len|bounds-only|align-only|dv|unchecked
//
//   ta         aligned and in bounds → the typed view (mem.i32, mem.f64, mem.u8); else the helper
//              (which handles unaligned accesses and traps). Keeps wasm semantics.
//   ta-const   as ta, and a constant address whose access lies within the memory's declared
//              minimum size (memory never shrinks) and is aligned needs no check: mem.f64[K / 8]
//   ta-len     as ta-const, but the bounds check compares the index with the typed view's own
//              length (a >>> 3 < (v = mem.f64).length), which V8 may reuse for its own check
//   bounds-only  as ta without the alignment check (trusts natural alignment: wrong for a
//              misaligned access): how much the alignment check costs
//   align-only as ta without the bounds check (wrong out of bounds): how much the bounds check costs
//   dv         in bounds → mem.dv.getInt32(a, true) etc.; else the helper. Keeps wasm semantics.
//   unchecked  the typed view, no alignment or bounds check (wasm2js's way): an upper bound only,
//              wrong for unaligned or out-of-bounds accesses.
//
// Every site gets its own temporaries, declared at the top of its function, and evaluates the
// address, then the value, before checking (as the helper call did). The copied runtime's Memory
// gains an f64 view (Float64Array) kept in step with the others.

import fs from 'node:fs';
import path from 'node:path';

const [inDir, outDir, , mode] = process.argv.slice(2);
if (!inDir || !outDir || !['ta', 'ta-const', 'ta-len', 'bounds-only', 'align-only', 'dv', 'unchecked'].includes(mode)) {
  process.stderr.write('usage: node inline-memory.mjs <in-dir> <out-dir> --mode ta|ta-const|ta-len|bounds-only|align-only|dv|unchecked\n');
  process.exit(2);
}
fs.rmSync(outDir, { recursive: true, force: true });
fs.cpSync(inDir, outDir, { recursive: true });

// The access helpers: size, the typed view and its shift, and the DataView method.
const ACCESS = {
  i32_load: { size: 4, view: 'i32', shift: 2, dv: 'getInt32' },
  f64_load: { size: 8, view: 'f64', shift: 3, dv: 'getFloat64' },
  i32_load8_u: { size: 1, view: 'u8', shift: 0, dv: 'getUint8' },
  i32_store: { size: 4, view: 'i32', shift: 2, dv: 'setInt32', store: true },
  f64_store: { size: 8, view: 'f64', shift: 3, dv: 'setFloat64', store: true },
  i32_store8: { size: 1, view: 'u8', shift: 0, dv: 'setUint8', store: true },
};

/** Split the argument list that starts after `(` at `open`; returns [args, index after `)`]. */
function splitArgs(text, open) {
  const args = [];
  let depth = 0;
  let start = open;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) {
        args.push(text.slice(start, i).trim());
        return [args, i + 1];
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  throw new Error('unbalanced call');
}

/** The fast-path condition for an i64 (two i32 words) access at `a`. */
function pairCheck(a) {
  if (mode === 'dv' || mode === 'bounds-only') return `${a} + 8 <= mem.length`;
  if (mode === 'align-only') return `(${a} & 3) === 0`;
  return `(${a} & 3) === 0 && ${a} + 8 <= mem.length`;
}

function rewriteFunction(body) {
  let temps = 0;
  const fresh = () => `$m${temps++}`;

  // i64 pair loads: `x = i64_load(mem, A);` then `x_hi = high.bits;` → two i32 reads.
  body = body.replace(/^(\s*)(\w+) = i64_load\(mem, (.*)\);\n\s*(\w+) = high\.bits;$/gm, (_, ind, lo, addr, hi) => {
    const a = fresh();
    const fast = pairCheck(a);
    const lo1 = mode === 'dv' ? `mem.dv.getInt32(${a}, true)` : `mem.i32[${a} >>> 2]`;
    const hi1 = mode === 'dv' ? `mem.dv.getInt32(${a} + 4, true)` : `mem.i32[(${a} >>> 2) + 1]`;
    if (mode === 'unchecked') return `${ind}${a} = ${addr};\n${ind}${lo} = ${lo1};\n${ind}${hi} = ${hi1};`;
    return `${ind}${a} = ${addr};\n${ind}if (${fast}) { ${lo} = ${lo1}; ${hi} = ${hi1}; } else { ${lo} = i64_load(mem, ${a}); ${hi} = high.bits; }`;
  });

  let out = '';
  let i = 0;
  const re = /\b(i32_load|f64_load|i32_load8_u|i32_store|f64_store|i32_store8|i64_store)\(mem, /g;
  for (;;) {
    re.lastIndex = i;
    const m = re.exec(body);
    if (!m) break;
    out += body.slice(i, m.index);
    const [args, end] = splitArgs(body, m.index + m[0].length);
    const inner = args.map(rewriteExpr);
    out += site(m[1], inner);
    i = end;
  }
  out += body.slice(i);
  return { body: out, temps };

  function rewriteExpr(expr) {
    const r = rewriteFunctionInner(expr);
    return r;
  }
  function rewriteFunctionInner(expr) {
    let o = '';
    let j = 0;
    for (;;) {
      re.lastIndex = j;
      const m = re.exec(expr);
      if (!m) break;
      o += expr.slice(j, m.index);
      const [args, end] = splitArgs(expr, m.index + m[0].length);
      o += site(m[1], args.map(rewriteFunctionInner));
      j = end;
    }
    return o + expr.slice(j);
  }

  function site(helper, args) {
    if (helper === 'i64_store') {
      const [addr, lo, hi] = args;
      const a = fresh(), l = fresh(), h = fresh();
      const fast = pairCheck(a);
      const write = mode === 'dv'
        ? `(mem.dv.setInt32(${a}, ${l}, true), mem.dv.setInt32(${a} + 4, ${h}, true))`
        : `(mem.i32[${a} >>> 2] = ${l}, mem.i32[(${a} >>> 2) + 1] = ${h})`;
      if (mode === 'unchecked') return `(${a} = ${addr}, ${l} = ${lo}, ${h} = ${hi}, ${write})`;
      return `(${a} = ${addr}, ${l} = ${lo}, ${h} = ${hi}, ${fast} ? ${write} : i64_store(mem, ${a}, ${l}, ${h}))`;
    }
    const info = ACCESS[helper];
    if ((mode === 'ta-const' || mode === 'ta-len') && /^\d+$/.test(args[0])) {
      const k = Number(args[0]);
      if (k % info.size === 0 && k + info.size <= minBytes) {
        const view = `mem.${info.view}[${k / info.size}]`;
        if (!info.store) return view;
        const v = fresh(); // the value first: evaluating it may grow memory and replace the views
        return `(${v} = ${args[1]}, ${view} = ${v})`;
      }
    }
    const a = fresh();
    if (mode === 'ta-len') {
      const view = fresh();
      const idx = info.shift ? `${a} >>> ${info.shift}` : a;
      const check = `${info.size === 1 ? '' : `(${a} & ${info.size - 1}) === 0 && `}${idx} < (${view} = mem.${info.view}).length`;
      if (!info.store) return `((${a} = ${args[0]}, ${check}) ? ${view}[${idx}] : ${helper}(mem, ${a}))`;
      const v = fresh();
      return `(${a} = ${args[0]}, ${v} = ${args[1]}, ${check} ? ${view}[${idx}] = ${v} : ${helper}(mem, ${a}, ${v}))`;
    }
    let aligned = info.size === 1 || mode === 'dv' || mode === 'bounds-only' ? '' : `(${a} & ${info.size - 1}) === 0 && `;
    let inBounds = `${a} + ${info.size} <= mem.length`;
    if (mode === 'align-only') {
      if (aligned === '') return `(${a} = ${args[0]}, ${info.store ? `mem.${info.view}[${a}] = ${args[1]}` : `mem.${info.view}[${a}]`})`;
      aligned = aligned.slice(0, -4);
      inBounds = '';
    }
    const index = info.shift ? `${a} >>> ${info.shift}` : a;
    if (!info.store) {
      const fast = mode === 'dv' && info.size > 1 ? `mem.dv.${info.dv}(${a}, true)` : `mem.${info.view}[${index}]`;
      if (mode === 'unchecked') return `(${a} = ${args[0]}, ${fast})`;
      return `((${a} = ${args[0]}, ${aligned}${inBounds}) ? ${fast} : ${helper}(mem, ${a}))`;
    }
    const v = fresh();
    const fast = mode === 'dv' && info.size > 1 ? `mem.dv.${info.dv}(${a}, ${v}, true)` : `mem.${info.view}[${index}] = ${v}`;
    if (mode === 'unchecked') return `(${a} = ${args[0]}, ${v} = ${args[1]}, ${fast})`;
    return `(${a} = ${args[0]}, ${v} = ${args[1]}, ${aligned}${inBounds} ? ${fast} : ${helper}(mem, ${a}, ${v}))`;
  }
}

// Function by function: each generated function starts at a line `function $name(...) {`.
const file = path.join(outDir, 'index.js');
const text = fs.readFileSync(file, 'utf8');
// The declared minimum size of memory 0, from the module descriptor (`memories: [{ min: N, ...`).
const minBytes = Number(/memories: \[\{\s*min: (\d+)/.exec(text)?.[1] ?? 0) * 65536;
const parts = text.split(/^(?=function \$)/m);
let sites = 0;
const rewritten = parts.map((part) => {
  if (!part.startsWith('function $')) return part;
  const { body, temps } = rewriteFunction(part);
  sites += temps;
  if (temps === 0) return body;
  const decl = `  let ${Array.from({ length: temps }, (_, k) => `$m${k} = 0`).join(', ')};\n`;
  return body.replace(/\{\n/, `{\n${decl}`);
});
let out = rewritten.join('');
if (!/\bhigh\b/.test(out.split('\n')[1] ?? '') && out.includes('high.bits')) {
  // i64_load's fallback reads high.bits: make sure `high` is imported.
  out = out.replace(/^import \{ /m, 'import { high, ');
}
fs.writeFileSync(file, out);

// The runtime copy: give Memory an f64 view wherever it (re)builds its i32 view.
const memFile = path.join(outDir, 'runtime', 'memory.js');
let mem = fs.readFileSync(memFile, 'utf8');
const before = mem;
mem = mem.replace(/^(\s*)this\.i32 = new Int32Array\(this\.raw, 0, (\w+) \/ 4\);/gm, (all, ind, n) => `${all}\n${ind}this.f64 = new Float64Array(this.raw, 0, Math.floor(${n} / 8));`);
if (mem === before) throw new Error('runtime/memory.js: no i32 view to pair an f64 view with');
fs.writeFileSync(memFile, mem);
process.stderr.write(`${path.basename(outDir)}: ${sites} temporaries\n`);
