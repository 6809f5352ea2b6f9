// emit/: the TypeScript types of generated code (`ts` option). Inside generated code an i64 is
// two numbers (low half, high half), so every numeric wasm type is `number`; a function's i64
// result is its low half, the high half travels in `high.bits`; several results are an array
// with each i64 as two elements. References keep their JS API types.

import type { FuncType, ValType } from '../ir/module.js';

/** The type of one JS variable holding a wasm value (an i64's either half). */
export function valueTypeText(type: ValType): string {
  switch (type) {
    case 'funcref':
      return 'FuncRef | null';
    case 'externref':
      return 'unknown';
    default:
      return 'number';
  }
}

/** The flat JS parameters of a wasm signature, typed: an i64 is two. */
export function paramTypeTexts(params: ValType[]): string[] {
  return params.flatMap((vt) => (vt === 'i64' ? ['number', 'number'] : [valueTypeText(vt)]));
}

/**
 * Whether several results' array ends in an extra null: it keeps V8 from making an array of
 * floats an array of doubles, whose stores quieten signalling NaNs (boxed numbers keep every bit).
 */
export function hasNullTail(results: ValType[]): boolean {
  return results.some((vt) => vt === 'f32' || vt === 'f64');
}

/** What a generated function returns for `results`. */
export function resultTypeText(results: ValType[]): string {
  if (results.length === 0) return 'void';
  if (results.length === 1) return valueTypeText(results[0]!);
  return `[${[...paramTypeTexts(results), ...(hasNullTail(results) ? ['null'] : [])].join(', ')}]`;
}

/** A generated (or imported) function's type as a TypeScript function type, with `inst` first when given. */
export function functionTypeText(type: FuncType, inst?: string): string {
  const params = paramTypeTexts(type.params).map((text, i) => `p${i}: ${text}`);
  if (inst) params.unshift(`inst: ${inst}`);
  return `(${params.join(', ')}) => ${resultTypeText(type.results)}`;
}

/** The type of `inst` in TypeScript output, declared by link/ for each module. */
export const INSTANCE_TYPE = 'ModuleInstance';
