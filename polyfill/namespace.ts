// polyfill/: the `WebAssembly` namespace of the JS API (https://webassembly.github.io/spec/js-api/)
// over w2js: a module's bytes become JS through the compiler, in-process (it is JavaScript, so it
// runs where WebAssembly does not: `node --jitless`, a page with the JIT turned off), or come
// precompiled from a cache found by the bytes' content hash. The compiled code is the classic
// script form of the output (`index.script.js`: a factory taking the runtime), evaluated once
// per module. Memory, Table, Global and the error classes are the runtime's own, so every
// module loaded through one namespace shares them (an imported Memory is always "ours").
//
// No Node imports here: the Node entry (node.ts) adds the disk cache.

import * as rt from '../runtime/index.js';
import { createInstance, Global, LinkError, Memory, RuntimeError, Table, type ModuleDescriptor } from '../runtime/index.js';
import { WasmCompileError } from '../runtime/trap.js';
import { customSections } from './sections.js';

/** What evaluating a compiled script gives: the module's descriptor (and an async instantiate). */
interface CompiledScript {
  module: ModuleDescriptor;
}

/** Where compiled code comes from. */
export interface PolyfillBackend {
  /** The classic-script text for `bytes` (throws the compiler's CompileError on bad input). */
  compile(bytes: Uint8Array): string;
  /** Throws the compiler's CompileError if `bytes` is not a valid module (cheaper than compile). */
  validate(bytes: Uint8Array): void;
  /** Precompiled script text for `bytes`, if a cache has it. */
  lookup?(bytes: Uint8Array): string | undefined;
  /** The same for the asynchronous functions (a page fetches it: polyfill/browser/cache.ts). */
  lookupAsync?(bytes: Uint8Array): Promise<string | undefined>;
  /** Keep a freshly compiled script for next time. */
  store?(bytes: Uint8Array, script: string): void;
}

type BufferSource = ArrayBuffer | ArrayBufferView;

/** The compiler's rejection of a module (E_MALFORMED, E_INVALID, E_UNSUPPORTED), not an internal error. */
const isDiagnostic = (e: unknown): e is Error => {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && /^E_(MALFORMED|INVALID|UNSUPPORTED)$/.test(code);
};

/** A private copy of a BufferSource's bytes (JS API: "get a copy of the buffer source"). */
function copyBytes(source: unknown, what: string): Uint8Array {
  if (source instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer)) return new Uint8Array(source.slice(0));
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength));
  throw new TypeError(`${what}: Argument 0 must be a buffer source`);
}

const EXTERN_KIND: Record<string, string> = { func: 'function', table: 'table', memory: 'memory', global: 'global' };

/** Build a `WebAssembly` namespace over `backend`. */
export function createWebAssembly(backend: PolyfillBackend): Record<string | symbol, unknown> {
  const internals = new WeakMap<object, { desc: ModuleDescriptor; bytes: Uint8Array }>();
  const instanceExports = new WeakMap<object, Record<string, unknown>>();

  /** Compile (or find) the code for `bytes` and evaluate it: the module's descriptor. */
  function compileBytes(bytes: Uint8Array, found?: string): ModuleDescriptor {
    let script = found ?? backend.lookup?.(bytes);
    if (script === undefined) {
      try {
        script = backend.compile(bytes);
      } catch (e) {
        // The compiler's diagnostic (`@0x1a: error E_MALFORMED: …`) as the JS API's error.
        if (isDiagnostic(e)) {
          throw new WasmCompileError(`WebAssembly.Module(): ${e.message}`);
        }
        throw e;
      }
      backend.store?.(bytes, script);
    }
    // Indirect eval: global scope, no access to this module's bindings.
    const factory = (0, eval)(script) as (runtime: typeof rt) => CompiledScript;
    return factory(rt).module;
  }

  const moduleOf = (value: unknown, what: string) => {
    const m = typeof value === 'object' && value !== null ? internals.get(value) : undefined;
    if (!m) throw new TypeError(`${what}: Argument 0 must be a WebAssembly.Module`);
    return m;
  };

  class Module {
    constructor(bytes: BufferSource) {
      if (!new.target) throw new TypeError("WebAssembly.Module must be invoked with 'new'");
      const copy = copyBytes(bytes, 'WebAssembly.Module()');
      internals.set(this, { desc: compileBytes(copy), bytes: copy });
    }

    static exports(module: Module): { name: string; kind: string }[] {
      return moduleOf(module, 'WebAssembly.Module.exports()').desc.exports.map((e) => ({ name: e.name, kind: EXTERN_KIND[e.kind]! }));
    }

    static imports(module: Module): { module: string; name: string; kind: string }[] {
      return moduleOf(module, 'WebAssembly.Module.imports()').desc.imports.map((i) => ({ module: i.module, name: i.name, kind: EXTERN_KIND[i.kind]! }));
    }

    static customSections(module: Module, sectionName: string): ArrayBuffer[] {
      const m = moduleOf(module, 'WebAssembly.Module.customSections()');
      if (arguments.length < 2) throw new TypeError('WebAssembly.Module.customSections(): Argument 1 is required');
      return customSections(m.bytes, String(sectionName));
    }
  }

  class Instance {
    constructor(module: Module, importObject?: object) {
      if (!new.target) throw new TypeError("WebAssembly.Instance must be invoked with 'new'");
      const m = moduleOf(module, 'WebAssembly.Instance()');
      if (importObject !== undefined && (typeof importObject !== 'object' || importObject === null) && typeof importObject !== 'function') {
        throw new TypeError('WebAssembly.Instance(): Argument 1 must be an object');
      }
      instanceExports.set(this, createInstance(m.desc, (importObject ?? {}) as Record<string, unknown>).exports);
    }

    get exports(): Record<string, unknown> {
      const exports = instanceExports.get(this);
      if (!exports) throw new TypeError('Receiver is not a WebAssembly.Instance');
      return exports;
    }
  }

  /** A Module of `bytes` (a private copy), its code from the asynchronous cache when it has it. */
  async function compileAsync(bytes: Uint8Array): Promise<Module> {
    const found = await backend.lookupAsync?.(bytes);
    if (found === undefined) return new Module(bytes);
    const module = Object.create(Module.prototype) as Module;
    internals.set(module, { desc: compileBytes(bytes, found), bytes });
    return module;
  }

  /** A BufferSource or a Module as instantiate's first argument. */
  async function instantiate(source: unknown, importObject?: object): Promise<unknown> {
    if (typeof source === 'object' && source !== null && internals.has(source)) return new Instance(source as Module, importObject);
    const module = await compileAsync(copyBytes(source, 'WebAssembly.instantiate()'));
    return { module, instance: new Instance(module, importObject) };
  }

  /** The bytes of a Response (or a promise of one) for the streaming functions. */
  async function responseBytes(source: unknown, what: string): Promise<Uint8Array> {
    const response = (await source) as { ok?: boolean; status?: number; headers?: { get(name: string): string | null }; arrayBuffer?: () => Promise<ArrayBuffer> };
    if (!response || typeof response.arrayBuffer !== 'function') throw new TypeError(`${what}: Argument 0 must be a Response or a promise of one`);
    const type = response.headers?.get('content-type') ?? '';
    // JS API (web embedding): only application/wasm. Loaders fall back to arrayBuffer() on this error.
    if (!/^application\/wasm\s*(;|$)/i.test(type)) throw new TypeError(`${what}: Incorrect response MIME type. Expected 'application/wasm'.`);
    if (response.ok === false) throw new TypeError(`${what}: HTTP status ${response.status} is not ok`);
    return new Uint8Array(await response.arrayBuffer());
  }

  const namespace: Record<string | symbol, unknown> = {
    validate(bytes: BufferSource): boolean {
      const copy = copyBytes(bytes, 'WebAssembly.validate()');
      try {
        backend.validate(copy);
        return true;
      } catch (e) {
        if (isDiagnostic(e)) return false;
        throw e;
      }
    },
    async compile(bytes: BufferSource): Promise<Module> {
      return compileAsync(copyBytes(bytes, 'WebAssembly.compile()'));
    },
    instantiate,
    async compileStreaming(source: unknown): Promise<Module> {
      return compileAsync(await responseBytes(source, 'WebAssembly.compileStreaming()'));
    },
    async instantiateStreaming(source: unknown, importObject?: object): Promise<unknown> {
      return instantiate(await responseBytes(source, 'WebAssembly.instantiateStreaming()'), importObject);
    },
    Module,
    Instance,
    Memory,
    Table,
    Global,
    CompileError: WasmCompileError,
    LinkError,
    RuntimeError,
  };
  Object.defineProperty(namespace, Symbol.toStringTag, { value: 'WebAssembly', configurable: true });
  // The JS API's namespace properties are writable and configurable but not enumerable.
  for (const key of Object.keys(namespace)) Object.defineProperty(namespace, key, { enumerable: false });
  return namespace;
}
