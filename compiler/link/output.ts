// link/: assemble the output ES modules: header, runtime import of the helpers used, one
// function per wasm function in index order, the descriptor, and `instantiate(imports)`.
// Functions are printed one at a time as they are emitted (printFunction), so a module of tens
// of thousands of functions never holds all their syntax trees at once; the files are then
// concatenated here, with their source maps merged line by line (@jridgewell/gen-mapping).
// With `split`, functions go into `funcs-N.js` files of at most `split` functions each, which
// import the functions they call from each other (ES modules allow the cycles) and the helpers
// they use; index.js keeps the descriptor.

import _generate from '@babel/generator';
import type * as t from '@babel/types';
import { GenMapping, maybeAddSegment, toEncodedMap } from '@jridgewell/gen-mapping';
import { array, big, bool, id, leadingComment, nul, num, str, type Expr, type Stmt } from '../emit/ast.js';
import type { DescValue } from './descriptor.js';
import { printFunctionNode, type Decoded } from './print-js.js';

// @babel/generator is CommonJS; its default export arrives wrapped under Node's ESM loader.
type Generate = typeof import('@babel/generator').default;
const generate = ((_generate as unknown as { default?: Generate }).default ?? _generate) as unknown as Generate;

export const VERSION = '0.1.0';


/** A function printed to text, with its mappings relative to its first line. */
export interface PrintedFunction {
  code: string;
  /** Line breaks in `code`. */
  breaks: number;
  mappings: Decoded | undefined;
  /** The sources the mappings' source indices refer to (the wasm, or C files from DWARF). */
  sources: string[];
}

/** One emitted function with what it needs from elsewhere. */
export interface LinkedFunction {
  printed: PrintedFunction;
  name: string;
  helpers: Set<string>;
  callees: Set<string>;
}

export interface OutputParts {
  filename: string;
  runtimeImport: string;
  functions: LinkedFunction[];
  descriptor: DescValue;
  sourceMap: boolean;
  /** Functions per file; 0 or undefined keeps everything in index.js. */
  split?: number;
  /** Also write index.script.js (linkScript). */
  script?: boolean;
}

const PRINT_OPTIONS = { comments: true, jsescOption: { minimal: true, isScriptContext: true } } as const;

function program(body: Stmt[]): t.File {
  return { type: 'File', program: { type: 'Program', body, directives: [], sourceType: 'module' } } as unknown as t.File;
}

/** Print one function now (its syntax tree can then be dropped); `indent` for readable small ones. */
export function printFunction(node: t.FunctionDeclaration, sourceMap: boolean, indent: boolean): PrintedFunction {
  return printFunctionNode(node, { sourceMap, indent });
}

function printStatements(body: Stmt[]): string {
  return generate(program(body), PRINT_OPTIONS).code;
}

/** Concatenates printed pieces into one file and its source map. */
class FileBuilder {
  private readonly pieces: string[] = [];
  private line = 0;
  private readonly map: GenMapping | undefined;

  constructor(name: string, sourceMap: boolean) {
    this.map = sourceMap ? new GenMapping({ file: name }) : undefined;
  }

  add(code: string, printed?: PrintedFunction): void {
    const mappings = printed?.mappings;
    if (this.map && mappings) {
      for (let l = 0; l < mappings.length; l++) {
        for (const seg of mappings[l]!) {
          if (seg.length >= 4) maybeAddSegment(this.map, this.line + l, seg[0]!, printed.sources[seg[1]!] ?? '', seg[2]!, seg[3]!);
        }
      }
    }
    this.pieces.push(code);
    let breaks = printed?.breaks ?? 0;
    if (!printed) for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) breaks++;
    this.line += breaks + 1;
  }

  finish(): { code: string; map: unknown } {
    return { code: `${this.pieces.join('\n')}\n`, map: this.map ? { ...toEncodedMap(this.map), sourceRoot: undefined } : undefined };
  }
}

function descToAst(v: DescValue): Expr {
  if (v === null) return nul();
  if (typeof v === 'boolean') return bool(v);
  if (typeof v === 'number') return num(v);
  if (typeof v === 'bigint') return big(v);
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return array(v.map(descToAst));
  if ('fn' in v && typeof v.fn === 'string' && Object.keys(v).length === 1) return id(v.fn);
  return {
    type: 'ObjectExpression',
    properties: Object.entries(v).map(([key, value]) => ({
      type: 'ObjectProperty', key: /^[A-Za-z_$][\w$]*$/.test(key) ? id(key) : str(key), value: descToAst(value as DescValue), computed: false, shorthand: false,
    })),
  } as t.ObjectExpression;
}

/**
 * Remove what could end a comment, a line inside a comment, or an inline <script>: `</` could
 * close the script element and `<!--` open an HTML comment in it, if output is ever inlined into HTML.
 */
export function commentSafe(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/<\//g, '<\\/').replace(/<!--/g, '<\\!--').replace(/[\r\n\u2028\u2029]/g, ' ');
}

const specifier = (local: string) => ({ type: 'ImportSpecifier', imported: id(local), local: id(local) });
const importFrom = (names: Iterable<string>, source: string): Stmt =>
  ({ type: 'ImportDeclaration', specifiers: [...new Set(names)].sort().map(specifier), source: str(source) }) as unknown as Stmt;
const exportNames = (names: string[]): Stmt =>
  ({ type: 'ExportNamedDeclaration', specifiers: names.map((n) => ({ type: 'ExportSpecifier', local: id(n), exported: id(n) })), source: null }) as unknown as Stmt;

/**
 * index.script.js: the same functions and descriptor as index.js, as one classic script whose
 * value is a factory taking the runtime's namespace: `(function (rt) { ... })`. A kernel host
 * compiles it once with node:vm and hands V8's code cache to every worker, which then neither
 * parses nor compiles it again (ES modules have no code cache API on Node 20; bench/README.md,
 * "kernel boot"). Each function is a parenthesized expression, which V8 compiles eagerly, so
 * the cache holds them all; no indentation, a quarter less to copy into each worker.
 * index.script.json names the runtime specifier the factory wants.
 */
function linkScript(parts: OutputParts, moduleDecl: string): string {
  const helpers = helpersOf(parts.functions, ['instantiateModule']);
  const out: string[] = [headerComment(parts), '(function (rt) {', '"use strict";', `const { ${[...helpers].sort().join(', ')} } = rt;`];
  for (const f of parts.functions) {
    const code = unindent(f.printed.code);
    const at = code.search(/^function /m);
    if (at < 0) throw new Error(`internal error: no function declaration printed for ${f.name}`);
    out.push(`${code.slice(0, at)}var ${f.name} = (${code.slice(at)});`);
  }
  out.push(unindent(moduleDecl), 'return { module, instantiate: (imports = {}) => instantiateModule(module, imports) };', '})', '');
  return out.join('\n');
}

/** Printed code without leading indentation: no line break is inside a token (strings escape them). */
const unindent = (code: string): string => code.replace(/^[ \t]+/gm, '');

/** The runtime helpers `functions` use, with `extra`. */
function helpersOf(functions: LinkedFunction[], extra: string[] = []): Set<string> {
  const helpers = new Set(extra);
  for (const f of functions) for (const h of f.helpers) helpers.add(h);
  return helpers;
}

function headerComment(parts: OutputParts): string {
  return `// Generated by w2js ${VERSION} from ${commentSafe(parts.filename)}. Do not edit.`;
}

/** Output files by name: code, and with sourceMap its map object. */
export function linkOutput(parts: OutputParts): Map<string, { code: string; map: unknown }> {
  const files = new Map<string, { code: string; map: unknown }>();
  const perFile = parts.split && parts.split > 0 ? parts.split : Math.max(parts.functions.length, 1);
  const chunks: LinkedFunction[][] = [];
  for (let i = 0; i < parts.functions.length; i += perFile) chunks.push(parts.functions.slice(i, i + perFile));
  const inline = chunks.length <= 1;
  const fileOf = new Map<string, string>();
  if (!inline) chunks.forEach((chunk, k) => chunk.forEach((f) => fileOf.set(f.name, `funcs-${k}.js`)));

  // index.js: runtime import, (chunk imports or) functions, descriptor, instantiate.
  const index = new FileBuilder('index.js', parts.sourceMap);
  const indexHelpers = helpersOf(inline ? parts.functions : [], ['instantiateModule']);
  const head: Stmt[] = [
    importFrom(indexHelpers, parts.runtimeImport),
    {
      type: 'ExportNamedDeclaration',
      specifiers: ['Global', 'LinkError', 'Memory', 'RuntimeError', 'Table'].map((name) => ({ type: 'ExportSpecifier', local: id(name), exported: id(name) })),
      source: str(parts.runtimeImport),
    } as unknown as Stmt,
  ];
  if (!inline) chunks.forEach((chunk, k) => head.push(importFrom(chunk.map((f) => f.name), `./funcs-${k}.js`)));
  index.add(`${headerComment(parts)}\n${printStatements(head)}`);
  if (inline) for (const f of parts.functions) index.add(f.printed.code, f.printed);

  const instantiate = {
    type: 'FunctionDeclaration',
    id: id('instantiate'),
    params: [{ type: 'AssignmentPattern', left: id('imports'), right: { type: 'ObjectExpression', properties: [] } }],
    body: { type: 'BlockStatement', directives: [], body: [{ type: 'ReturnStatement', argument: { type: 'CallExpression', callee: id('instantiateModule'), arguments: [id('module'), id('imports')] } }] },
  } as unknown as t.FunctionDeclaration;
  const exported = { type: 'ExportNamedDeclaration', declaration: instantiate, specifiers: [] } as unknown as Stmt;
  leadingComment(exported, '* Link and instantiate: resolves to { module, instance } like WebAssembly.instantiate. ');
  // The descriptor is printed once (it holds every data segment and table entry), for index.js and the script.
  const moduleDecl = printStatements([
    { type: 'VariableDeclaration', kind: 'const', declarations: [{ type: 'VariableDeclarator', id: id('module'), init: descToAst(parts.descriptor) }] } as t.VariableDeclaration,
  ]);
  index.add(`${moduleDecl}\n${printStatements([exported])}`);
  files.set('index.js', index.finish());
  if (parts.script) {
    files.set('index.script.js', { code: linkScript(parts, moduleDecl), map: undefined });
    files.set('index.script.json', { code: `${JSON.stringify({ runtime: parts.runtimeImport })}\n`, map: undefined });
  }

  if (!inline) {
    chunks.forEach((chunk, k) => {
      const file = `funcs-${k}.js`;
      const helpers = helpersOf(chunk);
      const imports = new Map<string, Set<string>>();
      for (const f of chunk) {
        for (const c of f.callees) {
          const from = fileOf.get(c)!;
          if (from === file) continue;
          const set = imports.get(from) ?? new Set<string>();
          set.add(c);
          imports.set(from, set);
        }
      }
      const chunkImports: Stmt[] = [];
      if (helpers.size) chunkImports.push(importFrom(helpers, parts.runtimeImport));
      for (const [from, names] of [...imports].sort(([a], [b]) => (a < b ? -1 : 1))) chunkImports.push(importFrom(names, `./${from}`));
      const builder = new FileBuilder(file, parts.sourceMap);
      builder.add(chunkImports.length ? `${headerComment(parts)}\n${printStatements(chunkImports)}` : headerComment(parts));
      for (const f of chunk) builder.add(f.printed.code, f.printed);
      builder.add(printStatements([exportNames(chunk.map((f) => f.name))]));
      files.set(file, builder.finish());
    });
  }
  return files;
}
