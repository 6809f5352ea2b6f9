// A split function's liveness (emit/split.ts segmentFacts): a write in straight-line code at a
// segment's start, though inside the labelled blocks a br_table's nest opens with, happens on
// every way through the segment (S40). An interpreter's opcode, loaded there at its dispatch,
// is then not live into the dispatch, and no handler stores it on its way back; a write after
// a conditional break in the same nest still is not definite.

import { describe, expect, it } from 'vitest';
import { expectProgramsAsNative } from '../helpers/interpreter-wat.js';
import { loadWithNative, wat } from '../helpers/wasm.js';

// run(prog, len): ops 0..3 from memory[prog..), 4 halts. The dispatch loads $op inside the
// nest, then (after a conditional break) writes $y only when ip is odd: $y keeps its old value
// on the other way, and a handler in another part reads it.
const MODULE = `(module
  (memory (export "mem") 1)
  (func (export "run") (param $prog i32) (param $len i32) (result i32)
    (local $ip i32) (local $op i32) (local $acc i32) (local $x i32) (local $y i32) (local $n i32)
    (local.set $x (i32.const 7))
    (loop $dispatch
      (block $halt
        (block $op3 (block $op2 (block $op1 (block $op0 (block $even
          (local.set $op (i32.load8_u (i32.add (local.get $prog) (local.get $ip))))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br_if $even (i32.eqz (i32.and (local.get $ip) (i32.const 1))))
          (local.set $y (i32.add (local.get $op) (local.get $n))))
          (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
          (br_if $halt (i32.gt_u (local.get $ip) (local.get $len)))
          (br_table $op0 $op1 $op2 $op3 $halt (local.get $op)))
          ;; op0: acc += x + op
          (local.set $acc (i32.add (local.get $acc) (i32.add (local.get $x) (local.get $op))))
          (br $dispatch))
        ;; op1: x = acc ^ y, rotated by op
        (local.set $x (i32.rotl (i32.xor (local.get $acc) (local.get $y)) (i32.add (local.get $op) (i32.const 4))))
        (br $dispatch))
      ;; op2: acc = acc * 31 + y
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $y)))
      (br $dispatch))
    ;; op3: y ^= acc, op
    (local.set $y (i32.xor (local.get $y) (i32.xor (local.get $acc) (local.get $op))))
    (br $dispatch)))
    (i32.add (i32.mul (local.get $acc) (i32.const 1000003)) (i32.xor (local.get $x) (i32.add (local.get $y) (local.get $n))))))`;

describe('split parts: a write in straight-line code at a segment start is definite', () => {
  it('runs an interpreter as native does, storing its opcode on no way back to the dispatch', async () => {
    const layout = { flatAbove: 5, cutStatements: 1, splitAboveTokens: -1, partNodes: 30 };
    const { exports, native, code } = await loadWithNative(wat(MODULE), { layout });
    // The handlers are in the dispatch's part and jump back to it: each stores what it wrote, and
    // $y, written after a conditional break, which a handler in another part reads; $op is stored
    // once, on the way out to that handler, and its slot is not cleared at entry.
    expect(code).toContain('function $run$$p2(');
    expect(code.match(/f[id]0\[\d+\] = op_\d+;/g)).toHaveLength(1);
    expect((code.match(/f[id]0\[\d+\] = y_\d+;/g) ?? []).length).toBeGreaterThanOrEqual(4);
    expectProgramsAsNative(exports, native, { seed: 0x6b43a9b5, trials: 60, maxLen: 150, ops: (trial) => (trial % 4 === 0 ? 5 : 4) });
  });
});
