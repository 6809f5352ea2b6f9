// bench/experiments/worker-load/classic.mjs: the compiled ES module as a classic script, so V8's
// code cache (vm.Script cachedData) can be used; Node 20 has none for ES modules.
//
// The generated index.js has exactly three module-level constructs (w2js output as of this commit):
//   import { a, b, ... } from "./runtime/index.js";
//   export { Global, LinkError, Memory, RuntimeError, Table } from "./runtime/index.js";
//   export function instantiate(imports = {}) { ... }
// The classic form is one parenthesised function expression (the whole file is its value):
//   (function (rt) { "use strict"; const { a, b, ... } = rt; ...functions...; return { instantiate, Memory: rt.Memory, ... }; })
// run with `new vm.Script(text, { filename, cachedData }).runInThisContext()(runtimeNamespace)`.

/** ES module text → classic script text (a function of the runtime namespace). */
export function toClassic(esm) {
  const reexports = [];
  let text = esm.replace(/^import \{([^}]*)\} from "\.\/runtime\/index\.js";$/m, (_, names) => `const {${names}} = rt;`);
  text = text.replace(/^export \{([^}]*)\} from "\.\/runtime\/index\.js";$/m, (_, names) => {
    reexports.push(...names.split(',').map((s) => s.trim()).filter(Boolean));
    return '';
  });
  text = text.replace(/^export function instantiate\(/m, 'function instantiate(');
  if (/^(import|export) /m.test(text)) throw new Error('unexpected import/export left in the module');
  const ret = `return { instantiate${reexports.map((n) => `, ${n}: rt.${n}`).join('')} };`;
  return `(function (rt) {\n"use strict";\n${text}\n${ret}\n})`;
}

/** Drop leading indentation (the generated code has no multi-line strings or templates). */
export function flatten(text) {
  return text.replace(/^[ \t]+/gm, '');
}
