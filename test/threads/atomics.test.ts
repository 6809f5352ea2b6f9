// Atomics on one JS thread (runtime/atomics.ts): the behaviours the spec suite does not pin down
// or cannot reach: timeouts, not blocking where blocking is illegal, wait64 woken by notify,
// non-shared memories, the typed views following memory.grow.

import { afterEach, describe, expect, test } from 'vitest';
import { load } from '../helpers/wasm.js';
import { RUNTIME_URL, wat } from './helpers.js';
import { STACK_SHOWS_EVERY_FRAME } from '../../runtime/wasm-stack.js';

const rt = await import(RUNTIME_URL);

const module = (shared: boolean) => wat(`(module
  (memory (export "memory") 1 4 ${shared ? 'shared' : ''})
  (func (export "wait32") (param i32 i32 i64) (result i32) (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32) (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32) (memory.atomic.notify (local.get 0) (local.get 1)))
  (func (export "add") (param i32 i32) (result i32) (i32.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "cmpxchg8") (param i32 i32 i32) (result i32) (i32.atomic.rmw8.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "xchg64_32") (param i32 i64) (result i64) (i64.atomic.rmw32.xchg_u (local.get 0) (local.get 1)))
  (func (export "load64") (param i32) (result i64) (i64.atomic.load offset=8 (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)`);

afterEach(() => rt.setMayBlock(true));

describe('memory.atomic.wait', () => {
  test('timeouts are i64 nanoseconds: 20 ms times out (2) after about 20 ms', async () => {
    const { exports: x } = await load(module(true));
    const t0 = performance.now();
    expect(x.wait32(0, 0, 20_000_000n)).toBe(2);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(18);
    expect(x.wait64(8, 0n, 1_000_000n)).toBe(2);
    expect(x.wait32(0, 1, -1n)).toBe(1); // not-equal returns at once, even with an infinite timeout
  }, 10_000);

  test('a thread that may not block traps instead of hanging, but still answers "not-equal" and zero timeouts', async () => {
    const { exports: x } = await load(module(true));
    rt.setMayBlock(false);
    expect(() => x.wait32(0, 0, -1n)).toThrow(new rt.RuntimeError(`atomic wait on a thread that cannot block${STACK_SHOWS_EVERY_FRAME ? ' in wait32' : ''}`)); // then the wasm function (runtime/trap.ts)
    expect(() => x.wait64(8, 0n, 1000n)).toThrow('atomic wait on a thread that cannot block');
    expect(x.wait32(0, 5, -1n)).toBe(1);
    expect(x.wait32(0, 0, 0n)).toBe(2);
    rt.setMayBlock(true);
    expect(rt.getMayBlock()).toBe(true);
  }, 10_000);

  test('checks: alignment, then bounds, then a shared memory', async () => {
    const { exports: shared } = await load(module(true));
    expect(() => shared.wait32(2, 0, 0n)).toThrow('unaligned atomic');
    expect(() => shared.wait64(65536 * 4, 0n, 0n)).toThrow('out of bounds memory access');
    const { exports: plain } = await load(module(false));
    expect(() => plain.wait32(0, 0, 0n)).toThrow('expected shared memory');
    expect(plain.notify(0, 1)).toBe(0); // no waiters on a non-shared memory
  }, 10_000);
});

describe('atomic read-modify-write', () => {
  test('works on a non-shared memory too, with the same results', async () => {
    for (const shared of [true, false]) {
      const { exports: x } = await load(module(shared));
      expect(x.add(4, 5)).toBe(0);
      expect(x.add(4, -7)).toBe(5);
      expect(new Int32Array(x.memory.buffer)[1]).toBe(-2);
      expect(x.cmpxchg8(8, 0x100, 0x1ff)).toBe(0); // expected wraps to 0x00: swapped in 0xff
      expect(new Uint8Array(x.memory.buffer)[8]).toBe(0xff);
      expect(x.xchg64_32(16, -1n)).toBe(0n);
      expect(x.xchg64_32(16, 0n)).toBe(0xffffffffn); // zero-extended old value
      expect(() => x.add(2, 1)).toThrow('unaligned atomic');
      // Misaligned and out of bounds: alignment is checked first (runtime/README.md; V8 says out of bounds).
      expect(() => x.add(65536 * 4 + 2, 1)).toThrow('unaligned atomic');
    }
  }, 10_000);

  test('the atomics views follow memory.grow (shared and not)', async () => {
    for (const shared of [true, false]) {
      const { exports: x } = await load(module(shared));
      expect(() => x.load64(65536)).toThrow('out of bounds memory access');
      expect(x.grow(1)).toBe(1);
      const top = 2 * 65536 - 16;
      expect(x.add(top, 3)).toBe(0);
      expect(x.add(top, 3)).toBe(3);
      expect(x.load64(top - 8)).toBe(6n);
    }
  }, 10_000);

  test('notify on an address wakes nobody here and returns 0; counts are u32', async () => {
    const { exports: x } = await load(module(true));
    expect(x.notify(0, -1)).toBe(0);
  }, 10_000);
});
