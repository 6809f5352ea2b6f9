// test/unit/numeric.test.ts: the runtime numeric helpers, compared bit for bit with native WebAssembly.
//
// Each helper is run against the instruction it implements inside a tiny wasm module. Floats cross the
// JS boundary as their bit patterns (reinterpreted inside wasm), because passing an f32 NaN through JS
// quiets it. NaN results must match exactly where the spec fixes them (abs, neg, copysign, reinterpret);
// elsewhere the spec allows any NaN from a set (spec 4.3.3 "nans"), which is what nanRule checks.
// Where the engine keeps only a NaN's sign (JavaScriptCore: NAN_BITS_KEPT false, runtime/README.md "NaN
// contract"), "exactly" means the sign exactly and the canonical payload: keptNan32/keptNan64 below.

import { describe, expect, it, vi } from 'vitest';
import wabtInit from 'wabt';
import * as N from '../../runtime/numeric/index.js';
import * as P from '../../runtime/numeric/i64-pair.js';
import * as runtime from '../../runtime/index.js';
import { NAN_BITS_KEPT } from '../../runtime/numeric/bits.js';
import {
  RuntimeError,
  TRAP_DIV_ZERO,
  TRAP_INT_OVERFLOW,
  TRAP_INVALID_CONVERSION,
  trap,
} from '../../runtime/trap.js';

type WasmType = 'i32' | 'i64' | 'f32' | 'f64';
type Bits = number | bigint;
type Outcome = { value: Bits } | { trap: string };

// ---- native reference module -------------------------------------------------------------------

/** One exported wasm function: `op` applied to the params, floats passed in and out as bits. */
interface NativeOp {
  name: string;
  params: WasmType[];
  result: WasmType;
  op: string;
}

const boundary = (t: WasmType): string => (t === 'f32' ? 'i32' : t === 'f64' ? 'i64' : t);

function watFunc({ name, params, result, op }: NativeOp): string {
  const body: string[] = [];
  params.forEach((t, i) => {
    body.push(`local.get ${i}`);
    if (t === 'f32') body.push('f32.reinterpret_i32');
    if (t === 'f64') body.push('f64.reinterpret_i64');
  });
  body.push(op);
  if (result === 'f32') body.push('i32.reinterpret_f32');
  if (result === 'f64') body.push('i64.reinterpret_f64');
  const ps = params.map((t) => `(param ${boundary(t)})`).join(' ');
  return `(func (export "${name}") ${ps} (result ${boundary(result)}) ${body.join(' ')})`;
}

const nativeOps: NativeOp[] = [];
const un = (t: WasmType, r: WasmType, op: string): void => void nativeOps.push({ name: op, params: [t], result: r, op });
const bin = (t: WasmType, r: WasmType, op: string): void => void nativeOps.push({ name: op, params: [t, t], result: r, op });
for (const op of ['div_s', 'div_u', 'rem_s', 'rem_u', 'rotl', 'rotr']) bin('i32', 'i32', `i32.${op}`);
for (const op of ['ctz', 'popcnt']) un('i32', 'i32', `i32.${op}`);
for (const op of ['div_s', 'div_u', 'rem_s', 'rem_u', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr']) bin('i64', 'i64', `i64.${op}`);
for (const op of ['lt_u', 'gt_u', 'le_u', 'ge_u']) bin('i64', 'i32', `i64.${op}`);
for (const op of ['clz', 'ctz', 'popcnt']) un('i64', 'i64', `i64.${op}`);
for (const f of ['f32', 'f64'] as const) {
  for (const op of ['abs', 'neg', 'nearest', 'sqrt', 'trunc', 'floor', 'ceil']) un(f, f, `${f}.${op}`);
  for (const op of ['min', 'max', 'copysign']) bin(f, f, `${f}.${op}`);
  for (const i of ['i32', 'i64'] as const) {
    for (const s of ['s', 'u']) {
      un(f, i, `${i}.trunc_${f}_${s}`);
      un(f, i, `${i}.trunc_sat_${f}_${s}`);
      un(i, f, `${f}.convert_${i}_${s}`);
    }
  }
}
un('f64', 'f32', 'f32.demote_f64');
un('f32', 'f64', 'f64.promote_f32');

const wabt = await wabtInit();
const wat = `(module\n${nativeOps.map(watFunc).join('\n')}\n(func (export "f32_param") (param f32) (result i32) local.get 0 i32.reinterpret_f32))`;
const wasmBytes = wabt.parseWat('numeric.wat', wat).toBinary({}).buffer;
const nativeExports = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes)).exports as Record<
  string,
  (...args: unknown[]) => Bits
>;

function native(name: string): (...args: unknown[]) => Bits {
  const fn = nativeExports[name];
  if (fn === undefined) throw new Error(`no native ${name}`);
  return fn;
}

function run(fn: () => Bits): Outcome {
  try {
    return { value: fn() };
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    return { trap: (e as Error).message };
  }
}

// ---- bit-pattern helpers independent of the code under test -----------------------------------

const testBuf = new ArrayBuffer(8);
const tF32 = new Float32Array(testBuf);
const tU32 = new Uint32Array(testBuf);
const tF64 = new Float64Array(testBuf);
const tI64 = new BigInt64Array(testBuf);

/** Bits of Math.fround(x) for a non-NaN x. */
function f32Bits(x: number): number {
  tF32[0] = x;
  return tU32[0]! | 0;
}
function f64Bits(x: number): bigint {
  tF64[0] = x;
  return tI64[0]!;
}
/** -NaN, made by negation (JavaScriptCore folds the literal `-NaN` to +NaN). */
const negativeNan = ((x: number): number => -x)(NaN);
function f64Value(bits: bigint): number {
  tI64[0] = bits;
  const x = tF64[0]!;
  // JavaScriptCore reads every NaN from a Float64Array as +NaN: give it at least its sign.
  return x === x || NAN_BITS_KEPT ? x : bits < 0n ? negativeNan : NaN;
}

const isNan32 = (b: number): boolean => (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;
const isCanonical32 = (b: number): boolean => (b & 0x7fffffff) === 0x7fc00000;
const isQuiet32 = (b: number): boolean => isNan32(b) && (b & 0x400000) !== 0;
const EXP64 = 0x7ff0000000000000n;
const MANT64 = 0xfffffffffffffn;
const isNan64 = (b: bigint): boolean => (b & EXP64) === EXP64 && (b & MANT64) !== 0n;
const isCanonical64 = (b: bigint): boolean => BigInt.asUintN(63, b) === 0x7ff8000000000000n;
const isQuiet64 = (b: bigint): boolean => isNan64(b) && (b & 0x8000000000000n) !== 0n;

/** The bits a NaN keeps on this engine: all of them, or (NAN_BITS_KEPT false) its sign and the canonical payload. */
const keptNan32 = (b: number): number => (NAN_BITS_KEPT || !isNan32(b) ? b : b < 0 ? 0xffc00000 | 0 : 0x7fc00000);
const keptNan64 = (b: bigint): bigint =>
  NAN_BITS_KEPT || !isNan64(b) ? b : BigInt.asIntN(64, b) < 0n ? -0x8000000000000n : 0x7ff8000000000000n;
function keptNan(t: WasmType, b: Bits): Bits {
  return t === 'f32' ? keptNan32(b as number) : t === 'f64' ? keptNan64(b as bigint) : b;
}

function isNanBits(t: WasmType, b: Bits): boolean {
  return t === 'f32' ? isNan32(b as number) : t === 'f64' ? isNan64(b as bigint) : false;
}
function isCanonicalBits(t: WasmType, b: Bits): boolean {
  return t === 'f32' ? isCanonical32(b as number) : isCanonical64(b as bigint);
}
function isQuietBits(t: WasmType, b: Bits): boolean {
  return t === 'f32' ? isQuiet32(b as number) : isQuiet64(b as bigint);
}

/** mulberry32: a small seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) | 0;
  };
}
const rand = prng(0x5eed);
const randI64 = (): bigint => BigInt.asIntN(64, (BigInt(rand() >>> 0) << 32n) | BigInt(rand() >>> 0));

// ---- edge values ------------------------------------------------------------------------------

const uniq = <T,>(xs: T[]): T[] => [...new Set(xs)];

const i32Edges = uniq(
  [0, 1, -1, 2, -2, 3, -3, 5, -5, 7, 10, -10, 0x55555555, 0xaaaaaaaa | 0, 0x12345678, 0xdeadbeef | 0]
    .concat(Array.from({ length: 32 }, (_, k) => [1 << k, (1 << k) - 1, (1 << k) + 1, -(1 << k)].map((x) => x | 0)).flat())
    .concat([31, 32, 33, 63, 64, 65]),
);
const i32Random = Array.from({ length: 2000 }, () => rand());

const i64Edges = uniq(
  [0n, 1n, -1n, 2n, -2n, 3n, -3n, 7n, 10n, -10n, 0x5555555555555555n, 0x0123456789abcdefn, -0x0123456789abcdefn]
    .concat(Array.from({ length: 64 }, (_, k) => [1n << BigInt(k), (1n << BigInt(k)) - 1n, -(1n << BigInt(k))]).flat())
    .concat([31n, 32n, 33n, 63n, 64n, 65n, 127n, 128n])
    .map((x) => BigInt.asIntN(64, x)),
);
const i64Random = Array.from({ length: 2000 }, randI64);

const f32NanBits = [0x7fc00000, 0xffc00000, 0x7fa00000, 0xffa00001, 0x7f800001, 0xff800001, 0x7fffffff, 0xffffffff, 0x7fc00001, 0x7fbfffff, 0x7f812345].map((b) => b | 0);
const f64NanBits = [
  0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff4000000000000n, 0x7ff0000000000001n, 0xfff0000000000001n,
  0x7fffffffffffffffn, 0xffffffffffffffffn, 0x7ff8000000000001n, 0x7ff7ffffffffffffn, 0xfff4000020000000n,
].map((b) => BigInt.asIntN(64, b));

// Numbers whose f32/f64 neighbours sit on rounding or conversion boundaries.
const boundaryNumbers = [
  0, -0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, -3.5, 0.49999999999999994, -0.49999999999999994, 0.25, 0.75, -0.75,
  0.9999, -0.9999, 2 ** 22 + 0.5, 2 ** 23 - 0.5, 2 ** 23, 2 ** 23 + 1, 2 ** 24, 2 ** 52 - 0.5, 2 ** 52, 2 ** 52 + 1, 2 ** 53,
  2 ** 31, -(2 ** 31), 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 31 - 0.5, -(2 ** 31) - 0.5, 2 ** 32, 2 ** 32 - 1, 2 ** 32 - 0.5,
  2 ** 63, -(2 ** 63), 2 ** 64, -(2 ** 64), 1e10, -1e10, Math.PI, -Math.E, 2, 4, 100.5, 101.5, 1e-40, -1e-40, 1e-310, 1e-45,
  Infinity, -Infinity, 3.4028234663852886e38, -3.4028234663852886e38, Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE,
  1.1754943508222875e-38, 2.2250738585072014e-308,
];

function withNeighbours32(bits: number[]): number[] {
  // For a non-NaN pattern, +-1 in bit space is the next f32 up/down in magnitude.
  return uniq(bits.flatMap((b) => [b, (b + 1) | 0, (b - 1) | 0]));
}
function withNeighbours64(bits: bigint[]): bigint[] {
  return uniq(bits.flatMap((b) => [b, BigInt.asIntN(64, b + 1n), BigInt.asIntN(64, b - 1n)]));
}

const f32Edges = uniq([...withNeighbours32(boundaryNumbers.map(f32Bits)), ...f32NanBits]);
const f32Random = Array.from({ length: 3000 }, (_, i) =>
  // Alternate raw bit patterns with moderate magnitudes, where rounding and conversions are interesting.
  i % 2 === 0 ? rand() : f32Bits((rand() / 2 ** 31) * 2 ** ((rand() >>> 0) % 70)),
);
const f32Values = uniq([...f32Edges, ...f32Random]);

const f64Edges = uniq([...withNeighbours64(boundaryNumbers.map(f64Bits)), ...f64NanBits]);
const f64Random = Array.from({ length: 3000 }, (_, i) =>
  i % 2 === 0 ? randI64() : f64Bits((rand() / 2 ** 31) * 2 ** ((rand() >>> 0) % 140)),
);
const f64Values = uniq([...f64Edges, ...f64Random]);

const valuesOf = (t: WasmType): Bits[] =>
  t === 'i32' ? [...i32Edges, ...i32Random] : t === 'i64' ? [...i64Edges, ...i64Random] : t === 'f32' ? f32Values : f64Values;

/** Pairs: every edge with every edge, plus random pairs (and random with edges). */
function pairsOf(t: WasmType): Bits[][] {
  const edges: Bits[] = t === 'i32' ? i32Edges : t === 'i64' ? i64Edges : t === 'f32' ? f32Edges : f64Edges;
  const all = valuesOf(t);
  const pick = (xs: Bits[]): Bits => xs[(rand() >>> 0) % xs.length]!;
  const pairs = edges.flatMap((a) => edges.map((b) => [a, b]));
  for (let i = 0; i < 4000; i++) pairs.push([pick(all), pick(i % 2 === 0 ? all : edges)]);
  return pairs;
}

// ---- the comparison harness -------------------------------------------------------------------

/** How a NaN result is judged: bit-exact, or any NaN the spec's nans{...} set allows. */
type NanRule = 'exact' | 'spec';

/** The helper under test, lifted to take and return bits like the native export. */
function lift(helper: (...args: never[]) => Bits, params: WasmType[], result: WasmType): (...args: Bits[]) => Bits {
  const f = helper as (...args: unknown[]) => Bits;
  const arg = (a: Bits | undefined, t: WasmType | undefined): unknown =>
    t === 'f32' ? N.f32FromBits(a as number) : t === 'f64' ? N.f64FromBits(a as bigint) : a;
  // The values are passed as separate arguments, never gathered in an array: V8 stores an array of
  // numbers as raw doubles and quiets signalling NaNs on the way in.
  return (...args) => {
    const r = args.length === 1 ? f(arg(args[0], params[0])) : f(arg(args[0], params[0]), arg(args[1], params[1]));
    return result === 'f32' ? N.f32ToBits(r as number) : result === 'f64' ? N.f64ToBits(r as number) : r;
  };
}

/** Expected trap text, given the native one (V8's wording differs from the spec's). */
function specTrapText(op: string, args: Bits[]): string {
  if (/div|rem/.test(op)) return args[1] === 0 || args[1] === 0n ? TRAP_DIV_ZERO : TRAP_INT_OVERFLOW;
  return isNanBits(op.includes('_f32_') ? 'f32' : 'f64', args[0]!) ? TRAP_INVALID_CONVERSION : TRAP_INT_OVERFLOW;
}

const show = (b: Bits): string => (typeof b === 'bigint' ? `0x${BigInt.asUintN(64, b).toString(16)}n` : `0x${(b >>> 0).toString(16)}`);

/** Compare a helper with the native instruction over `inputs`; returns the mismatches (at most 10). */
function compare(op: string, helper: (...args: never[]) => Bits, nanRule: NanRule, inputs?: Bits[][]): string[] {
  const spec = nativeOps.find((o) => o.name === op);
  if (spec === undefined) throw new Error(`no native op ${op}`);
  const ours = lift(helper, spec.params, spec.result);
  const theirs = native(op);
  const cases = inputs ?? (spec.params.length === 1 ? valuesOf(spec.params[0]!).map((v) => [v]) : pairsOf(spec.params[0]!));
  const bad: string[] = [];
  for (const args of cases) {
    const n = run(() => theirs(...args));
    const o = run(() => ours(...args));
    let ok: boolean;
    if ('trap' in n) {
      ok = 'trap' in o && o.trap === specTrapText(op, args);
    } else if (!('value' in o)) {
      ok = false;
    } else if (nanRule === 'spec' && isNanBits(spec.result, n.value)) {
      // spec 4.3.3: canonical NaN if every NaN input was canonical, else any arithmetic (quiet) NaN.
      const nanInputs = args.filter((a, i) => isNanBits(spec.params[i]!, a));
      const mustBeCanonical = nanInputs.every((a, i) => isCanonicalBits(spec.params[i]!, a));
      ok = isNanBits(spec.result, o.value) && (mustBeCanonical ? isCanonicalBits(spec.result, o.value) : isQuietBits(spec.result, o.value));
    } else {
      ok = o.value === keptNan(spec.result, n.value);
    }
    if (!ok && bad.length < 10) bad.push(`${op}(${args.map(show).join(', ')}): native ${JSON.stringify('trap' in n ? n : show(n.value))}, ours ${JSON.stringify('trap' in o ? o : show(o.value))}`);
  }
  return bad;
}

// ---- tests ------------------------------------------------------------------------------------

describe('trap', () => {
  it('uses the host WebAssembly error classes', () => {
    expect(RuntimeError).toBe(WebAssembly.RuntimeError);
    expect(() => trap(TRAP_DIV_ZERO)).toThrow(WebAssembly.RuntimeError);
    expect(() => trap(TRAP_DIV_ZERO)).toThrow(/^integer divide by zero$/);
  });

  it('falls back to its own classes where WebAssembly is missing (node --jitless)', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    vi.resetModules();
    try {
      const t = await import('../../runtime/trap.js');
      for (const [cls, name] of [[t.RuntimeError, 'RuntimeError'], [t.LinkError, 'LinkError'], [t.WasmCompileError, 'CompileError']] as const) {
        const e = new cls('boom');
        expect(e).toBeInstanceOf(Error);
        expect(e.name).toBe(name);
        expect(e.message).toBe('boom');
        expect(String(e)).toBe(`${name}: boom`);
      }
      expect(() => t.trap(t.TRAP_UNREACHABLE)).toThrow(t.RuntimeError);
      expect(t.RuntimeError.name).toBe('RuntimeError');
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});

describe('bits', () => {
  it('round-trips every f32 bit pattern tried, signalling NaNs included', () => {
    const bad: string[] = [];
    for (const b of [...f32Values, ...Array.from({ length: 20000 }, () => rand())]) {
      if (N.f32ToBits(N.f32FromBits(b)) !== keptNan32(b)) bad.push(show(b));
      if (N.f32ToBits(N.f32FromBits(b >>> 0)) !== keptNan32(b)) bad.push(`${show(b)} as uint32`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('keeps signalling f32 NaNs in the contract layout', () => {
    expect(N.f64ToBits(N.f32FromBits(0x7fa00000))).toBe(keptNan64(0x7ff4000000000000n));
    expect(N.f64ToBits(N.f32FromBits(0xffa00001))).toBe(keptNan64(BigInt.asIntN(64, 0xfff4000020000000n)));
    expect(N.f32ToBits(N.f32FromBits(0x7fa00000))).toBe(keptNan32(0x7fa00000));
    expect(N.f32ToBits(N.f32FromBits(0xffa00001))).toBe(keptNan32(0xffa00001 | 0));
    expect(N.f32ToBits(N.f32FromBits(0x7f800001))).toBe(keptNan32(0x7f800001));
  });

  it('lays out quiet f32 NaNs exactly as native f64.promote_f32 does', () => {
    const promote = native('f64.promote_f32');
    for (const b of [...f32Values, ...f32NanBits]) {
      if (!isNan32(b) || isQuiet32(b)) expect(N.f64ToBits(N.f32FromBits(b))).toBe(keptNan64(promote(b) as bigint));
    }
  });

  it('maps a double NaN with an empty top payload to a NaN, not infinity', () => {
    expect(N.f32ToBits(f64Value(0x7ff0000000000001n))).toBe(0x7fc00000);
    expect(N.f32ToBits(f64Value(-0x000fffffffffffffn))).toBe(0xffc00000 | 0);
    expect(N.f32ToBits(f64Value(0x7ff000001fffffffn))).toBe(0x7fc00000);
    expect(N.f32ToBits(NaN)).toBe(0x7fc00000);
  });

  it('round-trips f64 bit patterns exactly, signalling NaNs included', () => {
    const bad: string[] = [];
    for (const b of [...f64Values, ...Array.from({ length: 20000 }, randI64)]) {
      if (N.f64ToBits(N.f64FromBits(b)) !== keptNan64(b)) bad.push(show(b));
      if (N.f64ToBits(N.f64FromBits(BigInt.asUintN(64, b))) !== keptNan64(b)) bad.push(`${show(b)} as uint64`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(N.f64ToBits(N.f64FromBits(0x7ff4000000000000n))).toBe(keptNan64(0x7ff4000000000000n));
  });

  it('converts JS numbers for f32 parameters as native wasm does', () => {
    const param = native('f32_param');
    const doubles = [
      ...f64Values.map(f64Value),
      ...boundaryNumbers,
      // Exact midpoints between adjacent f32s, to check ties-to-even.
      ...f32Values.filter((b) => !isNan32(b)).map((b) => (f64Value(f64Bits(N.f32FromBits(b))) + N.f32FromBits((b + 1) | 0)) / 2),
    ];
    const bad: string[] = [];
    for (const x of doubles) {
      const ours = N.f32ToBits(N.f32ToRepresentation(x));
      const theirs = param(x) as number;
      if (ours !== theirs) bad.push(`${show(f64Bits(x))}: native ${show(theirs)}, ours ${show(ours)}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('keeps double NaN payloads through locals, arguments, returns and object fields (engine canary)', () => {
    // The contract relies on this; note that arrays of numbers do NOT keep signalling NaNs (see lift()).
    const keep = (x: number): number => x;
    const holder = { v: 0 };
    const bad = new Set<string>();
    for (let round = 0; round < 5000; round++) {
      for (const b of f64NanBits) {
        holder.v = keep(N.f64FromBits(b));
        if (N.f64ToBits(holder.v) !== keptNan64(b)) bad.add(show(b));
      }
    }
    expect([...bad]).toEqual([]);
  });
});

describe('i32', () => {
  it.each([
    ['i32.div_s', N.i32_div_s],
    ['i32.div_u', N.i32_div_u],
    ['i32.rem_s', N.i32_rem_s],
    ['i32.rem_u', N.i32_rem_u],
    ['i32.rotl', N.i32_rotl],
    ['i32.rotr', N.i32_rotr],
    ['i32.ctz', N.i32_ctz],
    ['i32.popcnt', N.i32_popcnt],
  ] as const)('%s matches native', (op, helper) => {
    expect(compare(op, helper, 'exact')).toEqual([]);
  });

  it('traps with the spec messages', () => {
    expect(() => N.i32_div_s(1, 0)).toThrow(TRAP_DIV_ZERO);
    expect(() => N.i32_div_s(-0x80000000, -1)).toThrow(TRAP_INT_OVERFLOW);
    expect(N.i32_rem_s(-0x80000000, -1)).toBe(0);
    expect(Object.is(N.i32_rem_s(-0x80000000, -1), 0)).toBe(true);
    expect(() => N.i32_rem_u(1, 0)).toThrow(RuntimeError);
  });
});

describe('i64', () => {
  it.each([
    ['i64.div_s', N.i64_div_s],
    ['i64.div_u', N.i64_div_u],
    ['i64.rem_s', N.i64_rem_s],
    ['i64.rem_u', N.i64_rem_u],
    ['i64.shl', N.i64_shl],
    ['i64.shr_s', N.i64_shr_s],
    ['i64.shr_u', N.i64_shr_u],
    ['i64.rotl', N.i64_rotl],
    ['i64.rotr', N.i64_rotr],
    ['i64.lt_u', N.i64_lt_u],
    ['i64.gt_u', N.i64_gt_u],
    ['i64.le_u', N.i64_le_u],
    ['i64.ge_u', N.i64_ge_u],
    ['i64.clz', N.i64_clz],
    ['i64.ctz', N.i64_ctz],
    ['i64.popcnt', N.i64_popcnt],
  ] as const)('%s matches native', (op, helper) => {
    expect(compare(op, helper, 'exact')).toEqual([]);
  });

  it('traps with the spec messages and normalises results', () => {
    expect(() => N.i64_div_s(1n, 0n)).toThrow(TRAP_DIV_ZERO);
    expect(() => N.i64_div_s(-(2n ** 63n), -1n)).toThrow(TRAP_INT_OVERFLOW);
    expect(N.i64_rem_s(-(2n ** 63n), -1n)).toBe(0n);
    expect(N.i64_div_u(-1n, 1n)).toBe(-1n);
    expect(N.i64_shl(1n, 63n)).toBe(-(2n ** 63n));
    expect(N.i64_shl(1n, 64n)).toBe(1n);
    expect(N.i64_shr_u(-1n, -1n)).toBe(1n);
    expect(N.i64_rotl(-(2n ** 63n), 1n)).toBe(1n);
  });
});

/** A pair helper (lo, hi, lo, hi → lo, high.bits) as a BigInt one, to compare with native. */
function viaPairs(f: (alo: number, ahi: number, blo: number, bhi: number) => number): (a: bigint, b: bigint) => bigint {
  return (a, b) => {
    const alo = P.i64_split(a);
    const ahi = P.high.bits;
    const blo = P.i64_split(b);
    const bhi = P.high.bits;
    const lo = f(alo, ahi, blo, bhi);
    return P.i64_join(lo, P.high.bits);
  };
}

describe('i64 pairs (what generated code calls)', () => {
  // Generated code takes helpers from the runtime by name, and the BigInt helpers have the same
  // names: every pair helper, including those no longer emitted (scripts compiled before may be in
  // a cache), must be the one the runtime's index exports.
  it('are what the runtime exports under their names', () => {
    const pairs = Object.entries(P).filter(([name, value]) => typeof value === 'function' && name in N);
    expect(pairs.map(([name]) => name)).toEqual(expect.arrayContaining(['i64_clz', 'i64_ctz', 'i64_popcnt', 'i64_rotl', 'i64_rotr', 'i64_div_s', 'i64_rem_u']));
    for (const [name, value] of pairs) expect(runtime[name as keyof typeof runtime], name).toBe(value);
  });

  // Divisors at the edges of each path: below 2^32 (three exact steps), 2^32 to 2^63 (a double
  // estimate and one correction), 2^63 and up (quotient 0 or 1); dividends of every size.
  // Also 2^21 and 2^53: the one-step (dividend below 2^53) and two-step (divisor below 2^21) paths.
  const magnitudes = [1n, 3n, 0x1fffffn, 0x200000n, 0xffffffffn, 0x100000000n, 0x100000001n, 0x1fffffffffffffn, 0x20000000000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn];
  const edges = magnitudes.flatMap((m) => [m, m - 1n, m + 1n]).map((v) => BigInt.asIntN(64, v)).flatMap((v) => [v, -v]);
  const estimateEdges: bigint[][] = [];
  for (const b of edges) for (const a of edges) estimateEdges.push([a, b]);
  // Quotients one below and one above a multiple: a = q·b ± 1 for large b.
  for (const b of [0x100000001n, 0x123456789abn, 0x7fffffff00000001n]) for (const q of [1n, 2n, 0xfffffffen, 0xffffffffn]) for (const d of [-1n, 0n, 1n]) estimateEdges.push([BigInt.asIntN(64, q * b + d), b]);
  // Divisors under dividends of 2^53 and up: from 2^21, one estimated division corrected by the
  // exact low word (bench S21); below, the high word first (quotients past 2^53). Remainders 0, 1,
  // b - 2, b - 1 and b/2, and one below a multiple, up to the largest quotient.
  for (const b of [0x7ffn, 0x800n, 0x801n, 0xfffn, 0x1fffffn, 0x200000n, 0x200001n, 0x87654321n, 0xfffffffbn, 0xffffffffn]) {
    for (const q of [(1n << 53n) / b + 1n, (1n << 40n) + 12345n, (1n << 63n) / b, ((1n << 64n) - 1n) / b]) {
      for (const d of [0n, 1n, b - 2n, b - 1n, b / 2n, -1n]) if (q * b + d < 1n << 64n) estimateEdges.push([BigInt.asIntN(64, q * b + d), b]);
    }
  }
  // Small divisors and dividends around 2^53, random below (xorshift, fixed seed).
  let x = 0x9e3779b9;
  const rand = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), BigInt(x >>> 0));
  for (let i = 0; i < 2000; i++) {
    const b = [rand() & 0x1fffffn, (rand() & 0x3fffffn) | 1n, rand() | 1n][i % 3]!;
    const a = [(rand() << 21n) | rand(), (rand() << 32n) | rand(), 0x1fffffffffffffn - rand()][(i / 3 | 0) % 3]!;
    if (b) estimateEdges.push([BigInt.asIntN(64, a), b], [BigInt.asIntN(64, -a), BigInt.asIntN(64, -b)]);
  }
  it.each([
    ['i64.div_s', P.i64_div_s],
    ['i64.div_u', P.i64_div_u],
    ['i64.rem_s', P.i64_rem_s],
    ['i64.rem_u', P.i64_rem_u],
  ] as const)('%s matches native on random and edge operands', (op, helper) => {
    expect(compare(op, viaPairs(helper), 'exact')).toEqual([]);
    expect(compare(op, viaPairs(helper), 'exact', estimateEdges)).toEqual([]);
  });
});

describe('float', () => {
  it.each([
    ['f32.abs', N.f32_abs, 'exact'],
    ['f32.neg', N.f32_neg, 'exact'],
    ['f32.copysign', N.f32_copysign, 'exact'],
    ['f64.abs', N.f64_abs, 'exact'],
    ['f64.neg', N.f64_neg, 'exact'],
    ['f64.copysign', N.f64_copysign, 'exact'],
    ['f32.min', N.f32_min, 'spec'],
    ['f32.max', N.f32_max, 'spec'],
    ['f64.min', N.f64_min, 'spec'],
    ['f64.max', N.f64_max, 'spec'],
    ['f32.nearest', N.f32_nearest, 'spec'],
    ['f64.nearest', N.f64_nearest, 'spec'],
    ['f32.sqrt', N.f32_sqrt, 'spec'],
    ['f32.trunc', N.f32_trunc, 'spec'],
    ['f64.trunc', N.f64_trunc, 'spec'],
    ['f32.floor', N.f32_floor, 'spec'],
    ['f64.floor', N.f64_floor, 'spec'],
    ['f32.ceil', N.f32_ceil, 'spec'],
    ['f64.ceil', N.f64_ceil, 'spec'],
  ] as const)('%s matches native', (op, helper, rule) => {
    expect(compare(op, helper, rule)).toEqual([]);
  });

  it('rounds half to even and keeps the sign of zero', () => {
    expect(Object.is(N.f64_nearest(-0.5), -0)).toBe(true);
    expect(Object.is(N.f64_nearest(0.5), 0)).toBe(true);
    expect(Object.is(N.f64_nearest(-0), -0)).toBe(true);
    expect([1.5, 2.5, -1.5, -2.5, 4503599627370495.5].map(N.f64_nearest)).toEqual([2, 2, -2, -2, 4503599627370496]);
    expect(Object.is(N.f32_min(-0, 0), -0)).toBe(true);
    expect(Object.is(N.f64_max(-0, 0), 0)).toBe(true);
  });
});

describe('convert', () => {
  const truncs = (['i32', 'i64'] as const).flatMap((i) =>
    (['f32', 'f64'] as const).flatMap((f) =>
      (['s', 'u'] as const).flatMap((s) => [`${i}.trunc_${f}_${s}`, `${i}.trunc_sat_${f}_${s}`]),
    ),
  );
  it.each(truncs)('%s matches native (values, traps, saturation)', (op) => {
    const helper = (N as unknown as Record<string, (x: number) => Bits>)[op.replace('.', '_')]!;
    expect(helper).toBeTypeOf('function');
    expect(compare(op, helper, 'exact')).toEqual([]);
  });

  it('checks truncation ranges exactly', () => {
    expect(N.i32_trunc_f64_s(-2147483648.9)).toBe(-2147483648);
    expect(() => N.i32_trunc_f64_s(-2147483649)).toThrow(TRAP_INT_OVERFLOW);
    expect(N.i32_trunc_f64_s(2147483647.9)).toBe(2147483647);
    expect(() => N.i32_trunc_f64_s(2147483648)).toThrow(TRAP_INT_OVERFLOW);
    expect(N.i32_trunc_f64_u(-0.9)).toBe(0);
    expect(() => N.i32_trunc_f64_u(-1)).toThrow(TRAP_INT_OVERFLOW);
    expect(() => N.i64_trunc_f32_u(NaN)).toThrow(TRAP_INVALID_CONVERSION);
    expect(N.i64_trunc_f64_s(-(2 ** 63))).toBe(-(2n ** 63n));
    expect(N.i64_trunc_f64_u(2 ** 64 - 2048)).toBe(-2048n);
    expect(N.i64_trunc_sat_f64_u(Infinity)).toBe(-1n);
  });

  // i64 values around f32 rounding boundaries: exact ties, ties +-1, and values with one far sticky bit.
  const tieCases: bigint[] = [0x0020000020000001n, 0x0020000020000000n, 0x002000001fffffffn, 0x7fffffffffffffffn, -(2n ** 63n)];
  for (let shift = 1n; shift <= 40n; shift++) {
    for (let i = 0; i < 20; i++) {
      const top = (1n << 23n) | BigInt((rand() >>> 0) & 0x7fffff);
      const tie = (top << (shift + 1n)) | (1n << shift);
      for (const d of [0n, 1n, -1n, 2n]) {
        const v = BigInt.asUintN(64, tie + d);
        tieCases.push(BigInt.asIntN(64, v), BigInt.asIntN(64, -v));
      }
    }
  }
  const intsFor = (t: 'i32' | 'i64'): Bits[][] =>
    (t === 'i64' ? [...i64Edges, ...i64Random, ...tieCases] : [...i32Edges, ...i32Random]).map((v) => [v]);

  it.each([
    ['f32.convert_i32_s', N.f32_convert_i32_s, 'i32'],
    ['f32.convert_i32_u', N.f32_convert_i32_u, 'i32'],
    ['f64.convert_i32_s', N.f64_convert_i32_s, 'i32'],
    ['f64.convert_i32_u', N.f64_convert_i32_u, 'i32'],
    ['f32.convert_i64_s', N.f32_convert_i64_s, 'i64'],
    ['f32.convert_i64_u', N.f32_convert_i64_u, 'i64'],
    ['f64.convert_i64_s', N.f64_convert_i64_s, 'i64'],
    ['f64.convert_i64_u', N.f64_convert_i64_u, 'i64'],
  ] as const)('%s matches native, rounding once', (op, helper, t) => {
    expect(compare(op, helper, 'exact', intsFor(t))).toEqual([]);
  });

  it('rounds i64 -> f32 directly, not through a double', () => {
    // 2^53 + 2^29 + 1: Number() rounds to the tie 2^53 + 2^29, which then rounds to even at 2^53.
    expect(Math.fround(Number(0x0020000020000001n))).toBe(2 ** 53);
    expect(N.f32_convert_i64_s(0x0020000020000001n)).toBe(2 ** 53 + 2 ** 30);
    expect(N.f32_convert_i64_u(0x0020000020000001n)).toBe(2 ** 53 + 2 ** 30);
    expect(N.f32_convert_i64_s(-0x0020000020000001n)).toBe(-(2 ** 53 + 2 ** 30));
    expect(N.f32_convert_i64_u(-1n)).toBe(2 ** 64);
    expect(N.f32_convert_i64_s(-(2n ** 63n))).toBe(-(2 ** 63));
  });

  it.each([
    ['f32.demote_f64', N.f32_demote_f64],
    ['f64.promote_f32', N.f64_promote_f32],
  ] as const)('%s matches native', (op, helper) => {
    expect(compare(op, helper, 'spec')).toEqual([]);
  });

  it('demotes and promotes NaNs to quiet NaNs that keep sign and payload', () => {
    // Independent of the engine: quiet bit set, sign kept, top 23 payload bits kept (the payload where NaN bits are kept).
    expect(N.f32ToBits(N.f32_demote_f64(f64Value(0x7ff4000000000001n)))).toBe(keptNan32(0x7fe00000));
    expect(N.f32ToBits(N.f32_demote_f64(f64Value(-0x000bffffe0000000n)))).toBe(keptNan32(0xffe00001 | 0));
    expect(N.f32ToBits(N.f32_demote_f64(f64Value(0x7ff0000000000001n)))).toBe(0x7fc00000);
    expect(N.f64ToBits(N.f64_promote_f32(N.f32FromBits(0x7fa00001)))).toBe(keptNan64(0x7ffc000020000000n));
    expect(N.f64ToBits(N.f64_promote_f32(N.f32FromBits(0xff800001)))).toBe(keptNan64(-0x0007ffffe0000000n));
  });
});
