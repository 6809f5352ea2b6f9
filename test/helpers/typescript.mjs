// TypeScript output's two checks, shared by the spec runner and the tests: tsc's strictest
// usual settings over a set of files, and type stripping (what tsc, esbuild or a type-stripping
// loader do before the code runs).

import ts from 'typescript';

/** `tsc --strict --noUncheckedIndexedAccess --noEmit`, resolving `./x.js` to `x.ts` as Node does. */
export const STRICT = {
  strict: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  skipLibCheck: true,
  types: [],
};

/** Type-check `files` as one program; one line per diagnostic (`file(line,col): TS1234: text`). */
export function typeCheck(files, options = STRICT) {
  const program = ts.createProgram(files, options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return `TS${d.code}: ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}(${line + 1},${character + 1}): TS${d.code}: ${text}`;
  });
}

/** TypeScript → JavaScript by erasing the types only (no type checking). */
export function stripTypes(text) {
  return ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true } }).outputText;
}

// `node test/helpers/typescript.mjs check <file>...`: typeCheck in a process of its own (a test
// blocked for tens of seconds in tsc stops answering vitest's RPC); prints the diagnostics as JSON.
if (process.argv[2] === 'check' && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(typeCheck(process.argv.slice(3))));
}
