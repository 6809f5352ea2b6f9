// runtime/host/: the part of the JS WebAssembly API the native engine path uses, typed here
// because the project compiles without the DOM library (and the runtime must also load where
// no WebAssembly exists: it is only looked up when the native engine is asked for).

export interface NativeGlobal {
  value: unknown;
}

export interface NativeMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(delta: number): number;
}

/** A compiled module (opaque; structured-cloneable to workers). */
export type NativeModule = object;

export interface NativeWasm {
  Module: new (bytes: Uint8Array) => NativeModule;
  Instance: new (module: NativeModule, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => NativeMemory;
}

/** The host's WebAssembly namespace; throws where there is none. */
export function nativeWasm(): NativeWasm {
  const wasm = (globalThis as { WebAssembly?: NativeWasm }).WebAssembly;
  if (!wasm) throw new Error('the native engine needs WebAssembly, which this JS host does not have');
  return wasm;
}
