// read/: DWARF line tables (.debug_line, DWARF 2-5, §6.2 of the DWARF 5 standard), so source
// maps can point at the original C lines. In wasm, a line-table address is a byte offset from
// the start of the code section's contents (the WebAssembly tool conventions' DWARF mapping).
// Malformed or unsupported debug info is ignored: it never makes a module fail to compile.

/** One row of the line table: from `address` on, code belongs to file:line:column. */
export interface LineRow {
  address: number;
  file: string;
  line: number;
  column: number;
}

/** Rows sorted by address; `line` 0 marks code with no source (and the end of a sequence). */
export type LineTable = LineRow[];

const UTF8 = new TextDecoder();

/** A little-endian cursor over a debug section (LEB128, C strings). */
export class DebugReader {
  pos: number;
  constructor(readonly bytes: Uint8Array, start = 0, public end = bytes.length) {
    this.pos = start;
  }
  u8(): number {
    if (this.pos >= this.end) throw new RangeError('end of debug section');
    return this.bytes[this.pos++]!;
  }
  u16(): number {
    return this.u8() | (this.u8() << 8);
  }
  u32(): number {
    return (this.u16() | (this.u16() << 16)) >>> 0;
  }
  u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    return hi * 4294967296 + lo;
  }
  /** A unit's initial length (DWARF 7.4): where the unit ends, and its offset size (4, or 8 in 64-bit DWARF). */
  unitLength(): { end: number; offsetSize: 4 | 8 } {
    const length = this.u32();
    if (length !== 0xffffffff) return { end: this.pos + length, offsetSize: 4 };
    const long = this.u64();
    return { end: this.pos + long, offsetSize: 8 };
  }
  uleb(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) return result;
    }
  }
  sleb(): number {
    let result = 0;
    let mul = 1;
    let b: number;
    do {
      b = this.u8();
      result += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return b & 0x40 ? result - mul : result;
  }
  cstr(): string {
    const start = this.pos;
    while (this.u8() !== 0);
    return UTF8.decode(this.bytes.subarray(start, this.pos - 1));
  }
}

/** Debug sections by name (".debug_line", ".debug_line_str", ".debug_str"). */
export type DebugSections = Map<string, Uint8Array>;

const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;

function stringAt(section: Uint8Array | undefined, offset: number): string {
  if (!section) return '';
  return new DebugReader(section, offset).cstr();
}

/** Read an attribute value of a v5 entry format; strings come back as strings, the rest as numbers. */
function readForm(r: DebugReader, form: number, offsetSize: number, sections: DebugSections): string | number {
  switch (form) {
    case 0x08: return r.cstr(); // DW_FORM_string
    case 0x1f: return stringAt(sections.get('.debug_line_str'), offsetSize === 8 ? r.u64() : r.u32()); // line_strp
    case 0x0e: return stringAt(sections.get('.debug_str'), offsetSize === 8 ? r.u64() : r.u32()); // strp
    case 0x0f: return r.uleb(); // udata
    case 0x0b: return r.u8(); // data1
    case 0x05: return r.u16(); // data2
    case 0x06: return r.u32(); // data4
    case 0x07: return r.u64(); // data8
    case 0x1e: r.pos += 16; return 0; // data16 (MD5)
    case 0x09: { const n = r.uleb(); r.pos += n; return 0; } // block
    default: throw new RangeError(`unsupported DWARF form 0x${form.toString(16)}`);
  }
}

function joinPath(dir: string, name: string): string {
  if (!dir || name.startsWith('/')) return name;
  return `${dir.replace(/\/$/, '')}/${name}`;
}

/**
 * Read every line-number program in .debug_line into one table sorted by address. `compDirs`
 * (by the unit's offset, from .debug_info) is DWARF 4's implicit directory 0.
 */
export function readLineTable(sections: DebugSections, compDirs?: Map<number, string>): LineTable {
  const data = sections.get('.debug_line');
  if (!data) return [];
  const rows: LineRow[] = [];
  try {
    const r = new DebugReader(data);
    while (r.pos < data.length) readUnit(r, sections, rows, compDirs?.get(r.pos) ?? '');
  } catch {
    // Keep what was read: debug info is a hint, never a reason to fail.
  }
  // At one address, a sequence's end comes before the next sequence's first row, which wins.
  return rows.sort((a, b) => a.address - b.address || (a.line === 0 ? 0 : 1) - (b.line === 0 ? 0 : 1));
}

function readUnit(r: DebugReader, sections: DebugSections, rows: LineRow[], compDir: string): void {
  const { end: unitEnd, offsetSize } = r.unitLength();
  const version = r.u16();
  if (version < 2 || version > 5) {
    r.pos = unitEnd;
    return;
  }
  if (version >= 5) r.pos += 2; // address_size, segment_selector_size
  const headerLength = offsetSize === 8 ? r.u64() : r.u32();
  const programStart = r.pos + headerLength;
  const minInstLength = r.u8();
  if (version >= 4) r.u8(); // maximum_operations_per_instruction (VLIW only)
  const defaultIsStmt = r.u8() !== 0;
  const lineBase = (r.u8() << 24) >> 24;
  const lineRange = r.u8();
  const opcodeBase = r.u8();
  const standardLengths = [0];
  for (let i = 1; i < opcodeBase; i++) standardLengths.push(r.u8());

  const files: string[] = [];
  if (version >= 5) {
    const readEntries = (): Map<number, string | number>[] => {
      const formatCount = r.u8();
      const formats: [number, number][] = [];
      for (let i = 0; i < formatCount; i++) formats.push([r.uleb(), r.uleb()]);
      const count = r.uleb();
      const out: Map<number, string | number>[] = [];
      for (let i = 0; i < count; i++) {
        const entry = new Map<number, string | number>();
        for (const [type, form] of formats) entry.set(type, readForm(r, form, offsetSize, sections));
        out.push(entry);
      }
      return out;
    };
    const dirs = readEntries().map((e) => String(e.get(DW_LNCT_path) ?? ''));
    for (let i = 1; i < dirs.length; i++) dirs[i] = joinPath(dirs[0]!, dirs[i]!); // relative to the unit's directory
    for (const e of readEntries()) {
      files.push(joinPath(dirs[Number(e.get(DW_LNCT_directory_index) ?? 0)] ?? '', String(e.get(DW_LNCT_path) ?? '')));
    }
  } else {
    const dirs = [compDir];
    for (let d = r.cstr(); d !== ''; d = r.cstr()) dirs.push(joinPath(compDir, d));
    files.push(''); // file numbers start at 1 before DWARF 5
    for (let name = r.cstr(); name !== ''; name = r.cstr()) {
      const dir = r.uleb();
      r.uleb(); // mtime
      r.uleb(); // length
      files.push(joinPath(dirs[dir] ?? '', name));
    }
  }

  r.pos = programStart;
  let address = 0;
  let file = 1;
  let line = 1;
  let column = 0;
  let isStmt = defaultIsStmt;
  const emit = (end: boolean) => {
    rows.push({ address, file: files[file] ?? '', line: end ? 0 : line, column });
  };
  const reset = () => {
    address = 0;
    file = 1;
    line = 1;
    column = 0;
    isStmt = defaultIsStmt;
  };
  while (r.pos < unitEnd) {
    const opcode = r.u8();
    if (opcode >= opcodeBase) {
      const adjusted = opcode - opcodeBase;
      address += Math.floor(adjusted / lineRange) * minInstLength;
      line += lineBase + (adjusted % lineRange);
      emit(false);
      continue;
    }
    switch (opcode) {
      case 0: {
        const len = r.uleb();
        const next = r.pos + len;
        const sub = r.u8();
        if (sub === 1) {
          emit(true);
          reset();
        } else if (sub === 2) {
          address = len - 1 === 8 ? r.u64() : r.u32();
        }
        r.pos = next;
        break;
      }
      case 1: emit(false); break;
      case 2: address += r.uleb() * minInstLength; break;
      case 3: line += r.sleb(); break;
      case 4: file = r.uleb(); break;
      case 5: column = r.uleb(); break;
      case 6: isStmt = !isStmt; break;
      case 7: break;
      case 8: address += Math.floor((255 - opcodeBase) / lineRange) * minInstLength; break;
      case 9: address += r.u16(); break;
      case 10: case 11: break;
      default:
        for (let i = 0; i < (standardLengths[opcode] ?? 0); i++) r.uleb();
    }
  }
  void isStmt;
  r.pos = unitEnd;
}

/** The row covering `address` (the last row at or before it), or undefined. */
export function lookupLine(table: LineTable, address: number): LineRow | undefined {
  let lo = 0;
  let hi = table.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (table[mid]!.address <= address) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  const row = found >= 0 ? table[found] : undefined;
  return row && row.line > 0 ? row : undefined;
}
