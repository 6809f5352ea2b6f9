// A memory read that repeats one made before, with nothing between that may change it, is answered
// from the variable holding it (compiler/emit/load-reuse.ts). What must hold: the read goes only
// where nothing between could have written its bytes (a store that may overlap, a store through
// another base, a call, a grow, a branch that stores) and the value is the same, narrow stores read
// back with their sign or zero extension; every value and trap equals V8's own wasm. A random
// program of loads and stores over two bases that may overlap checks the rest.

import { describe, expect, it } from 'vitest';
import { compileText, functionText, loadWithNative, wat } from '../helpers/wasm.js';

const MODULE = wat(`(module
  (memory (export "mem") 1 2)
  (func $poke (param $p i32) (i32.store offset=8 (local.get $p) (i32.const 99)))
  (func $reread (export "reread") (param $p i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load offset=8 (local.get $p)))
    (i32.store offset=16 (local.get $p) (i32.const 7))
    (i32.store8 offset=12 (local.get $p) (i32.const 5))
    (i32.add (local.get $a) (i32.load offset=8 (local.get $p))))
  (func $overlap (export "overlap") (param $p i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load offset=8 (local.get $p)))
    (i32.store8 offset=10 (local.get $p) (i32.const 0x5a))
    (i32.add (local.get $a) (i32.load offset=8 (local.get $p))))
  (func $otherBase (export "otherBase") (param $p i32) (param $q i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load offset=8 (local.get $p)))
    (i32.store (local.get $q) (i32.const 0x12345678))
    (i32.add (local.get $a) (i32.load offset=8 (local.get $p))))
  (func $callBetween (export "callBetween") (param $p i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load offset=8 (local.get $p)))
    (call $poke (local.get $p))
    (i32.add (local.get $a) (i32.load offset=8 (local.get $p))))
  (func $growBetween (export "growBetween") (param $p i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load (local.get $p)))
    (drop (memory.grow (i32.const 0)))
    (i32.add (local.get $a) (i32.load (local.get $p))))
  (func $forward8 (export "forward8") (param $p i32) (param $v i32) (result i32)
    (i32.store8 offset=3 (local.get $p) (local.get $v))
    (i32.xor (i32.load8_s offset=3 (local.get $p)) (i32.shl (i32.load8_u offset=3 (local.get $p)) (i32.const 8))))
  (func $forward16 (export "forward16") (param $p i32) (param $v i32) (result i32)
    (i32.store16 offset=6 (local.get $p) (local.get $v))
    (i32.xor (i32.load16_s offset=6 (local.get $p)) (i32.shl (i32.load16_u offset=6 (local.get $p)) (i32.const 16))))
  (func $forward32 (export "forward32") (param $p i32) (param $v i32) (result i32)
    (i32.store offset=4 (local.get $p) (local.get $v))
    (i32.load offset=4 (local.get $p)))
  (func $pair (export "pair") (param $p i32) (result i64)
    (local $a i64)
    (local.set $a (i64.load (local.get $p)))
    (i64.store offset=8 (local.get $p) (i64.const -1))
    (i64.add (local.get $a) (i64.load (local.get $p))))
  (func $branchStores (export "branchStores") (param $p i32) (param $c i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load offset=8 (local.get $p)))
    (if (local.get $c) (then (i32.store offset=8 (local.get $p) (local.get $c))))
    (i32.add (local.get $a) (i32.load offset=8 (local.get $p))))
  (func $branchElsewhere (export "branchElsewhere") (param $p i32) (param $c i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load offset=8 (local.get $p)))
    (if (local.get $c) (then (i32.store offset=16 (local.get $p) (local.get $c))))
    (i32.add (local.get $a) (i32.load offset=8 (local.get $p))))
  (func $wrappedStore (export "wrappedStore") (param $p i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load offset=8 (local.get $p)))
    (i32.store16 offset=2 (i32.add (local.get $p) (i32.const 8)) (i32.const 0x7777))
    (i32.add (local.get $a) (i32.load offset=8 (local.get $p))))
  (func $wrappedElsewhere (export "wrappedElsewhere") (param $p i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load offset=8 (local.get $p)))
    (i32.store (i32.add (local.get $p) (i32.const -4)) (i32.const 0x7777))
    (i32.store offset=4 (i32.add (local.get $p) (i32.const 8)) (i32.const 0x7777))
    (i32.add (local.get $a) (i32.load offset=8 (local.get $p))))
  (func $copyHolds (export "copyHolds") (param $p i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (i32.load offset=8 (local.get $p)))
    (local.set $b (local.get $a))
    (local.set $a (i32.const 5))
    (i32.add (i32.add (local.get $a) (local.get $b)) (i32.load offset=8 (local.get $p))))
  (func $copyLost (export "copyLost") (param $p i32) (param $c i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (i32.load offset=8 (local.get $p)))
    (local.set $b (local.get $a))
    (if (local.get $c) (then (local.set $b (i32.const 9))))
    (local.set $a (i32.const 5))
    (i32.add (i32.add (local.get $a) (local.get $b)) (i32.load offset=8 (local.get $p))))
  (func $atomicBetween (export "atomicBetween") (param $p i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load offset=8 (local.get $p)))
    (drop (i32.atomic.rmw.add offset=8 (local.get $p) (i32.const 5)))
    (i32.atomic.store8 offset=9 (local.get $p) (i32.const 3))
    (i32.add (local.get $a) (i32.load offset=8 (local.get $p))))
  (func $baseChanges (export "baseChanges") (param $p i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load offset=8 (local.get $p)))
    (local.set $p (i32.add (local.get $p) (i32.const 4)))
    (i32.add (local.get $a) (i32.load offset=8 (local.get $p))))
  (func $inLoop (export "inLoop") (param $p i32) (param $n i32) (result i32)
    (local $s i32) (local $a i32)
    (loop $top
      (local.set $a (i32.load offset=8 (local.get $p)))
      (local.set $s (i32.add (local.get $s) (local.get $a)))
      (i32.store offset=8 (local.get $p) (i32.add (i32.load offset=8 (local.get $p)) (i32.const 3)))
      (br_if $top (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`);

/** The call's value, or the error's class. */
function outcome(f: () => number | bigint): string {
  try {
    return String(f());
  } catch (e) {
    return (e as Error).constructor.name; // V8 and w2js word the same trap differently
  }
}

const count = (text: string, re: RegExp): number => text.match(re)?.length ?? 0;
const READ = /dv\.get\w+\(/g;

function fill(mem: WebAssembly.Memory): void {
  const bytes = new Uint8Array(mem.buffer);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 73 + 19) & 0xff;
}

describe('repeated memory reads', () => {
  it('are answered from a variable only where nothing between may change them', async () => {
    const { code } = await loadWithNative(MODULE);
    const text = (name: string) => functionText(code, `$${name}`);
    expect(count(text('reread'), /getInt32/g)).toBe(1);
    expect(count(text('overlap'), /getInt32/g)).toBe(2);
    expect(count(text('otherBase'), /getInt32/g)).toBe(2);
    expect(count(text('callBetween'), /getInt32/g)).toBe(2);
    expect(count(text('growBetween'), /getInt32/g)).toBe(2);
    expect(count(text('forward8'), /dv\.get/g)).toBe(0);
    expect(count(text('forward16'), /dv\.get/g)).toBe(0);
    expect(count(text('forward32'), /dv\.get/g)).toBe(0);
    expect(count(text('pair'), /getInt32/g)).toBe(2);
    expect(count(text('branchStores'), /getInt32/g)).toBe(2);
    expect(count(text('branchElsewhere'), /getInt32/g)).toBe(1);
    expect(count(text('baseChanges'), /getInt32/g)).toBe(2);
    expect(count(text('wrappedStore'), /getInt32/g)).toBe(2);
    expect(count(text('copyHolds'), /getInt32/g)).toBe(1);
    expect(count(text('atomicBetween'), /getInt32/g)).toBe(2);
    expect(count(text('copyLost'), /getInt32/g)).toBe(2);
    expect(count(text('wrappedElsewhere'), /getInt32/g)).toBe(1);
    expect(count(text('inLoop'), /getInt32/g)).toBe(1);
  });

  it('read what wasm reads, and trap where it traps', async () => {
    const { exports, native } = await loadWithNative(MODULE);
    fill(exports.mem);
    fill(native.mem);
    const addresses = [0, 1, 4, 1000, 65512, 65516, 65520, 65524, 65527, 65528, 65530, 65532, 65535, -4, -8, -12, -16];
    const values = [0, 1, 127, 128, 200, 255, 256, 0x7fff, 0x8000, 0xffff, 0x12345, -1, -129, 0x7fffffff, -0x80000000];
    let traps = 0;
    for (const p of addresses) {
      const calls: [string, () => number | bigint, () => number | bigint][] = [
        ['reread', () => exports.reread(p), () => native.reread(p)],
        ['overlap', () => exports.overlap(p), () => native.overlap(p)],
        ['otherBase', () => exports.otherBase(p, p + 8), () => native.otherBase(p, p + 8)],
        ['otherBase far', () => exports.otherBase(p, 512), () => native.otherBase(p, 512)],
        ['callBetween', () => exports.callBetween(p), () => native.callBetween(p)],
        ['growBetween', () => exports.growBetween(p), () => native.growBetween(p)],
        ['pair', () => exports.pair(p), () => native.pair(p)],
        ['branchStores', () => exports.branchStores(p, 3), () => native.branchStores(p, 3)],
        ['branchStores 0', () => exports.branchStores(p, 0), () => native.branchStores(p, 0)],
        ['branchElsewhere', () => exports.branchElsewhere(p, 5), () => native.branchElsewhere(p, 5)],
        ['atomicBetween', () => exports.atomicBetween(p & ~3), () => native.atomicBetween(p & ~3)],
        ['copyHolds', () => exports.copyHolds(p), () => native.copyHolds(p)],
        ['copyLost', () => exports.copyLost(p, 1), () => native.copyLost(p, 1)],
        ['copyLost 0', () => exports.copyLost(p, 0), () => native.copyLost(p, 0)],
        ['wrappedStore', () => exports.wrappedStore(p), () => native.wrappedStore(p)],
        ['wrappedElsewhere', () => exports.wrappedElsewhere(p), () => native.wrappedElsewhere(p)],
        ['baseChanges', () => exports.baseChanges(p), () => native.baseChanges(p)],
        ['inLoop', () => exports.inLoop(p, 4), () => native.inLoop(p, 4)],
      ];
      for (const v of values) {
        calls.push([`forward8 ${v}`, () => exports.forward8(p, v), () => native.forward8(p, v)]);
        calls.push([`forward16 ${v}`, () => exports.forward16(p, v), () => native.forward16(p, v)]);
        calls.push([`forward32 ${v}`, () => exports.forward32(p, v), () => native.forward32(p, v)]);
      }
      for (const [name, ours, theirs] of calls) {
        const want = outcome(theirs);
        expect(outcome(ours), `${name}(${p})`).toBe(want);
        if (want === 'RuntimeError') traps++;
      }
    }
    expect(traps).toBeGreaterThan(30); // the end of memory was reached
  });
});

/** A seeded random program: loads and stores of every width over two bases, branches, calls. */
function randomProgram(seed: number): string {
  let s = seed >>> 0;
  const rand = (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 8) % n;
  };
  const offset = () => [0, 1, 2, 4, 8, 8, 16, 16][rand(8)]!;
  // A base, sometimes summed in wasm (`(p + k | 0) >>> 0`, which wraps) rather than by the offset.
  const at = () => {
    const b = rand(3) === 0 ? '$q' : '$p';
    return rand(4) === 0 ? `(i32.add (local.get ${b}) (i32.const ${[4, 8, 16, -4][rand(4)]}))` : `(local.get ${b})`;
  };
  const LOADS = ['i32.load', 'i32.load8_u', 'i32.load8_s', 'i32.load16_u', 'i32.load16_s'];
  const STORES = ['i32.store', 'i32.store8', 'i32.store16'];
  const local = () => ['$a', '$b', '$c', '$h'][rand(4)]!;
  const step = (depth: number): string => {
    const k = rand(depth > 1 ? 12 : 15);
    if (k < 6) {
      const to = local();
      return `(local.set ${to} (${LOADS[rand(LOADS.length)]} offset=${offset()} ${at()})) (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (local.get ${to})))`;
    }
    if (k < 9) return `(${STORES[rand(STORES.length)]} offset=${offset()} ${at()} (local.get ${local()}))`;
    if (k === 9) {
      const b = at();
      const o = offset();
      return `(local.set $w (i64.load offset=${o} ${b})) (i64.store offset=${offset()} ${at()} (i64.add (local.get $w) (i64.load offset=${o} ${b}))) (local.set $h (i32.xor (local.get $h) (i32.wrap_i64 (local.get $w))))`;
    }
    if (k === 10) return `(call $poke ${at()} (local.get $h))`;
    if (k === 11) return `(local.set $q (i32.add (local.get $q) (i32.const ${[1, 4, -4][rand(3)]})))`;
    return `(if (i32.and (local.get $h) (i32.const ${1 << rand(4)})) (then ${step(depth + 1)} ${step(depth + 1)}) (else ${step(depth + 1)}))`;
  };
  const body = Array.from({ length: 60 }, () => step(0)).join('\n    ');
  const text = `(module
  (memory (export "mem") 1)
  (func $poke (param $a i32) (param $v i32) (i32.store16 offset=2 (local.get $a) (local.get $v)))
  (func $run (export "run") (param $p i32) (param $q i32) (result i32)
    (local $h i32) (local $a i32) (local $b i32) (local $c i32) (local $w i64)
    ${body}
    (local.get $h)))`;
  return text;
}

describe('random loads and stores over two bases', () => {
  // Whole, and flat in a dispatch loop cut into parts (each segment starts knowing nothing).
  const layouts = [['whole', {}], ['cut into parts', { flatAbove: 1, flatSpan: 8, cutStatements: 6, splitAboveTokens: -1, partNodes: 60 }]] as const;
  for (const [how, layout] of layouts) {
    it(`compute what V8's wasm computes, overlapping or not, up to the end of memory (${how})`, async () => {
      let reused = 0;
      for (let seed = 1; seed <= 40; seed++) {
        const bytes = wat(randomProgram(seed * 7919));
        const { exports, native, code } = await loadWithNative(bytes, { layout });
        reused += count(compileText(bytes, { layout: { ...layout, loadReuse: false } }), READ) - count(code, READ);
        for (const [p, q] of [[64, 64], [64, 66], [64, 72], [64, 60], [64, 4000], [65520, 65512], [65530, 64], [100, 65535], [-8, 64], [-4, -16], [64, -12]] as const) {
          fill(exports.mem);
          fill(native.mem);
          const where = `seed ${seed * 7919} run(${p}, ${q})`;
          expect(outcome(() => exports.run(p, q)), where).toBe(outcome(() => native.run(p, q)));
          expect(Buffer.compare(new Uint8Array(exports.mem.buffer), new Uint8Array(native.mem.buffer)), `${where}: memory after`).toBe(0);
        }
      }
      expect(reused).toBeGreaterThan(40); // the programs did repeat reads the pass answered
    });
  }
});
