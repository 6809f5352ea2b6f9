// One-liners: wat in, the expected JS function out. They pin down the shape of the output
// (readability) as much as its meaning; the spec suite pins down the meaning.

import { describe, expect, it } from 'vitest';
import type { CompileOptions } from '../../compiler/index.js';
import { compileText, functionText, load, loadWithNative, wat } from '../helpers/wasm.js';

const CHECKED: CompileOptions = { layout: { dataView: false } };

function emitted(body: string, sig = '(param i32 i32) (result i32)', extra = '', memory = '(memory 1)', options: CompileOptions = {}): string {
  const code = compileText(wat(`(module ${memory} ${extra} (func $f ${sig} ${body}))`), options);
  return functionText(code, '$f');
}

describe('emit', () => {
  it('nests single-use values into one expression', () => {
    expect(emitted('(i32.add (i32.mul (local.get 0) (local.get 1)) (i32.const 1))')).toBe(
      'function $f(inst, p0, p1) {\n  return Math.imul(p0, p1) + 1 | 0;\n}');
  });

  it('turns comparisons used as conditions into plain tests', () => {
    expect(emitted('(if (result i32) (i32.lt_u (local.get 0) (local.get 1)) (then (local.get 0)) (else (local.get 1)))')).toBe(
      'function $f(inst, p0, p1) {\n  let r0 = 0;\n  if (p0 >>> 0 < p1 >>> 0) {\n    r0 = p0;\n  } else {\n    r0 = p1;\n  }\n  return r0;\n}');
  });

  it('keeps a loop a loop, with labels only where branched to', () => {
    const text = emitted('(local $i i32) (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_s (local.get $i) (local.get 0)))) (local.get $i)');
    expect(text).toContain('L0: for (;;) {');
    expect(text).toContain('if (i_2 < p0) {\n      continue L0;\n    }');
    expect(text).toContain('break;');
  });

  it('spills a call into a temporary before a store that could change what it sees', () => {
    const text = emitted('(i32.add (call $g) (block (result i32) (i32.store (i32.const 0) (i32.const 5)) (i32.const 1)))', '(result i32)',
      '(func $g (result i32) (i32.load (i32.const 0)))');
    expect(text).toMatch(/t\d+ = \$g\(inst\);\n\s+dv = mem\.dv;\n\s+mem\.i32\[0\] = 5;/);
  });

  it('evaluates select operands before choosing', () => {
    const text = emitted('(select (call $g) (i32.const 2) (local.get 0))', '(param i32) (result i32)', '(func $g (result i32) (i32.const 1))');
    expect(text).toMatch(/t(\d+) = \$g\(inst\);\n\s+return 2 \^ \(t\1 \^ 2\) & \(p0 \| -p0\) >> 31;/);
  });

  it('accesses a non-shared memory through its DataView, at an exact effective address', () => {
    // A function that neither calls nor grows reads the DataView once (memory.ts hoistDataView).
    expect(emitted('(i32.load offset=8 (local.get 0))', '(param i32) (result i32)')).toBe(
      'function $f(inst, p0) {\n  const mem = inst.$memory0, dv = mem.dv;\n  return dv.getInt32((p0 >>> 0) + 8, true);\n}');
    // An i64 is two words, the high one read (or written) first: it is the one that can trap.
    expect(emitted('(i64.load (local.get 0))', '(param i32) (result i64)')).toMatch(
      /(\w+) = p0 >>> 0, (\w+)_hi = dv\.getInt32\(\1 \+ 4, true\), \2 = dv\.getInt32\(\1, true\)/);
    expect(emitted('(i64.store (local.get 0) (local.get 1))', '(param i32 i64)')).toMatch(
      /(\w+) = p0 >>> 0, dv\.setInt32\(\1 \+ 4, p1_hi, true\), dv\.setInt32\(\1, p1, true\)/);
    // A constant one is a single store of the double with its bits (a NaN's would not be kept: two words).
    expect(emitted('(i64.store (local.get 0) (i64.const 0x3ff0000000000000))', '(param i32)')).toContain('dv.setFloat64(p0 >>> 0, 1, true);');
    expect(emitted('(i64.store (local.get 0) (i64.const 0x7ff8000000000001))', '(param i32)')).toMatch(
      /(\w+) = p0 >>> 0, dv\.setInt32\(\1 \+ 4, 2146959360, true\), dv\.setInt32\(\1, 1, true\)/);
    // Narrow ones take their own method; bytes take no endianness flag.
    expect(emitted('(i64.load8_s (local.get 0))', '(param i32) (result i64)')).toContain('dv.getInt8(p0 >>> 0)');
    expect(emitted('(i32.store16 (local.get 0) (local.get 1))', '(param i32 i32)')).toContain('dv.setInt16(p0 >>> 0, p1, true);');
    expect(emitted('(f64.load (local.get 0))', '(param i32) (result f64)')).toContain('return dv.getFloat64(p0 >>> 0, true);');
    // A function that may change the DataView (a grow; a call, which may grow; a bulk operation or
    // an atomic, which may refresh a shared memory's views) reads it again after each such
    // instruction, whose result is evaluated first (JS reads `dv` before a call's arguments).
    expect(emitted('(i32.load (memory.grow (i32.const 0)))', '(result i32)')).toMatch(
      /let dv = mem\.dv;[^]*(\w+) = memory_grow\(mem, 0\);\n\s+dv = mem\.dv;\n\s+return dv\.getInt32\(\1 >>> 0, true\);/);
    for (const [body, extra, memory, changer] of [
      ['(drop (call $g)) (i32.load (local.get 0))', '(func $g (result i32) (i32.const 1))', undefined, /\w+ = \$g\(inst\);/],
      ['(memory.fill (local.get 0) (i32.const 0) (i32.const 4)) (i32.load (local.get 0))', '', undefined, /memory_fill\([^;]*;/],
      ['(drop (i32.atomic.load (local.get 0))) (i32.load (local.get 0))', '', '(memory 2 4 shared)', /\w+ = i32_atomic_load\([^;]*;/],
      ['(drop (memory.size)) (i32.load (local.get 0))', '', '(memory 2 4 shared)', /\w+ = memory_size\(mem\);/],
    ] as const) {
      const text = emitted(body, '(param i32) (result i32)', extra, memory);
      expect(text).toMatch(new RegExp(`${changer.source}\\n\\s+dv = mem\\.dv;\\n\\s+return dv\\.getInt32\\(p0 >>> 0, true\\);`));
      expect(text).not.toContain('mem.dv.get');
    }
    // A constant, aligned address inside the declared minimum needs no check.
    expect(emitted('(i32.load (i32.const 64))', '(result i32)')).toContain('return mem.i32[16];');
    expect(emitted('(f64.load (i32.const 64))', '(result f64)')).toContain('return mem.f64[8];');
    // A shared memory too (the runtime refreshes a thread's views where it may learn of a grow).
    expect(emitted('(i32.load (local.get 0))', '(param i32) (result i32)', '', '(memory 2 4 shared)')).toContain('return dv.getInt32(p0 >>> 0, true);');
  });

  it('in the checked form (layout.dataView: false), accesses memory inline through typed views, falling back to the helper', () => {
    const shared = '(memory 1 2 shared)';
    expect(emitted('(i32.load offset=8 (local.get 0))', '(param i32) (result i32)', '', shared, CHECKED)).toBe(
      'function $f(inst, p0) {\n  const mem = inst.$memory0;\n  let a0 = 0;\n'
      + '  return a0 = (p0 >>> 0) + 8, (a0 & 3) === 0 && a0 + 4 <= mem.length ? mem.i32[a0 >>> 2] : i32_load(mem, a0);\n}');
    // An i64 is two aligned i32 slots read into its halves on the fast path, the pair helper otherwise.
    expect(emitted('(i64.load (local.get 0))', '(param i32) (result i64)', '', shared, CHECKED)).toMatch(
      /\((\w+) & 3\) === 0 && \1 \+ 8 <= mem\.length \? \((\w+)_hi = mem\.i32\[\(\1 >>> 2\) \+ 1\], \2 = mem\.i32\[\1 >>> 2\]\) : \(\2 = i64_load\(mem, \1\), \2_hi = high\.bits\)/);
    // Narrow accesses too: a 16-bit one through the u16 view, a byte of an i64 through u8 (high half 0).
    expect(emitted('(i32.load16_u offset=2 (local.get 0))', '(param i32) (result i32)', '', shared, CHECKED)).toContain(
      'return a0 = (p0 >>> 0) + 2, (a0 & 1) === 0 && a0 + 2 <= mem.length ? mem.u16[a0 >>> 1] : i32_load16_u(mem, a0);');
    expect(emitted('(i64.load8_s (local.get 0))', '(param i32) (result i64)', '', shared, CHECKED)).toMatch(/(\w+) < mem\.length \? mem\.i8\[\1\] : i32_load8_s\(mem, \1\)/);
    expect(emitted('(i64.store32 (local.get 0) (i64.const 5))', '(param i32)', '', shared, CHECKED)).toMatch(/\((\w+) & 3\) === 0 && \1 \+ 4 <= mem\.length \? mem\.i32\[\1 >>> 2\] = 5 : i32_store\(mem, \1, 5\)/);
  });

  it('switches on br_table, grouping cases by target', () => {
    const text = emitted('(block $a (block $b (br_table $b $a $b $a (local.get 0)))) (i32.const 1)', '(param i32) (result i32)');
    expect(text).toContain('switch (p0) {');
    expect(text).toMatch(/case 0:\n\s+case 2:\n\s+break L1;\n\s+default:\n\s+break L0;/);
  });

  it('lowers i64 to i32 halves, returning the high one in high.bits', () => {
    expect(emitted('(i64.add (local.get 0) (i64.const -1))', '(param i64) (result i64)')).toBe(
      'function $f(inst, p0, p0_hi) {\n  high.bits = p0_hi + -1 + +(p0 >>> 0 > 0) | 0;\n  return p0 + -1 | 0;\n}');
    expect(emitted('(i64.shl (local.get 0) (i64.const 40))', '(param i64) (result i64)')).toBe(
      'function $f(inst, p0, p0_hi) {\n  high.bits = p0 << 8;\n  return 0;\n}');
  });
});

describe('br_table whose targets are all one label (issue 9: the index was dropped)', () => {
  const module = (index: string) => wat(`(module
    (import "env" "note" (func $note (param i32) (result i32)))
    (func (export "f") (param i32) (result i32)
      (block $out (result i32)
        (i32.const 7)
        ${index}
        (br_table $out $out $out))))`);

  it('still calls an import inside the index', async () => {
    const calls: number[] = [];
    const { exports } = await load(module('(call $note (local.get 0))'), { env: { note: (x: number) => (calls.push(x), x) } });
    expect((exports.f as (x: number) => number)(5)).toBe(7);
    expect(calls).toEqual([5]);
  });

  it('still traps on a division by zero inside the index', async () => {
    const { exports } = await load(module('(i32.div_u (i32.const 1) (local.get 0))'), { env: { note: (x: number) => x } });
    const f = exports.f as (x: number) => number;
    expect(f(1)).toBe(7);
    expect(() => f(0)).toThrow(/integer divide by zero/);
  });
});

describe('functions too large for V8 to optimize (emit/split.ts)', () => {
  // n loads summed: about 58 printed tokens and 120 characters each.
  const sums = (n: number) => {
    const body = Array.from({ length: n }, (_, i) => `(local.set 1 (i32.add (local.get 1) (i32.load offset=${40000 + (i % 1000) * 4} (local.get 0))))`).join('\n');
    return wat(`(module (memory (export "mem") 1) (func $f (export "f") (param i32) (result i32) (local i32) ${body} (local.get 1)))`);
  };

  it('splits on printed tokens, not characters: 900 loads stay whole, 3 000 are cut into parts', async () => {
    for (const [n, split] of [[900, false], [3000, true]] as const) {
      const bytes = sums(n);
      const code = compileText(bytes);
      // 900 loads print past 40 000 characters (the old threshold) but under 26 000 tokens.
      if (n === 900) expect(code.length).toBeGreaterThan(40_000);
      expect(code.includes('function $f$$p1('), `${n} loads`).toBe(split);
      const { exports } = await load(bytes);
      const words = new Int32Array((exports.mem as WebAssembly.Memory).buffer);
      for (let k = 0; k < 1000; k++) words[10_002 + k] = k + 1;
      let expected = 0;
      for (let i = 0; i < n; i++) expected = (expected + (i % 1000) + 1) | 0;
      expect((exports.f as (p: number) => number)(8)).toBe(expected);
    }
  });
});

describe('i64 unsigned comparisons against a high half of 0', () => {
  it('agree with native on edge values (a constant or a zero-extended i32 on either side)', async () => {
    const bytes = wat(`(module
      (func (export "ltc") (param i64) (result i32) (i64.lt_u (local.get 0) (i64.const 20)))
      (func (export "lec") (param i64) (result i32) (i64.le_u (local.get 0) (i64.const 4294967295)))
      (func (export "gtc") (param i64) (result i32) (i64.gt_u (local.get 0) (i64.const 7)))
      (func (export "gec") (param i64) (result i32) (i64.ge_u (local.get 0) (i64.const 0)))
      (func (export "clt") (param i64) (result i32) (i64.lt_u (i64.const 20) (local.get 0)))
      (func (export "cge") (param i64) (result i32) (i64.ge_u (i64.const 4294967295) (local.get 0)))
      (func (export "ext") (param i64) (result i32) (i64.le_u (i64.extend_i32_u (i32.wrap_i64 (local.get 0))) (i64.const 0x80000000)))
      (func (export "eqz") (param i64) (result i32) (i32.eqz (i64.gt_u (local.get 0) (i64.const 7)))))`);
    const native = (await WebAssembly.instantiate(bytes)).instance.exports as Record<string, (x: bigint) => number>;
    const ours = (await load(bytes)).exports as Record<string, (x: bigint) => number>;
    const values = [0n, 1n, 6n, 7n, 8n, 19n, 20n, 21n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x100000013n,
      0xffffffff00000000n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn].map((v) => BigInt.asIntN(64, v));
    for (const name of ['ltc', 'lec', 'gtc', 'gec', 'clt', 'cge', 'ext', 'eqz']) {
      for (const v of values) expect(ours[name]!(v), `${name}(${v})`).toBe(native[name]!(v));
    }
  });
});

describe('i32 rotations by a constant, inline', () => {
  it('agree with native for every count class and edge value, whatever the operand', async () => {
    const counts = [0, 1, 13, 31, 32, 33, -1, -31];
    const funcs = counts.flatMap((k, i) => [
      `(func (export "l${i}") (param i32) (result i32) (i32.rotl (local.get 0) (i32.const ${k})))`,
      `(func (export "r${i}") (param i32) (result i32) (i32.rotr (local.get 0) (i32.const ${k})))`,
      // An operand that is an expression with an effect, so it must be evaluated once, into a temporary.
      `(func (export "c${i}") (param i32) (result i32) (i32.rotl (call $twice (local.get 0)) (i32.const ${k})))`,
    ]);
    const bytes = wat(`(module (global $calls (export "calls") (mut i32) (i32.const 0))
      (func $twice (param i32) (result i32) (global.set $calls (i32.add (global.get $calls) (i32.const 1))) (i32.add (local.get 0) (local.get 0)))
      ${funcs.join('\n')})`);
    const { exports, native, code } = await loadWithNative(bytes);
    expect(code).not.toContain('i32_rotl(');
    expect(code).not.toContain('i32_rotr(');
    for (const x of [0, 1, -1, 0x80000000 | 0, 0x7fffffff, 0x12345678, -0x6789abcd]) {
      for (let i = 0; i < counts.length; i++) {
        for (const f of [`l${i}`, `r${i}`, `c${i}`]) expect(exports[f](x), `${f}(${x})`).toBe(native[f](x));
      }
    }
    expect(exports.calls.value).toBe(native.calls.value);
  });
});
