// emit/: asm.js's parameter annotation `p = p | 0`, for the integer parameters a body assigns.
// A JS parameter arrives tagged. A wasm local the body assigns is a phi at each loop header it is
// live across (in dispatch form, at the one loop around everything), and TurboFan gives a phi with
// a tagged input a tagged representation: every trip then checks or boxes it, and with pointer
// compression a Smi holds 31 bits, so half the i32 range allocates a HeapNumber. Converted at
// entry, the parameter is an int32 from the start (bench/README.md S37). A parameter only read
// needs nothing: each use converts it where it is used. f64 parameters are left alone: `+p` is the
// identity but gains nothing measurable, and a NaN's payload must not be touched.

import type { Instr, ValType } from '../ir/module.js';
import { assign, bin, exprStmt, id, num, type Expr, type Stmt } from './ast.js';
import { hiName } from './i64.js';

/** For each of the first `params` locals, whether the body assigns it (local.set or local.tee). */
function assigned(body: readonly Instr[], params: number): boolean[] {
  const out = new Array<boolean>(params).fill(false);
  for (const instr of body) {
    if ((instr.op === 'local.set' || instr.op === 'local.tee') && instr.index! < params) out[instr.index!] = true;
  }
  return out;
}

/** `name = name | 0` (an int32 from here on). */
export function toInt32(name: string): Stmt {
  return exprStmt(assign(id(name), bin('|', id(name), num(0)) as Expr));
}

/** The entry statements converting each assigned i32 parameter and both halves of each assigned i64. */
export function paramCoercions(body: readonly Instr[], params: readonly ValType[], names: readonly string[]): Stmt[] {
  const written = assigned(body, params.length);
  const out: Stmt[] = [];
  params.forEach((vt, i) => {
    if (!written[i]) return;
    if (vt === 'i32') out.push(toInt32(names[i]!));
    else if (vt === 'i64') out.push(toInt32(names[i]!), toInt32(hiName(names[i]!)));
  });
  return out;
}
