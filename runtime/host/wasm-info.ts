// runtime/host/: what the host needs to know about a kernel's .wasm before instantiating it,
// read straight from the binary (spec 5.5: sections; the name section's global names,
// subsection 7, extended-name-section proposal), and the small rewrite the native engine needs:
// JS can only reach a native instance's globals through exports, and only share a memory the
// module imports. w2js-compiled code needs no rewrite (its instances are plain objects).

/** A memory's limits (in pages). */
export interface MemoryLimits {
  min: number;
  max: number | null;
  shared: boolean;
}

export interface KernelWasmInfo {
  /** Memory 0: imported (with its import names) or defined by the module. */
  memory: MemoryLimits & { import: { module: string; name: string } | null };
  /** Global indices (-1: none), found through the name section or the exports. */
  stackPointer: number;
  heapBase: number;
  /** __heap_base's value where its initialiser is a constant. */
  heapBaseValue: number | undefined;
  /** Names of the exports, by kind. */
  exports: { name: string; kind: number; index: number }[];
  /** Function imports other than memory. */
  funcImports: { module: string; name: string }[];
}

const SEC_CUSTOM = 0;
const SEC_IMPORT = 2;
const SEC_MEMORY = 5;
const SEC_GLOBAL = 6;
const SEC_EXPORT = 7;
const KIND_FUNC = 0;
const KIND_TABLE = 1;
const KIND_MEMORY = 2;
const KIND_GLOBAL = 3;

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
  ) {}
  byte(): number {
    if (this.at >= this.bytes.length) throw new Error('kernel .wasm: unexpected end');
    return this.bytes[this.at++]!;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
    }
  }
  s64(): bigint {
    let result = 0n;
    let shift = 0n;
    let b: number;
    do {
      b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    if (b & 0x40) result -= 1n << shift;
    return result;
  }
  name(): string {
    const n = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }
  limits(): MemoryLimits {
    const flags = this.byte();
    const min = this.u32();
    const max = flags & 1 ? this.u32() : null;
    return { min, max, shared: (flags & 2) !== 0 };
  }
  /** A constant expression; its value when it is a lone i32.const. */
  constExpr(): number | undefined {
    let value: number | undefined;
    let count = 0;
    for (;;) {
      const op = this.byte();
      count++;
      if (op === 0x0b) return count === 2 ? value : undefined;
      if (op === 0x41) value = Number(BigInt.asIntN(32, this.s64()));
      else if (op === 0x42) this.s64();
      else if (op === 0x43) this.at += 4;
      else if (op === 0x44) this.at += 8;
      else if (op === 0x23 || op === 0xd2) this.u32();
      else if (op === 0xd0) this.byte();
      else if (![0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e].includes(op)) throw new Error(`kernel .wasm: unexpected 0x${op.toString(16)} in a constant expression`);
    }
  }
}

interface Section {
  id: number;
  /** Whole section, header included. */
  start: number;
  end: number;
  /** Payload. */
  body: number;
}

function sections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new Error('not a WebAssembly binary');
  const r = new Reader(bytes, 8);
  const out: Section[] = [];
  while (r.at < bytes.length) {
    const start = r.at;
    const id = r.byte();
    const size = r.u32();
    out.push({ id, start, body: r.at, end: r.at + size });
    r.at += size;
  }
  return out;
}

/** Read what the host needs from a kernel's binary. */
export function readKernelWasm(bytes: Uint8Array): KernelWasmInfo {
  let memory: KernelWasmInfo['memory'] | undefined;
  const funcImports: { module: string; name: string }[] = [];
  const globalInits: (number | undefined)[] = [];
  const exports: KernelWasmInfo['exports'] = [];
  const globalNames = new Map<string, number>();
  for (const s of sections(bytes)) {
    const r = new Reader(bytes, s.body);
    if (s.id === SEC_IMPORT) {
      for (let n = r.u32(); n > 0; n--) {
        const module = r.name();
        const name = r.name();
        const kind = r.byte();
        if (kind === KIND_FUNC) {
          r.u32();
          funcImports.push({ module, name });
        } else if (kind === KIND_TABLE) {
          r.byte();
          r.limits();
        } else if (kind === KIND_MEMORY) {
          const limits = r.limits();
          memory ??= { ...limits, import: { module, name } };
        } else if (kind === KIND_GLOBAL) {
          r.byte();
          r.byte();
          globalInits.push(undefined);
        }
      }
    } else if (s.id === SEC_MEMORY) {
      if (r.u32() > 0) memory ??= { ...r.limits(), import: null };
    } else if (s.id === SEC_GLOBAL) {
      for (let n = r.u32(); n > 0; n--) {
        r.byte();
        r.byte();
        globalInits.push(r.constExpr());
      }
    } else if (s.id === SEC_EXPORT) {
      for (let n = r.u32(); n > 0; n--) exports.push({ name: r.name(), kind: r.byte(), index: r.u32() });
    } else if (s.id === SEC_CUSTOM && r.name() === 'name') {
      while (r.at < s.end) {
        const sub = r.byte();
        const size = r.u32();
        const next = r.at + size;
        if (sub === 7) {
          for (let n = r.u32(); n > 0; n--) {
            const index = r.u32();
            globalNames.set(r.name(), index);
          }
        }
        r.at = next;
      }
    }
  }
  if (!memory) throw new Error('the kernel has no memory');
  const find = (name: string): number => globalNames.get(name) ?? exports.find((e) => e.kind === KIND_GLOBAL && e.name === name)?.index ?? -1;
  const heapBase = find('__heap_base');
  return {
    memory,
    stackPointer: find('__stack_pointer'),
    heapBase,
    heapBaseValue: heapBase >= 0 ? globalInits[heapBase] : undefined,
    exports,
    funcImports,
  };
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

const utf8 = (s: string): number[] => {
  const b = [...new TextEncoder().encode(s)];
  return [...leb(b.length), ...b];
};

/** A section from its id and payload pieces. */
function section(id: number, ...payload: Uint8Array[]): Uint8Array[] {
  const size = payload.reduce((n, p) => n + p.length, 0);
  return [new Uint8Array([id, ...leb(size)]), ...payload];
}

/** Names under which the native engine exports the globals the host must reach. */
export const NATIVE_STACK_POINTER_EXPORT = '__stack_pointer';
export const NATIVE_HEAP_BASE_EXPORT = '__heap_base';

/** Known sections in their required order (custom sections may go anywhere). */
const ORDER = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11];

/**
 * The binary the native engine instantiates: `__stack_pointer` (and `__heap_base`) exported if
 * only the name section knew them, and a defined memory turned into the import `env.memory`
 * (every thread's instance must share it). Returns the input itself when nothing changes.
 */
export function patchForNative(bytes: Uint8Array, info: KernelWasmInfo): Uint8Array {
  const exported = (name: string): boolean => info.exports.some((e) => e.name === name);
  const extra: { name: string; index: number }[] = [];
  if (info.stackPointer >= 0 && !exported(NATIVE_STACK_POINTER_EXPORT)) extra.push({ name: NATIVE_STACK_POINTER_EXPORT, index: info.stackPointer });
  if (info.heapBase >= 0 && !exported(NATIVE_HEAP_BASE_EXPORT)) extra.push({ name: NATIVE_HEAP_BASE_EXPORT, index: info.heapBase });
  const importMemory = info.memory.import === null;
  if (!extra.length && !importMemory) return bytes;

  const m = info.memory;
  const memImport = new Uint8Array([...utf8('env'), ...utf8('memory'), KIND_MEMORY, (m.max !== null ? 1 : 0) | (m.shared ? 2 : 0), ...leb(m.min), ...(m.max !== null ? leb(m.max) : [])]);
  const extraExports = new Uint8Array(extra.flatMap((e) => [...utf8(e.name), KIND_GLOBAL, ...leb(e.index)]));
  const list = sections(bytes);
  const pending = new Map<number, Uint8Array[]>();
  if (importMemory && !list.some((s) => s.id === SEC_IMPORT)) pending.set(SEC_IMPORT, section(SEC_IMPORT, new Uint8Array([1]), memImport));
  if (extra.length && !list.some((s) => s.id === SEC_EXPORT)) pending.set(SEC_EXPORT, section(SEC_EXPORT, new Uint8Array(leb(extra.length)), extraExports));

  const out: Uint8Array[] = [bytes.subarray(0, 8)];
  for (const s of list) {
    // A missing import or export section goes before the first section that must follow it.
    for (const [id, parts] of pending) {
      if (s.id !== SEC_CUSTOM && ORDER.indexOf(s.id) > ORDER.indexOf(id)) {
        out.push(...parts);
        pending.delete(id);
      }
    }
    const r = new Reader(bytes, s.body);
    if (s.id === SEC_IMPORT && importMemory) {
      const n = r.u32();
      out.push(...section(SEC_IMPORT, new Uint8Array(leb(n + 1)), bytes.subarray(r.at, s.end), memImport));
    } else if (s.id === SEC_MEMORY && importMemory) {
      const n = r.u32();
      r.limits();
      if (n > 1) out.push(...section(SEC_MEMORY, new Uint8Array(leb(n - 1)), bytes.subarray(r.at, s.end)));
    } else if (s.id === SEC_EXPORT && extra.length) {
      const n = r.u32();
      out.push(...section(SEC_EXPORT, new Uint8Array(leb(n + extra.length)), bytes.subarray(r.at, s.end), extraExports));
    } else {
      out.push(bytes.subarray(s.start, s.end));
    }
  }
  for (const parts of pending.values()) out.push(...parts);
  const result = new Uint8Array(out.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of out) {
    result.set(p, at);
    at += p.length;
  }
  return result;
}
