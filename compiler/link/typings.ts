// link/: `index.d.ts` for the output, built with ts-morph: the imports a module needs and the
// exports it gives, typed by their wasm types as the JS API converts them (i32, f32, f64 →
// number; i64 → bigint; funcref → a function or null; externref → unknown), so a TypeScript
// host that loads the compiled kernel gets its ABI checked.

import { createRequire } from 'node:module';
import type { OptionalKind, PropertySignatureStructure, MethodSignatureStructure } from 'ts-morph';
import type { ExternKind, FuncType, Module, ValType } from '../ir/module.js';
import { VERSION, commentSafe } from './output.js';

const JS_TYPE: Record<ValType, string> = {
  i32: 'number', i64: 'bigint', f32: 'number', f64: 'number', v128: 'never', funcref: 'ExportedFunction | null', externref: 'unknown',
};

/**
 * A property name as TypeScript accepts it: plain if it is an identifier, else a string literal.
 * `new` is quoted too: unquoted, `new(…): …` in an interface is a construct signature. In a
 * string literal `<` is escaped, as in the JS output.
 */
const propertyName = (name: string): string =>
  /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'new' ? name : JSON.stringify(name).replace(/</g, '\\u003c'); // no raw `</script` or `<!--`

function results(type: FuncType): string {
  if (type.results.length === 0) return 'void';
  if (type.results.length === 1) return JS_TYPE[type.results[0]!];
  return `[${type.results.map((t) => JS_TYPE[t]).join(', ')}]`;
}

function method(name: string, type: FuncType): OptionalKind<MethodSignatureStructure> {
  return { name: propertyName(name), parameters: type.params.map((t, i) => ({ name: `p${i}`, type: JS_TYPE[t] })), returnType: results(type) };
}

function externType(m: Module, kind: ExternKind, index: number, mutable?: boolean): string {
  switch (kind) {
    case 'memory':
      return 'Memory';
    case 'table':
      return 'Table';
    case 'global': {
      const g = m.globals[index]!;
      return mutable === false || !g.mutable ? `Global | ${JS_TYPE[g.type]}` : 'Global';
    }
    default:
      return 'ExportedFunction';
  }
}

/** The text of index.d.ts for module `m`. */
export function buildTypings(m: Module, filename: string): string {
  // Loaded on first use: ts-morph brings the TypeScript compiler, half a second of every
  // compile's start-up when no typings are asked for.
  const { Project } = createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph');
  const project = new Project({ useInMemoryFileSystem: true });
  const file = project.createSourceFile('index.d.ts', '');
  file.addImportDeclaration({ isTypeOnly: true, moduleSpecifier: './runtime/index.js', namedImports: ['Memory', 'Table', 'Global'] });
  file.addExportDeclaration({ moduleSpecifier: './runtime/index.js', namedExports: ['Global', 'LinkError', 'Memory', 'RuntimeError', 'Table'] });
  file.addTypeAlias({ name: 'ExportedFunction', isExported: true, type: '((...args: never[]) => unknown) & { readonly wasmType: string }' });

  // Imports, grouped by module name.
  const byModule = new Map<string, { methods: OptionalKind<MethodSignatureStructure>[]; properties: OptionalKind<PropertySignatureStructure>[] }>();
  let global = 0;
  for (const imp of m.imports) {
    const group = byModule.get(imp.module) ?? { methods: [], properties: [] };
    byModule.set(imp.module, group);
    if (imp.kind === 'func') {
      group.methods.push(method(imp.name, m.types[imp.typeIndex]!));
    } else {
      const type = imp.kind === 'global' ? externType(m, 'global', global, imp.global.mutable) : externType(m, imp.kind, 0);
      group.properties.push({ name: propertyName(imp.name), type });
    }
    if (imp.kind === 'global') global++;
  }
  file.addInterface({
    name: 'Imports',
    isExported: true,
    docs: ['What `instantiate` needs: one object per import module.'],
    properties: [...byModule].map(([name, group]) => ({
      name: propertyName(name),
      type: (writer) => {
        writer.block(() => {
          for (const p of group.properties) writer.writeLine(`${p.name}: ${String(p.type)};`);
          for (const f of group.methods) {
            writer.writeLine(`${f.name}(${(f.parameters ?? []).map((p) => `${p.name}: ${String(p.type)}`).join(', ')}): ${String(f.returnType)};`);
          }
        });
      },
    })),
  });

  const funcType = (index: number) => m.types[m.funcTypes[index]!]!;
  file.addInterface({
    name: 'Exports',
    isExported: true,
    docs: ['What `instance.exports` holds.'],
    methods: m.exports.filter((e) => e.kind === 'func').map((e) => method(e.name, funcType(e.index))),
    properties: m.exports.filter((e) => e.kind !== 'func').map((e) => ({ name: propertyName(e.name), type: externType(m, e.kind, e.index), isReadonly: true })),
  });
  file.addFunction({
    name: 'instantiate',
    isExported: true,
    hasDeclareKeyword: true,
    docs: ['Link and instantiate: resolves to { module, instance } like WebAssembly.instantiate.'],
    parameters: [{ name: 'imports', type: 'Imports', hasQuestionToken: m.imports.length === 0 }],
    returnType: 'Promise<{ module: unknown; instance: { exports: Exports } }>',
  });
  file.formatText({ indentSize: 2 });
  return `// Generated by w2js ${VERSION} from ${commentSafe(filename)}. Do not edit.\n${file.getFullText()}`;
}
