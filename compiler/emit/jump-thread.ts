// emit/: branches through a dispatch loop sent straight to where it would send them.
// Go's wasm backend (esbuild.wasm, any GOOS=js program) gives every function one loop whose body
// opens a chain of blocks and switches on a local, the "PC" of its basic blocks:
//
//   loop $top  block  block … block  local.get 0  br_table …  end … end … end
//
// and makes each jump between basic blocks `i32.const 66  local.set 0  br $top`: back to the
// loop, through the br_table, to the end of one block of the chain. Where that block still
// encloses the jump, the branch may go there directly: `br` to it leaves the same state (the
// local is still set; nothing runs between the loop's start and the br_table but block
// openings), and the emitted JS then skips the loop's back edge and the switch (a `break`, or in
// the dispatch form one `pc = k; continue dispatch;` instead of two dispatches; bench S13).
// A jump backwards, to a block that has ended, goes there too when that block is flat (its end
// is a segment of the dispatch form, which any code of the function may jump to).

import type { Instr } from '../ir/module.js';

/** A loop whose body starts with a chain of blocks and a br_table on one local. */
interface DispatchLoop {
  /** The local the br_table switches on. */
  local: number;
  /** Blocks in the chain (the first one opened right after the loop, the outermost). */
  blocks: number;
  /** br_table's targets, as depths from inside the innermost block; the last is the default. */
  labels: number[];
  /** The loop's place in the stack of open frames (its chain's blocks follow it there while open). */
  level: number;
}

const isEmptyBlock = (i: Instr | undefined): boolean => i?.op === 'block' && i.block!.params.length === 0 && i.block!.results.length === 0;

/** The dispatch loop opened at body[pc], if it is one. */
function dispatchLoop(body: Instr[], pc: number, level: number): DispatchLoop | undefined {
  const loop = body[pc]!;
  if (loop.block!.params.length !== 0) return undefined;
  let n = 0;
  while (isEmptyBlock(body[pc + 1 + n])) n++;
  const get = body[pc + 1 + n];
  const table = body[pc + 2 + n];
  if (n === 0 || get?.op !== 'local.get' || table?.op !== 'br_table') return undefined;
  return { local: get.index!, blocks: n, labels: table.labels!, level };
}

export interface ThreadedJumps {
  /**
   * The body with each `i32.const c; local.set x; br <dispatch loop on x>` whose target block (the
   * br_table's for c) encloses the branch retargeted to that block: the same array when nothing
   * changes, otherwise a copy (the module's instructions are left alone).
   */
  body: Instr[];
  /**
   * The other such branches (backwards: their block has ended), by index, with the index of the
   * block's opener. wasm cannot branch there, but the dispatch form can, when that block is flat:
   * its end is a segment (`pc = k; continue dispatch;`).
   */
  backward: Map<number, number>;
}

export function threadJumps(body: Instr[]): ThreadedJumps {
  let out = body;
  const backward = new Map<number, number>();
  const loops = new Map<number, DispatchLoop>();
  const stack: number[] = []; // openers' indices, innermost last
  for (let pc = 0; pc < body.length; pc++) {
    const instr = body[pc]!;
    switch (instr.op) {
      case 'block': case 'if':
        stack.push(pc);
        continue;
      case 'loop': {
        const d = dispatchLoop(body, pc, stack.length);
        if (d) loops.set(pc, d);
        stack.push(pc);
        continue;
      }
      case 'end':
        stack.pop();
        continue;
      case 'br':
        break;
      default:
        continue;
    }
    const loopPc = stack[stack.length - 1 - instr.index!];
    const loop = loopPc === undefined ? undefined : loops.get(loopPc);
    const set = body[pc - 1];
    const value = body[pc - 2];
    if (!loop || set?.op !== 'local.set' || set.index !== loop.local || value?.op !== 'i32.const') continue;
    const c = (value.value as number) >>> 0;
    const depth = c < loop.labels.length - 1 ? loop.labels[c]! : loop.labels[loop.labels.length - 1]!;
    if (depth >= loop.blocks) continue; // the loop itself, or out of it
    // The chain's blocks open at loopPc + 1 (outermost) … loopPc + blocks (innermost, depth 0).
    const target = loopPc! + loop.blocks - depth;
    // Still open, it sits in the stack as many places after the loop as it opened after it
    // (one lookup, not a search: a chain may be thousands of blocks long, with as many jumps).
    const at = loop.level + (target - loopPc!);
    if (stack[at] !== target) {
      backward.set(pc, target); // that block has ended: the jump goes backwards
      continue;
    }
    if (out === body) out = body.slice();
    out[pc] = { ...instr, index: stack.length - 1 - at };
  }
  return { body: out, backward };
}
