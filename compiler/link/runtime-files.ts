// link/: the runtime's compiled files, copied beside the output so it runs on its own.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Find the package's built runtime (dist/runtime), from source or from dist. */
function runtimeDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'runtime');
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('internal error: w2js package root not found');
    dir = parent;
  }
}

/** Relative path → contents of every runtime .js and .d.ts file, in a stable order. */
export function runtimeFiles(): Map<string, string> {
  const root = runtimeDir();
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.js') || entry.name.endsWith('.d.ts')) {
        // The maps of dist/ point at TypeScript sources the output does not carry: drop the link.
        const text = fs.readFileSync(path.join(root, child), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
        out.set(child.split(path.sep).join('/'), text);
      }
    }
  };
  walk('');
  return out;
}
