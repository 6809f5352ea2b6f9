// A split function takes its frame where it first needs it (emit/frame-entry.ts, bench S41): a
// call that returns early, as quickjs's JS_CallInternal does for a C function, takes none. The
// frame is taken after a param and a local were written, and a handler in another part reads
// both; a trap before the frame is taken leaves the next calls working.

import { describe, expect, it } from 'vitest';
import { xorshift32 } from '../helpers/random.js';
import { loadWithNative, wat } from '../helpers/wasm.js';

// run(fn, arg): fn < 3 is a "C function" of the table, called at once (2 traps); fn >= 3 runs
// the bytecode at memory[64 + fn - 3 ..]: op0 acc += x + fn, op1 calls a C function, op2 calls
// bytecode one level down (to depth 3), op3 y ^= acc and skips an op; 40 steps at most.
const MODULE = `(module
  (memory (export "mem") 1)
  (type $cfn (func (param i32 i32) (result i32)))
  (table 3 funcref)
  (elem (i32.const 0) $add $mul $boom)
  (func $add (type $cfn) (i32.add (local.get 0) (local.get 1)))
  (func $mul (type $cfn) (i32.mul (i32.or (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 3))))
  (func $boom (type $cfn) unreachable)
  (func $call (param $fn i32) (param $arg i32) (param $depth i32) (result i32)
    (local $ip i32) (local $acc i32) (local $x i32) (local $y i32) (local $n i32)
    (local.set $x (i32.add (local.get $arg) (i32.const 7)))
    (if (i32.lt_u (local.get $fn) (i32.const 3))
      (then (return (call_indirect (type $cfn) (local.get $arg) (local.get $x) (local.get $fn)))))
    (local.set $fn (i32.sub (local.get $fn) (i32.const 3)))
    (block $halt
      (loop $dispatch
        (br_if $halt (i32.ge_u (local.get $n) (i32.const 40)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (block $op3 (block $op2 (block $op1 (block $op0
          (br_table $op0 $op1 $op2 $op3 $halt
            (i32.load8_u (i32.add (i32.const 64) (i32.and (i32.add (local.get $fn) (local.get $ip)) (i32.const 255))))))
          ;; op0
          (local.set $acc (i32.add (local.get $acc) (i32.add (local.get $x) (local.get $fn))))
          (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
          (br $dispatch))
        ;; op1: a C function (add or mul)
        (local.set $acc (call $call (i32.and (local.get $acc) (i32.const 1)) (local.get $acc) (local.get $depth)))
        (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
        (br $dispatch))
      ;; op2: bytecode one level down
      (if (i32.lt_u (local.get $depth) (i32.const 3))
        (then (local.set $acc (i32.xor (local.get $acc)
          (call $call (i32.add (i32.const 3) (i32.and (local.get $acc) (i32.const 63))) (local.get $x) (i32.add (local.get $depth) (i32.const 1)))))))
      (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
      (br $dispatch))
    ;; op3
    (local.set $y (i32.xor (local.get $y) (i32.rotl (local.get $acc) (local.get $ip))))
    (local.set $ip (i32.add (local.get $ip) (i32.const 2)))
    (br $dispatch)))
    (i32.add (i32.mul (local.get $acc) (i32.const 1000003)) (i32.xor (local.get $y) (i32.add (local.get $x) (local.get $n)))))
  (func (export "run") (param i32 i32) (result i32) (call $call (local.get 0) (local.get 1) (i32.const 0))))`;

describe('split parts: the frame taken where it is first needed', () => {
  it('returns early without one, traps before one, and runs bytecode as native does', async () => {
    const layout = { flatAbove: 2, splitAboveTokens: -1, partNodes: 30 };
    const { exports, native, code } = await loadWithNative(wat(MODULE), { layout });
    // $call is split; its frame is taken after the early return through the table.
    const main = code.slice(code.indexOf('function $call('), code.indexOf('function $call$$p1('));
    expect(main).toContain('.fi.pop()');
    expect(main.indexOf('return ')).toBeGreaterThan(-1);
    expect(main.indexOf('return ')).toBeLessThan(main.indexOf('.fi.pop()'));
    expect(main).toContain('if (fi0 !== null)');

    const rand = xorshift32(0x2f6a91c3);
    const bytes = Uint8Array.from({ length: 256 }, () => rand() % 5);
    for (const mem of [exports.mem, native.mem] as WebAssembly.Memory[]) new Uint8Array(mem.buffer).set(bytes, 64);
    const outcome = (f: () => number): unknown => {
      try {
        return f();
      } catch (e) {
        // Ours name the function the trap is in ("unreachable in boom"): the spec's text first.
        return `trap: ${(e as Error).message.replace(/ in \S+$/, '')}`;
      }
    };
    for (let trial = 0; trial < 300; trial++) {
      // Every fifth call a C function (one in three of those traps); the rest bytecode.
      const fn = trial % 5 === 0 ? rand() % 3 : 3 + (rand() % 64);
      const arg = rand() | 0;
      const got = outcome(() => exports.run(fn, arg));
      expect([trial, fn, got]).toEqual([trial, fn, outcome(() => native.run(fn, arg))]);
    }
  });
});
