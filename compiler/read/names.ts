// read/: the "name" custom section (spec 7.4, plus the extended-name-section subsections
// LLVM emits for globals, tables and memories). Names are hints: a malformed name section
// is ignored, as the spec requires for custom sections.

import type { Names } from '../ir/module.js';
import { Cursor } from './cursor.js';

export function emptyNames(): Names {
  return { module: undefined, funcs: new Map(), locals: new Map(), globals: new Map(), tables: new Map(), memories: new Map() };
}

function readNameMap(c: Cursor, into: Map<number, string>): void {
  const count = c.u32();
  for (let i = 0; i < count; i++) {
    const index = c.u32();
    const name = c.name();
    if (!into.has(index)) into.set(index, name);
  }
}

/** Read the name section's payload; on any malformation keep what was read so far. */
export function readNames(bytes: Uint8Array, start: number, end: number, names: Names): void {
  const c = new Cursor(bytes, start, end);
  try {
    while (!c.atEnd) {
      const id = c.u8();
      const size = c.u32();
      const sub = new Cursor(bytes, c.pos, c.pos + size);
      if (sub.end > end) return;
      switch (id) {
        case 0:
          names.module = sub.name();
          break;
        case 1:
          readNameMap(sub, names.funcs);
          break;
        case 2: {
          const count = sub.u32();
          for (let i = 0; i < count; i++) {
            const func = sub.u32();
            const map = names.locals.get(func) ?? new Map<number, string>();
            readNameMap(sub, map);
            names.locals.set(func, map);
          }
          break;
        }
        case 5:
          readNameMap(sub, names.tables);
          break;
        case 6:
          readNameMap(sub, names.memories);
          break;
        case 7:
          readNameMap(sub, names.globals);
          break;
      }
      c.pos = sub.end;
    }
  } catch {
    // Custom sections never make a module malformed.
  }
}
