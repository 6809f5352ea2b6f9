// emit/: asm.js's parameter annotation `p = p | 0`, for the integer parameters a body assigns.
// A JS parameter arrives tagged. A wasm local the body assigns is a phi at each loop header it is
// live across (in dispatch form, at the one loop around everything), and TurboFan gives a phi with
// a tagged input a tagged representation: every trip then checks or boxes it, and with pointer
// compression a Smi holds 31 bits, so half the i32 range allocates a HeapNumber. Converted at
// entry, the parameter is an int32 from the start (bench/README.md S37). A parameter only read
// needs nothing: each use converts it where it is used. f64 parameters are left alone: `+p` is the
// identity but gains nothing measurable, and a NaN's payload must not be touched.

import type { ValType } from '../ir/module.js';
import { assign, bin, exprStmt, id, num, type Stmt } from './ast.js';
import { hiName } from './i64.js';

/** `name = name | 0` (an int32 from here on). */
export function toInt32(name: string): Stmt {
  return exprStmt(assign(id(name), bin('|', id(name), num(0))));
}

/**
 * The entry statements converting each i32 parameter the body assigns (`assigned`: local indices
 * written by the emitted code, dead code left out) and both halves of each such i64.
 */
export function paramCoercions(params: readonly ValType[], names: readonly string[], assigned: ReadonlySet<number>): Stmt[] {
  const out: Stmt[] = [];
  params.forEach((vt, i) => {
    if (!assigned.has(i)) return;
    if (vt === 'i32') out.push(toInt32(names[i]!));
    else if (vt === 'i64') out.push(toInt32(names[i]!), toInt32(hiName(names[i]!)));
  });
  return out;
}
