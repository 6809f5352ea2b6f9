// A bytecode interpreter in wat, for the tests of split functions (test/emit/split-exits.test.ts,
// test/polyfill/tier-up.test.ts): a dispatch every handler jumps back to, handlers writing
// different locals (i32, i64 halves, an f64), one jumping back. Ops from memory[prog..prog+len),
// one byte each; the result hashes the machine's state.
//   plain:     `run(prog, len)`, ops 0..5, at most 100 000 steps.
//   recursive: `$interp(prog, len, depth)`, called by `run(prog, len)`, at most 3 000 steps a
//              call; op 6 runs the next 8 ops as a program of their own, one level down (to depth
//              2), op 7 traps (unreachable) when acc is odd.

import { expect } from 'vitest';
import { xorshift32 } from './random.js';

export function interpreterWat({ recursive }: { recursive: boolean }): string {
  const ops = recursive ? 8 : 6;
  const labels = Array.from({ length: ops }, (_, i) => `$op${i}`);
  const extra = recursive
    ? `
  (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
  (br $dispatch))
  ;; op6: the next 8 ops one level down
  (if (i32.lt_u (local.get $depth) (i32.const 2))
    (then (local.set $acc (i32.add (local.get $acc)
      (call $interp (i32.add (i32.add (local.get $prog) (local.get $ip)) (i32.const 1))
        (select (i32.const 8) (i32.sub (i32.sub (local.get $len) (local.get $ip)) (i32.const 1))
          (i32.gt_u (i32.sub (i32.sub (local.get $len) (local.get $ip)) (i32.const 1)) (i32.const 8)))
        (i32.add (local.get $depth) (i32.const 1)))))))
  (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
  (br $dispatch))
  ;; op7: a trap when acc is odd
  (if (i32.and (local.get $acc) (i32.const 1)) (then unreachable))
  (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
  (br $dispatch)))`
    : `
  (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
  (br $dispatch)))`;
  const head = recursive ? '(func $interp (param $prog i32) (param $len i32) (param $depth i32) (result i32)' : '(func (export "run") (param $prog i32) (param $len i32) (result i32)';
  const wrapper = recursive ? `\n  (func (export "run") (param i32 i32) (result i32) (call $interp (local.get 0) (local.get 1) (i32.const 0)))` : '';
  return `(module
  (memory (export "mem") 1)
  ${head}
    (local $ip i32) (local $acc i32) (local $x i32) (local $y i32) (local $z i64) (local $f f64) (local $n i32)
    (local.set $x (i32.const 7))
    (local.set $f (f64.const 1.5))
    (block $halt
      (loop $dispatch
        (br_if $halt (i32.ge_u (local.get $ip) (local.get $len)))
        (br_if $halt (i32.gt_u (local.get $n) (i32.const ${recursive ? 3000 : 100000})))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        ${labels.map((l) => `(block ${l}`).reverse().join(' ')}
          (br_table ${labels.join(' ')} $halt
            (i32.load8_u (i32.add (local.get $prog) (local.get $ip)))))
          ;; op0: acc += x
          (local.set $acc (i32.add (local.get $acc) (local.get $x)))
          (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
          (br $dispatch))
        ;; op1: x = acc ^ y, rotated
        (local.set $x (i32.rotl (i32.xor (local.get $acc) (local.get $y)) (i32.const 5)))
        (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
        (br $dispatch))
      ;; op2: y += 1; z = z * 31 + y (an i64: two halves)
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (local.set $z (i64.add (i64.mul (local.get $z) (i64.const 31)) (i64.extend_i32_u (local.get $y))))
      (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
      (br $dispatch))
    ;; op3: f = f * 1.25 + acc (an f64 slot)
    (local.set $f (f64.add (f64.mul (local.get $f) (f64.const 1.25)) (f64.convert_i32_s (local.get $acc))))
    (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
    (br $dispatch))
  ;; op4: a jump back two ops when acc is odd (the interpreter's own branch), once per position
  (if (i32.and (local.get $acc) (i32.const 1))
    (then
      (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
      (local.set $ip (select (i32.sub (local.get $ip) (i32.const 2)) (i32.const 0) (i32.ge_u (local.get $ip) (i32.const 2)))))
    (else (local.set $ip (i32.add (local.get $ip) (i32.const 1)))))
  (br $dispatch))
  ;; op5: nothing but the step${extra}
    (i32.xor
      (i32.xor (i32.add (local.get $acc) (i32.mul (local.get $x) (i32.const 3))) (local.get $n))
      (i32.xor
        (i32.wrap_i64 (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 32))))
        (i32.trunc_sat_f64_s (f64.div (local.get $f) (f64.const 1e6))))))${wrapper})`;
}

/**
 * Run `trials` random programs on a compiled interpreter and on native, each written at
 * memory[64..] of both and run as `run(64, len)`: `1 + rand() % maxLen` ops, each
 * `rand() % ops(trial)` (xorshift32 from `seed`). Every result must be native's.
 */
export function expectProgramsAsNative(
  compiled: Record<string, any>,
  native: Record<string, any>,
  { seed, trials, maxLen, ops }: { seed: number; trials: number; maxLen: number; ops: (trial: number) => number },
): void {
  const rand = xorshift32(seed);
  for (let trial = 0; trial < trials; trial++) {
    const len = 1 + (rand() % maxLen);
    const prog = Array.from({ length: len }, () => rand() % ops(trial));
    for (const mem of [compiled.mem, native.mem] as WebAssembly.Memory[]) new Uint8Array(mem.buffer).set(prog, 64);
    expect([trial, compiled.run(64, len)]).toEqual([trial, native.run(64, len)]);
  }
}
