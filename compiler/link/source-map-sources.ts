// link/: where a source map's sources are on disk (the CLI's half of SourceMapSources): the
// names DWARF gives (comp_dir joined) made relative to the output folder, so a debugger opening
// `out/index.js.map` finds `../src/prog.c`; or relative to `--source-dir` under `--source-root`;
// and, with `--sources-content`, each file's text embedded. Also the warnings for modules whose
// debug info was lost on the way (wasm-opt after clang).

import fs from 'node:fs';
import path from 'node:path';
import type { Module } from '../ir/module.js';
import type { SourceMapSources } from './output.js';

export interface DiskSourceOptions {
  /** The input .wasm (DWARF's relative names, comp_dir ".", are taken from beside it). */
  input: string;
  /** The output folder, where the maps are written. */
  outDir: string;
  /** Where the C sources are, when not where DWARF says (another machine, a moved tree). */
  sourceDir?: string;
  /** Written as the maps' sourceRoot; sources are then named relative to the source folder. */
  sourceRoot?: string;
  /** Embed the sources' text (sourcesContent). */
  content?: boolean;
  /** Called once per source that cannot be found. */
  warn?: (message: string) => void;
}

const posix = (p: string): string => p.split(path.sep).join('/');

/**
 * The file a DWARF name refers to: under `sourceDir`, the longest tail of the name that exists
 * there (`/build/linux/kernel/fork.c` under `~/linux` finds `~/linux/kernel/fork.c`); else the
 * name itself, relative names from beside the input. Undefined if no file exists.
 */
export function findSource(name: string, input: string, sourceDir?: string): string | undefined {
  const parts = name.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (sourceDir) {
    for (let i = 0; i < parts.length; i++) {
      const candidate = path.resolve(sourceDir, ...parts.slice(i));
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    }
  }
  const direct = path.isAbsolute(name) ? name : path.resolve(path.dirname(path.resolve(input)), name);
  return fs.existsSync(direct) ? direct : undefined;
}

/** Sources resolved on disk for the CLI's maps. */
export function diskSources(o: DiskSourceOptions): SourceMapSources {
  const found = new Map<string, string | undefined>();
  const locate = (name: string): string | undefined => {
    if (!found.has(name)) {
      const file = findSource(name, o.input, o.sourceDir);
      if (!file) o.warn?.(`source ${name} not found${o.sourceDir ? ` (nor under ${o.sourceDir})` : ''}: the map names it as DWARF does`);
      found.set(name, file);
    }
    return found.get(name);
  };
  const outDir = path.resolve(o.outDir);
  const base = o.sourceDir ? path.resolve(o.sourceDir) : path.dirname(path.resolve(o.input));
  return {
    root: o.sourceRoot,
    rename(name) {
      const file = locate(name);
      if (!file) return posix(name);
      return posix(path.relative(o.sourceRoot !== undefined ? base : outDir, file));
    },
    content: o.content
      ? (name) => {
          const file = locate(name);
          return file ? fs.readFileSync(file, 'utf8') : null;
        }
      : undefined,
  };
}

/**
 * Why a module's source map or kernel stacks will lack C: no line table although clang built
 * it (`-g` missing, or wasm-opt, which clang runs at -O1 and above when it is on PATH, stripped
 * it), or no name section (hosts find `__stack_pointer` there; stacks show `$f123`).
 */
export function debugInfoWarnings(m: Module, o: { sourceMap: boolean; target?: string; kernel?: boolean }): string[] {
  const out: string[] = [];
  const has = (name: string) => m.customs.some((c) => c.name === name);
  const producers = m.customs.find((c) => c.name === 'producers');
  const text = producers ? new TextDecoder().decode(producers.bytes) : '';
  const fromClang = /clang/.test(text);
  if (o.sourceMap && o.target !== 'wasm' && !has('.debug_line') && (o.target === 'dwarf' || fromClang)) {
    const optimized = /binaryen/.test(text) ? ' (wasm-opt processed it: clang runs wasm-opt at -O1 and above when it is on PATH; build with --no-wasm-opt)' : ' (build with clang -g)';
    out.push(`the module has no .debug_line, so the source map points at wasm byte offsets, not C lines${optimized}`);
  }
  if (o.kernel && !has('name')) out.push('the kernel has no name section: stacks show $f<index>, and hosts cannot find __stack_pointer by name (link without -s/--strip-all, build with --no-wasm-opt)');
  return out;
}
