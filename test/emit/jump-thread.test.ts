// Jumps through a dispatch loop (Go's basic blocks: `i32.const k; local.set pc; br $top` back to
// a loop that switches on pc) go straight to the br_table's target when that block still encloses
// the jump (compiler/emit/jump-thread.ts). A state machine in Go's shape, run on V8's WebAssembly
// and on w2js, structured and in the dispatch form split into parts, must agree; forward jumps
// become breaks, while backward ones, a jump out of the loop by the default label, a jump setting
// another local and a constant past the table keep going through the loop.

import { describe, expect, it } from 'vitest';
import { functionText, load, loadWithNative, wat } from '../helpers/wasm.js';

const MODULE = `(module
  ;; A loop that is not a dispatch loop first, then one in Go's shape.
  (func (export "machine") (param $n i32) (result i32) (local $pc i32) (local $acc i32) (local $other i32) (local $steps i32)
    (block $exit
      (loop $top
        (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
        (br_if $exit (i32.gt_u (local.get $steps) (i32.const 3)))
        (br $top)))
    (local.set $steps (i32.const 0))
    (block $out
      (loop $go
        (block $b4 (block $b3 (block $b2 (block $b1 (block $b0
          (br_table $b0 $b1 $b2 $b3 $b4 $out (local.get $pc)))
          ;; state 0: acc = n, then state 2 (forward: $b2 encloses this)
          (local.set $acc (local.get $n))
          (local.set $pc (i32.const 2))
          (br $go))
        ;; state 1: acc = 3 acc + 1, then state 3 (forward)
        (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 3)) (i32.const 1)))
        (local.set $pc (i32.const 3))
        (br $go))
      ;; state 2: acc -= 1; odd: state 1 (backward, through the loop); else state 3 (forward)
      (local.set $acc (i32.sub (local.get $acc) (i32.const 1)))
      (if (i32.and (local.get $acc) (i32.const 1)) (then (local.set $pc (i32.const 1)) (br $go)))
      (local.set $pc (i32.const 3))
      (br $go))
    ;; state 3: count a step; below 60 steps: state 2 (backward); two more: state 1 (backward) after
    ;; setting another local to 4 last, which must not be taken for the jump's target; then state 4
    (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
    (if (i32.lt_u (local.get $steps) (i32.const 60)) (then (local.set $pc (i32.const 2)) (br $go)))
    (if (i32.lt_u (local.get $steps) (i32.const 62)) (then (local.set $pc (i32.const 1)) (local.set $other (i32.const 4)) (br $go)))
    (local.set $pc (i32.const 4))
    (br $go))
  ;; state 4: a constant past the table (the default: out of the loop)
  (local.set $acc (i32.xor (local.get $acc) (i32.const 0x55)))
  (local.set $pc (i32.const -1))
  (br $go)))
  (i32.add (i32.add (local.get $acc) (local.get $other)) (i32.mul (local.get $pc) (i32.const 1000))))
)`;

describe("jumps through a dispatch loop (Go's basic blocks)", () => {
  it('agree with native structured and in the dispatch form; forward jumps skip the loop', async () => {
    const bytes = wat(MODULE);
    const { native, ...structured } = await loadWithNative(bytes);
    const flat = await load(bytes, {}, { layout: { flatAbove: 1, cutStatements: 1, splitAboveTokens: -1, partNodes: 1 } });
    for (const n of [0, 1, 2, 7, 100, -5, 0x7fffffff]) {
      expect(structured.exports.machine(n)).toBe(native.machine!(n));
      expect(flat.exports.machine(n)).toBe(native.machine!(n));
    }
    // Of the dispatch loop's eight jumps, the four forward ones are breaks now; the three backward
    // ones and the one out by the default label still continue it, as the first loop's back edge does.
    const text = functionText(structured.code, '$machine');
    expect(text.match(/continue L\d+;/g)?.length).toBe(4 + 1);
  });

  it('threads a chain deeper than the dispatch form\'s threshold and agrees with native', async () => {
    // State k: acc = acc * 31 + k, then state k + 1 or k + 2 by acc's low bit, each a forward jump;
    // past the last state, the default label leaves the loop.
    // 100 blocks: flat (more than FLAT_ABOVE levels). wabt.js takes minutes to parse a few hundred;
    // the compiler itself was checked by hand on 3 000 (1.8 s, the same results as native).
    const n = 100;
    // Plain (unfolded) instructions.
    const states: string[] = [];
    for (let k = 0; k < n; k++) {
      states.push(`end
        local.get $acc i32.const 31 i32.mul i32.const ${k} i32.add local.set $acc
        local.get $acc i32.const 1 i32.and if i32.const ${k + 1} local.set $pc br $top end
        i32.const ${k + 2} local.set $pc br $top`);
    }
    const labels = Array.from({ length: n }, (_, k) => k).join(' ');
    const text = `(module (func (export "chain") (param $seed i32) (result i32) (local $pc i32) (local $acc i32)
      local.get $seed local.set $acc
      block $out loop $top ${'block '.repeat(n)} local.get $pc br_table ${labels} ${n + 1}
      ${states.join('\n')}
      end end
      local.get $acc local.get $pc i32.add))`;
    const bytes = wat(text);
    const { native, ...w2js } = await loadWithNative(bytes);
    for (const seed of [0, 1, 12345, -7]) expect(w2js.exports.chain(seed)).toBe(native.chain!(seed));
  });
});

