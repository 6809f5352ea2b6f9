// Thread instances (runtime/instance-thread.ts): what a thread's instance shares with the
// program's first instance and what it gets afresh, on a worker (the `thread` instantiate
// option) and on the same JS thread (createThreadInstance).

import { afterAll, describe, expect, test } from 'vitest';
import { compileToFile, RUNTIME_URL, THREADS_URL, wat } from './helpers.js';

const rt = await import(RUNTIME_URL);
const th = await import(THREADS_URL);

// A module that defines its own shared memory, with a data segment, a start function (which
// counts its runs at address 8), a global, a __stack_pointer (in the name section) and a table.
const bytes = wat(`(module
  (type $t (func (result i32)))
  (memory (export "memory") 1 4 shared)
  (data (i32.const 0) "\\2a")
  (global $g (mut i32) (i32.const 5))
  (global $__stack_pointer (mut i32) (i32.const 65536))
  (table 2 funcref)
  (elem (i32.const 0) $get_g $get_sp)
  (func $start (drop (i32.atomic.rmw.add (i32.const 8) (i32.const 1))))
  (start $start)
  (func $get_g (type $t) (global.get $g))
  (func $get_sp (type $t) (global.get $__stack_pointer))
  (func (export "get_g") (result i32) (global.get $g))
  (func (export "set_g") (param i32) (global.set $g (local.get 0)))
  (func (export "get_sp") (result i32) (global.get $__stack_pointer))
  (func (export "indirect") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.atomic.load (local.get 0)))
  (func (export "ref") (result funcref) (ref.func $get_g))
  (func (export "wait64") (param i32 i64 i64) (result i32) (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32) (memory.atomic.notify (local.get 0) (local.get 1)))
)`);
const moduleUrl = compileToFile(bytes, 'thread-instance.wasm');
const mod = await import(moduleUrl);
const pools: any[] = [];

afterAll(async () => {
  for (const p of pools) {
    await p.terminateAll();
    expect(p.liveWorkers).toBe(0);
  }
});

describe('on a worker (instantiate option `thread`)', () => {
  test('data segments and the start function are not re-applied; globals start afresh; the memory is the pool\'s', async () => {
    const { instance } = await mod.instantiate();
    const x = instance.exports;
    expect(x.load(8)).toBe(1); // the start function ran once
    new Int32Array(x.memory.buffer)[0] = 99; // overwrite what the data segment wrote
    x.set_g(77);
    const pool = new th.ThreadPool({ moduleUrl, memory: x.memory, stacks: { base: 16384, size: 16384 }, stackSize: 16384 });
    pools.push(pool);
    expect(await pool.spawn({ export: 'load' }, [0]).join()).toBe(99);
    expect(await pool.spawn({ export: 'load' }, [8]).join()).toBe(1);
    expect(await pool.spawn({ export: 'get_g' }).join()).toBe(5);
    expect(await pool.spawn({ table: 0 }).join()).toBe(5); // the worker's own table, from the elem segment
    expect(await pool.spawn({ export: 'get_sp' }).join()).toBe(32768);
    expect(x.get_g()).toBe(77);
    expect(x.get_sp()).toBe(65536);
  }, 30_000);

  test('a wait64 on a worker is woken by an i32 notify on the same address', async () => {
    const { instance } = await mod.instantiate();
    const x = instance.exports;
    const pool = new th.ThreadPool({ moduleUrl, memory: x.memory, stacks: { base: 16384, size: 16384 }, stackSize: 16384 });
    pools.push(pool);
    const t = pool.spawn({ export: 'wait64' }, [256, 0n, -1n]);
    await t.started;
    let woken = 0;
    for (let i = 0; i < 200 && woken === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
      woken = x.notify(256, 1);
    }
    expect(woken).toBe(1);
    expect(await t.join()).toBe(0);
  }, 30_000);
});

describe('on the same JS thread (createThreadInstance)', () => {
  test('own globals, shared memory, call_indirect stays on the sibling, funcrefs shared', async () => {
    const { instance } = await mod.instantiate();
    const x = instance.exports;
    x.set_g(11);
    const t = rt.createThreadInstance(instance, { stackPointer: 4096 });
    expect(t.exports.get_g()).toBe(11); // a copy of the current value
    t.exports.set_g(12);
    expect(x.get_g()).toBe(11);
    expect(t.exports.get_g()).toBe(12);
    expect(t.getStackPointer()).toBe(4096);
    expect(x.get_sp()).toBe(65536);
    expect(t.exports.indirect(0)).toBe(12); // table element of the original, run on t's globals
    expect(t.exports.indirect(1)).toBe(4096);
    expect(x.indirect(1)).toBe(65536);
    expect(t.exports.ref()).toBe(x.ref()); // ref.func gives the same reference in both
    expect(t.exports.memory).toBe(x.memory);
    expect(t.exports.load(8)).toBe(1); // nothing re-initialised
  }, 10_000);

  test('accepts the exports object or the internal instance; rejects anything else', async () => {
    const { instance } = await mod.instantiate();
    const a = rt.createThreadInstance(instance.exports);
    const b = rt.createThreadInstance(a.inst);
    b.setStackPointer(1024);
    expect(b.exports.get_sp()).toBe(1024);
    expect(a.exports.get_sp()).toBe(65536);
    expect(() => rt.createThreadInstance({})).toThrow(TypeError);
  }, 10_000);
});
