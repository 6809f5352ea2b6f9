// link/: the module descriptor: plain data the runtime's instantiate() reads to link imports,
// create memories, tables and globals, initialise segments and build the exports (the parts of
// a module that are data, not code). Constant expressions stay instruction lists.

import type { ConstExpr, Module } from '../ir/module.js';
import { typeKey } from '../emit/context.js';
import type { ModuleNames } from '../emit/context.js';

/**
 * A JSON-like value, plus bigints, references to emitted functions (by identifier) and factories
 * (`{ factory: v }`, printed `() => (v)`: a fresh copy of an object literal at each call).
 */
export type DescValue = null | boolean | number | string | bigint | { fn: string } | { factory: DescValue } | DescValue[] | { [key: string]: DescValue };

function constExpr(e: ConstExpr): DescValue {
  return e.body
    .filter((i) => i.op !== 'end')
    .map((i): DescValue => {
      if (i.op === 'ref.null') return [i.op, i.types![0]!];
      if (i.value !== undefined) return [i.op, i.value];
      if (i.index !== undefined) return [i.op, i.index];
      return [i.op];
    });
}

/** Base64 of `bytes`: Buffer on Node, btoa elsewhere (the compiler also runs in pages, through the polyfill). */
function toBase64(bytes: Uint8Array): string {
  if (typeof Buffer !== 'undefined') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function buildDescriptor(m: Module, names: ModuleNames, filename: string): DescValue {
  const limits = (l: { min: number; max: number | undefined; shared: boolean }) => ({ min: l.min, max: l.max ?? null, shared: l.shared });
  let funcImport = 0;
  let tableImport = 0;
  let memoryImport = 0;
  let globalImport = 0;
  const imports = m.imports.map((imp): DescValue => {
    const base = { module: imp.module, name: imp.name, kind: imp.kind };
    switch (imp.kind) {
      case 'func':
        return { ...base, type: imp.typeIndex, prop: names.funcs[funcImport++]! };
      case 'table':
        return { ...base, elem: imp.table.elem, ...limits(imp.table.limits), prop: names.tables[tableImport++]! };
      case 'memory':
        return { ...base, ...limits(imp.memory.limits), prop: names.memories[memoryImport++]! };
      case 'global': {
        const i = globalImport++;
        return { ...base, type: imp.global.type, mutable: imp.global.mutable, prop: names.globals[i]!, cell: names.globalIsCell[i]! };
      }
    }
  });
  return {
    name: filename,
    types: m.types.map(typeKey),
    funcTypes: m.funcTypes,
    importedFuncs: m.importedFuncs,
    code: m.funcs.map((_, i) => ({ fn: names.funcs[m.importedFuncs + i]! })),
    imports,
    memories: m.memories.slice(m.importedMemories).map((mem, i) => ({ ...limits(mem.limits), prop: names.memories[m.importedMemories + i]! })),
    tables: m.tables.slice(m.importedTables).map((t, i) => ({ elem: t.elem, ...limits(t.limits), prop: names.tables[m.importedTables + i]! })),
    globals: m.definedGlobals.map((g, i) => {
      const index = m.importedGlobals + i;
      const hi = names.globalHi[index];
      return { type: g.type.type, mutable: g.type.mutable, prop: names.globals[index]!, cell: names.globalIsCell[index]!, ...(hi ? { hi } : {}), init: constExpr(g.init) };
    }),
    globalProps: names.globals,
    globalCells: names.globalIsCell,
    globalTypes: m.globals.map((g) => ({ type: g.type, mutable: g.mutable })),
    tableProps: names.tables,
    memoryProps: names.memories,
    exports: m.exports.map((e) => ({ name: e.name, kind: e.kind, index: e.index })),
    elems: m.elems.map((e) => {
      // A segment of plain function indices (the common case) is stored as numbers.
      const plain = e.init.every((x) => x.body.length === 2 && x.body[0]!.op === 'ref.func');
      return {
        mode: e.mode,
        table: e.table,
        offset: e.offset ? constExpr(e.offset) : null,
        type: e.type,
        ...(plain ? { funcs: e.init.map((x) => x.body[0]!.index!) } : { exprs: e.init.map(constExpr) }),
      };
    }),
    datas: m.datas.map((d) => ({ mode: d.mode, memory: d.memory, offset: d.offset ? constExpr(d.offset) : null, bytes: toBase64(d.bytes) })),
    start: m.start ?? null,
    newInstance: { factory: instanceShape(m, names) },
  };
}

/**
 * The module's properties of an instance (imports, memories, tables, globals), each with a value
 * of its kind, as an object literal the descriptor's `newInstance()` returns: the runtime adds its
 * own fields and fills everything in, so the instance keeps V8's fast properties. Added one by one
 * with keyed stores, past a dozen properties an object goes to dictionary mode, and every
 * `inst.$memory0` and `inst.$global0` in generated code was a hash lookup (quickjs's instance, 28
 * properties: bench/README.md S20). A literal of the module's own, not a copy of one (`{ ...shape }`
 * in the runtime, shared by every module): once that copy had seen a few modules' shapes, each
 * instance got a map of its own, and hash-wasm's functions, called with a new instance each time,
 * went megamorphic (bench S29). i32 halves start as 0 and floats as 0.5, so that their fields are
 * not generalised when the real values arrive.
 */
function instanceShape(m: Module, names: ModuleNames): { [key: string]: DescValue } {
  const shape: { [key: string]: DescValue } = {};
  for (const prop of names.funcs.slice(0, m.importedFuncs)) shape[prop] = null;
  for (const prop of [...names.memories, ...names.tables]) shape[prop] = null;
  m.globals.forEach((g, i) => {
    const hi = names.globalHi[i];
    const t = g.type;
    shape[names.globals[i]!] = i < m.importedGlobals || names.globalIsCell[i] ? null : hi || t === 'i32' ? 0 : t === 'f32' || t === 'f64' ? 0.5 : null;
    if (hi) shape[hi] = 0;
  });
  return shape;
}
