// read/: DWARF .debug_info (DWARF 4 and 5, §7.5 of the DWARF 5 standard): each compile unit's
// comp_dir, and each function's C variables held in wasm locals (DW_OP_WASM_location, the
// WebAssembly tool conventions' DWARF operation), so link/names.ts can name JS locals after them.
// Addresses are offsets into the code section's contents, as in the line table.
// Malformed or unsupported debug info yields less information, never a failure.

import { DebugReader, type DebugSections } from './dwarf-line.js';

/** One C variable or parameter whose location names a wasm local. */
export interface LocalVar {
  name: string;
  local: number;
  /** One location valid over the variable's whole scope (an exprloc), not a location list. */
  whole: boolean;
  /** A parameter or variable of the function's own scope (not in a lexical block or inlined call). */
  topLevel: boolean;
}

/** A concrete subprogram: its code range and the wasm locals its variables name. */
export interface SubprogramInfo {
  name: string;
  lowPc: number;
  highPc: number;
  vars: LocalVar[];
  /** Some location could not be read: which locals it names is unknown. */
  unknown: boolean;
}

export interface DebugInfo {
  /** comp_dir by the unit's .debug_line offset (DW_AT_stmt_list). */
  compDirs: Map<number, string>;
  subprograms: SubprogramInfo[];
}

const TAG_compile_unit = 0x11;
const TAG_subprogram = 0x2e;
const TAG_formal_parameter = 0x05;
const TAG_variable = 0x34;
const TAG_lexical_block = 0x0b;
const TAG_inlined_subroutine = 0x1d;

const AT_name = 0x03;
const AT_location = 0x02;
const AT_low_pc = 0x11;
const AT_high_pc = 0x12;
const AT_stmt_list = 0x10;
const AT_comp_dir = 0x1b;
const AT_abstract_origin = 0x31;
const AT_specification = 0x47;
const AT_str_offsets_base = 0x72;
const AT_addr_base = 0x73;
const AT_loclists_base = 0x8c;
const AT_frame_base = 0x40;
const KEEP_ATTRS = new Set([AT_name, AT_location, AT_low_pc, AT_high_pc, AT_stmt_list, AT_comp_dir, AT_abstract_origin, AT_specification, AT_str_offsets_base, AT_addr_base, AT_loclists_base, AT_frame_base]);

const FORM_implicit_const = 0x21;

const KEEP_TAGS = new Set([TAG_compile_unit, TAG_subprogram, TAG_formal_parameter, TAG_variable, TAG_lexical_block, TAG_inlined_subroutine]);
const FORM_indirect = 0x16;

interface Abbrev {
  tag: number;
  children: boolean;
  attrs: [number, number, number][];
}

/** An attribute's value as read: a number, a string, or expression bytes (exprloc/block). */
/** A kept attribute: its form and value (readValue), a block's size. */
type Raw = { at: number; form: number; n: number; len: number };

interface Unit {
  /** .debug_info, which blocks and inline strings are offsets into. */
  data: Uint8Array;
  version: number;
  offsetSize: number;
  addrSize: number;
  strOffsetsBase: number;
  addrBase: number;
  loclistsBase: number;
}

function readAbbrevs(data: Uint8Array, offset: number): Map<number, Abbrev> {
  const r = new DebugReader(data, offset);
  const out = new Map<number, Abbrev>();
  for (;;) {
    const code = r.uleb();
    if (code === 0) return out;
    const tag = r.uleb();
    const children = r.u8() !== 0;
    const attrs: [number, number, number][] = [];
    for (;;) {
      const at = r.uleb();
      const form = r.uleb();
      const implicit = form === FORM_implicit_const ? r.sleb() : 0;
      if (at === 0 && form === 0) break;
      attrs.push([at, form, implicit]);
    }
    out.set(code, { tag, children, attrs });
  }
}

const BLOCK_FORMS = new Set([0x03, 0x04, 0x09, 0x0a, 0x18]);

/** A block attribute's size, set by readValue (so values need no object each: most are skipped). */
let blockLength = 0;

/**
 * An attribute's value as a number: for blocks and inline strings, their offset in .debug_info
 * (a block's size in blockLength); a form it cannot size throws.
 */
function readValue(r: DebugReader, form: number, u: Unit, implicit: number): number {
  switch (form) {
    case 0x01: return u.addrSize === 8 ? r.u64() : r.u32(); // addr
    case 0x03: blockLength = r.u16(); break;
    case 0x04: blockLength = r.u32(); break;
    case 0x09: case 0x18: blockLength = r.uleb(); break; // block, exprloc
    case 0x0a: blockLength = r.u8(); break;
    case 0x05: return r.u16();
    case 0x06: return r.u32();
    case 0x07: return r.u64();
    case 0x08: { // string
      const at = r.pos;
      while (r.u8() !== 0);
      return at;
    }
    case 0x0b: case 0x0c: case 0x11: case 0x25: case 0x29: return r.u8();
    case 0x0d: return r.sleb();
    case 0x10: return u.version <= 2 ? r.u32() : u.offsetSize === 8 ? r.u64() : r.u32(); // ref_addr
    case 0x0e: case 0x1f: case 0x17: case 0x1d: return u.offsetSize === 8 ? r.u64() : r.u32();
    case 0x0f: case 0x15: case 0x1a: case 0x1b: case 0x22: case 0x23: return r.uleb();
    case 0x12: case 0x26: case 0x2a: return r.u16();
    case 0x13: case 0x28: case 0x2c: case 0x1c: return r.u32();
    case 0x14: case 0x20: case 0x24: return r.u64();
    case 0x27: case 0x2b: return r.u16() | (r.u8() << 16);
    case 0x19: return 1; // flag_present
    case 0x1e: r.pos += 16; return 0;
    case FORM_implicit_const: return implicit;
    case FORM_indirect: return readValue(r, r.uleb(), u, implicit);
    default: throw new RangeError(`unsupported DWARF form 0x${form.toString(16)}`);
  }
  const at = r.pos; // a block
  r.pos += blockLength;
  return at;
}

/** A kept attribute's bytes, if it is a block (exprloc). */
function blockOf(raw: Raw | undefined, u: Unit): Uint8Array | undefined {
  return raw && BLOCK_FORMS.has(raw.form) ? u.data.subarray(raw.n, raw.n + raw.len) : undefined;
}

/** The string an attribute names, or undefined. */
function stringOf(raw: Raw | undefined, u: Unit, sections: DebugSections): string | undefined {
  if (!raw) return undefined;
  if (raw.form === 0x08) return new DebugReader(u.data, raw.n).cstr();
  const at = (name: string, offset: number) => {
    const sec = sections.get(name);
    return sec && offset < sec.length ? new DebugReader(sec, offset).cstr() : undefined;
  };
  switch (raw.form) {
    case 0x0e: return at('.debug_str', raw.n);
    case 0x1f: return at('.debug_line_str', raw.n);
    case 0x1a: case 0x25: case 0x26: case 0x27: case 0x28: {
      const offs = sections.get('.debug_str_offsets');
      if (!offs) return undefined;
      const r = new DebugReader(offs, u.strOffsetsBase + raw.n * u.offsetSize);
      return at('.debug_str', u.offsetSize === 8 ? r.u64() : r.u32());
    }
    default: return undefined;
  }
}

/** An address attribute's value (addr, or addrx through .debug_addr). */
function addressOf(raw: Raw | undefined, u: Unit, sections: DebugSections): number | undefined {
  if (!raw) return undefined;
  if (raw.form === 0x1b || (raw.form >= 0x29 && raw.form <= 0x2c)) {
    const sec = sections.get('.debug_addr');
    if (!sec) return undefined;
    const r = new DebugReader(sec, u.addrBase + raw.n * u.addrSize);
    return u.addrSize === 8 ? r.u64() : r.u32();
  }
  return BLOCK_FORMS.has(raw.form) ? undefined : raw.n;
}

/**
 * The wasm locals a DWARF expression names (DW_OP_WASM_location 0x00 <index>). Throws on an
 * operation it cannot size, since it might hide a local.
 */
export function localsInExpr(expr: Uint8Array, addrSize = 4): number[] {
  const r = new DebugReader(expr);
  const out: number[] = [];
  while (r.pos < expr.length) {
    const op = r.u8();
    if ((op >= 0x30 && op <= 0x6f) || [0x06, 0x12, 0x13, 0x14, 0x16, 0x17, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x96, 0x9c, 0x9f].includes(op)) continue;
    if ((op >= 0x70 && op <= 0x8f) || op === 0x11 || op === 0x91) { r.sleb(); continue; }
    switch (op) {
      case 0x03: r.pos += addrSize; break;
      case 0x08: case 0x09: case 0x15: case 0x94: r.pos += 1; break;
      case 0x0a: case 0x0b: case 0x28: case 0x2f: r.pos += 2; break;
      case 0x0c: case 0x0d: r.pos += 4; break;
      case 0x0e: case 0x0f: r.pos += 8; break;
      case 0x10: case 0x23: case 0x90: case 0x93: case 0xa1: case 0xa2: r.uleb(); break;
      case 0x92: r.uleb(); r.sleb(); break;
      case 0x9d: r.uleb(); r.uleb(); break;
      case 0x9e: case 0xa3: { const n = r.uleb(); r.pos += n; break; }
      case 0xed: { // DW_OP_WASM_location kind index: 0 local, 1 global, 2 operand stack, 3 global (u32)
        const kind = r.uleb();
        const index = kind === 3 ? r.u32() : r.uleb();
        if (kind === 0) out.push(index);
        break;
      }
      default: throw new RangeError(`unsupported DWARF operation 0x${op.toString(16)}`);
    }
  }
  return out;
}

/** Every expression of a location list (DWARF 5 .debug_loclists or DWARF 4 .debug_loc). */
function locationListExprs(raw: Raw, u: Unit, sections: DebugSections): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (u.version >= 5) {
    const sec = sections.get('.debug_loclists');
    if (!sec) throw new RangeError('no .debug_loclists');
    let offset = raw.n;
    if (raw.form === 0x22) { // loclistx: an index into the offsets after loclists_base
      const r = new DebugReader(sec, u.loclistsBase + raw.n * u.offsetSize);
      offset = u.loclistsBase + (u.offsetSize === 8 ? r.u64() : r.u32());
    }
    const r = new DebugReader(sec, offset);
    const addr = () => (u.addrSize === 8 ? r.u64() : r.u32());
    for (;;) {
      const kind = r.u8();
      if (kind === 0) return out;
      if (kind === 1) { r.uleb(); continue; }
      if (kind === 6) { addr(); continue; }
      if (kind === 2 || kind === 3 || kind === 4) { r.uleb(); r.uleb(); }
      else if (kind === 7) { addr(); addr(); }
      else if (kind === 8) { addr(); r.uleb(); }
      else if (kind !== 5) throw new RangeError(`unsupported DW_LLE 0x${kind.toString(16)}`);
      const n = r.uleb();
      out.push(r.bytes.subarray(r.pos, r.pos + n));
      r.pos += n;
    }
  }
  const sec = sections.get('.debug_loc');
  if (!sec) throw new RangeError('no .debug_loc');
  const r = new DebugReader(sec, raw.n);
  for (;;) {
    const start = r.u32();
    const end = r.u32();
    if (start === 0 && end === 0) return out;
    if (start === 0xffffffff) continue; // base address selection
    const n = r.u16();
    out.push(r.bytes.subarray(r.pos, r.pos + n));
    r.pos += n;
  }
}

const NO_CHILDREN: Die[] = [];

/** The attribute `at` of a DIE. */
const attr = (die: Die, at: number): Raw | undefined => die.attrs.find((a) => a.at === at);

interface Die {
  tag: number;
  offset: number;
  attrs: Raw[];
  children: Die[];
}

/** Read .debug_info: comp_dirs and every concrete subprogram with the locals its variables name. */
export function readDebugInfo(sections: DebugSections): DebugInfo {
  const info: DebugInfo = { compDirs: new Map(), subprograms: [] };
  const data = sections.get('.debug_info');
  const abbrevData = sections.get('.debug_abbrev');
  if (!data || !abbrevData) return info;
  let pos = 0;
  try {
    while (pos < data.length) pos = readUnit(data, pos, abbrevData, sections, info);
  } catch {
    // Keep what was read: debug info is a hint, never a reason to fail.
  }
  return info;
}

function readUnit(data: Uint8Array, start: number, abbrevData: Uint8Array, sections: DebugSections, info: DebugInfo): number {
  const r = new DebugReader(data, start);
  const { end, offsetSize } = r.unitLength();
  const version = r.u16();
  let abbrevOffset: number;
  let addrSize: number;
  if (version >= 5) {
    const unitType = r.u8();
    addrSize = r.u8();
    abbrevOffset = offsetSize === 8 ? r.u64() : r.u32();
    if (unitType !== 1) return end; // only DW_UT_compile
  } else {
    abbrevOffset = offsetSize === 8 ? r.u64() : r.u32();
    addrSize = r.u8();
  }
  if (version < 2 || version > 5) return end;
  const abbrevs = readAbbrevs(abbrevData, abbrevOffset);
  const u: Unit = { data, version, offsetSize, addrSize, strOffsetsBase: 8, addrBase: 8, loclistsBase: 12 };
  const byOffset = new Map<number, Die>();

  // The tree of the DIEs this reader uses (a unit's are few enough to hold; kernels have one
  // unit per C file). Others (types, members…) are skipped without allocating: most DIEs are
  // those, and a kernel's .debug_info runs to tens of MB.
  const readDie = (): Die | null | undefined => {
    const offset = r.pos - start;
    const code = r.uleb();
    if (code === 0) return undefined;
    const ab = abbrevs.get(code);
    if (!ab) throw new RangeError(`unknown abbreviation ${code}`);
    const keep = KEEP_TAGS.has(ab.tag);
    if (!keep && !ab.children) {
      for (const [, form, implicit] of ab.attrs) readValue(r, form, u, implicit);
      return null;
    }
    const attrs: Raw[] = [];
    for (const [at, form, implicit] of ab.attrs) {
      const n = readValue(r, form, u, implicit);
      if (keep && KEEP_ATTRS.has(at)) attrs.push({ at, form, n, len: BLOCK_FORMS.has(form) ? blockLength : 0 });
    }
    const die: Die = { tag: ab.tag, offset, attrs, children: ab.children ? [] : NO_CHILDREN };
    if (keep) byOffset.set(offset, die);
    if (ab.children) for (let c = readDie(); c !== undefined; c = readDie()) if (c) die.children.push(c);
    return die;
  };
  const root = readDie();
  if (!root || root.tag !== TAG_compile_unit) return end;
  u.strOffsetsBase = attr(root, AT_str_offsets_base)?.n ?? u.strOffsetsBase;
  u.addrBase = attr(root, AT_addr_base)?.n ?? u.addrBase;
  u.loclistsBase = attr(root, AT_loclists_base)?.n ?? u.loclistsBase;
  const stmt = attr(root, AT_stmt_list);
  const compDir = stringOf(attr(root, AT_comp_dir), u, sections);
  if (stmt && compDir !== undefined) info.compDirs.set(stmt.n, compDir);

  // A DIE's name, through abstract_origin/specification (references within the unit).
  const nameOf = (die: Die, depth = 0): string | undefined => {
    const own = stringOf(attr(die, AT_name), u, sections);
    if (own !== undefined || depth > 4) return own;
    const ref = attr(die, AT_abstract_origin) ?? attr(die, AT_specification);
    const target = ref && ref.form >= 0x11 && ref.form <= 0x15 ? byOffset.get(ref.n) : undefined;
    return target ? nameOf(target, depth + 1) : undefined;
  };

  const visitSubprogram = (sp: Die): void => {
    const lowPc = addressOf(attr(sp, AT_low_pc), u, sections);
    const high = attr(sp, AT_high_pc);
    if (lowPc === undefined || !high) return;
    // high_pc is an address (DW_FORM_addr) or, as clang writes it, a length.
    const highPc = high.form === 0x01 ? high.n : lowPc + high.n;
    const sub: SubprogramInfo = { name: nameOf(sp) ?? '', lowPc, highPc, vars: [], unknown: false };
    const walk = (die: Die, topLevel: boolean): void => {
      for (const c of die.children) {
        if (c.tag === TAG_formal_parameter || c.tag === TAG_variable) {
          const loc = attr(c, AT_location);
          if (!loc) continue;
          const name = nameOf(c) ?? '';
          try {
            const block = blockOf(loc, u);
            const whole = block !== undefined;
            const exprs = block ? [block] : locationListExprs(loc, u, sections);
            for (const e of exprs) for (const local of localsInExpr(e, u.addrSize)) sub.vars.push({ name, local, whole, topLevel });
          } catch {
            sub.unknown = true;
          }
        } else if (c.tag === TAG_subprogram) {
          visitSubprogram(c);
        } else if (c.children.length) {
          walk(c, false); // lexical blocks, inlined calls, and scopes of kinds C has not (never the function's own)
        }
      }
    };
    // The frame base's local (at -O0) holds no C variable: it is claimed so nothing is named after it.
    const frameBase = attr(sp, AT_frame_base);
    try {
      const fb = blockOf(frameBase, u);
      if (fb) for (const local of localsInExpr(fb, u.addrSize)) sub.vars.push({ name: '', local, whole: true, topLevel: true });
    } catch {
      sub.unknown = true;
    }
    walk(sp, true);
    info.subprograms.push(sub);
  };
  const visit = (die: Die): void => {
    for (const c of die.children) {
      if (c.tag === TAG_subprogram) visitSubprogram(c);
      else if (c.children.length) visit(c); // namespaces, etc.
    }
  };
  visit(root);
  return end;
}

/**
 * For each subprogram, the wasm locals named by exactly one C variable whose single location
 * holds for the whole function (a parameter or a function-scope variable with an exprloc), and
 * which no other variable's location (nor a location we cannot read) mentions.
 */
export function soleLocalNames(sub: SubprogramInfo): Map<number, string> {
  const out = new Map<number, string>();
  if (sub.unknown) return out;
  const claims = new Map<number, LocalVar[]>();
  for (const v of sub.vars) claims.set(v.local, [...(claims.get(v.local) ?? []), v]);
  for (const [local, vs] of claims) {
    const v = vs[0]!;
    if (vs.length === 1 && v.whole && v.topLevel && v.name) out.set(local, v.name);
  }
  return out;
}
