// The identity of a build of the compiler and runtime in dist/ (the mtimes of its .js files), so a
// cache of compiled kernels (w2js boot) is thrown away when either changes.

import fs from 'node:fs';
import path from 'node:path';

/** A string that changes whenever a built file under `dist/compiler` or `dist/runtime` does. */
export function buildId(dist: string): string {
  const stamps: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) stamps.push(`${p}:${fs.statSync(p).mtimeMs}`);
    }
  };
  for (const sub of ['compiler', 'runtime']) if (fs.existsSync(path.join(dist, sub))) walk(path.join(dist, sub));
  return stamps.sort().join('\n');
}
