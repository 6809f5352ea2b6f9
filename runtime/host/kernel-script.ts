// runtime/host/: loading a w2js-compiled kernel on Node as a classic script with V8's code
// cache (Node only: node:vm). A kernel makes 16 or more worker threads while it boots, and each
// needs its own copy of the compiled code: `import()` of a 10 MB index.js parses it again in
// every worker (~0.5 s each) and runs each function's first calls in the interpreter. The
// compiler's index.script.js (compile --script) is the same code as one factory function; the
// boot thread compiles it once, its functions eagerly, and hands V8's code cache and the source
// (both in SharedArrayBuffers, copied by nobody) to every worker, which then deserializes
// instead of parsing and compiling. The cache is also kept on disk beside the script, keyed by
// Node's V8 and the script's hash, so the next boot skips the compile too.
// Measured in bench/README.md ("kernel boot"); the experiment in bench/experiments/worker-load/.

import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import type { CompiledModule } from './kernel-instance.js';

/** The script form of a compiled kernel, as workers receive it (structured-cloneable, shared). */
export interface KernelScript {
  /** index.script.js's file URL: the name stack traces show. */
  url: string;
  /** The runtime the factory takes (the output's own copy, so its classes are the ones it checks). */
  runtimeUrl: string;
  /** The script's UTF-8 bytes. */
  source: SharedArrayBuffer;
  /** 'latin1' when every byte is ASCII (the usual case): decoding is then a plain copy, 4x faster. */
  encoding: 'latin1' | 'utf8';
  /** V8's code cache for exactly this source on this Node. */
  cache: SharedArrayBuffer;
}

/** What the factory returns: the module's descriptor and its instantiate. */
interface ScriptModule {
  instantiate: CompiledModule['instantiate'];
}

type Factory = (rt: object) => ScriptModule;

const CACHE_FILE = 'index.script.v8cache';

/** Whether `dir` holds a kernel compiled with --script. */
export function hasKernelScript(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'index.script.js')) && fs.existsSync(path.join(dir, 'index.script.json'));
}

function shared(bytes: Uint8Array): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(bytes.length);
  new Uint8Array(sab).set(bytes);
  return sab;
}

/** What a cache file must match: this V8 (its flags hash is checked by V8 itself) and this source. */
function cacheKey(source: Uint8Array): string {
  const sha = createHash('sha256').update(source).digest('hex');
  return JSON.stringify({ v8: process.versions.v8, arch: process.arch, sha });
}

function readCacheFile(file: string, key: string): Buffer | undefined {
  try {
    const bytes = fs.readFileSync(file);
    const n = bytes.readUInt32LE(0);
    if (bytes.subarray(4, 4 + n).toString('utf8') !== key) return undefined;
    return bytes.subarray(4 + n);
  } catch {
    return undefined;
  }
}

function writeCacheFile(file: string, key: string, cache: Buffer): void {
  const head = Buffer.from(key, 'utf8');
  const size = Buffer.alloc(4);
  size.writeUInt32LE(head.length, 0);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, Buffer.concat([size, head, cache]));
    fs.renameSync(tmp, file); // whole or not at all, for boots racing on one cache directory
  } catch {
    fs.rmSync(tmp, { force: true }); // a read-only cache directory only costs the next boot a compile
  }
}

/**
 * On the boot thread: compile `dir`'s index.script.js (with the code cache from disk when it
 * matches, else compiling every function and saving the cache), and load it.
 */
export async function prepareKernelScript(dir: string): Promise<{ script: KernelScript; mod: CompiledModule }> {
  const file = path.join(path.resolve(dir), 'index.script.js');
  const source = fs.readFileSync(file);
  const key = cacheKey(source);
  const cacheFile = path.join(path.dirname(file), CACHE_FILE);
  const cachedData = readCacheFile(cacheFile, key);
  const url = pathToFileURL(file).href;
  const encoding = isAscii(source) ? 'latin1' : 'utf8';
  const compiled = new vm.Script(source.toString(encoding), { filename: url, cachedData });
  let cache = cachedData;
  if (!cache || compiled.cachedDataRejected) {
    cache = compiled.createCachedData();
    writeCacheFile(cacheFile, key, cache);
  }
  const { runtime } = JSON.parse(fs.readFileSync(path.join(path.dirname(file), 'index.script.json'), 'utf8')) as { runtime: string };
  const runtimeUrl = /^[a-z][a-z0-9+.-]*:/i.test(runtime) ? runtime : new URL(runtime, url).href;
  const script: KernelScript = { url, runtimeUrl, source: shared(source), encoding, cache: shared(cache) };
  return { script, mod: await run(compiled, runtimeUrl) };
}

/** On a worker: the same module from the shared source and code cache. */
export async function loadKernelScript(s: KernelScript): Promise<CompiledModule> {
  const text = Buffer.from(s.source).toString(s.encoding);
  return run(new vm.Script(text, { filename: s.url, cachedData: new Uint8Array(s.cache) }), s.runtimeUrl);
}

/** Run the compiled factory with the runtime it wants: the module, and that runtime's Memory class. */
async function run(compiled: vm.Script, runtimeUrl: string): Promise<CompiledModule> {
  const rt = (await import(runtimeUrl)) as { Memory: CompiledModule['Memory'] };
  const mod = (compiled.runInThisContext() as Factory)(rt);
  return { instantiate: mod.instantiate, Memory: rt.Memory };
}
