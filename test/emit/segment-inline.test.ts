// Tiny segments of the dispatch loop copied over the jumps to them (emit/segment-inline.ts): an
// interpreter in the shape of sqlite's VDBE, whose handlers all go on through a tiny "next op"
// block, with a tiny return, a tiny loop that jumps to itself, and a br_table straight into
// tiny blocks; flat throughout, then also cut into one-statement segments and split into
// parts. Against native on programs that take every handler in many orders.

import { describe, expect, it } from 'vitest';
import { SPLIT_ABOVE_TOKENS, splitsAbove } from '../../compiler/emit/split.js';
import { goShapedDispatch } from '../helpers/deep-modules.js';
import { expectProgramsAsNative } from '../helpers/interpreter-wat.js';
import { loadWithNative, wat } from '../helpers/wasm.js';

// run(prog, len): ops from memory[prog..prog+len), each byte `op` in 0..6 (7 halts), at most
// 5 000 steps (op5 jumps back); returns a hash.
const MODULE = `(module
  (memory (export "mem") 1)
  (func (export "run") (param $prog i32) (param $len i32) (result i32)
    (local $ip i32) (local $acc i32) (local $x i32) (local $n i32) (local $k i32) (local $z i64) (local $steps i32)
    (local.set $x (i32.const 7))
    (block $halt
      (loop $dispatch
        (br_if $halt (i32.ge_u (local.get $ip) (local.get $len)))
        (br_if $halt (i32.gt_u (local.get $steps) (i32.const 5000)))
        (block $next
          (block $op6 (block $op5 (block $op4 (block $op3 (block $op2 (block $op1 (block $op0
            (br_table $op0 $op1 $op2 $op3 $op4 $op5 $op6 $halt
              (i32.load8_u (i32.add (local.get $prog) (local.get $ip)))))
            ;; op0: acc += x
            (local.set $acc (i32.add (local.get $acc) (local.get $x)))
            (br $next))
          ;; op1: x = acc ^ 0x5bd1
          (local.set $x (i32.xor (local.get $acc) (i32.const 0x5bd1)))
          (br $next))
          ;; op2: z = z * 31 + acc (an i64), then on to the next op
          (local.set $z (i64.add (i64.mul (local.get $z) (i64.const 31)) (i64.extend_i32_u (local.get $acc))))
          (br $next))
        ;; op3: a tiny counting loop, k down from acc & 7 (a tiny segment jumping to itself)
        (local.set $k (i32.and (local.get $acc) (i32.const 7)))
        (loop $spin
          (if (local.get $k)
            (then
              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
              (local.set $x (i32.add (local.get $x) (i32.const 3)))
              (br $spin))))
        (br $next))
      ;; op4: return early when acc is a multiple of 64
      (br_if $halt (i32.eqz (i32.and (local.get $acc) (i32.const 63))))
      (br $next))
    ;; op5: a jump back two ops when acc is odd
    (if (i32.and (local.get $acc) (i32.const 1))
      (then
        (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
        (local.set $ip (select (i32.sub (local.get $ip) (i32.const 3)) (i32.const -1) (i32.ge_u (local.get $ip) (i32.const 3))))))
    (br $next))
    ;; op6: falls into $next
    (local.set $acc (i32.sub (local.get $acc) (i32.const 1))))
  ;; $next: the step every handler ends in (its constant marks the copies)
  (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
  (local.set $n (i32.add (local.get $n) (i32.const 12345)))
  (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
  (br $dispatch)))
    (i32.xor (i32.add (local.get $acc) (i32.mul (local.get $x) (i32.const 3)))
      (i32.xor (local.get $n) (i32.wrap_i64 (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 29))))))))`;

const LAYOUTS: [string, Record<string, number>][] = [
  ['flat', { flatAbove: 1, flatSpan: 1 }],
  ['flat, one statement per segment', { flatAbove: 1, flatSpan: 1, cutStatements: 1 }],
  ['split into parts', { flatAbove: 1, flatSpan: 1, cutStatements: 1, splitAboveTokens: -1, partNodes: 40 }],
];

describe('tiny segments copied over the jumps to them', () => {
  for (const [name, layout] of LAYOUTS) {
    it(`${name}: runs as native does, with the next-op step copied into the handlers`, async () => {
      const { exports, native, code } = await loadWithNative(wat(MODULE), { layout });
      expect(code).toContain('continue dispatch');
      if (layout.splitAboveTokens) expect(code).toContain('function $run$$p2(');
      // The step's constant appears once per copy: one segment alone would print it once.
      expect(code.match(/12345/g)!.length).toBeGreaterThan(3);
      expectProgramsAsNative(exports, native, { seed: 0x9e3779b9, trials: 80, maxLen: 150, ops: (trial) => (trial % 4 === 0 ? 8 : 7) });
    });
  }
});


// sqlite's VDBE: a function too large to optimize whole, whose handlers all end in the same tiny
// tail. Copies were limited to a tenth of the function's nodes, spent on the handlers in order,
// so the last handlers jumped to the tail in another part. A function emitted to be split may
// grow by a fifth (bench/README.md S35): here every handler gets its copy, where a tenth leaves
// about half of them without.
function manyHandlers(count: number): string {
  const handlers: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = Array.from({ length: 10 }, (_, k) => `(local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const ${3 + 2 * k + i})) (i32.xor (local.get $x) (i32.const ${i * 7 + k}))))`).join(' ');
    handlers.push(`${body} (br $next))`);
  }
  const opens = Array.from({ length: count }, (_, i) => `(block $op${i}`).join(' ');
  const targets = Array.from({ length: count }, (_, i) => `$op${i}`).join(' ');
  return `(module
  (func (export "run") (param $steps i32) (param $seed i32) (result i32)
    (local $acc i32) (local $x i32) (local $n i32)
    (local.set $x (local.get $seed))
    (block $halt
      (loop $dispatch
        (br_if $halt (i32.eqz (local.get $steps)))
        (block $next
          ${opens}
            (br_table ${targets} $halt (i32.rem_u (local.get $x) (i32.const ${count}))))
          ${handlers.join('\n          ')}
        ;; $next: the tail every handler ends in (its constant marks the copies)
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 777777)))
        (local.set $steps (i32.sub (local.get $steps) (i32.const 1)))
        (br $dispatch)))
    (i32.xor (local.get $acc) (local.get $x)))
  (func (export "never") (result i32) (i32.const 777777)))`;
}

describe('a function emitted to be split copies its tail into every handler', () => {
  it('80 handlers ending in one tiny tail: a copy in each when split, about half without; runs as native does', async () => {
    const text = manyHandlers(80);
    const copies = (code: string): number => code.match(/777777/g)!.length - 1; // one is "never"'s
    const whole = await loadWithNative(wat(text), { layout: { flatAbove: 1 } });
    const split = await loadWithNative(wat(text), { layout: { flatAbove: 1, flatSpan: 100_000, splitAboveTokens: -1, partNodes: 1500 } });
    expect(split.code).toContain('function $run$$p2(');
    expect(copies(split.code)).toBeGreaterThanOrEqual(81); // the tail, and a copy in each handler
    expect(copies(whole.code)).toBeLessThan(60);
    for (const { exports, native } of [whole, split]) {
      for (const [steps, seed] of [[0, 1], [1, 5], [1000, 12345], [5000, -7], [333, 0x7fffffff]]) expect([steps, seed, exports.run(steps, seed)]).toEqual([steps, seed, native.run(steps, seed)]);
    }
  });
});

// Go's shape (esbuild): every function is one loop over a br_table that resumes at any of its
// blocks, thousands of them and most tiny. The br_table is one segment, each of its cases a jump
// to a tiny segment, and the rest of the function gave the copies a large budget: copying them
// all into that one segment made a part V8 never optimizes (S23).
describe('copies into one segment stay within what V8 optimizes', () => {
  it('a br_table over 2 000 tiny blocks in a large function: no function or part past the split limit; runs as native does', async () => {
    const { exports, native, code } = await loadWithNative(goShapedDispatch(2000, 40_000));
    // Each function's text: up to the next one, the last up to the module's description.
    const functions = code.slice(0, code.indexOf('\nconst module = {')).split(/^(?=function )/m).filter((f) => f.startsWith('function '));
    expect(functions.some((f) => f.startsWith('function $f$$p1('))).toBe(true);
    const tooLarge = functions.filter((f) => splitsAbove(f, SPLIT_ABOVE_TOKENS)).map((f) => f.slice(0, f.indexOf('(')));
    expect(tooLarge).toEqual([]);
    for (const [pc, n] of [[0, 1], [5, 10], [1999, 5000], [2000, 3], [123, 20000]]) expect([pc, n, exports.f(pc, n)]).toEqual([pc, n, native.f(pc, n)]);
  });
});
