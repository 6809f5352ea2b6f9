// link/: assemble the output ES modules: header, runtime import of the helpers used, one
// function per wasm function in index order, the descriptor, and `instantiate(imports)`.
// Functions are printed one at a time as they are emitted (print-js.ts), so a module of tens
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
import type { Printed } from './print-js.js';
import { importTypes, RUNTIME_TYPES } from './ts-output.js';
import { INSTANCE_TYPE } from '../emit/ts-types.js';
import { TIER } from '../emit/split.js';

// @babel/generator is CommonJS; its default export arrives wrapped under Node's ESM loader.
type Generate = typeof import('@babel/generator').default;
const generate = ((_generate as unknown as { default?: Generate }).default ?? _generate) as unknown as Generate;

export const VERSION = '0.1.0';

/** A function printed to text, with its mappings relative to its first line (print-js.ts). */
export type PrintedFunction = Printed;

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
  sourceMap: boolean;
  /** At most this many functions per file (funcs-N.js); 0 or undefined: split only by size. */
  split?: number;
  /** At most this many characters of functions per file (a single larger function gets its own). */
  maxFileBytes?: number;
  /**
   * Also write index.script.js (linkScript); `only`: nothing else, with its functions compiled on
   * first call (the polyfill's form: it evaluates the script and never loads index.js).
   */
  script?: boolean | 'only';
  /** TypeScript: write index.ts and funcs-N.ts (link/ts-output.ts). */
  ts?: boolean;
  /** How the maps name their sources (`--source-root`, `--sources-content`). */
  sources?: SourceMapSources;
}

/**
 * How a source map names its sources: the compile gives each the name DWARF gives it (its
 * comp_dir joined) or the input's file name; the CLI makes those resolvable from the output
 * folder and may embed their text.
 */
export interface SourceMapSources {
  /** The map's `sourceRoot`. */
  root?: string;
  /** A source's name in the map. */
  rename?(source: string): string;
  /** A source's text for `sourcesContent` (null where it cannot be read); absent: no sourcesContent. */
  content?(source: string): string | null;
}

/** What TypeScript output adds to index.ts: the module's interfaces and its typed `instantiate`. */
export interface TsDeclarations {
  /** `ModuleInstance`, `Imports`, `Exports`. */
  interfaces: string;
  instantiate: string;
}

const PRINT_OPTIONS = { comments: true, jsescOption: { minimal: true, isScriptContext: true } } as const;

function program(body: Stmt[]): t.File {
  return { type: 'File', program: { type: 'Program', body, directives: [], sourceType: 'module' } } as unknown as t.File;
}

function printStatements(body: Stmt[]): string {
  return generate(program(body), PRINT_OPTIONS).code;
}

/**
 * Where output files go: kept in memory (the compile API) or written to disk as they are made
 * (the CLI), so a module of tens of MB never holds all its output at once.
 */
export interface OutputSink {
  write(name: string, text: string): void;
  append(name: string, text: string): void;
}

/** Collects the files in a map, each as one string. */
export class MemorySink implements OutputSink {
  readonly files = new Map<string, string[]>();
  write(name: string, text: string): void {
    this.files.set(name, [text]);
  }
  append(name: string, text: string): void {
    this.files.get(name)!.push(text);
  }
  texts(): Map<string, string> {
    return new Map([...this.files].map(([name, parts]) => [name, parts.join('')]));
  }
}

/** One output file, written through a sink piece by piece, with its source map. */
class FileBuilder {
  private line = 0;
  private readonly map: GenMapping | undefined;
  private started = false;

  constructor(private readonly name: string, sourceMap: boolean, private readonly sink: OutputSink, private readonly sources: SourceMapSources = {}) {
    this.map = sourceMap ? new GenMapping({ file: name }) : undefined;
  }

  add(code: string, printed?: PrintedFunction): void {
    const mappings = printed?.mappings;
    if (this.map && mappings) {
      for (let l = 0; l < mappings.length; l++) {
        for (const seg of mappings[l]!) {
          if (seg.length >= 4) maybeAddSegment(this.map, this.line + l, seg[0]!, printed!.sources[seg[1]!] ?? '', seg[2]!, seg[3]!);
        }
      }
    }
    if (this.started) this.sink.append(this.name, `${code}\n`);
    else this.sink.write(this.name, `${code}\n`);
    this.started = true;
    let breaks = printed?.breaks ?? 0;
    if (!printed) for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) breaks++;
    this.line += breaks + 1;
  }

  /** The source-map comment last, and the map beside the file. */
  finish(): void {
    if (!this.map) return;
    this.sink.append(this.name, `//# sourceMappingURL=${this.name}.map\n`);
    this.sink.write(`${this.name}.map`, JSON.stringify(finishMap(toEncodedMap(this.map), this.sources)));
  }
}

/** The map as written: sources renamed, their text embedded on request, nothing to ignore-list (all of it is the program's). */
function finishMap(map: ReturnType<typeof toEncodedMap>, how: SourceMapSources): object {
  const original = map.sources.map((s) => s ?? '');
  const { content, rename, root } = how;
  return {
    version: 3,
    file: map.file,
    ...(root !== undefined ? { sourceRoot: root } : {}),
    sources: rename ? original.map((s) => rename(s)) : original,
    ...(content ? { sourcesContent: original.map((s) => content(s)) } : {}),
    names: map.names,
    mappings: map.mappings,
    ignoreList: [],
  };
}

/**
 * A map for one of the runtime's files that maps each line to itself and lists the file in
 * `ignoreList` (and Chrome's older `x_google_ignoreList`), so debuggers step over the runtime's
 * frames (trap, bounds checks, funcref wrappers) and show the program's only.
 */
export function ignoredFileMap(file: string, text: string): string {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  const mappings = `AAAA${';AACA'.repeat(lines - 1)}`;
  const base = file.split('/').pop()!;
  return JSON.stringify({ version: 3, file: base, sources: [base], names: [], mappings, ignoreList: [0], x_google_ignoreList: [0] });
}

function descToAst(v: DescValue): Expr {
  if (v === null) return nul();
  if (typeof v === 'boolean') return bool(v);
  if (typeof v === 'number') return num(v);
  if (typeof v === 'bigint') return big(v);
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return array(v.map(descToAst));
  if ('fn' in v && typeof v.fn === 'string' && Object.keys(v).length === 1) return id(v.fn);
  if ('factory' in v && Object.keys(v).length === 1) return { type: 'ArrowFunctionExpression', params: [], body: descToAst(v.factory as DescValue), async: false, expression: true } as t.ArrowFunctionExpression;
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
 * `only` (the polyfill's form, evaluated with no code cache) keeps plain declarations instead, which
 * V8 only pre-parses until called: esbuild.wasm's 142 MB script loads in a fraction of the time.
 * index.script.json names the runtime specifier the factory wants.
 */
function linkScript(parts: OutputParts, functions: LinkedFunction[], moduleDecl: string): string {
  const helpers = helpersOf(functions, ['instantiateModule']);
  const out: string[] = [headerComment(parts), '(function (rt) {', '"use strict";', `const { ${[...helpers].sort().join(', ')} } = rt;`];
  // Functions that count their crossings (layout.countCrossings) call $$tier.up, which the polyfill
  // sets; `relink` evaluates a function laid out again in this scope (polyfill/tier-up.ts).
  const tiers = helpers.has('tier_counts');
  if (tiers) out.push(`const ${TIER} = { up() {}, relink: (src) => eval(src) };`);
  for (const f of functions) {
    const code = unindent(f.printed.code);
    const at = code.search(/^function /m);
    if (at < 0) throw new Error(`internal error: no function declaration printed for ${f.name}`);
    out.push(parts.script === 'only' ? code : `${code.slice(0, at)}var ${f.name} = (${code.slice(at)});`);
  }
  out.push(unindent(moduleDecl), `return { module, ${tiers ? `tier: ${TIER}, ` : ''}instantiate: (imports = {}) => instantiateModule(module, imports) };`, '})', '');
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

/** The specifier a file is imported by: `.js` also for TypeScript files (TypeScript resolves it to the `.ts`). */
const jsName = (file: string): string => file.replace(/\.ts$/, '.js');

/** Files larger than this are split (engines cap string lengths; V8 at 2^29 characters). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** A funcs-N.js file being written: its functions' names, the helpers and callees they use. */
interface Chunk {
  file: FileBuilder;
  name: string;
  names: string[];
  helpers: Set<string>;
  callees: Set<string>;
  bytes: number;
}

/**
 * Links the output as functions arrive. Functions wait in memory while they may all fit in
 * index.js. Past `split` functions or MAX_FILE_BYTES they go to funcs-N.js files instead, each
 * written as it fills, so memory holds one file's worth. A funcs file imports what it calls at
 * its end (imports are hoisted), when every function's file is known.
 */
export class Linker {
  /** Functions waiting for index.js (undefined once split). */
  private pending: LinkedFunction[] | undefined = [];
  private pendingBytes = 0;
  private readonly chunks: Chunk[] = [];
  private readonly fileOf = new Map<string, string>();
  /** Every function, for index.script.js. */
  private readonly all: LinkedFunction[] = [];

  private readonly maxBytes: number;
  /** `.js`, or `.ts` for TypeScript output. */
  private readonly ext: string;

  constructor(private readonly parts: OutputParts, private readonly sink: OutputSink) {
    this.maxBytes = parts.maxFileBytes ?? MAX_FILE_BYTES;
    this.ext = parts.ts ? '.ts' : '.js';
    if (parts.ts && parts.script) throw new Error('TypeScript output has no index.script.js: compile it to JS first');
  }

  add(f: LinkedFunction): void {
    if (this.parts.script) this.all.push(f);
    if (this.parts.script === 'only') return;
    if (!this.pending) return this.addToChunk(f);
    this.pending.push(f);
    this.pendingBytes += f.printed.code.length + 1;
    const split = this.parts.split ?? 0;
    if ((split > 0 && this.pending.length > split) || this.pendingBytes > this.maxBytes) {
      const waiting = this.pending;
      this.pending = undefined;
      for (const g of waiting) this.addToChunk(g);
    }
  }

  private addToChunk(f: LinkedFunction): void {
    let chunk = this.chunks[this.chunks.length - 1];
    const split = this.parts.split ?? 0;
    if (!chunk || (split > 0 && chunk.names.length >= split) || chunk.bytes + f.printed.code.length + 1 > this.maxBytes) {
      const name = `funcs-${this.chunks.length}${this.ext}`;
      chunk = { file: new FileBuilder(name, this.parts.sourceMap, this.sink, this.parts.sources), name, names: [], helpers: new Set(), callees: new Set(), bytes: 0 };
      chunk.file.add(headerComment(this.parts));
      this.chunks.push(chunk);
    }
    chunk.file.add(f.printed.code, f.printed);
    chunk.names.push(f.name);
    chunk.bytes += f.printed.code.length + 1;
    for (const h of f.helpers) chunk.helpers.add(h);
    for (const c of f.callees) chunk.callees.add(c);
    this.fileOf.set(f.name, chunk.name);
  }

  /** Write index.js (and the funcs files' imports, the script); TypeScript output needs `ts`. */
  finish(descriptor: DescValue, ts?: TsDeclarations): void {
    const { parts, sink } = this;
    if (parts.ts && !ts) throw new Error('internal compiler error: TypeScript output without its declarations');
    if (parts.script === 'only') return this.writeScript(this.moduleDecl(descriptor));
    const inline = this.pending !== undefined;
    for (const chunk of this.chunks) this.finishChunk(chunk);

    // index.js: runtime import, (chunk imports or) functions, descriptor, instantiate.
    const index = new FileBuilder(`index${this.ext}`, parts.sourceMap, sink, parts.sources);
    const indexHelpers = helpersOf(this.pending ?? [], ['instantiateModule']);
    const head: Stmt[] = [
      importFrom(indexHelpers, parts.runtimeImport),
      {
        type: 'ExportNamedDeclaration',
        specifiers: ['Global', 'LinkError', 'Memory', 'RuntimeError', 'Table'].map((name) => ({ type: 'ExportSpecifier', local: id(name), exported: id(name) })),
        source: str(parts.runtimeImport),
      } as unknown as Stmt,
    ];
    for (const chunk of this.chunks) head.push(importFrom(chunk.names, `./${jsName(chunk.name)}`));
    const types = ts ? `\n${importTypes([...RUNTIME_TYPES, 'Global', 'Instance', 'Memory', 'ModuleDescriptor', 'Table'], parts.runtimeImport)}\n${ts.interfaces}` : '';
    index.add(`${headerComment(parts)}\n${printStatements(head)}${types}`);
    if (inline) for (const f of this.pending!) index.add(f.printed.code, f.printed);

    const instantiate = {
      type: 'FunctionDeclaration',
      id: id('instantiate'),
      params: [{ type: 'AssignmentPattern', left: id('imports'), right: { type: 'ObjectExpression', properties: [] } }],
      body: { type: 'BlockStatement', directives: [], body: [{ type: 'ReturnStatement', argument: { type: 'CallExpression', callee: id('instantiateModule'), arguments: [id('module'), id('imports')] } }] },
    } as unknown as t.FunctionDeclaration;
    const exported = { type: 'ExportNamedDeclaration', declaration: instantiate, specifiers: [] } as unknown as Stmt;
    leadingComment(exported, '* Link and instantiate: resolves to { module, instance } like WebAssembly.instantiate. ');
    // The descriptor is printed once (it holds every data segment and table entry), for index.js and the script.
    const moduleDecl = this.moduleDecl(descriptor);
    if (ts) index.add(`${moduleDecl.replace(/^const module = /, 'const module: ModuleDescriptor = ')}\n${ts.instantiate}`);
    else index.add(`${moduleDecl}\n${printStatements([exported])}`);
    index.finish();
    if (parts.script) this.writeScript(moduleDecl);
  }

  /** `const module = { … };`: the descriptor as JS. */
  private moduleDecl(descriptor: DescValue): string {
    return printStatements([
      { type: 'VariableDeclaration', kind: 'const', declarations: [{ type: 'VariableDeclarator', id: id('module'), init: descToAst(descriptor) }] } as t.VariableDeclaration,
    ]);
  }

  private writeScript(moduleDecl: string): void {
    this.sink.write('index.script.js', linkScript(this.parts, this.all, moduleDecl));
    this.sink.write('index.script.json', `${JSON.stringify({ runtime: this.parts.runtimeImport })}\n`);
  }

  /** A funcs file's last lines: what it imports (now that every function has its file) and exports. */
  private finishChunk(chunk: Chunk): void {
    const imports = new Map<string, Set<string>>();
    for (const c of chunk.callees) {
      const from = this.fileOf.get(c)!;
      if (from === chunk.name) continue;
      const set = imports.get(from) ?? new Set<string>();
      set.add(c);
      imports.set(from, set);
    }
    const tail: Stmt[] = [];
    if (chunk.helpers.size) tail.push(importFrom(chunk.helpers, this.parts.runtimeImport));
    for (const [from, names] of [...imports].sort(([a], [b]) => (a < b ? -1 : 1))) tail.push(importFrom(names, `./${jsName(from)}`));
    tail.push(exportNames(chunk.names));
    const types = this.parts.ts ? `\n${importTypes(RUNTIME_TYPES, this.parts.runtimeImport)}\n${importTypes([INSTANCE_TYPE], './index.js')}` : '';
    chunk.file.add(`${printStatements(tail)}${types}`);
    chunk.file.finish();
  }
}
