// link/: choose every identifier of the output, once, through the one mangler (mangle.ts).
// Functions: `$name` from the name section, else the export or import name, else `$f<index>`.
// Instance properties (imported funcs, globals, tables, memories) share one namespace on `inst`.

import type { ModuleNames } from '../emit/context.js';
import type { Module } from '../ir/module.js';
import { escapeName, NameSpace } from '../mangle.js';
import { soleLocalNames, type DebugInfo } from '../read/dwarf-info.js';

// Identifiers a C variable's bare name must not take in a function's scope: JS's reserved words
// and strict mode's restricted names, the globals and identifiers generated code uses itself, and
// the shapes of its own variables (`p0`, `l3`, `t12`, `pc`). Runtime helpers it imports are checked
// per function after emitting (compile-function.ts), since only then is it known which it uses.
const RESERVED = new Set(`break case catch class const continue debugger default delete do else enum export extends false
  finally for function if import in instanceof new null return super switch this throw true try typeof var void while with
  yield let static implements interface package private protected public await arguments eval undefined NaN Infinity
  globalThis Math Number Object BigInt Array Symbol Reflect Error inst mem dv pc module imports instantiate instantiateModule
  dispatch Int32Array Float64Array Global LinkError Memory RuntimeError Table`.split(/\s+/));

/**
 * The DWARF names a function's body lets stand: LLVM may reuse a parameter's local for another
 * value after its last use yet still describe the parameter there for the whole function, so a
 * parameter's local must never be written and a variable's at most once (one value: its own).
 * Without the body (not read yet) none stand.
 */
function usableDwarfNames(names: Map<number, string> | undefined, func: Module['funcs'][number], params: number): Map<number, string> | undefined {
  if (!names || func.body.length === 0) return undefined;
  const writes = new Map<number, number>();
  for (const instr of func.body) {
    if ((instr.op === 'local.set' || instr.op === 'local.tee') && names.has(instr.index!)) writes.set(instr.index!, (writes.get(instr.index!) ?? 0) + 1);
  }
  const out = new Map<number, string>();
  for (const [local, name] of names) if ((writes.get(local) ?? 0) <= (local < params ? 0 : 1)) out.set(local, name);
  return out;
}

/** Can a C variable's name be a JS local as it is? */
function bareNameAllowed(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name) && !/^[a-z]{1,2}[0-9]+$/.test(name) && !/_[0-9]+$/.test(name); // `x_3`: a name-section local's shape
}

/**
 * For each defined function (by func index), its wasm locals that hold one C variable for the
 * whole function, by DWARF .debug_info (read/dwarf-info.ts): local index → C name.
 */
export function dwarfLocalNames(m: Module, info: DebugInfo | undefined): Map<number, Map<number, string>> {
  const out = new Map<number, Map<number, string>>();
  if (!info || m.codeAt === undefined) return out;
  // Functions by the code-section offset of their body (DWARF addresses count from the section's contents).
  const starts = m.funcs.map((f, i) => ({ from: f.at - m.codeAt!, to: f.end - m.codeAt!, index: m.importedFuncs + i }));
  for (const sub of info.subprograms) {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]!.from <= sub.lowPc) lo = mid;
      else hi = mid - 1;
    }
    const f = starts[lo];
    if (!f || sub.lowPc < f.from || sub.lowPc >= f.to) continue; // discarded by the linker
    // Two subprograms at one function (identical code folded): trust neither.
    out.set(f.index, out.has(f.index) ? new Map() : soleLocalNames(sub));
  }
  return out;
}

/** The module's names; `locals` may be given identifiers a function must not use (helpers it imports). */
export function assignNames(m: Module, debugInfo?: DebugInfo): ModuleNames & { funcSourceNames: string[]; localsAvoiding(funcIndex: number, avoid: Set<string>): string[] } {
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
  // `$` only starts an escape (`$3a_`) or a `$$<index>` suffix in a mangled name, so `$hi` is free.
  const globalHi = m.globals.map((g, i) => (g.type === 'i64' && g.mutable && !globalIsCell[i] ? `${globals[i]}$hi` : undefined));
  const tables = m.tables.map((_, i) => instSpace.claim(m.names.tables.get(i) ?? `table${i}`, i));
  const memories = m.memories.map((_, i) => instSpace.claim(m.names.memories.get(i) ?? `memory${i}`, i));

  const fromDwarf = dwarfLocalNames(m, debugInfo);
  const localsAvoiding = (funcIndex: number, avoid: Set<string>): string[] => {
    const func = m.funcs[funcIndex - m.importedFuncs]!;
    const type = m.types[func.typeIndex]!;
    const count = type.params.length + func.locals.length;
    const dwarf = usableDwarfNames(fromDwarf.get(funcIndex), func, type.params.length);
    const named = m.names.locals.get(funcIndex);
    // A C name taken by two locals (shadowing in nested scopes) is bare for neither.
    const seen = new Map<string, number>();
    for (const n of dwarf?.values() ?? []) seen.set(n, (seen.get(n) ?? 0) + 1);
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const cName = dwarf?.get(i);
      const name = cName ?? named?.get(i);
      if (cName !== undefined && bareNameAllowed(cName) && seen.get(cName) === 1 && !avoid.has(cName)) {
        out.push(cName); // as in the C source, so a debugger evaluates `n` or `p->y` by its C name
      } else if (name === undefined) {
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
  const none = new Set<string>();
  const locals = (funcIndex: number): string[] => localsAvoiding(funcIndex, none);
  return { funcs, funcSourceNames, globals, globalIsCell, globalHi, tables, memories, locals, localsAvoiding };
}
