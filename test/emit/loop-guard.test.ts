// Loop guards (compiler/emit/loop-guard.ts): a loop's accesses run unchecked when one guard per
// iteration proves them in bounds. They apply where accesses take the checked typed-view form (a
// shared memory, or `dataView: false`); a non-shared memory's go through its DataView, whose own
// check is the trap. Every case here runs on V8's WebAssembly and on w2js in both forms, with the
// guards and without, and must agree on results, traps and memory: loops that walk off the end
// mid-way, unaligned bases, negative offsets, sums of two locals that wrap past 2^32, offsets near
// 4 GiB, memory growing inside the loop, and bases written in a branch.

import { describe, expect, it } from 'vitest';
import { functionText, load, wat, type Loaded } from '../helpers/wasm.js';

const MODULE = `(module
  (memory (export "mem") 1 4)
  ;; Sum of words at p, p+4, stores the running sum back at p+8; n iterations, p += 12.
  (func (export "words") (param $p i32) (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p)))))
      (i32.store offset=8 (local.get $p) (local.get $acc))
      (local.set $p (i32.add (local.get $p) (i32.const 12)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  ;; f64 with a negative constant: d[p-8] += d[p] * 0.5, p += 8.
  (func (export "doubles") (param $p i32) (param $n i32) (result f64) (local $s f64)
    (loop $l
      (f64.store (i32.sub (local.get $p) (i32.const 8))
        (f64.add (f64.load (i32.add (local.get $p) (i32.const -8))) (f64.mul (f64.load (local.get $p)) (f64.const 0.5))))
      (local.set $s (f64.add (local.get $s) (f64.load (i32.sub (local.get $p) (i32.const 8)))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  ;; Bytes at a + i and a + i + 1: the sum of two locals, which may wrap past 2^32.
  (func (export "bytes") (param $a i32) (param $i i32) (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31))
        (i32.add (i32.load8_u (i32.add (local.get $a) (local.get $i))) (i32.load8_u offset=1 (i32.add (local.get $a) (local.get $i))))))
      (i32.store8 (i32.add (local.get $a) (local.get $i)) (local.get $acc))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  ;; i64 copy of n words from s to d (the shape of clang's memcpy loop).
  (func (export "copy64") (param $d i32) (param $s i32) (param $n i32)
    (loop $l
      (i64.store (local.get $d) (i64.add (i64.load (local.get $s)) (i64.const 1)))
      (i64.store offset=8 (local.get $d) (i64.load offset=8 (local.get $s)))
      (local.set $d (i32.add (local.get $d) (i32.const 16)))
      (local.set $s (i32.add (local.get $s) (i32.const 16)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  ;; Narrow accesses, the shapes of Go's code: bytes, halves and words of i64s, and 16-bit i32s
  ;; (an odd p makes the 16-bit ones unaligned: the checked path).
  (func (export "narrow") (param $p i32) (param $n i32) (result i64) (local $acc i64)
    (loop $l
      (local.set $acc (i64.add (local.get $acc) (i64.load8_u offset=1 (local.get $p))))
      (local.set $acc (i64.add (local.get $acc) (i64.load16_s offset=2 (local.get $p))))
      (local.set $acc (i64.xor (local.get $acc) (i64.load32_u offset=4 (local.get $p))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.load16_u (local.get $p)))))
      (local.set $acc (i64.sub (local.get $acc) (i64.load8_s (local.get $p))))
      (i64.store16 offset=6 (local.get $p) (local.get $acc))
      (i64.store32 offset=8 (local.get $p) (i64.shr_u (local.get $acc) (i64.const 7)))
      (i32.store16 offset=12 (local.get $p) (i32.wrap_i64 (local.get $acc)))
      (local.set $acc (i64.add (local.get $acc) (i64.load32_s offset=8 (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 14)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  ;; An offset near 4 GiB: every access is out of bounds however small the base.
  (func (export "far") (param $p i32) (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.load offset=0xfffffff0 (local.get $p))))
      (local.set $acc (i32.add (local.get $acc) (i32.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  ;; Memory grows inside the loop (a call), and the loop goes on into the new pages.
  (func $grow (result i32) (memory.grow (i32.const 1)))
  (func (export "growing") (param $p i32) (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (if (i32.eq (local.get $n) (i32.const 3)) (then (drop (call $grow))))
      (i32.store (local.get $p) (local.get $n))
      (local.set $acc (i32.add (local.get $acc) (i32.load offset=4 (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  ;; The base written in a branch: unknown to the guard from there on.
  (func (export "branchy") (param $p i32) (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.load (local.get $p))))
      (if (i32.and (local.get $n) (i32.const 1)) (then (local.set $p (i32.add (local.get $p) (i32.const 65528)))))
      (local.set $acc (i32.add (local.get $acc) (i32.load offset=4 (local.get $p))))
      (i32.store (local.get $p) (local.get $acc))
      (local.set $p (i32.sub (local.get $p) (i32.const 65524)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  ;; A branch out of the loop to an outer block: in the dispatch form (layout below) that block is
  ;; a segment, and the branch a jump to it from inside both copies of the body.
  (func (export "exits") (param $p i32) (param $n i32) (result i32) (local $acc i32)
    (block $out
      (block $mid
        (loop $l
          (local.set $acc (i32.add (local.get $acc) (i32.load (local.get $p))))
          (local.set $acc (i32.add (local.get $acc) (i32.load offset=4 (local.get $p))))
          (br_if $out (i32.gt_u (local.get $acc) (i32.const 0x70000000)))
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.set $acc (i32.const -1)))
      (local.set $acc (i32.add (local.get $acc) (i32.const 1))))
    (local.get $acc))
  ;; A bytecode VM: words code[pc] (an index shifted to bytes), a stack indexed by sp, and cases
  ;; that move sp differently (paths that meet again with sp unknown, until the next iteration).
  (func (export "vm") (param $code i32) (param $stack i32) (param $steps i32) (result i32) (local $pc i32) (local $sp i32) (local $op i32)
    (loop $l
      ;; Iterations run so far, in memory: a trap one iteration late shows.
      (i32.store (i32.const 60000) (local.get $steps))
      (local.set $op (i32.load (i32.add (local.get $code) (i32.shl (local.get $pc) (i32.const 2)))))
      (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
      (block $next
        (block $pop
          (block $push
            (block $dup
              (br_table $push $dup $pop (i32.and (local.get $op) (i32.const 3))))
            ;; dup: stack[sp] = stack[sp - 1]; sp++
            (i32.store (i32.add (local.get $stack) (i32.shl (local.get $sp) (i32.const 2)))
              (i32.load offset=0 (i32.sub (i32.add (local.get $stack) (i32.shl (local.get $sp) (i32.const 2))) (i32.const 4))))
            (local.set $sp (i32.add (local.get $sp) (i32.const 1)))
            (br $next))
          ;; push code[pc]; pc++; sp++
          (i32.store (i32.add (local.get $stack) (i32.shl (local.get $sp) (i32.const 2)))
            (i32.load (i32.add (local.get $code) (i32.shl (local.get $pc) (i32.const 2)))))
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (local.set $sp (i32.add (local.get $sp) (i32.const 1)))
          (br $next))
        ;; pop two, push the sum (sp may go negative: then it traps, as native does)
        (local.set $sp (i32.sub (local.get $sp) (i32.const 1)))
        (i32.store offset=0 (i32.add (local.get $stack) (i32.shl (i32.sub (local.get $sp) (i32.const 1)) (i32.const 2)))
          (i32.add (i32.load (i32.add (local.get $stack) (i32.shl (i32.sub (local.get $sp) (i32.const 1)) (i32.const 2))))
                   (i32.load (i32.add (local.get $stack) (i32.shl (local.get $sp) (i32.const 2)))))))
      (br_if $l (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
    (local.get $sp))
)`;

type Outcome = { value?: unknown; trap?: string; memory: number };

function fnv(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** Fill memory with a pattern, call, and report the result (or trap) and a hash of memory. */
function call(exports: Record<string, unknown>, name: string, args: number[]): Outcome {
  const mem = exports.mem as WebAssembly.Memory;
  const u8 = new Uint8Array(mem.buffer);
  for (let i = 0; i < 65536; i++) u8[i] = (i * 7 + 3) & 0xff;
  let out: Outcome;
  try {
    out = { value: (exports[name] as (...a: number[]) => unknown)(...args), memory: 0 };
  } catch (e) {
    out = { trap: e instanceof Error ? `${e.constructor.name}` : String(e), memory: 0 };
  }
  out.memory = fnv(new Uint8Array(mem.buffer));
  return out;
}

const PAGE = 65536;
const CASES: [string, number[]][] = [
  ['words', [0, 100]], ['words', [1, 100]], ['words', [PAGE - 12 * 5, 5]], ['words', [PAGE - 12 * 5, 6]], ['words', [PAGE - 8, 1]], ['words', [-4, 3]],
  ['doubles', [8, 200]], ['doubles', [12, 50]], ['doubles', [0, 3]], ['doubles', [PAGE - 80, 10]], ['doubles', [PAGE - 80, 11]],
  ['bytes', [-16, 16, 40]], ['bytes', [0xfffffff0, 0x10, 8]], ['bytes', [PAGE - 20, 0, 10]], ['bytes', [PAGE - 20, 0, 11]], ['bytes', [5, 7, 100]],
  ['copy64', [1024, 4096, 64]], ['copy64', [1028, 4096, 64]], ['copy64', [1025, 3, 16]], ['copy64', [PAGE - 16 * 4, 0, 4]], ['copy64', [PAGE - 16 * 4, 0, 5]],
  ['far', [0, 3]], ['far', [16, 3]],
  ['narrow', [0, 200]], ['narrow', [1, 200]], ['narrow', [PAGE - 14 * 6, 6]], ['narrow', [PAGE - 14 * 6, 7]], ['narrow', [PAGE - 14 * 6 + 1, 6]], ['narrow', [-2, 3]],
  ['growing', [0, 6]], ['growing', [PAGE - 4096 * 2, 5]], ['growing', [PAGE - 4096 * 2, 4]],
  ['branchy', [8, 7]], ['branchy', [8, 2]], ['branchy', [0, 40]],
  ['exits', [0, 100]], ['exits', [PAGE - 40, 5]], ['exits', [PAGE - 40, 6]],
  // The pattern fills code with words whose low bits pick push, dup, pop in some order.
  ['vm', [0, 32768, 200]], ['vm', [0, 32772, 2000]], ['vm', [2, 32768, 50]], ['vm', [0, PAGE - 64, 500]], ['vm', [PAGE - 400, 40000, 400]], ['vm', [0, 8, 3000]],
  // A stack base of 4 or 8: an early pop reads below address 0, which must trap.
  ...[0, 4, 8, 12, 16, 20, 24, 28].flatMap((code): [string, number[]][] => [['vm', [code, 4, 60]], ['vm', [code, 8, 60]]]),
];

describe('loop guards', () => {
  it('emit one guard per iteration and an unchecked copy of the body', async () => {
    const { code } = await load(wat(MODULE), {}, { layout: { dataView: false } });
    const words = functionText(code, '$words');
    expect(words).toContain('if ((p_0 & 3) === 0 && p_0 >>> 0 <= mem.length - 12) {');
    expect(words).toContain('mem.i32[');
    // Narrow ones are covered too: the 32-bit ones at p + 4 and p + 8 need p aligned to 4; the last byte is p + 13.
    expect(functionText(code, '$narrow')).toContain('if ((p_0 & 3) === 0 && p_0 >>> 0 <= mem.length - 14) {');
    const bytes = functionText(code, '$bytes');
    expect(bytes).toContain('(a_0 + i_1 | 0) >>> 0 <= mem.length - 2');
    const doubles = functionText(code, '$doubles');
    expect(doubles).toContain('p_0 >>> 0 >= 8');
    // The VM's stack base: stack + (sp << 2), sp one below to one above (sp moves differently per case).
    const vm = functionText(code, '$vm');
    expect(vm).toMatch(/\(stack_1 \+ \(sp_4 << 2\) \| 0\) >>> 0 >= 8 && \(stack_1 \+ \(sp_4 << 2\) \| 0\) >>> 0 <= mem\.length - 4/);
  });

  it('agree with native WebAssembly on results, traps and memory, with and without guards, and through the DataView', async () => {
    const bytes = wat(MODULE);
    const fresh = async (): Promise<Record<string, Record<string, unknown>>> => ({
      native: (await WebAssembly.instantiate(bytes)).instance.exports as Record<string, unknown>,
      dataView: ((await load(bytes)) as Loaded).exports as Record<string, unknown>,
      guarded: ((await load(bytes, {}, { layout: { dataView: false } })) as Loaded).exports as Record<string, unknown>,
      checked: ((await load(bytes, {}, { layout: { loopGuards: false, dataView: false } })) as Loaded).exports as Record<string, unknown>,
      // Outer frames flat (the dispatch form) and every function split: guarded loops inside segments.
      flat: ((await load(bytes, {}, { layout: { flatAbove: 1, splitAboveTokens: -1, partNodes: 1, dataView: false } })) as Loaded).exports as Record<string, unknown>,
    });
    for (const [name, args] of CASES) {
      const runs = await fresh(); // memory.grow must not carry over from case to case
      const expected = call(runs.native!, name, args);
      expect(call(runs.dataView!, name, args), `${name}(${args}), DataView`).toEqual(expected);
      expect(call(runs.guarded!, name, args), `${name}(${args})`).toEqual(expected);
      expect(call(runs.checked!, name, args), `${name}(${args}), no guards`).toEqual(expected);
      expect(call(runs.flat!, name, args), `${name}(${args}), dispatch form, split`).toEqual(expected);
    }
  });
});
