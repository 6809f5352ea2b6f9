// The fuzzers' own parts, so a silent harness cannot pass for a clean run: the trace comparison
// and its allowances, the binary helpers, the mutations, the failure signatures.

import { describe, expect, test } from 'vitest';
import { addExports, readModuleInfo, readSections, sectionEntries } from './binary.mjs';
import { compareTraces, errorKind, quietNaNsOnly } from './compare.mjs';
import { encodeValue } from './harness.mjs';
import { deepNesting, MUTATIONS, paddedLeb } from './mutate.mjs';
import { signature } from './reduce.mjs';
import { wat } from '../helpers/wasm.js';

const call = (over: Record<string, unknown> = {}) => ({ name: 'f', result: 'f64:0', log: [], memories: ['65536:aa'], globals: [], tables: [], ...over });
const trace = (calls: unknown[]) => ({ instantiate: 'ok', instantiateLog: [], exports: ['f:function/0'], initial: { memories: ['65536:aa'], globals: [], tables: [] }, calls });

describe('compareTraces', () => {
  test('equal traces agree', () => {
    expect(compareTraces(trace([call()]), trace([call()])).mismatches).toEqual([]);
  });

  test('a different result, log entry or memory is a mismatch', () => {
    const { mismatches } = compareTraces(trace([call()]), trace([call({ result: 'f64:1', log: ['log-i32 f64:0'], memories: ['65536:bb'] })]));
    expect(mismatches.map((m: { where: string }) => m.where)).toEqual(['call #0 f: result', 'call #0 f: log (length)', 'call #0 f: memories[0]']);
  });

  test('NaN bits at the JS boundary are an allowance, other bits are not', () => {
    const nan = compareTraces(trace([call({ result: 'nan:7ff8000000000000' })]), trace([call({ result: 'nan:fff4000000000000' })]));
    expect(nan.mismatches).toEqual([]);
    expect(nan.allowances).toEqual({ 'nan-boundary': 1 });
    const notNaN = compareTraces(trace([call({ result: 'nan:7ff8000000000000' })]), trace([call({ result: 'f64:7ff0000000000000' })]));
    expect(notNaN.mismatches).toHaveLength(1);
  });

  test('trap kinds: V8 covers two spec messages with one, others must match', () => {
    const v8 = trace([call({ error: 'trap:float unrepresentable in integer range' })]);
    expect(compareTraces(v8, trace([call({ error: 'trap:integer overflow' })])).mismatches).toEqual([]);
    expect(compareTraces(v8, trace([call({ error: 'trap:invalid conversion to integer' })])).mismatches).toEqual([]);
    const div = trace([call({ error: 'trap:divide by zero' })]);
    expect(compareTraces(div, trace([call({ error: 'trap:integer overflow' })])).mismatches).toHaveLength(1);
    expect(errorKind('trap:null function or function signature mismatch')).toBe('trap:indirect-null-or-sig');
    expect(errorKind('trap:indirect call type mismatch')).toBe('trap:indirect-sig');
    // An active data segment out of bounds at instantiation: the spec's "out of bounds memory access".
    expect(errorKind('trap:WebAssembly.Instance(): data segment is out of bounds')).toBe('trap:memory-oob');
  });

  test('a stack overflow on one side ends the comparison', () => {
    const a = trace([call({ error: 'trap:call stack exhausted' }), call({ name: 'g', result: 'f64:1' })]);
    const b = trace([call(), call({ name: 'g', result: 'f64:2' })]);
    expect(compareTraces(a, b)).toEqual({ mismatches: [], allowances: { 'stack-overflow': 1 } });
  });
});

describe('encodeValue', () => {
  test('is exact: -0, NaN payloads, i64 as unsigned hex', () => {
    expect(encodeValue(1)).toBe('1');
    expect(encodeValue(-0)).toBe('f64:8000000000000000');
    expect(encodeValue(1.5)).toBe('f64:3ff8000000000000');
    const nan = new Float64Array(new BigUint64Array([0x7ff4000000000001n]).buffer)[0];
    expect(encodeValue(nan)).toBe('nan:7ff4000000000001');
    expect(encodeValue(-1n)).toBe('i64:ffffffffffffffff');
    expect(encodeValue([1, null, 2n])).toBe('[1,null,i64:2]');
  });
});

describe('quietNaNsOnly', () => {
  const bytes = (...words: number[]) => new Uint8Array(new Uint32Array(words).buffer);
  test('quiet f32 NaNs may differ in sign and payload', () => {
    expect(quietNaNsOnly(bytes(1, 0x7fc00000, 2), bytes(1, 0xffc00001, 2))).toBe(true);
  });
  test('a signalling NaN or a number may not', () => {
    expect(quietNaNsOnly(bytes(1, 0x7fa00000), bytes(1, 0x7fb00000))).toBe(false);
    expect(quietNaNsOnly(bytes(1, 0x7fc00000), bytes(1, 0x3f800000))).toBe(false);
    expect(quietNaNsOnly(bytes(1, 2), bytes(1, 3))).toBe(false);
  });
});

describe('binary helpers', () => {
  const module = wat('(module (memory 1) (global (mut i32) (i32.const 7)) (func (export "f") (param i64) (result f32) f32.const 1) (export "g" (global 0)))');

  test('readModuleInfo gives imports, types and exports in order', () => {
    const info = readModuleInfo(module);
    expect(info.exports.map((e: { name: string }) => e.name)).toEqual(['f', 'g']);
    expect(info.types[info.funcTypes[0]]).toEqual({ params: ['i64'], results: ['f32'] });
    expect(info.globals).toEqual([{ valtype: 'i32', mutable: true, imported: false }]);
  });

  test('addExports appends exports V8 accepts, keeping the others in place', () => {
    const out = addExports(module, [{ name: '__fuzz_memory0', kind: 2, index: 0 }]);
    expect(WebAssembly.Module.exports(new WebAssembly.Module(out)).map((e) => e.name)).toEqual(['f', 'g', '__fuzz_memory0']);
  });

  test('sectionEntries splits vector sections into their entries', () => {
    const code = readSections(module).find((s: { id: number }) => s.id === 10);
    expect(sectionEntries(module, code).entries).toHaveLength(1);
  });
});

describe('mutations', () => {
  test('a 5-byte LEB is well-formed, a 6-byte one is not (V8 agrees)', () => {
    expect(paddedLeb(3, 5)).toEqual([0x83, 0x80, 0x80, 0x80, 0x00]);
    // The PRNG stub picks the section and the width: 0 → 5 bytes, 2 → 6 bytes.
    expect(WebAssembly.validate(MUTATIONS.overlongSectionSize(wat('(module (func))'), () => 0))).toBe(true);
    expect(WebAssembly.validate(MUTATIONS.overlongSectionSize(wat('(module (func))'), () => 2))).toBe(false);
  });

  test('deep nesting: closed is valid, one end missing or extra is not', () => {
    for (const kind of ['block', 'loop', 'if']) {
      expect(WebAssembly.validate(deepNesting(1000, kind, 0))).toBe(true);
      expect(WebAssembly.validate(deepNesting(1000, kind, 1))).toBe(false);
      expect(WebAssembly.validate(deepNesting(1000, kind, 2))).toBe(false);
    }
  });
});

describe('signature', () => {
  test('is stable across call names, numbers and offsets', () => {
    const a = signature('differential', { status: 'mismatch', mismatches: [{ where: 'call #3 func_12: outcome', native: 'trap:memory access out of bounds', w2js: 'returned f64:0' }] });
    const b = signature('differential', { status: 'mismatch', mismatches: [{ where: 'call #9 func_7_invoker: outcome', native: 'trap:memory access out of bounds', w2js: 'returned i64:5' }] });
    expect(a).toBe(b);
    expect(a).toBe('mismatch outcome trap:memory-oob≠returned');
    expect(signature('malformed', { status: 'rejected' })).toBeUndefined();
    expect(signature('differential', { status: 'hang', step: 'w2js call func_21' })).toBe('hang in w2js call');
    expect(signature('differential', { status: 'hang', step: 'native call func_21' })).toBeUndefined();
    expect(signature('malformed', { status: 'bad-diagnostic', detail: 'offset undefined not in [0, 41] (mutant.wasm: error E_INVALID: multiple memories)' })).toBe(
      'bad-diagnostic: offset undefined not in [N, N] (error E_INVALID: multiple memories)',
    );
  });
});
