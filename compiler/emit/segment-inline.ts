// emit/: a jump to a tiny segment of the dispatch loop runs a copy of that segment in place.
// In the dispatch form (emit/dispatch.ts) every jump is `pc = k; continue dispatch;`: the loop's
// back edge and a `switch` on pc, where the wasm had a direct branch. Interpreters compiled from
// C go through a few tiny segments on every opcode (sqlite's VDBE handlers all end in two of
// them: 10 and 14 nodes, then the dispatch), so each opcode paid two extra trips through the
// switch, and, in a split function, a part change (bench/README.md S19). A tiny segment's code
// is copied over each jump to it (tail duplication); the copy ends in the segment's own jump,
// which may be copied in turn, to a bounded depth. The segment itself stays, for jumps from
// elsewhere (the parts' hub, a br_table).

import type * as t from '@babel/types';
import type { Stmt } from './ast.js';
import { DISPATCH_LABEL, jumpAt, jumpTo } from './dispatch.js';
import { countNodes, mayFallThrough } from './split.js';

/** Segments of at most this many nodes are copied over the jumps to them. */
export const INLINE_SEGMENT_NODES = 32;
/** How many copies deep a chain of tiny segments is followed (a tiny loop stops here too). */
const INLINE_DEPTH = 3;
/** At most this share of a function's nodes are added by copies. */
const INLINE_GROWTH = 0.1;
/**
 * …or this share, in a function emitted to be split: it is past the split size already, so copies
 * cannot push it there. At a tenth, sqlite's VDBE spent its budget on its first 150 segments and
 * none was left for the tail every handler ends in (`pOp++`, 14 nodes, 31 jumps): each of those
 * opcodes crossed into another part for it. A fifth copies them all (bench/README.md S35).
 */
const INLINE_GROWTH_SPLIT = 0.2;
/** …and any function this many nodes (a few dozen copies; far below a split). */
const INLINE_FLOOR = 512;

/**
 * Copy tiny segments over the jumps to them, in place. A segment qualifies when it is small and
 * its statements can stand anywhere: no labels, `break`s or declarations (two copies in one
 * scope would clash), no `continue` but the dispatch loop's. `toSplit`: the function is emitted
 * again to be split, too large to optimize whole (its layout sets flatSpan: compile-function.ts).
 */
export function inlineTinySegments(segments: Stmt[][], partNodes: number, toSplit = false): void {
  const n = segments.length;
  const sizes = segments.map(countNodes);
  // The copies may add a tenth to a large function: more could take it past the size at which
  // it is split (emit/split.ts), which costs more than the jumps saved (600 nested loops did).
  let budget = Math.max(INLINE_FLOOR, sizes.reduce((a, b) => a + b, 0) * (toSplit ? INLINE_GROWTH_SPLIT : INLINE_GROWTH));
  const tiny = segments.map((body, k): Stmt[] | undefined => {
    if (sizes[k]! > INLINE_SEGMENT_NODES || !body.every(movable)) return undefined;
    if (!mayFallThrough(body)) return body;
    // Its fall-through becomes a jump; the last segment has nothing to fall into.
    return k + 1 < n ? [...body, ...jumpTo(k + 1)] : undefined;
  });
  // The copies' bodies as they were, before any jump in them was replaced.
  const originals = tiny.map((body) => body && structuredClone(body));
  let segmentBudget = 0;
  const rewrite = (list: Stmt[], depth: number): void => {
    for (let i = 0; i < list.length; i++) {
      const k = jumpAt(list, i);
      const body = k === undefined ? undefined : originals[k];
      if (k === undefined || !body || depth >= INLINE_DEPTH || budget < sizes[k]! || segmentBudget < sizes[k]!) {
        nested(list[i]!, depth);
        continue;
      }
      budget -= sizes[k]!;
      segmentBudget -= sizes[k]!;
      const copy = structuredClone(body);
      rewrite(copy, depth + 1); // the copy's own jump, copied in turn
      list.splice(i, 2, ...copy);
      i += copy.length - 1;
    }
  };
  const nested = (x: Stmt, depth: number): void => {
    switch (x.type) {
      case 'BlockStatement':
        return rewrite(x.body, depth);
      case 'IfStatement':
        nested(x.consequent, depth);
        if (x.alternate) nested(x.alternate, depth);
        return;
      case 'LabeledStatement':
      case 'ForStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
        return nested(x.body, depth);
      case 'SwitchStatement':
        for (const c of x.cases) rewrite(c.consequent, depth);
        return;
      case 'TryStatement':
        rewrite(x.block.body, depth);
        if (x.handler) rewrite(x.handler.body.body, depth);
        if (x.finalizer) rewrite(x.finalizer.body, depth);
        return;
    }
  };
  // Nor may copies take one segment past a part's size (or add more than the floor to one already
  // past it): a segment is never cut, so it would make a part V8 does not optimize. Go's block
  // dispatch is one segment whose br_table has thousands of targets, most of them tiny; copies
  // made esbuild's lexer entry a part of 60 000 tokens, run interpreted (bench/README.md S23).
  segments.forEach((body, k) => {
    segmentBudget = Math.max(INLINE_FLOOR, partNodes - sizes[k]!);
    rewrite(body, 0);
  });
}

/** Whether a statement means the same wherever it is copied. */
function movable(s: t.Statement): boolean {
  switch (s.type) {
    case 'ExpressionStatement':
    case 'ReturnStatement':
    case 'ThrowStatement':
    case 'EmptyStatement':
      return true;
    case 'ContinueStatement':
      return s.label?.name === DISPATCH_LABEL;
    case 'BlockStatement':
      return s.body.every(movable);
    case 'IfStatement':
      return movable(s.consequent) && (!s.alternate || movable(s.alternate));
    default:
      return false; // labels, breaks, loops, switches, declarations
  }
}
