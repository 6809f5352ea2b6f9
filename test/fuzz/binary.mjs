// A small reader and writer of the wasm binary's outer structure, for the fuzzers: sections,
// LEB128, and the type/import/func/global/export sections (enough to call exports with zeros,
// supply imports of the right type and export every memory). Independent of compiler/ on
// purpose: the fuzzers must not share the reader they test.

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Section ids in the order the binary format requires (custom sections, id 0, go anywhere). */
export const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

/** unsigned LEB128 encoding of `n` (a non-negative safe integer). */
export function uleb(n) {
  const out = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** A cursor over bytes; every read throws a plain Error past the end. */
export class Reader {
  constructor(bytes, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }
  byte() {
    if (this.pos >= this.end) throw new Error(`unexpected end at ${this.pos}`);
    return this.bytes[this.pos++];
  }
  u32() {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) break;
      if (shift > 35) throw new Error(`LEB too long at ${this.pos}`);
    }
    if (result > 0xffffffff) throw new Error(`LEB too large at ${this.pos}`);
    return result;
  }
  /** Skip a signed LEB (constant expressions). */
  skipSleb() {
    while (this.byte() & 0x80);
  }
  name() {
    const n = this.u32();
    if (this.pos + n > this.end) throw new Error(`name past end at ${this.pos}`);
    const s = utf8.decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  valtype() {
    const b = this.byte();
    const names = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
    const t = names[b];
    if (!t) throw new Error(`value type 0x${b.toString(16)} not handled at ${this.pos - 1}`);
    return t;
  }
  limits() {
    const flags = this.byte();
    const min = this.u32();
    const max = flags & 1 ? this.u32() : undefined;
    return { flags, min, max, shared: (flags & 2) !== 0 };
  }
}

/** The module's sections: id, where the header starts, where the payload starts and ends. */
export function readSections(bytes) {
  if (bytes.length < 8) throw new Error('shorter than the header');
  const r = new Reader(bytes, 8);
  const sections = [];
  while (r.pos < bytes.length) {
    const headerAt = r.pos;
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    const end = start + size;
    if (end > bytes.length) throw new Error(`section ${id} past end`);
    sections.push({ id, headerAt, start, end });
    r.pos = end;
  }
  return sections;
}

/**
 * What the fuzzers need to know of a (valid) module: func types, imports with their types,
 * every function's type, global types, memory count, exports in order.
 */
export function readModuleInfo(bytes) {
  const info = { types: [], imports: [], funcTypes: [], globals: [], memories: [], tables: [], exports: [] };
  for (const s of readSections(bytes)) {
    const r = new Reader(bytes, s.start, s.end);
    if (s.id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.byte() !== 0x60) throw new Error('not a func type');
        const params = Array.from({ length: r.u32() }, () => r.valtype());
        const results = Array.from({ length: r.u32() }, () => r.valtype());
        info.types.push({ params, results });
      }
    } else if (s.id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        const imp = { module: r.name(), name: r.name(), kind: r.byte() };
        if (imp.kind === 0) {
          imp.type = r.u32();
          info.funcTypes.push(imp.type);
        } else if (imp.kind === 1) {
          imp.elemType = r.valtype();
          imp.limits = r.limits();
          info.tables.push(imp);
        } else if (imp.kind === 2) {
          imp.limits = r.limits();
          info.memories.push(imp);
        } else if (imp.kind === 3) {
          imp.valtype = r.valtype();
          imp.mutable = r.byte() === 1;
          info.globals.push({ valtype: imp.valtype, mutable: imp.mutable, imported: true });
        } else {
          throw new Error(`import kind ${imp.kind} not handled`);
        }
        info.imports.push(imp);
      }
    } else if (s.id === 3) {
      for (let n = r.u32(); n > 0; n--) info.funcTypes.push(r.u32());
    } else if (s.id === 4) {
      for (let n = r.u32(); n > 0; n--) info.tables.push({ elemType: r.valtype(), limits: r.limits() });
    } else if (s.id === 5) {
      for (let n = r.u32(); n > 0; n--) info.memories.push({ limits: r.limits() });
    } else if (s.id === 6) {
      for (let n = r.u32(); n > 0; n--) {
        const valtype = r.valtype();
        const mutable = r.byte() === 1;
        info.globals.push({ valtype, mutable, imported: false });
        skipConstExpr(r);
      }
    } else if (s.id === 7) {
      for (let n = r.u32(); n > 0; n--) info.exports.push({ name: r.name(), kind: r.byte(), index: r.u32() });
    }
  }
  return info;
}

/** Skip a constant expression up to and including its `end` (the opcodes of constant expressions only). */
export function skipConstExpr(r) {
  for (;;) {
    const op = r.byte();
    if (op === 0x0b) return;
    if (op === 0x41 || op === 0x42) r.skipSleb();
    else if (op === 0x43) r.pos += 4;
    else if (op === 0x44) r.pos += 8;
    else if (op === 0x23 || op === 0xd2) r.u32();
    else if (op === 0xd0) r.byte();
    else if (op >= 0x6a && op <= 0x7e) continue; // extended-const arithmetic
    else throw new Error(`constant opcode 0x${op.toString(16)} not handled`);
  }
}

/**
 * The entries of a vector section (type, import, func, table, memory, global, export, code):
 * [{ start, end }] of each entry's bytes, and where the vector ends.
 */
export function sectionEntries(bytes, s) {
  const r = new Reader(bytes, s.start, s.end);
  const entries = [];
  const skipLimits = () => r.limits();
  for (let n = r.u32(); n > 0; n--) {
    const start = r.pos;
    if (s.id === 1) {
      r.byte();
      for (let k = r.u32(); k > 0; k--) r.valtype();
      for (let k = r.u32(); k > 0; k--) r.valtype();
    } else if (s.id === 2) {
      r.name();
      r.name();
      const kind = r.byte();
      if (kind === 0) r.u32();
      else if (kind === 1) (r.valtype(), skipLimits());
      else if (kind === 2) skipLimits();
      else if (kind === 3) (r.valtype(), r.byte());
      else throw new Error(`import kind ${kind}`);
    } else if (s.id === 3) r.u32();
    else if (s.id === 4) (r.valtype(), skipLimits());
    else if (s.id === 5) skipLimits();
    else if (s.id === 6) (r.valtype(), r.byte(), skipConstExpr(r));
    else if (s.id === 7) (r.name(), r.byte(), r.u32());
    else if (s.id === 10) {
      const size = r.u32();
      r.pos += size;
    }
    else throw new Error(`section ${s.id} has no entries here`);
    if (r.pos > s.end) throw new Error('entry past the section');
    entries.push({ start, end: r.pos });
  }
  return { entries, end: r.pos };
}

/** Encode a section: id, size, payload. */
export function section(id, payload) {
  return [id, ...uleb(payload.length), ...payload];
}

/** Encode a name. */
export function nameBytes(s) {
  const b = [...utf8Encoder.encode(s)];
  return [...uleb(b.length), ...b];
}

/**
 * The module with `extra` exports ({ name, kind, index }) appended after its own, so every
 * export keeps its position (ttf's call-export refers to exports by position).
 */
export function addExports(bytes, extra) {
  if (extra.length === 0) return bytes;
  const sections = readSections(bytes);
  const info = readModuleInfo(bytes);
  const all = [...info.exports, ...extra];
  const payload = [...uleb(all.length), ...all.flatMap((e) => [...nameBytes(e.name), e.kind, ...uleb(e.index)])];
  const newSection = section(7, payload);
  const existing = sections.find((s) => s.id === 7);
  const parts = [];
  if (existing) {
    parts.push(bytes.subarray(0, existing.headerAt), newSection, bytes.subarray(existing.end));
  } else {
    const rank = (id) => SECTION_ORDER.indexOf(id);
    const after = sections.find((s) => s.id !== 0 && rank(s.id) > rank(7));
    const at = after ? after.headerAt : bytes.length;
    parts.push(bytes.subarray(0, at), newSection, bytes.subarray(at));
  }
  return concat(parts);
}

/** Concatenate byte arrays and number arrays into one Uint8Array. */
export function concat(parts) {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
