// Bulk loops (compiler/emit/bulk-loop.ts): loops that copy or fill memory an element at a time
// run as one copyWithin or fill when that leaves the same memory and locals. Every case runs on
// V8's WebAssembly and on w2js, with the fast path and without (no loop guards: the loops as
// they are), and must agree on results, traps and memory: overlapping copies both ways, counts
// that walk off the end of memory or below address 0, a count of 0 (2^32 iterations), fill
// values past a byte, unaligned words, loops that end at an address (Rust's memset and memcpy).

import { describe, expect, it } from 'vitest';
import { functionText, load, wat, type Loaded } from '../helpers/wasm.js';

const MODULE = `(module (memory (export "mem") 1)
 ;; clang's unrolled copy: four 8-byte pairs a 32-byte iteration, the count falling by 32, tested n >u 3.
 (func (export "unrolled") (param $d i32) (param $s i32) (param $n i32) (result i32)
   (loop $l
    (i64.store (local.get $d) (i64.load (local.get $s)))
    (i64.store offset=8 (local.get $d) (i64.load offset=8 (local.get $s)))
    (i64.store offset=16 (local.get $d) (i64.load offset=16 (local.get $s)))
    (i64.store offset=24 (local.get $d) (i64.load offset=24 (local.get $s)))
    (local.set $s (i32.add (local.get $s) (i32.const 32)))
    (local.set $d (i32.add (local.get $d) (i32.const 32)))
    (br_if $l (i32.gt_u (local.tee $n (i32.add (local.get $n) (i32.const -32))) (i32.const 3))))
   (i32.add (i32.add (local.get $d) (i32.mul (local.get $s) (i32.const 31))) (i32.mul (local.get $n) (i32.const 7))))
 ;; And counting down (memmove's tail first): words at d-4, d-8, d-12, then d -= 16 and d itself.
 (func (export "unrolled_down") (param $d i32) (param $s i32) (param $n i32) (result i32)
   (loop $l
    (i32.store (i32.add (local.get $d) (i32.const -4)) (i32.load (i32.add (local.get $s) (i32.const -4))))
    (i32.store (i32.add (local.get $d) (i32.const -8)) (i32.load (i32.add (local.get $s) (i32.const -8))))
    (i32.store (i32.add (local.get $d) (i32.const -12)) (i32.load (i32.add (local.get $s) (i32.const -12))))
    (local.set $d (i32.add (local.get $d) (i32.const -16)))
    (local.set $s (i32.add (local.get $s) (i32.const -16)))
    (i32.store (local.get $d) (i32.load (local.get $s)))
    (br_if $l (i32.gt_u (local.tee $n (i32.add (local.get $n) (i32.const -16))) (i32.const 3))))
   (i32.add (i32.add (local.get $d) (i32.mul (local.get $s) (i32.const 31))) (i32.mul (local.get $n) (i32.const 7))))
 ;; Not one: the pairs are not consecutive (a gap of 8 bytes).
 (func (export "gappy") (param $d i32) (param $s i32) (param $n i32)
   (loop $l
    (i64.store (local.get $d) (i64.load (local.get $s)))
    (i64.store offset=16 (local.get $d) (i64.load offset=16 (local.get $s)))
    (local.set $s (i32.add (local.get $s) (i32.const 16)))
    (local.set $d (i32.add (local.get $d) (i32.const 16)))
    (br_if $l (i32.gt_u (local.tee $n (i32.add (local.get $n) (i32.const -16))) (i32.const 3)))))
 ;; Not one: the value changes per iteration (d itself).
 (func (export "notfill") (param $d i32) (param $n i32)
   (loop $l
    (i32.store8 (local.get $d) (local.get $d))
    (local.set $d (i32.add (local.get $d) (i32.const 1)))
    (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
 (func (export "memcpy") (param $d i32) (param $s i32) (param $n i32) (result i32) (local $p i32)
  (if (local.get $n) (then
   (local.set $p (local.get $d))
   (loop $l
    (i32.store8 (local.get $p) (i32.load8_u (local.get $s)))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (local.set $s (i32.add (local.get $s) (i32.const 1)))
    (br_if $l (local.tee $n (i32.add (local.get $n) (i32.const -1)))))))
  (i32.add (i32.add (local.get $p) (i32.mul (local.get $s) (i32.const 31))) (i32.mul (local.get $n) (i32.const 7))))
 (func (export "memmove_down") (param $d i32) (param $s i32) (param $n i32) (result i32) (local $p i32)
  (if (local.get $n) (then
   (local.set $p (i32.add (local.get $d) (local.get $n)))
   (local.set $s (i32.add (local.get $s) (local.get $n)))
   (loop $l
    (local.set $p (i32.sub (local.get $p) (i32.const 1)))
    (local.set $s (i32.sub (local.get $s) (i32.const 1)))
    (i32.store8 (local.get $p) (i32.load8_u (local.get $s)))
    (br_if $l (local.tee $n (i32.add (local.get $n) (i32.const -1)))))))
  (i32.add (i32.add (local.get $p) (i32.mul (local.get $s) (i32.const 31))) (i32.mul (local.get $n) (i32.const 7))))
 (func (export "memset") (param $d i32) (param $v i32) (param $n i32) (result i32) (local $p i32)
  (if (local.get $n) (then
   (local.set $p (local.get $d))
   (loop $l
    (i32.store8 (local.get $p) (local.get $v))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (br_if $l (local.tee $n (i32.add (local.get $n) (i32.const -1)))))))
  (i32.add (local.get $p) (i32.mul (local.get $n) (i32.const 7))))
 (func (export "copy64") (param $d i32) (param $s i32) (param $n i32) (result i32)
   (loop $l
    (i64.store offset=8 (local.get $d) (i64.load offset=16 (local.get $s)))
    (local.set $d (i32.add (local.get $d) (i32.const 8)))
    (local.set $s (i32.add (local.get $s) (i32.const 8)))
    (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
   (i32.add (local.get $d) (i32.mul (local.get $s) (i32.const 31))))
 ;; Rust's memset (compiler-builtins): a broadcast word stored until the address reaches the end.
 (func (export "rust_memset") (param $d i32) (param $v i32) (param $n i32) (result i32) (local $end i32) (local $w i32)
   (local.set $end (i32.add (local.get $d) (local.get $n)))
   (local.set $w (i32.mul (i32.and (local.get $v) (i32.const 255)) (i32.const 0x01010101)))
   (loop $l
    (i32.store (local.get $d) (local.get $w))
    (local.set $d (i32.add (local.get $d) (i32.const 4)))
    (br_if $l (i32.lt_u (local.get $d) (local.get $end))))
   (i32.add (local.get $d) (i32.mul (local.get $end) (i32.const 7))))
 ;; A word that is not a repeated byte, the end compared the other way round (end >u d).
 (func (export "fill_word") (param $d i32) (param $v i32) (param $n i32) (result i32) (local $end i32)
   (local.set $end (i32.add (local.get $d) (local.get $n)))
   (loop $l
    (i32.store offset=4 (local.get $d) (local.get $v))
    (local.set $d (i32.add (local.get $d) (i32.const 4)))
    (br_if $l (i32.gt_u (local.get $end) (local.get $d))))
   (local.get $d))
 ;; Rust's memcpy word loop: until the destination reaches the end.
 (func (export "rust_memcpy") (param $d i32) (param $s i32) (param $n i32) (result i32) (local $end i32)
   (local.set $end (i32.add (local.get $d) (local.get $n)))
   (loop $l
    (i32.store (local.get $d) (i32.load (local.get $s)))
    (local.set $s (i32.add (local.get $s) (i32.const 4)))
    (local.set $d (i32.add (local.get $d) (i32.const 4)))
    (br_if $l (i32.lt_u (local.get $d) (local.get $end))))
   (i32.add (local.get $d) (i32.mul (local.get $s) (i32.const 31))))
 (func (export "zero32") (param $d i32) (param $n i32) (result i32)
   (loop $l
    (i32.store offset=4 (local.get $d) (i32.const 0))
    (local.set $d (i32.add (local.get $d) (i32.const 4)))
    (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
   (local.get $d))
)
`;

type Outcome = { value?: unknown; trap?: string; memory: number[] };

/** Fill memory with a pattern, call, and report the result (or trap) and every word of memory. */
function call(exports: Record<string, unknown>, name: string, args: number[]): Outcome {
  const mem = exports.mem as WebAssembly.Memory;
  const u8 = new Uint8Array(mem.buffer);
  for (let i = 0; i < u8.length; i++) u8[i] = (i * 7 + 3) & 0xff;
  let out: Outcome;
  try {
    out = { value: (exports[name] as (...a: number[]) => unknown)(...args), memory: [] };
  } catch (e) {
    out = { trap: e instanceof Error ? e.constructor.name : String(e), memory: [] };
  }
  out.memory = [...new Int32Array(mem.buffer)];
  return out;
}

const PAGE = 65536;
const CASES: [string, number[]][] = [
  ['memcpy', [1000, 2000, 300]], ['memcpy', [2000, 1000, 300]], ['memcpy', [1100, 1000, 300]], ['memcpy', [1000, 1100, 300]],
  ['memcpy', [1000, 1000, 50]], ['memcpy', [PAGE - 10, 0, 10]], ['memcpy', [PAGE - 10, 0, 11]], ['memcpy', [0, PAGE - 5, 9]],
  ['memcpy', [7, 3, 0]], ['memcpy', [-3, 0, 8]],
  ['memmove_down', [1000, 2000, 300]], ['memmove_down', [1100, 1000, 300]], ['memmove_down', [1000, 1100, 300]], ['memmove_down', [1000, 1299, 300]],
  ['memmove_down', [0, 100, 1]], ['memmove_down', [PAGE - 10, 0, 10]], ['memmove_down', [PAGE - 10, 0, 11]], ['memmove_down', [5, 100, 0]],
  ['memset', [100, 0x1ff, 1000]], ['memset', [100, -1, 1]], ['memset', [PAGE - 100, 7, 100]], ['memset', [PAGE - 100, 7, 101]], ['memset', [0, 9, 0]],
  ['copy64', [1000, 3000, 40]], ['copy64', [1001, 3003, 40]], ['copy64', [1000, 996, 40]], ['copy64', [1000, 1004, 40]], ['copy64', [PAGE - 8 * 11, 0, 10]], ['copy64', [PAGE - 8 * 11, 0, 11]],
  ['zero32', [400, 100]], ['zero32', [401, 100]], ['zero32', [PAGE - 404, 100]], ['zero32', [PAGE - 404, 101]],
  ['notfill', [100, 300]],
  // n mod 32 in 0..3 ends the unrolled loop; otherwise the count wraps and the loop runs off the end.
  ['unrolled', [1000, 3000, 32 * 10 + 2]], ['unrolled', [1000, 3000, 32]], ['unrolled', [1000, 3000, 35]], ['unrolled', [1000, 3000, 32 * 10 + 5]],
  ['unrolled', [1000, 3000, 7]], ['unrolled', [1000, 1016, 32 * 8]], ['unrolled', [1016, 1000, 32 * 8]], ['unrolled', [1003, 2001, 96]],
  ['unrolled', [PAGE - 32 * 3, 0, 32 * 3]], ['unrolled', [PAGE - 32 * 3, 0, 32 * 4 + 1]], ['unrolled', [0, PAGE - 64, 128]],
  ['unrolled_down', [2000, 3000, 16 * 10 + 3]], ['unrolled_down', [2000, 1990, 16 * 10]], ['unrolled_down', [1990, 2000, 16 * 10]],
  ['unrolled_down', [2000, 3000, 16 * 10 + 4]], ['unrolled_down', [160, 3000, 16 * 10]], ['unrolled_down', [100, 3000, 16 * 10]],
  ['unrolled_down', [PAGE, 4096, 64]], ['unrolled_down', [PAGE + 16, 4096, 64]], ['unrolled_down', [2000, 3000, 15]],
  ['gappy', [1000, 3000, 64]],
  // 32 bytes or fewer, aligned: the runtime's loop over words instead of copyWithin and fill, both ways.
  ['memcpy', [1000, 2000, 16]], ['memcpy', [1000, 1004, 32]], ['memcpy', [1004, 1000, 32]], ['memcpy', [1001, 2000, 16]], ['memcpy', [1000, 2000, 12]],
  ['memmove_down', [1004, 1000, 32]], ['memmove_down', [1000, 1004, 32]], ['memmove_down', [1000, 2000, 8]],
  ['memset', [100, 0x1ab, 16]], ['memset', [101, 0x1ab, 16]], ['memset', [PAGE - 32, -2, 32]], ['zero32', [400, 8]], ['zero32', [PAGE - 32, 8]],
  ['copy64', [1000, 1008, 4]], ['copy64', [1008, 1000, 4]], ['copy64', [1000, 1024, 2]],
  // Loops that end at an address: lengths not a multiple of 4, shorter than one word, 0 (one
  // iteration all the same), unaligned, running off the end of memory, an end below the start
  // (one iteration), a word that is not a repeated byte, overlapping copies both ways.
  ['rust_memset', [100, 0x1ab, 4000]], ['rust_memset', [100, -1, 6]], ['rust_memset', [100, 5, 1]], ['rust_memset', [100, 5, 0]],
  ['rust_memset', [101, 0x7f, 400]], ['rust_memset', [PAGE - 400, 3, 400]], ['rust_memset', [PAGE - 400, 3, 404]], ['rust_memset', [PAGE - 400, 3, -500]],
  ['rust_memset', [200, 9, 16]],
  ['fill_word', [100, 0x12345678, 4000]], ['fill_word', [101, 0x12345678, 400]], ['fill_word', [100, 0x01010101, 8]], ['fill_word', [PAGE - 404, -3, 400]],
  ['fill_word', [PAGE - 404, -3, 401]], ['fill_word', [100, 0x12345678, 2]],
  ['rust_memcpy', [1000, 3000, 400]], ['rust_memcpy', [1000, 1004, 400]], ['rust_memcpy', [1004, 1000, 400]], ['rust_memcpy', [1001, 3002, 401]],
  ['rust_memcpy', [PAGE - 400, 0, 400]], ['rust_memcpy', [PAGE - 400, 0, 404]], ['rust_memcpy', [0, PAGE - 8, 64]], ['rust_memcpy', [1000, 3000, 0]],
];

describe('bulk loops', () => {
  it('run the recognised loops as one copy or fill, and leave other loops alone', async () => {
    const { code } = await load(wat(MODULE));
    for (const name of ['memcpy', 'memmove_down', 'copy64', 'unrolled', 'unrolled_down']) expect(functionText(code, `$${name}`), name).toContain('bulk_loop_copy(mem, ');
    for (const name of ['memset', 'zero32', 'rust_memset', 'fill_word']) expect(functionText(code, `$${name}`), name).toContain('bulk_loop_fill(mem, ');
    expect(functionText(code, '$rust_memcpy')).toContain('bulk_loop_copy(mem, ');
    expect(functionText(code, '$rust_memset')).toMatch(/\((\w+) = bulk_loop_until\(d_0, end_3, 4\)\) !== 0 && bulk_loop_fill\(mem, d_0 >>> 0, 0, w_4, \1, 4, 4\)/);
    for (const name of ['notfill', 'gappy']) expect(functionText(code, `$${name}`), name).not.toContain('bulk_loop');
    expect(functionText(code, '$unrolled')).toMatch(/\((\w+) = bulk_loop_count\(n_2, 32, 3\)\) !== 0 && bulk_loop_copy\(mem, .*, Math\.imul\(\1, 4\), 8\)/);
  });

  it('agree with native WebAssembly on results, traps, memory and locals, with and without the fast path', async () => {
    const bytes = wat(MODULE);
    for (const [name, args] of CASES) {
      const native = (await WebAssembly.instantiate(bytes)).instance.exports as Record<string, unknown>;
      const bulk = ((await load(bytes)) as Loaded).exports as Record<string, unknown>;
      const plain = ((await load(bytes, {}, { layout: { loopGuards: false } })) as Loaded).exports as Record<string, unknown>;
      const expected = call(native, name, args);
      expect(call(bulk, name, args), `${name}(${args})`).toEqual(expected);
      expect(call(plain, name, args), `${name}(${args}), as loops`).toEqual(expected);
    }
  });
});
