// link/: the TypeScript-only parts of `--ts` output: the interface of `inst` for this module
// (every memory, table, global and imported function as generated code reaches it), the type
// imports each file needs, and a typed `instantiate`. The functions themselves are the same
// printed code as the JS output, with types (emit/ts-types.ts, print-js.ts).

import type { ModuleNames } from '../emit/context.js';
import { functionTypeText, INSTANCE_TYPE, valueTypeText } from '../emit/ts-types.js';
import type { Module, ValType } from '../ir/module.js';
import { jsString } from './js-string.js';

/** Types every TypeScript output file may name (unused ones cost nothing). */
export const RUNTIME_TYPES = ['FuncRef', 'InstanceBase'];

/** The type of a global as `inst` holds it: i64 globals are BigInts there (not halves). */
function globalTypeText(type: ValType): string {
  return type === 'i64' ? 'bigint' : valueTypeText(type);
}

/** `interface ModuleInstance extends Instance { … }`: what each generated function receives. */
export function instanceInterface(m: Module, names: ModuleNames): string {
  const lines = [
    '/** What generated functions receive as `inst`: this module\'s memories, tables, globals and imported functions. */',
    `export interface ${INSTANCE_TYPE} extends Instance {`,
  ];
  m.memories.forEach((_, i) => lines.push(`  ${names.memories[i]!}: Memory;`));
  m.tables.forEach((_, i) => lines.push(`  ${names.tables[i]!}: Table;`));
  m.globals.forEach((g, i) => {
    const type = globalTypeText(g.type);
    // A cell is shared with the host (a Global's value), read and written through `.v`.
    const hi = names.globalHi[i];
    // An unshared mutable i64 is kept as two i32 halves.
    if (hi) lines.push(`  ${names.globals[i]!}: number;`, `  ${hi}: number;`);
    else lines.push(`  ${names.globals[i]!}: ${names.globalIsCell[i] ? `{ v: ${type} }` : type};`);
  });
  for (let i = 0; i < m.importedFuncs; i++) {
    // Imported functions take flat arguments (an i64 as two halves) and return like generated ones.
    lines.push(`  ${names.funcs[i]!}: ${functionTypeText(m.types[m.funcTypes[i]!]!)};`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** index.ts's typed `instantiate`, after the `Imports` and `Exports` interfaces (link/typings.ts). */
export function typedInstantiate(m: Module): string {
  const result = 'Promise<{ module: ModuleDescriptor; instance: { exports: Exports } }>';
  const param = m.imports.length === 0 ? 'imports: Imports = {}' : 'imports: Imports';
  return [
    '/** Link and instantiate: resolves to { module, instance } like WebAssembly.instantiate. */',
    `export function instantiate(${param}): ${result} {`,
    // The runtime checks every import against the module's types as it links (spec 4.5.3).
    `  return instantiateModule(module, imports as unknown as Record<string, unknown>) as unknown as ${result};`,
    '}',
  ].join('\n');
}

/** `import type { … } from "…";` */
export function importTypes(names: string[], from: string): string {
  return `import type { ${[...names].sort().join(', ')} } from ${jsString(from)};`;
}
