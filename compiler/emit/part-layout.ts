// emit/: which segments of a split function go into which part (emit/split.ts).
//
// Without a profile, parts are runs of consecutive segments of about `partNodes` nodes. With one
// (the crossings into each segment counted by the running code, runtime/tier-up.ts), the segments
// most often entered from another part are gathered into one larger part: an interpreter's
// dispatch and its hot handlers, which otherwise change part twice per opcode (quickjs: 78.7 M
// crossings a round at 8.6 ns each; with its hot handlers beside the dispatch, 12.3 M and 0.73×
// the time, bench/README.md D16 and S31). The main function's part (the first run, where the
// function starts) keeps its segments either way.

/**
 * The gathered part's size in parts: quickjs's steady state at 1.5, 2.5 and 3 (6 000 to 12 000
 * nodes) was 0.99×, 0.75× and 0.69× (S31). D16's 17 000 nodes printed as 35 000 tokens, past V8's
 * limit; polyfill/tier-up.ts checks the printed part and tries smaller where it is too large.
 */
export const HOT_PART_FACTOR = 3;

export interface PartLayout {
  /** The part of each segment; 0 is the main function. */
  group: Int32Array;
  /** Each part's segments, ascending. */
  members: number[][];
  /** The main function's segments are [0, mainEnd). */
  mainEnd: number;
  /** Runs of consecutive segments of one part past mainEnd: [first segment, part], ascending. */
  runs: [number, number][];
}

/**
 * Group segments of `sizes` nodes into parts. `profile[k]`: how often segment k was entered from
 * another part under the layout without a profile (the same segments, numbered alike).
 */
export function layoutParts(sizes: number[], partNodes: number, profile?: ArrayLike<number>, hotNodes = partNodes * HOT_PART_FACTOR): PartLayout | undefined {
  const n = sizes.length;
  const group = new Int32Array(n);
  let parts = 1;
  let size = 0;
  let mainEnd = n;
  for (let s = 0; s < n; s++) {
    if (size > 0 && size + sizes[s]! > partNodes) {
      if (parts === 1) mainEnd = s;
      parts++;
      size = 0;
    }
    group[s] = parts - 1;
    size += sizes[s]!;
  }
  if (parts < 2) return undefined;
  if (profile) parts = gatherHot(group, sizes, mainEnd, profile, hotNodes, parts);
  return fromGroups(group, parts, mainEnd);
}

/** The layout of segments in parts `group` (`parts` of them, the main function's [0, mainEnd)). */
function fromGroups(group: Int32Array, parts: number, mainEnd: number): PartLayout {
  const members: number[][] = Array.from({ length: parts }, () => []);
  for (let s = 0; s < group.length; s++) members[group[s]!]!.push(s);
  const runs: [number, number][] = [];
  for (let s = mainEnd; s < group.length; s++) if (s === mainEnd || group[s] !== group[s - 1]) runs.push([s, group[s]!]);
  return { group, members, mainEnd, runs };
}

/**
 * Where segment s goes when each part's segments are numbered consecutively (the main function's
 * first, as they are); undefined when they already are. A part gathered from a profile holds
 * segments from all over the function, and V8 compiles a `switch` whose case values are spread
 * wider than 3× their count to a chain of compares, not a jump table (the bytecode generator's
 * --switch-table-spread-threshold): quickjs's gathered part, 32 cases between 2 and 252, spent
 * 30% of its time in its `switch (pc)` (bench/README.md S36).
 */
export function consecutiveOrder(layout: PartLayout): Int32Array | undefined {
  const order = new Int32Array(layout.group.length);
  let next = 0;
  for (const segs of layout.members) for (const s of segs) order[s] = next++;
  return order.every((to, s) => to === s) ? undefined : order;
}

/** The layout with segment s renumbered `order[s]` (consecutiveOrder): each part one run. */
export function renumbered(layout: PartLayout, order: Int32Array): PartLayout {
  const group = new Int32Array(order.length);
  order.forEach((to, s) => (group[to] = layout.group[s]!));
  return fromGroups(group, layout.members.length, layout.mainEnd);
}

/**
 * Whether a profile of `n` segments moves anything: its most-entered segment is past the main
 * function's (the polyfill asks before compiling again).
 */
export function gathers(profile: ArrayLike<number>, n: number, mainEnd: number): boolean {
  let top = 0;
  for (let s = 1; s < n; s++) if ((profile[s] ?? 0) > (profile[top] ?? 0)) top = s;
  return top >= mainEnd && (profile[top] ?? 0) > 0;
}

/**
 * Move the most-entered segments outside the main function into a part of their own, up to
 * `budget` nodes, most entered first; renumber the parts left so none is empty. Returns the
 * number of parts. Nothing moves when the most-entered segment is in the main function (sqlite's
 * VDBE dispatch is: its handlers each cross once either way).
 */
function gatherHot(group: Int32Array, sizes: number[], mainEnd: number, profile: ArrayLike<number>, budget: number, parts: number): number {
  const n = group.length;
  if (!gathers(profile, n, mainEnd)) return parts;
  const byCount = [...group.keys()].filter((s) => s >= mainEnd && (profile[s] ?? 0) > 0).sort((a, b) => profile[b]! - profile[a]! || a - b);
  const hot = parts;
  let used = 0;
  for (const s of byCount) {
    if (used + sizes[s]! > budget && used > 0) continue;
    group[s] = hot;
    used += sizes[s]!;
  }
  // Parts emptied by the move are dropped; the rest keep their order.
  const renumber = new Int32Array(parts + 1).fill(-1);
  let next = 0;
  for (let s = 0; s < n; s++) if (renumber[group[s]!] === -1) renumber[group[s]!] = next++;
  for (let s = 0; s < n; s++) group[s] = renumber[group[s]!]!;
  return next;
}
