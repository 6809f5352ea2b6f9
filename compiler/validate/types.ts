// validate/: the small-integer encoding of value types that the operand stack holds,
// so one Uint8Array per module can be the whole stack (spec appendix A.3).

import type { ValType } from '../ir/module.js';

/** The unknown (bottom) type that unreachable code pops (spec A.3 "Unknown"). */
export const UNKNOWN = 0;
export const I32 = 1;
export const I64 = 2;
export const F32 = 3;
export const F64 = 4;
export const V128 = 5;
export const FUNCREF = 6;
export const EXTERNREF = 7;

const CODES: Record<ValType, number> = {
  i32: I32, i64: I64, f32: F32, f64: F64, v128: V128, funcref: FUNCREF, externref: EXTERNREF,
};

/** A value type's stack code. */
export function typeCode(t: ValType): number {
  return CODES[t];
}

/** Whether a stack code may be an operand of untyped `select` (numbers and vectors, or unknown). */
export function isNumOrVec(code: number): boolean {
  return code <= V128;
}

/** Whether a stack code may be an operand of `ref.is_null` (references, or unknown). */
export function isRef(code: number): boolean {
  return code === UNKNOWN || code >= FUNCREF;
}

/** Whether two value type lists are equal. */
export function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
