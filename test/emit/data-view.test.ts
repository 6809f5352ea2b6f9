// A non-shared memory's loads and stores go through its DataView alone (compiler/emit/memory.ts):
// the DataView's RangeError is the trap, made the spec's RuntimeError where wasm code meets the
// host (runtime/funcref.ts asWasmTrap). What must hold: the error is wasm's and says where; a
// trapping i64 store writes nothing; a host's own RangeError passes through untouched; a load
// whose address grows the memory reads the grown memory; a thread's view of a shared memory
// another thread grew is brought up to date where the thread can learn of the grow.

import { describe, expect, it } from 'vitest';
import { load, RUNTIME_URL, wat } from '../helpers/wasm.js';

const { Memory } = (await import(RUNTIME_URL)) as { Memory: new (d: object) => { grow(n: number): number; buffer: ArrayBuffer | SharedArrayBuffer; length: number } };

const MODULE = wat(`(module
  (import "env" "fail" (func $fail))
  (memory (export "mem") 1 2)
  (func $read_word (export "read") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
  (func (export "readF64") (param i32) (result f64) (f64.load (local.get 0)))
  (func (export "store64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "callFail") (result i32) (call $fail) (i32.const 1))
  ;; The address operand grows the memory, then reads past the old end.
  (func (export "growThenRead") (result i32)
    (i32.store (i32.const 65536) (i32.const 9)) ;; traps: one page
    (i32.const 0))
  (func (export "readAfterGrow") (result i32)
    (i32.load (i32.add (i32.mul (memory.grow (i32.const 1)) (i32.const 65536)) (i32.const 8)))))`);

describe('accesses through the DataView', () => {
  it('trap as wasm does: a RuntimeError naming the function, its frames kept', async () => {
    const { exports } = await load(MODULE, { env: { fail: () => undefined } });
    expect(exports.read(65532 - 4)).toBe(0);
    let error: unknown;
    try {
      exports.read(65533 - 4);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WebAssembly.RuntimeError);
    expect((error as Error).message).toMatch(/^out of bounds memory access in read_word\b/);
    expect((error as Error).stack).toMatch(/^RuntimeError: out of bounds memory access/);
    expect((error as Error).stack).toContain('$read_word');
    // An address past 2^32 (base + offset) traps too, and so do f64 and byte accesses.
    expect(() => exports.read(-1)).toThrow(WebAssembly.RuntimeError);
    expect(() => exports.readF64(65529)).toThrow(/^out of bounds memory access/);
    expect(() => exports.store8(65536, 1)).toThrow(WebAssembly.RuntimeError);
  });

  it('a trapping i64 store writes no byte', async () => {
    const { exports } = await load(MODULE, { env: { fail: () => undefined } });
    const bytes = new Uint8Array(exports.mem.buffer);
    bytes.fill(0xaa, 65528);
    expect(() => exports.store64(65532, -1n)).toThrow(WebAssembly.RuntimeError);
    expect([...bytes.subarray(65528)]).toEqual(new Array(8).fill(0xaa));
    exports.store64(65528, 0x0102030405060708n);
    expect([...bytes.subarray(65528)]).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it("a host function's own RangeError passes through as itself", async () => {
    const mine = new RangeError('Offset is outside the bounds of the DataView, says the host');
    const { exports } = await load(MODULE, { env: { fail: () => { throw mine; } } });
    let error: unknown;
    try {
      exports.callFail();
    } catch (e) {
      error = e;
    }
    expect(error).toBe(mine);
  });

  // A function that calls reads `mem.dv` once into `dv`, and again after each call (memory.ts
  // viewMode 'reload'): a grow in the callee detaches the old buffer, so a missed reload is a
  // TypeError. Cut into parts too, where each part reads it at entry and the main function after them.
  const GROWS = wat(`(module
    (import "env" "grow" (func $grow (result i32)))
    (memory (export "mem") 1 40)
    (func (export "rounds") (param $n i32) (param $base i32) (result i32)
      (local $acc i32) (local $page i32)
      (loop $round
        ;; One statement too large to be copied (emit/segment-inline.ts): the loop's head stays in
        ;; the main function when the function is cut into parts, and runs after the part that grew.
        (i32.store (local.get $base) (i32.add (i32.add (i32.add (i32.load (local.get $base)) (i32.load offset=4 (local.get $base)))
          (i32.add (i32.load offset=8 (local.get $base)) (i32.load offset=12 (local.get $base))))
          (i32.add (i32.add (i32.load offset=16 (local.get $base)) (i32.load offset=20 (local.get $base))) (local.get $n))))
        (local.set $page (call $grow))
        (i32.store offset=4 (i32.mul (local.get $page) (i32.const 65536)) (local.get $n))
        (local.set $acc (i32.add (local.get $acc) (i32.load offset=4 (i32.mul (local.get $page) (i32.const 65536)))))
        (local.set $acc (i32.add (local.get $acc) (i32.load (local.get $base))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $round (local.get $n)))
      (i32.add (local.get $acc) (i32.load (local.get $base)))))`);

  for (const [name, layout] of [['whole', {}], ['cut into parts', { flatAbove: 1, flatSpan: 1, cutStatements: 1, splitAboveTokens: -1, partNodes: 40 }]] as const) {
    it(`reads the DataView again after each call that grew the memory (${name})`, async () => {
      const holder: { mem?: WebAssembly.Memory } = {};
      const grow = () => holder.mem!.grow(1);
      const ours = await load(GROWS, { env: { grow } }, { layout });
      holder.mem = ours.exports.mem as WebAssembly.Memory;
      if (name !== 'whole') expect(ours.code).toContain('function $rounds$$p2(');
      expect(ours.code).toMatch(/grow\(\);\n\s*dv = mem\.dv;/);
      const got = ours.exports.rounds(30, 8);
      const native = (await WebAssembly.instantiate(GROWS, { env: { grow } })).instance.exports as Record<string, any>;
      holder.mem = native.mem;
      expect(got).toBe(native.rounds(30, 8));
      expect((ours.exports.mem as WebAssembly.Memory).buffer.byteLength).toBe(31 * 65536);
    });
  }

  // A constant i64 store is one setFloat64 of the double with its bits (i64.ts constantAsDouble):
  // the bytes must be the constant's, whatever the double (subnormal, -0, infinite); a NaN keeps
  // the two word stores. Each store runs cold and then hot (TurboFan), against native.
  it('stores an i64 constant with its exact bytes, and a trapping one writes nothing', async () => {
    let seed = 0x2545f491;
    const rand32 = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), seed >>> 0);
    const constants = [0n, 1n, -1n, 0x15448000n, 0x8000000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n,
      0x7ff0000000000001n, 0xfff8000000000001n, 0x000fffffffffffffn, 0x0010000000000000n, 0x3ff0000000000000n, 0x800fffffffffffffn];
    for (let i = 0; i < 100; i++) constants.push((BigInt(rand32()) << 32n) | BigInt(rand32()));
    const funcs = constants.map((c, i) => `(func (export "c${i}") (param i32) (i64.store offset=8 (local.get 0) (i64.const ${BigInt.asIntN(64, c)})))`);
    const bytes = wat(`(module (memory (export "mem") 1) ${funcs.join(' ')})`);
    const { exports, code } = await load(bytes);
    expect(code).toContain('dv.setFloat64((p0 >>> 0) + 8, 1.762879346e-315, true);');
    const native = (await WebAssembly.instantiate(bytes)).instance.exports as Record<string, any>;
    constants.forEach((c, i) => {
      for (const [calls, at] of [[1, 0], [3000, 64]]) {
        for (let k = 0; k < calls; k++) {
          exports[`c${i}`](at);
          native[`c${i}`](at);
        }
        const got = new DataView(exports.mem.buffer).getBigUint64(at + 8, true);
        const want = new DataView(native.mem.buffer).getBigUint64(at + 8, true);
        expect([i, got]).toEqual([i, want]);
        expect(want).toBe(BigInt.asUintN(64, c));
      }
    });
    new Uint8Array(exports.mem.buffer).fill(0xaa, 65528);
    expect(() => exports.c3(65532 - 8)).toThrow(WebAssembly.RuntimeError);
    expect([...new Uint8Array(exports.mem.buffer).subarray(65528)]).toEqual(new Array(8).fill(0xaa));
  });

  // f32.load and f32.store go through getFloat32/setFloat32 but for a NaN, which the hardware
  // would quieten (memory.ts emitF32ViaDataView): every bit pattern must come back as it went
  // in, copied by f32.load + f32.store and added to, cold and hot (TurboFan), against native.
  it('carries every f32 bit pattern through f32.load and f32.store, and traps writing nothing', async () => {
    const bytes = wat(`(module (memory (export "mem") 1)
      (func (export "copy") (param i32 i32) (f32.store offset=4 (local.get 1) (f32.load offset=8 (local.get 0))))
      (func (export "sum") (param i32) (result f32) (f32.add (f32.load (local.get 0)) (f32.load (i32.add (local.get 0) (i32.const 4))))))`);
    const { exports, code } = await load(bytes);
    expect(code).toMatch(/dv\.getFloat32\(a\d+, true\)\) === v\d+ \? v\d+ : f32_load\(mem, a\d+\)/);
    expect(code).toMatch(/v\d+ === v\d+ \? dv\.setFloat32\(a\d+, v\d+, true\) : f32_store\(mem, a\d+, v\d+\)/);
    const native = (await WebAssembly.instantiate(bytes)).instance.exports as Record<string, any>;
    let seed = 0x1f123bb5;
    const rand32 = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), seed >>> 0);
    const patterns = [0, 0x80000000, 1, 0x807fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fa00000, 0x7fffffff, 0x3f800000, 0x00800000];
    for (let i = 0; i < 200; i++) patterns.push(i % 4 === 0 ? (rand32() | 0x7f800000) >>> 0 : rand32());
    const words = (exps: Record<string, any>) => new Uint32Array(exps.mem.buffer);
    for (const [round, calls] of [[0, 1], [1, 2000]]) {
      patterns.forEach((bits, i) => {
        for (const exps of [exports, native]) {
          words(exps)[(8 + 16 * round) / 4] = bits;
          for (let k = 0; k < calls; k++) exps.copy(16 * round, 256 + 16 * round);
        }
        expect([i, words(exports)[(260 + 16 * round) / 4]]).toEqual([i, bits]);
        expect(words(native)[(260 + 16 * round) / 4]).toBe(bits);
      });
    }
    // Arithmetic on what was loaded: the same value as native's (NaNs compared as NaN).
    patterns.forEach((bits, i) => {
      const other = patterns[(i * 7 + 3) % patterns.length]!;
      for (const exps of [exports, native]) words(exps).set([bits, other], 512 / 4);
      for (let k = 0; k < 50; k++) exports.sum(512);
      expect(exports.sum(512)).toBe(native.sum(512));
    });
    new Uint8Array(exports.mem.buffer).fill(0xaa, 65528);
    expect(() => exports.copy(0, 65533 - 4)).toThrow(WebAssembly.RuntimeError);
    expect(() => exports.copy(65534 - 8, 0)).toThrow(/^out of bounds memory access/);
    expect([...new Uint8Array(exports.mem.buffer).subarray(65528)]).toEqual(new Array(8).fill(0xaa));
  });

  it('reads the grown memory when the address operand grew it', async () => {
    const { exports } = await load(MODULE, { env: { fail: () => undefined } });
    expect(() => exports.growThenRead()).toThrow(WebAssembly.RuntimeError);
    expect(exports.readAfterGrow()).toBe(0);
    expect(exports.mem.buffer.byteLength).toBe(2 * 65536);
  });
});

describe('a shared memory grown by another thread', () => {
  const PAGE = 65536;
  const SHARED = wat(`(module
    (import "env" "memory" (memory 1 4 shared))
    (import "env" "growElsewhere" (func $growElsewhere))
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
    ;; Learns of the grow from a host function (as from a JS-side wait), then reads the new page.
    (func (export "afterImport") (result i32)
      (call $growElsewhere)
      (i32.load (i32.const ${PAGE + 8})))
    ;; Learns of the grow through memory.size, then reads the new page.
    (func (export "afterSize") (result i32)
      (call $growElsewhere)
      (drop (memory.size))
      (i32.load (i32.const ${PAGE + 8})))
    ;; Learns of the grow through an atomic (as a lock would), then reads the new page.
    (func (export "afterAtomic") (result i32)
      (call $growElsewhere)
      (drop (i32.atomic.load (i32.const 0)))
      (i32.load (i32.const ${PAGE + 8}))))`);

  /** This thread's Memory, and "another thread's" over the same buffer (what a worker holds). */
  function twoViews(): { mine: InstanceType<typeof Memory>; other: InstanceType<typeof Memory> } {
    const mine = new Memory({ initial: 1, maximum: 4, shared: true });
    const other = new Memory({ buffer: mine.buffer as SharedArrayBuffer, maximum: 4 });
    return { mine, other };
  }

  it('is seen on entry from JS', async () => {
    const { mine, other } = twoViews();
    const { exports } = await load(SHARED, { env: { memory: mine, growElsewhere: () => undefined } });
    expect(other.grow(1)).toBe(1);
    new Int32Array(other.buffer as SharedArrayBuffer)[(PAGE + 8) / 4] = 42;
    expect(mine.length).toBe(PAGE); // this thread's views still end at the old size
    expect(exports.load(PAGE + 8)).toBe(42);
  });

  it('is seen after a host function returns', async () => {
    const { mine, other } = twoViews();
    const growElsewhere = () => {
      other.grow(1);
      new Int32Array(other.buffer as SharedArrayBuffer)[(PAGE + 8) / 4] = 5;
    };
    const { exports } = await load(SHARED, { env: { memory: mine, growElsewhere } });
    expect(exports.afterImport()).toBe(5);
  });

  /**
   * This module over one view; "another thread's" instance over the other grows the memory from
   * wasm (an import that is wasm: no host call to refresh after) and stores `value` on the new page.
   */
  async function grownByWasm(value: number) {
    const { mine, other } = twoViews();
    const grower = await load(wat(`(module (import "env" "memory" (memory 1 4 shared))
      (func (export "grow") (drop (memory.grow (i32.const 1))) (i32.store (i32.const ${PAGE + 8}) (i32.const ${value}))))`), { env: { memory: other } });
    const { exports } = await load(SHARED, { env: { memory: mine, growElsewhere: grower.exports.grow } });
    return { exports, mine };
  }

  it('is seen after an atomic operation', async () => {
    const { exports, mine } = await grownByWasm(7);
    expect(exports.afterAtomic()).toBe(7);
    expect(mine.length).toBe(2 * PAGE);
  });

  it('is seen after memory.size', async () => {
    const { exports } = await grownByWasm(11);
    expect(exports.afterSize()).toBe(11);
  });
});
