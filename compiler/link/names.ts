// link/: choose every identifier of the output, once, through the one mangler (mangle.ts).
// Functions: `$name` from the name section, else the export or import name, else `$f<index>`.
// Instance properties (imported funcs, globals, tables, memories) share one namespace on `inst`.

import type { ModuleNames } from '../emit/context.js';
import type { Module } from '../ir/module.js';
import { escapeName, NameSpace } from '../mangle.js';

export function assignNames(m: Module): ModuleNames & { funcSourceNames: string[] } {
  const funcSpace = new NameSpace('$');
  const instSpace = new NameSpace('$');
  const exportName = new Map<string, string>();
  for (const e of m.exports) {
    const key = `${e.kind}:${e.index}`;
    if (!exportName.has(key)) exportName.set(key, e.name);
  }
  const importName: string[] = [];
  for (const imp of m.imports) if (imp.kind === 'func') importName.push(imp.name);

  const funcs: string[] = [];
  const funcSourceNames: string[] = [];
  for (let i = 0; i < m.funcTypes.length; i++) {
    const name = m.names.funcs.get(i) ?? exportName.get(`func:${i}`) ?? (i < m.importedFuncs ? importName[i] : undefined) ?? `f${i}`;
    funcSourceNames.push(name);
    funcs.push(i < m.importedFuncs ? instSpace.claim(name, i) : funcSpace.claim(name, i));
  }
  const globals = m.globals.map((_, i) => instSpace.claim(m.names.globals.get(i) ?? exportName.get(`global:${i}`) ?? `global${i}`, i));
  const exportedGlobals = new Set(m.exports.filter((e) => e.kind === 'global').map((e) => e.index));
  const globalIsCell = m.globals.map((g, i) => g.mutable && (i < m.importedGlobals || exportedGlobals.has(i)));
  const tables = m.tables.map((_, i) => instSpace.claim(m.names.tables.get(i) ?? `table${i}`, i));
  const memories = m.memories.map((_, i) => instSpace.claim(m.names.memories.get(i) ?? `memory${i}`, i));

  const locals = (funcIndex: number): string[] => {
    const func = m.funcs[funcIndex - m.importedFuncs]!;
    const type = m.types[func.typeIndex]!;
    const count = type.params.length + func.locals.length;
    const named = m.names.locals.get(funcIndex);
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = named?.get(i);
      if (name === undefined) {
        out.push(i < type.params.length ? `p${i}` : `l${i}`);
      } else {
        // The `_<index>` suffix keeps locals distinct from each other and from every other
        // kind of identifier (none ends in `_<digits>`); a leading digit gets a `_`.
        const escaped = escapeName(name);
        out.push(`${/^[0-9]/.test(escaped) ? '_' : ''}${escaped}_${i}`);
      }
    }
    return out;
  };
  return { funcs, funcSourceNames, globals, globalIsCell, tables, memories, locals };
}
