// Deep nesting compiles to shallow JS that loads with default flags and computes what V8's own
// wasm computes (issue 9 item 2, issue 11). Before emit/dispatch.ts and emit/depth.ts, 500 nested
// loops or 1 000 nested ifs, calls or adds overflowed the printer's stack.

import { describe, expect, it } from 'vitest';
import { load } from '../helpers/wasm.js';
import { nestedAdds, nestedBlocksBrTable, nestedCalls, nestedIfs, nestedIfsNoElse, nestedLoops } from '../helpers/deep-modules.js';

/** The deepest `{` nesting and the deepest parenthesis nesting in generated code. */
function nesting(code: string): { braces: number; parens: number } {
  let braces = 0, parens = 0, maxBraces = 0, maxParens = 0;
  let quote = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{') maxBraces = Math.max(maxBraces, ++braces);
    else if (c === '}') braces--;
    else if (c === '(') maxParens = Math.max(maxParens, ++parens);
    else if (c === ')') parens--;
  }
  return { braces: maxBraces, parens: maxParens };
}

async function sameAsNative(bytes: Uint8Array, args: number[]): Promise<string> {
  const native = (await WebAssembly.instantiate(bytes)).instance.exports as { f: (x: number) => number };
  const { exports, code } = await load(bytes);
  for (const x of args) expect(exports.f(x), `f(${x})`).toBe(native.f(x));
  return code;
}

describe('deep nesting', () => {
  const cases: [string, (n: number) => Uint8Array, number, number[]][] = [
    ['nested loops', nestedLoops, 600, [0]],
    ['nested if/else with results', nestedIfs, 3000, [0, 1, 1500, 2999, 3000, -1]],
    ['nested ifs without else, branching out', nestedIfsNoElse, 3000, [0, 1, 1500, 2999, 3000, 1000, 2500]],
    ['f(f(…)) calls', nestedCalls, 20000, [0, 5, -1]],
    ['chains of i32.add', nestedAdds, 20000, [0, 3, -7]],
    ['blocks with a br_table into each', nestedBlocksBrTable, 2000, [0, 1, 999, 1999, 2000, -1]],
  ];
  for (const [name, build, n, args] of cases) {
    it(`${name}: ${n} levels, shallow JS, same results as V8`, async () => {
      const code = await sameAsNative(build(n), args);
      const { braces, parens } = nesting(code);
      expect(braces).toBeLessThan(120);
      expect(parens).toBeLessThan(120);
    });
  }

  it('100 000 nested blocks (a 1 000-case br_table spread over them)', async () => {
    const code = await sameAsNative(nestedBlocksBrTable(100_000, 1000), [0, 1, 2, 500, 998, 999, 1000, -1]);
    expect(nesting(code).braces).toBeLessThan(120);
  }, 120_000);

  it('a 50 000-case br_table into 50 000 nested blocks', async () => {
    await sameAsNative(nestedBlocksBrTable(50_000), [0, 1, 2, 25_000, 49_998, 49_999, 50_000, -1]);
  }, 120_000);

  it('keeps shallow functions structured: no dispatch loop below the bound', async () => {
    const code = await sameAsNative(nestedIfs(20), [0, 10, 25]);
    expect(code).not.toContain('dispatch');
  });
});
