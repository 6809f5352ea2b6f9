// Mutable i64 globals the host never sees (neither imported nor exported; Go's `g` register and
// its return registers) are kept on the instance as two i32 halves, not as a BigInt: reads and
// writes in generated code then neither split nor allocate. Every case runs on V8's WebAssembly
// too and must agree with it: carries between the halves, a global read and written in one
// expression (either half computed from the other's old value), a swap through the stack, a call that writes the global while its old value is
// still on the stack, and a sibling instance (a thread's) keeping its own copy.

import { describe, expect, it } from 'vitest';
import * as rt from '../../dist/runtime/index.js';
import { functionText, load, loadWithNative, wat } from '../helpers/wasm.js';

const MODULE = `(module
  (global $g (mut i64) (i64.const 0x7fffffff_fffffffe))
  (global $h (mut i64) (i64.const -5))
  (global $k i64 (i64.const 0x1234_5678_9abc_def0))
  (global $shared (export "shared") (mut i64) (i64.const 7))
  (func (export "bump") (param i64) (result i64)
    (global.set $g (i64.add (global.get $g) (local.get 0)))
    (global.get $g))
  (func (export "swap") (result i64)
    (global.get $g) (global.get $h) (global.set $g) (global.set $h) (global.get $h))
  (func (export "self") (result i64)
    (global.set $g (i64.add (global.get $g) (i64.shl (global.get $g) (i64.const 1))))
    (global.get $g))
  ;; The new high half reads the old low half: written in either order, one would see the other's new value.
  (func (export "mix") (result i64)
    (global.set $g (i64.or (global.get $h) (i64.shl (global.get $g) (i64.const 32))))
    (global.set $g (i64.or (global.get $h) (i64.shr_u (global.get $g) (i64.const 32))))
    (global.get $g))
  (func $write (global.set $g (i64.const 0x1_0000_0001)))
  ;; The old value is on the stack when a call writes the global: it must not be read again after.
  (func (export "stale") (result i64)
    (global.get $g) (call $write) (global.get $g) (i64.sub))
  (func (export "get_g") (result i64) (global.get $g))
  (func (export "constant") (result i64) (i64.add (global.get $k) (global.get $shared)))
)`;

describe('mutable i64 globals the host never sees, as two i32 halves', () => {
  it('agree with native through carries, swaps, self-reference and a call that writes them', async () => {
    const { native, ...w2js } = await loadWithNative(wat(MODULE));
    const steps: [string, bigint[]][] = [
      ['bump', [3n]], ['bump', [-10n]], ['swap', []], ['self', []], ['bump', [1n << 40n]], ['mix', []], ['stale', []],
      ['swap', []], ['self', []], ['bump', [-(1n << 63n)]], ['stale', []], ['get_g', []], ['constant', []],
    ];
    for (const [name, args] of steps) expect([name, w2js.exports[name](...args)]).toEqual([name, native[name]!(...args)]);
    // Generated code touches $g and $h without BigInt; only the exported one stays a Global's value.
    for (const name of ['$bump', '$swap', '$self', '$mix', '$stale']) expect(functionText(w2js.code, name)).not.toMatch(/i64_join|i64_split/);
    expect(w2js.code).toMatch(/inst\.\$g\$hi = /);
  });

  it('a sibling instance (another thread of the module) starts from the current value and keeps its own', async () => {
    const { exports } = await load(wat(MODULE));
    exports.bump(5n);
    const before = exports.get_g();
    const sibling = rt.createThreadInstance(exports);
    expect(sibling.exports.get_g()).toBe(before);
    sibling.exports.bump(1n << 33n);
    expect(sibling.exports.get_g()).toBe(BigInt.asIntN(64, before + (1n << 33n)));
    expect(exports.get_g()).toBe(before);
  });
});
