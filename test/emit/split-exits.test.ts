// A split function's jumps out of a part (emit/split.ts exitsByJump): each stores only the
// variables that may have been written since the part was entered on a way to it, and each
// entry loads only what it reaches. A bytecode interpreter (a dispatch every handler jumps back
// to, handlers writing different locals) split into many parts, against native on programs
// that take every handler in many orders.

import { describe, expect, it } from 'vitest';
import { expectProgramsAsNative, interpreterWat } from '../helpers/interpreter-wat.js';
import { loadWithNative, wat } from '../helpers/wasm.js';

// run(prog, len): ops from memory[prog..prog+len), each byte `op` in 0..5; returns a hash of
// the machine's state. Every handler writes its own locals and jumps back to $dispatch.
const MODULE = interpreterWat({ recursive: false });

describe('split parts: exits store what they wrote, entries load what they reach', () => {
  it('runs an interpreter split into parts as native does, and a handler exit stores only its own writes', async () => {
    const layout = { flatAbove: 1, flatSpan: 1, cutStatements: 1, splitAboveTokens: -1, partNodes: 40 };
    const { exports, native, code } = await loadWithNative(wat(MODULE), { layout });
    expect(code).toContain('function $run$$p3(');
    // Each jump out of a part is its own exit (`…; return <segment>;`), and some store at most
    // two slots although seven locals (nine halves and slots) cross parts.
    const exits = [...code.matchAll(/((?:\n\s*f[id]0\[\d+\] = \w+;)*)\n\s*return (\d+);/g)];
    expect(exits.length).toBeGreaterThan(5);
    expect(Math.min(...exits.map((m) => (m[1]!.match(/=/g) ?? []).length))).toBeLessThanOrEqual(2);
    expectProgramsAsNative(exports, native, { seed: 0x2545f491, trials: 60, maxLen: 200, ops: (trial) => (trial % 3 === 0 ? 7 : 6) });
  });

  // The main function keeps its variables in registers while the parts run, and reloads only
  // what some part may write (S27): here the dispatch's head, one statement too large to be
  // copied, stays in the main function and reads what handlers write on one path only.
  it('reloads in the main function what a part may write, on any path', async () => {
    const HEAD = `(module (memory (export "mem") 1)
      (func (export "run") (param $prog i32) (param $len i32) (result i32)
        (local $ip i32) (local $acc i32) (local $x i32) (local $h i32)
        (local.set $x (i32.const 7))
        (block $halt
          (loop $dispatch
            (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (i32.xor (i32.add (local.get $acc) (i32.mul (local.get $x) (i32.const 3)))
              (i32.add (local.get $ip) (i32.rotl (local.get $acc) (local.get $x))))))
            (br_if $halt (i32.ge_u (local.get $ip) (local.get $len)))
            (block $op2 (block $op1 (block $op0
              (br_table $op0 $op1 $op2 (i32.load8_u (i32.add (local.get $prog) (local.get $ip)))))
              ;; op0: acc += x, only at even ip (a write after a jump out: on one path only)
              (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
              (br_if $dispatch (i32.and (local.get $ip) (i32.const 1)))
              (local.set $acc (i32.add (local.get $acc) (local.get $x)))
              (br $dispatch))
            ;; op1: x += 5, only when acc is even
            (if (i32.eqz (i32.and (local.get $acc) (i32.const 1))) (then (local.set $x (i32.add (local.get $x) (i32.const 5)))))
            (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
            (br $dispatch))
          (local.set $acc (i32.xor (local.get $acc) (local.get $ip)))
          (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
          (br $dispatch)))
        (i32.add (local.get $h) (local.get $acc))))`;
    // Cut so that the head stays in the main function and op0's write to acc follows its jump out.
    const layout = { flatAbove: 1, flatSpan: 1, cutStatements: 2, splitAboveTokens: -1, partNodes: 80 };
    const { exports, native, code } = await loadWithNative(wat(HEAD), { layout });
    const main = code.slice(code.indexOf('function $run('), code.indexOf('function $run$$p1('));
    expect(main).toMatch(/Math\.imul\(h_\d+, 31\)/);
    expectProgramsAsNative(exports, native, { seed: 0x1b873593, trials: 40, maxLen: 120, ops: () => 3 });
  });
});
