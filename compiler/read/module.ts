// read/: the whole binary module (spec 5.5): preamble, sections in order, and the
// cross-section checks the binary format itself requires. Output: the Module IR.

import type { ConstExpr, Data, Elem, Export, Func, Import, Instr, Module, RefType, ValType } from '../ir/module.js';
import { unsupported } from '../diagnostics.js';
import { Cursor } from './cursor.js';
import { readInstructions, type CodeContext } from './code.js';
import { emptyNames, readNames } from './names.js';
import { readGlobalType, readMemoryType, readRefType, readTableType, readValType } from './types.js';

/** The exception-handling proposal's tag section id and import/export kind. */
const TAG_SECTION = 13;
const TAG_KIND = 0x04;

/** Section ids in the order the spec requires them; 12 (data count) sits between 9 and 10. */
const SECTION_ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11, 11: 12 };

function vec<T>(c: Cursor, read: (i: number) => T): T[] {
  const count = c.u32();
  // Every element takes at least one byte; a larger count cannot be right (and must not allocate).
  if (count > c.end - c.pos) c.fail('unexpected end of section or function', c.pos);
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(read(i));
  return out;
}

function readConstExpr(c: Cursor, ctx: CodeContext): ConstExpr {
  const at = c.pos;
  return { at, body: readInstructions(c, ctx) };
}

export interface ReadOptions {
  /**
   * Leave function bodies undecoded (`body: []`); readFuncBody decodes one when it is needed, so
   * a module of tens of thousands of functions never holds every instruction at once.
   */
  lazyBodies?: boolean;
}

/** Decode one function body that was left undecoded. */
export function readFuncBody(bytes: Uint8Array, m: Module, func: Func): Instr[] {
  const b = new Cursor(bytes, func.bodyAt, func.end);
  const body = readInstructions(b, { types: m.types, hasDataCount: m.dataCount !== undefined });
  if (b.pos !== b.end) b.fail('section size mismatch', b.pos);
  return body;
}

/** Decode a binary module. Throws CompileError(E_MALFORMED) at the first malformed byte. */
export function readModule(bytes: Uint8Array, options: ReadOptions = {}): Module {
  const c = new Cursor(bytes);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    c.fail('magic header not detected', 0);
  }
  c.pos = 4;
  if (bytes.length < 8) c.fail('unexpected end', bytes.length);
  if (c.fixed32() !== 1) c.fail('unknown binary version', 4);

  const m: Module = {
    types: [], imports: [], funcTypes: [], tables: [], memories: [], globals: [],
    importedFuncs: 0, importedTables: 0, importedMemories: 0, importedGlobals: 0,
    funcs: [], definedGlobals: [], exports: [], start: undefined, elems: [], datas: [],
    dataCount: undefined, names: emptyNames(), customs: [], size: bytes.length, codeAt: undefined,
  };
  const ctx: CodeContext = { types: m.types, hasDataCount: false };
  let lastOrder = 0;
  let declaredFuncs: number[] | undefined;
  let sawCode = false;

  while (!c.atEnd) {
    const sectionAt = c.pos;
    const id = c.u8();
    const size = c.u32();
    const start = c.pos;
    if (size > bytes.length - start) c.fail('length out of bounds', start);
    const s = new Cursor(bytes, start, start + size);
    if (id === 0) {
      const name = s.name();
      if (name === 'name') readNames(bytes, s.pos, s.end, m.names);
      m.customs.push({ name, at: sectionAt, bytes: bytes.subarray(s.pos, s.end) });
      c.pos = s.end;
      continue;
    }
    // The tag section (id 13) is the exception-handling proposal's: name the feature, as for its opcodes.
    if (id === TAG_SECTION) throw unsupported('exception handling (the tag section) is not supported yet', sectionAt);
    const order = SECTION_ORDER[id];
    if (order === undefined) return c.fail('malformed section id', sectionAt);
    if (order <= lastOrder) c.fail('unexpected content after last section', sectionAt);
    lastOrder = order;

    switch (id) {
      case 1:
        vec(s, () => {
          const at = s.pos;
          if (s.u8() !== 0x60) s.fail('integer representation too long', at);
          const params = vec(s, () => readValType(s));
          const results = vec(s, () => readValType(s));
          m.types.push({ params, results });
        });
        break;
      case 2:
        vec(s, () => {
          const offset = s.pos;
          const module = s.name();
          const name = s.name();
          const kindAt = s.pos;
          const kind = s.u8();
          let imp: Import;
          switch (kind) {
            case 0: {
              const typeIndex = s.u32();
              imp = { module, name, offset, kind: 'func', typeIndex };
              m.funcTypes.push(typeIndex);
              m.importedFuncs++;
              break;
            }
            case 1: {
              const table = readTableType(s);
              imp = { module, name, offset, kind: 'table', table };
              m.tables.push(table);
              m.importedTables++;
              break;
            }
            case 2: {
              const memory = readMemoryType(s);
              imp = { module, name, offset, kind: 'memory', memory };
              m.memories.push(memory);
              m.importedMemories++;
              break;
            }
            case 3: {
              const global = readGlobalType(s);
              imp = { module, name, offset, kind: 'global', global };
              m.globals.push(global);
              m.importedGlobals++;
              break;
            }
            case TAG_KIND:
              throw unsupported('exception handling (an imported tag) is not supported yet', kindAt);
            default:
              return s.fail('malformed import kind', kindAt);
          }
          m.imports.push(imp);
        });
        break;
      case 3:
        declaredFuncs = vec(s, () => s.u32());
        m.funcTypes.push(...declaredFuncs);
        break;
      case 4:
        vec(s, () => m.tables.push(readTableType(s)));
        break;
      case 5:
        vec(s, () => m.memories.push(readMemoryType(s)));
        break;
      case 6:
        vec(s, () => {
          const type = readGlobalType(s);
          m.globals.push(type);
          m.definedGlobals.push({ type, init: readConstExpr(s, ctx) });
        });
        break;
      case 7:
        vec(s, () => {
          const offset = s.pos;
          const name = s.name();
          const kindAt = s.pos;
          const kindByte = s.u8();
          const kind = (['func', 'table', 'memory', 'global'] as const)[kindByte];
          if (kindByte === TAG_KIND) throw unsupported('exception handling (an exported tag) is not supported yet', kindAt);
          if (!kind) return s.fail('malformed export kind', kindAt);
          const exp: Export = { name, kind, index: s.u32(), offset };
          m.exports.push(exp);
        });
        break;
      case 8:
        m.startAt = s.pos;
        m.start = s.u32();
        break;
      case 9:
        vec(s, () => m.elems.push(readElem(s, ctx)));
        break;
      case 12:
        m.dataCount = s.u32();
        ctx.hasDataCount = true;
        break;
      case 10: {
        sawCode = true;
        m.codeAt = start;
        const bodies = vec(s, (i) => readFunc(s, ctx, m.funcTypes[m.importedFuncs + i] ?? 0, options.lazyBodies === true));
        if (bodies.length !== (declaredFuncs?.length ?? 0)) {
          s.fail('function and code section have inconsistent lengths', start);
        }
        m.funcs = bodies;
        break;
      }
      case 11: {
        const datas = vec(s, () => readData(s, ctx));
        if (m.dataCount !== undefined && datas.length !== m.dataCount) {
          s.fail('data count and data section have inconsistent lengths', start);
        }
        m.datas = datas;
        break;
      }
    }
    if (s.pos !== s.end) s.fail('section size mismatch', s.pos);
    c.pos = s.end;
  }
  if (!sawCode && (declaredFuncs?.length ?? 0) > 0) {
    c.fail('function and code section have inconsistent lengths', bytes.length);
  }
  if (m.dataCount !== undefined && m.dataCount !== m.datas.length) {
    c.fail('data count and data section have inconsistent lengths', bytes.length);
  }
  return m;
}

function readFunc(s: Cursor, ctx: CodeContext, typeIndex: number, lazy: boolean): Func {
  const at = s.pos;
  const size = s.u32();
  const bodyStart = s.pos;
  if (size > s.end - bodyStart) s.fail('unexpected end of section or function', bodyStart);
  const b = new Cursor(s.bytes, bodyStart, bodyStart + size);
  const locals: ValType[] = [];
  let total = 0;
  vec(b, () => {
    const countAt = b.pos;
    const count = b.u32();
    total += count;
    // The spec bounds the total by 2^32; engines refuse far fewer. Each local costs a JS variable.
    if (total > 50000) b.fail('too many locals', countAt);
    const type = readValType(b);
    for (let i = 0; i < count; i++) locals.push(type);
  });
  const bodyAt = b.pos;
  s.pos = b.end;
  if (lazy) return { typeIndex, locals, body: [], at, bodyAt, end: b.end };
  const body = readInstructions(b, ctx);
  if (b.pos !== b.end) b.fail('section size mismatch', b.pos);
  return { typeIndex, locals, body, at, bodyAt, end: b.end };
}

function readElem(s: Cursor, ctx: CodeContext): Elem {
  const at = s.pos;
  const flags = s.u32();
  if (flags > 7) s.fail('malformed elements segment kind', at);
  const passiveOrDeclarative = (flags & 1) !== 0;
  const explicitTable = (flags & 2) !== 0;
  const usesExprs = (flags & 4) !== 0;
  let mode: Elem['mode'] = 'active';
  if (passiveOrDeclarative) mode = explicitTable ? 'declarative' : 'passive';
  let table = 0;
  let offset: ConstExpr | undefined;
  if (!passiveOrDeclarative) {
    if (explicitTable) table = s.u32();
    offset = readConstExpr(s, ctx);
  }
  let type: RefType = 'funcref';
  if (passiveOrDeclarative || explicitTable) {
    if (usesExprs) type = readRefType(s);
    else {
      const kindAt = s.pos;
      if (s.u8() !== 0x00) s.fail('malformed element kind', kindAt);
    }
  }
  let init: ConstExpr[];
  if (usesExprs) {
    init = vec(s, () => readConstExpr(s, ctx));
  } else {
    init = vec(s, () => {
      const at = s.pos;
      const index = s.u32();
      return { at, body: [{ op: 'ref.func', at, index }, { op: 'end', at: s.pos }] };
    });
  }
  return { mode, table, offset, type, init, at };
}

function readData(s: Cursor, ctx: CodeContext): Data {
  const at = s.pos;
  const flags = s.u32();
  if (flags > 2) s.fail('malformed data segment kind', at);
  let memory = 0;
  let offset: ConstExpr | undefined;
  if (flags === 2) memory = s.u32();
  if (flags !== 1) offset = readConstExpr(s, ctx);
  const length = s.u32();
  const bytes = s.take(length);
  return { mode: flags === 1 ? 'passive' : 'active', memory, offset, bytes, at };
}
