// Test support: the JS runtimes besides Node that compiled output is run on (Bun: JavaScriptCore,
// Deno: a newer V8), found in node_modules where `npm install` put them (devDependencies `bun`
// and `deno`), and the runtime this process itself is.
//
// Each package ships its binary in an optional per-platform package (@oven/bun-linux-x64,
// @deno/linux-x64-glibc). Its postinstall script, where npm runs it, moves (bun) or links (deno)
// that binary into the main package; where install scripts are blocked the binary stays in the
// platform package. Both places are tried, so either way works; $W2JS_BUN / $W2JS_DENO override.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const modules = path.join(repoRoot, 'node_modules');

/** The runtime running this code: 'bun', 'deno' or 'node'. */
export function currentRuntime() {
  if (typeof globalThis.Bun !== 'undefined') return 'bun';
  if (typeof globalThis.Deno !== 'undefined') return 'deno';
  return 'node';
}

/** Every file named `file` inside node_modules/<scope>/<pkg prefix>*, in name order. */
function platformBinaries(scope, prefix, file) {
  const dir = path.join(modules, scope);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith(prefix))
    .sort()
    .map((name) => path.join(dir, name, file));
}

const candidates = {
  bun: () => [
    process.env.W2JS_BUN,
    ...platformBinaries('@oven', 'bun-', 'bin/bun'),
    // The postinstall script renames the platform binary to bun.exe (before it, bun.exe is a text placeholder).
    path.join(modules, 'bun/bin/bun.exe'),
  ],
  deno: () => [process.env.W2JS_DENO, ...platformBinaries('@deno', '', 'deno'), path.join(modules, 'deno/deno')],
};

const found = new Map();

/**
 * The binary of runtime `name` ('bun' or 'deno') and its version, or null when none of the
 * candidates runs (`--version` must succeed, which also rules out a placeholder file).
 */
export function findRuntime(name) {
  if (found.has(name)) return found.get(name);
  let result = null;
  for (const bin of (candidates[name]?.() ?? []).filter(Boolean)) {
    if (!existsSync(bin)) continue;
    const probe = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (probe.status === 0) {
      result = { name, bin, version: probe.stdout.trim().split('\n')[0] };
      break;
    }
  }
  found.set(name, result);
  return result;
}

/**
 * The argv that runs `script` with `args` on runtime `name` ('node', 'bun', 'deno'); throws when the
 * runtime is not installed. Deno gets every permission (-A): the scripts read the cache, spawn
 * nothing but workers, and need no prompts.
 */
export function runtimeCommand(name, script, args = []) {
  if (name === 'node') return [process.execPath, script, ...args];
  const rt = findRuntime(name);
  if (!rt) throw new Error(`runtime ${name} not found in node_modules (run npm install; or set $W2JS_${name.toUpperCase()})`);
  if (name === 'deno') return [rt.bin, 'run', '-A', script, ...args];
  return [rt.bin, script, ...args];
}
