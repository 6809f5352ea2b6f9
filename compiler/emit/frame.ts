// emit/: one open frame of the function emitter (compiler/emit/function.ts): the function
// itself, or a block, loop or if, with what its end and the branches to it need.

import type { BlockType, Instr } from '../ir/module.js';
import type { Expr, Stmt } from './ast.js';
import type { SegmentRef } from './dispatch.js';
import type { LoopGuard } from './loop-guard.js';
import type { BulkLoop } from './bulk-loop.js';
import type { Entry } from './stack.js';

export interface Frame {
  op: 'func' | 'block' | 'loop' | 'if';
  label: string;
  /** Whether some branch targets this frame's label. */
  targeted: boolean;
  /** Part of the dispatch loop (emit/dispatch.ts) instead of a JS block of its own. */
  flat: boolean;
  /** A flat frame's branch target: a loop's first segment, else the segment after its end. */
  target?: SegmentRef;
  /** A flat if's else segment. */
  elseTarget?: SegmentRef;
  type: BlockType;
  /** Variables receiving the frame's results (blocks, ifs, loops' fall-through). */
  resultVars: string[];
  /** Variables carrying a loop's params around its back edge. */
  loopVars: string[];
  /** Param entries, replayed at `else`. */
  params: Entry[];
  height: number;
  body: Stmt[];
  /** The rest of this frame is dead code (after br, return, unreachable...). */
  unreachable: boolean;
  /** A loop's guard, when its body is emitted twice (emit/loop-guard.ts). */
  guard?: LoopGuard;
  /** A loop that is one bulk copy or fill, run so when it can be (emit/bulk-loop.ts). */
  bulk?: BulkLoop;
  /** The innermost loop this frame is in (itself, if a loop): whose guard covers its accesses. */
  loop?: Frame;
  /** An if's condition and finished then-branch. */
  test?: Expr;
  thenBody?: Stmt[];
  /** Whether an if's then-branch falls through to its end. */
  thenReachable?: boolean;
  at: number;
  /** Index of the instruction that opened it. */
  opener: number;
}

/** The index of the `else` or `end` that closes the frame whose code body[i] is in. */
export function closerOf(body: Instr[], i: number): number {
  let depth = 0;
  for (; i < body.length; i++) {
    const op = body[i]!.op;
    if (op === 'block' || op === 'loop' || op === 'if') depth++;
    else if (op === 'end') {
      if (depth === 0) break;
      depth--;
    } else if (op === 'else' && depth === 0) break;
  }
  return i;
}
