// test/kernel/: reading what the host needs from a kernel binary (runtime/host/wasm-info.ts),
// and the native engine's rewrite: globals the name section knows get exported, a defined
// memory becomes the import env.memory.

import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { patchForNative, readKernelWasm } from '../../runtime/host/wasm-info.js';
import { exportMemoryKernel, testKernel } from './helpers.js';

const bytes = (file: string): Uint8Array => new Uint8Array(fs.readFileSync(file));

describe('readKernelWasm', () => {
  test('the test kernel: imported shared memory, __stack_pointer by name, __heap_base exported', () => {
    const info = readKernelWasm(bytes(testKernel));
    expect(info.memory).toEqual({ min: 32, max: 4096, shared: true, import: { module: 'env', name: 'memory' } });
    expect(info.stackPointer).toBe(0); // named in the name section only
    expect(info.exports.some((e) => e.name === '__stack_pointer')).toBe(false);
    expect(info.heapBase).toBeGreaterThan(0);
    expect(info.heapBaseValue).toBeGreaterThan(65536);
    expect(info.funcImports).toEqual([{ module: 'env', name: 'nccc_call64' }]);
  });

  test('the export-memory kernel: memory defined, __stack_pointer exported, no __heap_base', () => {
    const info = readKernelWasm(bytes(exportMemoryKernel));
    expect(info.memory).toEqual({ min: 32, max: 4096, shared: true, import: null });
    expect(info.stackPointer).toBe(0);
    expect(info.heapBase).toBe(-1);
  });

  test('not wasm', () => {
    expect(() => readKernelWasm(new TextEncoder().encode('hello, world'))).toThrow('not a WebAssembly binary');
  });
});

describe('patchForNative', () => {
  test('exports __stack_pointer and __heap_base found through the name section', () => {
    const m = new WebAssembly.Module(patchForNative(bytes(testKernel), readKernelWasm(bytes(testKernel))));
    const exports = WebAssembly.Module.exports(m);
    expect(exports).toContainEqual({ name: '__stack_pointer', kind: 'global' });
    expect(exports).toContainEqual({ name: '__heap_base', kind: 'global' });
    expect(WebAssembly.Module.imports(m)).toContainEqual({ module: 'env', name: 'memory', kind: 'memory' });
  });

  test('turns a defined memory into the import env.memory, keeping its export', () => {
    const original = bytes(exportMemoryKernel);
    const m = new WebAssembly.Module(patchForNative(original, readKernelWasm(original)));
    expect(WebAssembly.Module.imports(m)).toContainEqual({ module: 'env', name: 'memory', kind: 'memory' });
    expect(WebAssembly.Module.exports(m)).toContainEqual({ name: 'memory', kind: 'memory' });
    expect(readKernelWasm(patchForNative(original, readKernelWasm(original))).memory.import).toEqual({ module: 'env', name: 'memory' });
  });

  test('leaves a module that needs nothing alone', () => {
    const patched = patchForNative(bytes(testKernel), readKernelWasm(bytes(testKernel)));
    expect(patchForNative(patched, readKernelWasm(patched))).toBe(patched);
  });
});
