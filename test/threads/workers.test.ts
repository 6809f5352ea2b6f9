// Threads on real workers (runtime/threads): the C fixture test/threads/fixtures/threads.c runs on
// a ThreadPool of Node workers sharing one memory. A counting adapter checks independently that
// every worker the pool made has exited by the end.

import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileToFile, fixture, RUNTIME_URL, THREADS_URL, writeModule } from './helpers.js';
import { STACK_SHOWS_EVERY_FRAME } from '../../runtime/wasm-stack.js';

type Fn = (...args: any[]) => any;
const rt = await import(RUNTIME_URL);
const th = await import(THREADS_URL);

/** Wraps Node's adapter, counting workers made and exited. */
function countingAdapter() {
  const counts = { spawned: 0, exited: 0 };
  const adapter = {
    async spawn(script: URL, data: unknown, options: object) {
      const handle = await th.nodeWorkerAdapter.spawn(script, data, options);
      counts.spawned++;
      handle.onExit(() => counts.exited++);
      return handle;
    },
  };
  return { adapter, counts };
}

const moduleUrl = compileToFile(fs.readFileSync(fixture('threads.wasm')), 'threads.wasm');
const { adapter, counts } = countingAdapter();
let memory: any;
let x: Record<string, Fn>;
let pool: any;
let scratch: number;
const i32 = (addr: number): number => new Int32Array(memory.buffer)[addr >> 2]!;
const setI32 = (addr: number, v: number): void => void (new Int32Array(memory.buffer)[addr >> 2] = v);

beforeAll(async () => {
  memory = new rt.Memory({ initial: 32, maximum: 256, shared: true });
  const mod = await import(moduleUrl);
  x = (await mod.instantiate({ env: { memory } })).instance.exports;
  scratch = x.scratch_base!();
  pool = new th.ThreadPool({ moduleUrl, memory, adapter, stacks: { base: x.stacks_base!(), size: x.stacks_size!() } });
});

afterAll(async () => {
  await pool.terminateAll();
  expect(pool.liveWorkers).toBe(0);
  expect(counts.exited).toBe(counts.spawned);
});

describe('8 workers × 100 000 increments', () => {
  test('atomic RMW (i32.atomic.rmw.add)', async () => {
    const counter = scratch;
    setI32(counter, 0);
    const threads = Array.from({ length: 8 }, () => pool.spawn({ export: 'atomic_increment' }, [counter, 100_000]));
    await Promise.all(threads.map((t) => t.join()));
    expect(i32(counter)).toBe(800_000);
  }, 30_000);

  test('futex mutex (cmpxchg + wait32/notify) around a plain increment', async () => {
    const lock = scratch + 16; // struct locked_counter { int mutex; int count; }
    setI32(lock, 0);
    setI32(lock + 4, 0);
    const threads = Array.from({ length: 8 }, () => pool.spawn({ export: 'locked_increment' }, [lock, 100_000]));
    await Promise.all(threads.map((t) => t.join()));
    expect(i32(lock + 4)).toBe(800_000);
    expect(i32(lock)).toBe(0); // unlocked, no waiters left
  }, 30_000);

  test('through a function pointer (table index) and an argument block', async () => {
    const counter = scratch + 32;
    const job = scratch + 48; // struct job { int *counter; int n; }
    setI32(counter, 0);
    setI32(job, counter);
    setI32(job + 4, 1000);
    const fnptr = x.job_main_ptr!();
    const threads = Array.from({ length: 4 }, () => pool.spawn({ table: fnptr }, [job]));
    await Promise.all(threads.map((t) => t.join()));
    expect(i32(counter)).toBe(4000);
  }, 30_000);
});

describe('wait and notify across workers', () => {
  test('a wait with a timeout returns 2 (timed-out) after the timeout', async () => {
    const addr = scratch + 64;
    setI32(addr, 7);
    const t0 = performance.now();
    const result = await pool.spawn({ export: 'wait32' }, [addr, 7, 50_000_000n]).join(); // 50 ms
    expect(result).toBe(2);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    expect(await pool.spawn({ export: 'wait32' }, [addr, 8, -1n]).join()).toBe(1); // not-equal
  }, 30_000);

  test('notify returns the number of waiters woken; they see 0 (ok)', async () => {
    const arrived = scratch + 80;
    const addr = scratch + 96;
    setI32(arrived, 0);
    setI32(addr, 0);
    const waiters = Array.from({ length: 3 }, () => pool.spawn({ export: 'arrive_and_wait' }, [arrived, addr]));
    while (i32(arrived) < 3) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 100)); // from "arrived" to inside Atomics.wait
    expect(x.notify!(addr, 2)).toBe(2);
    expect(x.notify!(addr, 10)).toBe(1);
    expect(x.notify!(addr, 10)).toBe(0);
    expect(await Promise.all(waiters.map((t) => t.join()))).toEqual([0, 0, 0]);
  }, 30_000);

  test('terminate interrupts a thread blocked in an infinite wait', async () => {
    const addr = scratch + 112;
    setI32(addr, 0);
    const t = pool.spawn({ export: 'wait32' }, [addr, 0, -1n]);
    await t.started;
    await new Promise((r) => setTimeout(r, 20));
    await t.terminate();
    const outcome = await t.outcome;
    expect(outcome.ok).toBe(false);
    expect(outcome.name).toBe('ThreadTerminated');
  }, 30_000);
});

describe('shared memory growth', () => {
  test('one thread grows the memory, another reads and writes the new pages', async () => {
    const before = x.memory_pages!();
    const old = await pool.spawn({ export: 'grow' }, [4]).join();
    expect(old).toBe(before);
    const newAddr = before * 65536 + 4 * 65536 - 8; // in the last new page
    // The main thread's views still have the old length; they refresh on first use.
    expect(x.memory_pages!()).toBe(before + 4);
    expect(await pool.spawn({ export: 'poke' }, [newAddr, 0x1234567]).join()).toBe(0x1234567);
    expect(x.peek!(newAddr)).toBe(0x1234567);
    expect(await pool.spawn({ export: 'peek' }, [newAddr]).join()).toBe(0x1234567);
    // Past the new end is still out of bounds, on every thread.
    const outcome = await pool.spawn({ export: 'peek' }, [newAddr + 8]).outcome;
    expect(outcome).toMatchObject({ ok: false, name: 'RuntimeError', message: `out of bounds memory access${STACK_SHOWS_EVERY_FRAME ? ' in peek' : ''}` });
  }, 30_000);
});

describe('thread stacks', () => {
  test('two threads run the same recursive function at once on their own stacks', async () => {
    const barrier = scratch + 128;
    setI32(barrier, 0);
    // recursive_sum(depth, base): 32 locals per level on the shadow stack, 200 levels deep.
    const expected = (depth: number, base: number): number => {
      let s = 0;
      for (let d = depth, b = base; d >= 0; d--, b++) for (let i = 0; i < 32; i++) s += b + i;
      return s;
    };
    const a = pool.spawn({ export: 'concurrent_sum' }, [barrier, 2, 200, 200, 1000]);
    const b = pool.spawn({ export: 'concurrent_sum' }, [barrier, 2, 200, 200, 5000]);
    const [sa, sb] = await Promise.all([a.started, b.started]);
    expect(sa.stackPointer).not.toBe(sb.stackPointer);
    expect(await a.join()).toBe(expected(200, 1000));
    expect(await b.join()).toBe(expected(200, 5000));
  }, 30_000);

  test('a thread stack is carved from the region: 16-byte aligned, locals inside it', async () => {
    const base = x.stacks_base!();
    const t = pool.spawn({ export: 'stack_address' });
    const { stackPointer } = await t.started;
    const local = await t.join();
    expect(stackPointer % 16).toBe(0);
    expect(stackPointer).toBeGreaterThan(base);
    expect(stackPointer).toBeLessThanOrEqual(base + x.stacks_size!());
    expect(local).toBeLessThan(stackPointer);
    expect(local).toBeGreaterThan(stackPointer - 65536);
  }, 30_000);

  test('without a stack source, a module with __stack_pointer refuses to start', async () => {
    const bare = new th.ThreadPool({ moduleUrl, memory, adapter });
    const outcome = await bare.spawn({ export: 'stack_address' }).outcome;
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/no stack/);
    await bare.terminateAll();
  }, 30_000);
});

describe('results, traps and imports', () => {
  test('a trap comes back with its name and message; join rethrows it', async () => {
    const t = pool.spawn({ export: 'crash' });
    // The spec's text, then the wasm function it happened in (runtime/trap.ts).
    expect(await t.outcome).toMatchObject({ ok: false, name: 'RuntimeError', message: `unreachable${STACK_SHOWS_EVERY_FRAME ? ' in crash' : ''}` });
    await expect(t.join()).rejects.toMatchObject({ name: 'RuntimeError', message: `unreachable${STACK_SHOWS_EVERY_FRAME ? ' in crash' : ''}`, threadId: t.id });
    await expect(t.join()).rejects.toBeInstanceOf(th.ThreadError);
  }, 30_000);

  test('an unknown export fails the thread, not the pool', async () => {
    const outcome = await pool.spawn({ export: 'nope' }).outcome;
    expect(outcome).toMatchObject({ ok: false, name: 'TypeError' });
  }, 30_000);

  test('an imports factory builds the worker imports; ctx.post reaches onMessage', async () => {
    const factory = writeModule(`export default async function (ctx) {
      ctx.post({ thread: ctx.threadId, data: ctx.data, pages: ctx.memory.pages, sp: ctx.stack && ctx.stack.stackPointer });
      return { env: { memory: ctx.memory } };
    }\n`);
    const messages: any[] = [];
    const p = new th.ThreadPool({
      moduleUrl, memory, adapter, importsUrl: factory, importsData: { hello: 'world' },
      stacks: { base: x.stacks_base!() + 8 * 65536, size: 2 * 65536 },
      onMessage: (m: unknown, t: { id: number }) => messages.push({ m, id: t.id }),
    });
    const t = p.spawn({ export: 'memory_pages' });
    expect(await t.join()).toBe(x.memory_pages!());
    expect(messages).toHaveLength(1);
    expect(messages[0].m).toMatchObject({ thread: t.id, data: { hello: 'world' }, pages: x.memory_pages!() });
    expect(messages[0].m.sp).toBe(x.stacks_base!() + 9 * 65536);
    await p.terminateAll();
  }, 30_000);
});
