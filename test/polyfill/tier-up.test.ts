// The polyfill's tier-up (polyfill/tier-up.ts): a split function counts its crossings between
// parts, and is compiled again with its most-entered segments in one part while it runs. Calls
// already running finish in the old code, later calls (and recursive ones from the old code) run
// the new; every result must stay native's. Here an interpreter (a dispatch every handler jumps
// back to, handlers writing different locals, one recursing, one trapping) split into many parts.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consecutiveOrder, layoutParts, renumbered } from '../../compiler/emit/part-layout.js';
import { prepare } from '../../compiler/compile-function.js';
import { compile } from '../../compiler/index.js';
import { diskCache } from '../../polyfill/disk-cache.js';
import { createWebAssembly, inProcessBackend } from '../../polyfill/index.js';
import { attachTierUp, POLYFILL_COMPILE_OPTIONS, relayoutSource, tierUpStats, type TierEvent, type TierHook } from '../../polyfill/tier-up.js';
import { setTierUpAfter, TIER_UP_AFTER } from '../../runtime/tier-up.js';
import { wasmFrames } from '../../runtime/wasm-stack.js';
import { interpreterWat } from '../helpers/interpreter-wat.js';
import { xorshift32 } from '../helpers/random.js';
import { wat } from '../helpers/wasm.js';

// $interp(prog, len, depth), called by `run`, so that calls after a tier-up reach the new code by
// the function's name: op 6 recurses, op 7 traps (test/helpers/interpreter-wat.ts).
const INTERPRETER = interpreterWat({ recursive: true });

// Every function through the dispatch form, split into parts of 40 nodes; counting crossings.
const OPTIONS = { ...POLYFILL_COMPILE_OPTIONS, layout: { flatAbove: 1, flatSpan: 1, cutStatements: 1, splitAboveTokens: -1, partNodes: 40, countCrossings: true } };
const backend = inProcessBackend({}, OPTIONS);

afterEach(() => setTierUpAfter(TIER_UP_AFTER));

type Outcome = { value: number } | { trap: string };
const outcome = (run: () => number): Outcome => {
  try {
    return { value: run() };
  } catch (e) {
    return { trap: (e as Error).constructor.name };
  }
};

describe('tier-up: a split function laid out again while it runs', () => {
  it('runs as native before, during and after the relayout, recursion and traps included', () => {
    setTierUpAfter(300, 0);
    const bytes = wat(INTERPRETER);
    const poly = createWebAssembly(backend) as unknown as typeof WebAssembly;
    const mine = new poly.Instance(new poly.Module(bytes)).exports as Record<string, any>;
    const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, any>;
    const relaidBefore = tierUpStats().relaid.length;
    const rand = xorshift32(0x2545f491);
    let traps = 0;
    let stackAfter = '';
    for (let trial = 0; trial < 120; trial++) {
      const len = 1 + (rand() % 200);
      // Op 7 (a trap) only now and then, so that most programs run to the end.
      const prog = Array.from({ length: len }, () => rand() % (trial % 5 === 0 ? 8 : 7));
      for (const mem of [mine.mem, native.mem] as WebAssembly.Memory[]) new Uint8Array(mem.buffer).set(prog, 64);
      const expected = outcome(() => native.run(64, len));
      expect([trial, outcome(() => mine.run(64, len))]).toEqual([trial, expected]);
      if ('trap' in expected) {
        traps++;
        if (tierUpStats().relaid.length > relaidBefore) {
          try {
            mine.run(64, len);
          } catch (e) {
            stackAfter = (e as Error).stack ?? '';
          }
        }
      }
    }
    expect(tierUpStats().failed).toEqual([]);
    // The interpreter ($interp, function 0) was laid out again, and what ran later was the new code:
    // a trap's stack names it.
    expect(tierUpStats().relaid.slice(relaidBefore)).toEqual([0]);
    expect(traps).toBeGreaterThan(3);
    expect(stackAfter).toMatch(/\$interp\$t\d+/);
  });

  it('counting is only for the polyfill\'s script form, which declares the hook', () => {
    expect(() => compile(wat(INTERPRETER), { layout: OPTIONS.layout })).toThrow(/script: 'only'/);
    expect(compile(wat(INTERPRETER), OPTIONS).files.get('index.script.js')).toContain('const $$tier = ');
  });

  it('the first crossing calls the hook at once, while the function is still interpreted (S44)', () => {
    // So V8 has type feedback for that call before it optimizes the function: a call first reached
    // in optimized code deopts it (sqlite's VDBE loop was compiled twice more for it).
    setTierUpAfter(1000, 0);
    const calls: number[] = [];
    const spying = { ...backend, attachTierUp: (tier: { up: (f: number, counts: Int32Array) => void }) => {
      tier.up = (funcIndex, counts) => void calls.push(funcIndex, counts[counts.length - 1]!);
    } };
    const poly = createWebAssembly(spying) as unknown as typeof WebAssembly;
    const mine = new poly.Instance(new poly.Module(wat(INTERPRETER))).exports as Record<string, any>;
    new Uint8Array((mine.mem as WebAssembly.Memory).buffer).set([0, 1, 2, 3, 5, 0, 1], 64);
    mine.run(64, 7);
    // $interp (function 0), its countdown run out at its first crossing; left at 0, never again.
    expect(calls).toEqual([0, 0]);
    mine.run(64, 7);
    expect(calls).toEqual([0, 0]);
  });

  it('with tier-up off, never lays out again', () => {
    setTierUpAfter(0);
    const bytes = wat(INTERPRETER);
    const poly = createWebAssembly(backend) as unknown as typeof WebAssembly;
    const mine = new poly.Instance(new poly.Module(bytes)).exports as Record<string, any>;
    const relaid = tierUpStats().relaid.length;
    new Uint8Array((mine.mem as WebAssembly.Memory).buffer).set(Array.from({ length: 200 }, (_, i) => (i * 7) % 6), 64);
    for (let i = 0; i < 200; i++) mine.run(64, 200);
    expect(tierUpStats().relaid.length).toBe(relaid);
  });
});

describe('tier-up: a function crossing too few times a second is measured again (bench/README.md D32)', () => {
  // A clock the test moves: `gap(k)` is how far the k-th reading (from 1) is from the one before.
  // The hook reads it where a window starts and where it ends.
  function run(gap: (k: number) => number) {
    setTierUpAfter(300, 1000);
    let now = 0;
    let readings = 0;
    const clock = (): number => (now += gap(++readings));
    const events: TierEvent['kind'][] = [];
    const countdowns: number[] = [];
    const timed = { ...backend, attachTierUp: (hook: TierHook, bytes: Uint8Array) => {
      attachTierUp(hook, bytes, { compile: OPTIONS, clock, onEvent: (e) => void events.push(e.kind) });
      const up = hook.up;
      hook.up = (funcIndex, counts, mainEnd) => {
        up(funcIndex, counts, mainEnd);
        countdowns.push(counts[counts.length - 1]!);
      };
    } };
    const bytes = wat(INTERPRETER);
    const poly = createWebAssembly(timed as never) as unknown as typeof WebAssembly;
    const mine = new poly.Instance(new poly.Module(bytes)).exports as Record<string, any>;
    const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, any>;
    const prog = Array.from({ length: 200 }, (_, i) => (i * 7) % 6);
    for (const mem of [mine.mem, native.mem] as WebAssembly.Memory[]) new Uint8Array(mem.buffer).set(prog, 64);
    const expected = native.run(64, prog.length);
    for (let i = 0; i < 400 && events.length === 0; i++) expect(mine.run(64, prog.length)).toBe(expected);
    return { events, countdowns, readings };
  }

  it('slow over its first window, fast over the next: laid out then', () => {
    // Readings 1 and 2 bound the first window (300 crossings in 1000 s), 3 and 4 the second (600 in 1 ms).
    const { events, countdowns, readings } = run((k) => (k === 2 ? 1e6 : 1));
    expect(events).toEqual(['relaid']);
    expect(countdowns).toEqual([300, 300, 600, 0]);
    expect(readings).toBe(4);
  });

  it('slow over every window: left as it is after four more, each twice as long', () => {
    const { events, countdowns, readings } = run(() => 1e6);
    expect(events).toEqual(['skipped']);
    expect(countdowns).toEqual([300, 300, 600, 1200, 2400, 4800, 0]);
    expect(readings).toBe(10);
  });
});

describe('a function laid out again numbers each part\'s segments consecutively', () => {
  // V8 compiles a `switch` whose cases are spread wider than 3× their count to a chain of
  // compares (bench/README.md S36): a gathered part's `switch (pc)` must be a run of case labels.
  it('the gathered part\'s dispatch cases are consecutive (the first test runs such a layout against native)', () => {
    const bytes = wat(INTERPRETER);
    const script = compile(bytes, OPTIONS).files.get('index.script.js')!;
    const n = Number(/\$interp\$cx = \w+\((\d+)\)/.exec(script)![1]);
    expect(n).toBeGreaterThan(20);
    // Entries into segments spread over the function, the last one most.
    const counts = new Int32Array(n + 1);
    for (let s = 3; s < n; s += 4) counts[s] = 10 + s;
    const src = relayoutSource(prepare(bytes, 'module.wasm', { layout: OPTIONS.layout }), 0, counts)!;
    const parts = src.split(/^(?=function )/m).filter((f) => f.startsWith('function $interp$t1$$p'));
    expect(parts.length).toBeGreaterThan(1);
    let gathered = 0;
    for (const part of parts) {
      const labels = dispatchCases(part);
      expect(labels.length).toBeGreaterThan(0);
      expect(labels).toEqual(labels.map((_, i) => labels[0]! + i));
      gathered = Math.max(gathered, labels.length);
    }
    // The gathered part holds segments 4 apart in the counting script's numbering.
    expect(gathered).toBeGreaterThan(4);
  });
});

/** The case labels of a printed function's `dispatch:` loop switch (not of nested switches). */
function dispatchCases(code: string): number[] {
  const lines = code.split('\n').map((line) => line.trim());
  const at = lines.indexOf('dispatch: for (;;) {');
  const labels: number[] = [];
  let depth = 0;
  for (const line of lines.slice(at + 1)) {
    const m = /^case (\d+):$/.exec(line);
    if (depth === 1 && m) labels.push(Number(m[1]));
    for (const c of line) depth += c === '{' ? 1 : c === '}' ? -1 : 0;
    if (depth < 0) break;
  }
  return labels;
}

describe('tier-up kept in the disk cache', () => {
  it('a later process evaluates the laid-out function before any call, and never counts it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-tier-up-'));
    try {
      const bytes = wat(INTERPRETER);
      const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, any>;
      const prog = Array.from({ length: 150 }, (_, i) => (i * 5 + (i >> 3)) % 7);
      new Uint8Array((native.mem as WebAssembly.Memory).buffer).set(prog, 64);
      const expected = native.run(64, prog.length);
      // The first "process" lays the interpreter out again and keeps it beside the script.
      setTierUpAfter(300, 0);
      const first = createWebAssembly(inProcessBackend(diskCache(dir), OPTIONS)) as unknown as typeof WebAssembly;
      const a = new first.Instance(new first.Module(bytes)).exports as Record<string, any>;
      new Uint8Array((a.mem as WebAssembly.Memory).buffer).set(prog, 64);
      const relaid = tierUpStats().relaid.length;
      for (let i = 0; i < 20; i++) expect(a.run(64, prog.length)).toBe(expected);
      expect(tierUpStats().relaid.length).toBe(relaid + 1);
      const kept = fs.readdirSync(dir).filter((f) => f.endsWith('.tier.jsonl'));
      expect(kept).toHaveLength(1);
      expect(JSON.parse(fs.readFileSync(path.join(dir, kept[0]!), 'utf8').split('\n')[0]!).funcIndex).toBe(0);
      // The next, with tier-up off: the kept layout runs from the first call (the new code's name
      // in a trap's stack), as native.
      setTierUpAfter(0);
      const reused = tierUpStats().reused.length;
      const next = createWebAssembly(inProcessBackend(diskCache(dir), OPTIONS)) as unknown as typeof WebAssembly;
      const b = new next.Instance(new next.Module(bytes)).exports as Record<string, any>;
      expect(tierUpStats().reused.slice(reused)).toEqual([0]);
      new Uint8Array((b.mem as WebAssembly.Memory).buffer).set(prog, 64);
      expect(b.run(64, prog.length)).toBe(expected);
      new Uint8Array((b.mem as WebAssembly.Memory).buffer).set([7, 0, 7], 64);
      new Uint8Array((native.mem as WebAssembly.Memory).buffer).set([7, 0, 7], 64);
      expect(() => native.run(64, 3)).toThrow(WebAssembly.RuntimeError);
      expect(() => b.run(64, 3)).toThrow(/unreachable/);
      let stack = '';
      try {
        b.run(64, 3);
      } catch (e) {
        stack = (e as Error).stack ?? '';
      }
      expect(stack).toMatch(/\$interp\$t1/);
      // Stacks and trap reports still name the wasm function.
      expect(wasmFrames(stack)[0]?.name).toBe('interp');
      // A script written again (another size or time) does not take the old records.
      const script = fs.readdirSync(dir).find((f) => /^[0-9a-f]{64}\.js$/.test(f))!;
      fs.appendFileSync(path.join(dir, script), '\n');
      const third = createWebAssembly(inProcessBackend(diskCache(dir), OPTIONS)) as unknown as typeof WebAssembly;
      const before = tierUpStats().reused.length;
      new third.Module(bytes);
      expect(tierUpStats().reused.length).toBe(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('part layout from a profile (compiler/emit/part-layout.ts)', () => {
  const sizes = [30, 30, 30, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10];
  it('gathers the most-entered segments past the main function into one part, up to the budget', () => {
    const plain = layoutParts(sizes, 40)!;
    expect(plain.mainEnd).toBe(1);
    expect(plain.members).toEqual([[0], [1], [2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12]]);
    const profile = [0, 0, 500, 0, 3, 0, 0, 0, 0, 90, 0, 80, 70];
    const hot = layoutParts(sizes, 40, profile, 55)!;
    // 2 (30 nodes), 9, 11 (10 each) fit in 55; 12 and 4 do not (50 are taken then).
    expect(hot.members.find((m) => m.includes(2))).toEqual([2, 9, 11]);
    expect(hot.members.some((m) => m.length === 0)).toBe(false);
    expect(hot.group[0]).toBe(0);
    expect(hot.mainEnd).toBe(1);
    // Runs of one part, ascending, cover every segment past the main function.
    expect(hot.runs.map(([s]) => s)).toEqual([1, 2, 3, 4, 8, 9, 10, 11, 12]);
    for (const [s, g] of hot.runs) expect(hot.group[s]).toBe(g);
  });
  it('numbers each part\'s segments consecutively, the main function\'s first', () => {
    const hot = layoutParts(sizes, 40, [0, 0, 500, 0, 3, 0, 0, 0, 0, 90, 0, 80, 70], 55)!;
    const order = consecutiveOrder(hot)!;
    const again = renumbered(hot, order);
    // Parts [0], [1], the gathered [2, 9, 11], [3], [4-7], [8, 10], [12]: each now one run.
    expect(hot.members).toEqual([[0], [1], [2, 9, 11], [3], [4, 5, 6, 7], [8, 10], [12]]);
    expect(again.members).toEqual([[0], [1], [2, 3, 4], [5], [6, 7, 8, 9], [10, 11], [12]]);
    for (let s = 0; s < sizes.length; s++) expect(again.group[order[s]!]).toBe(hot.group[s]);
    expect(again.runs).toEqual(again.members.slice(1).map((m, i) => [m[0], i + 1]));
    // A layout without a profile is runs already: nothing to renumber.
    expect(consecutiveOrder(layoutParts(sizes, 40)!)).toBeUndefined();
  });
  it('moves nothing when the most-entered segment is in the main function', () => {
    const profile = [900, 0, 500, 0, 3];
    expect(layoutParts(sizes, 40, profile, 60)!.members).toEqual(layoutParts(sizes, 40)!.members);
  });
});
