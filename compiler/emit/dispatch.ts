// emit/: control flow that stays shallow in JS however deeply the wasm nests.
// Go, interpreters and switch-heavy C nest blocks hundreds or thousands deep; one JS block per
// wasm block would make trees that overflow the stack of every parser and printer. So a frame
// with more than FLAT_ABOVE levels of frames inside it is not printed as a JS block: its code
// joins a run of straight-line segments in one dispatch loop per function,
//   dispatch: for (;;) switch (pc) { case 0: …; case 1: …; … }
// where segments fall through into each other in order, as the wasm's straight-line code does,
// and a branch to such a frame is `pc = <segment>; continue dispatch;`. Frames nested less
// deeply stay structured JS inside a segment, so hot inner loops keep their own JS loops.

import type * as t from '@babel/types';
import type { Instr } from '../ir/module.js';
import { assign, cont, exprStmt, forever, id, num, switchCase, switchStmt, block, type Expr, type Stmt } from './ast.js';

/** Frames with more levels than this inside them go flat (and so their function has a dispatch loop). */
export const FLAT_ABOVE = 32;

/** The loop's label and the variable holding the next segment. */
export const DISPATCH_LABEL = 'dispatch';
export const PC = 'pc';

/**
 * For the frame opened at instruction i (block, loop, if), how many levels of frames it holds,
 * itself included; at index body.length, the function's (its body counts as a level). One pass,
 * no recursion. `spans`, if given, gets each frame's length in instructions.
 */
export function nestingDepths(body: Instr[], spans?: Int32Array): Int32Array {
  const depths = new Int32Array(body.length + 1);
  // open[k]: the instruction index of the k-th open frame (-1 is the function); deepest[k]: the
  // most levels found inside it so far.
  const open: number[] = [body.length];
  const deepest: number[] = [0];
  for (let i = 0; i < body.length; i++) {
    const op = body[i]!.op;
    if (op === 'block' || op === 'loop' || op === 'if') {
      open.push(i);
      deepest.push(0);
    } else if (op === 'end') {
      const at = open.pop()!;
      const levels = deepest.pop()! + 1;
      depths[at] = levels;
      if (spans) spans[at] = i - at;
      if (deepest.length) deepest[deepest.length - 1] = Math.max(deepest[deepest.length - 1]!, levels);
      else return depths; // the function's own end
    }
  }
  return depths; // no final `end`: the reader rejects such a body before emit sees it
}

/** A segment's number, filled in when the loop is finished (segments are numbered in order). */
export type SegmentRef = t.NumericLiteral;

interface Segment {
  labels: SegmentRef[];
  body: Stmt[];
}

/** The segments of one function's dispatch loop, built in order. */
export class Dispatch {
  private readonly segments: Segment[] = [{ labels: [], body: [] }];

  /** Where straight-line code goes now. */
  get body(): Stmt[] {
    return this.segments[this.segments.length - 1]!.body;
  }

  /** A label for a segment not started yet (or started by `start`). */
  newRef(): SegmentRef {
    return { type: 'NumericLiteral', value: -1 } as SegmentRef;
  }

  /** Begin the segment that `refs` name; code before it falls through into it. */
  start(...refs: SegmentRef[]): void {
    const current = this.segments[this.segments.length - 1]!;
    // An empty segment adds nothing: give its labels to the next one.
    if (current.body.length === 0) current.labels.push(...refs);
    else this.segments.push({ labels: refs, body: [] });
  }

  /** `pc = <ref>; continue dispatch;` */
  jump(ref: SegmentRef): Stmt[] {
    return jumpTo(ref);
  }

  /** Every SegmentRef gets its number; the segments' bodies, in that order. */
  numbered(): Stmt[][] {
    this.segments.forEach((segment, k) => {
      for (const ref of segment.labels) ref.value = k;
    });
    return this.segments.map((segment) => segment.body);
  }

  /** The loop. `pc` starts at 0, the first segment. */
  finish(): Stmt {
    const cases = this.numbered().map((body, k) => switchCase({ type: 'NumericLiteral', value: k } as SegmentRef, body));
    return { type: 'LabeledStatement', label: id(DISPATCH_LABEL), body: forever(block([switchStmt(id(PC), cases)])) } as t.LabeledStatement;
  }
}

/** `pc = k; continue dispatch;`: a jump to segment k (a number, or a ref numbered later). */
export function jumpTo(k: number | SegmentRef): Stmt[] {
  return [exprStmt(assign(id(PC), typeof k === 'number' ? num(k) : (k as Expr))), cont(DISPATCH_LABEL)];
}

/**
 * k of the jump `pc = k; continue dispatch;` starting at xs[i], else undefined. Every jump is made
 * by `jumpTo`, so a `pc = k` without its continue is an internal compiler error (the passes over
 * jumps, emit/split.ts, written.ts, segment-inline.ts, would miss it).
 */
export function jumpAt(xs: Stmt[], i: number): number | undefined {
  const x = xs[i]!;
  if (x.type !== 'ExpressionStatement' || x.expression.type !== 'AssignmentExpression' || x.expression.operator !== '=') return undefined;
  const { left, right } = x.expression;
  if (left.type !== 'Identifier' || left.name !== PC || right.type !== 'NumericLiteral') return undefined;
  const next = xs[i + 1];
  if (next?.type !== 'ContinueStatement' || next.label?.name !== DISPATCH_LABEL) throw new Error('internal compiler error: dispatch: a jump without its continue');
  return right.value;
}
