// What may have been written on a way to each jump of a segment (compiler/emit/written.ts), the
// split's exits store exactly that: too little and a part's caller reads a stale frame slot,
// too much and sqlite's VDBE dispatch stored forty variables on every opcode (bench S19).

import { describe, expect, it } from 'vitest';
import { assign, block, brk, cont, exprStmt, forever, id, ifStmt, labeled, num, ret, switchCase, switchStmt, type Stmt } from '../../compiler/emit/ast.js';
import { eachJump } from '../../compiler/emit/written.js';

const set = (name: string, value = 1): Stmt => exprStmt(assign(id(name), num(value)));
const jump = (k: number): Stmt[] => [set('pc', k), cont('dispatch')];
const VARS = new Set(['a', 'b', 'c', 'd', 'e', 'f']);

/** Each jump's target → the sorted variables that may have been written on a way to it; and the fall-off set. */
function writtenAt(body: Stmt[], entry: string[] = []): { jumps: Record<number, string[]>; end: string[] | undefined } {
  const jumps: Record<number, string[]> = {};
  const end = eachJump(body, new Set(entry), (v) => VARS.has(v), (k, written) => {
    jumps[k] = [...written].sort();
    return 2;
  });
  return { jumps, end: end && [...end].sort() };
}

describe('emit/written.ts: writes on the ways to each jump', () => {
  it('a labelled block is left by its breaks and by its end; a case that jumps adds nothing after it', () => {
    // a = 1; L: { switch (x) { case 0: f = 1; break L; case 1: b = 1; c = 1; jump 5; } d = 1; } jump 7
    const body = [
      set('a'),
      labeled('L', block([
        switchStmt(id('x'), [switchCase(num(0), [set('f'), brk('L')]), switchCase(num(1), [set('b'), set('c'), ...jump(5)])]),
        set('d'),
      ])),
      ...jump(7),
    ];
    expect(writtenAt(body).jumps).toEqual({ 5: ['a', 'b', 'c'], 7: ['a', 'd', 'f'] });
  });

  it('a loop is entered with everything it writes: its later statements run before its earlier ones', () => {
    // for (;;) { if (x) jump 3; e = 1; if (y) break; } f = 1; jump 4
    const body = [forever(block([ifStmt(id('x'), block(jump(3))), set('e'), ifStmt(id('y'), brk(null))])), set('f'), ...jump(4)];
    expect(writtenAt(body, ['a']).jumps).toEqual({ 3: ['a', 'e'], 4: ['a', 'e', 'f'] });
  });

  it('switch cases fall through into each other; without a default the switch may be skipped', () => {
    // switch (x) { case 0: a = 1; case 1: b = 1; break; case 2: c = 1; jump 9 } jump 8: case 2 is
    // entered from the switch alone (case 1 breaks), the end from case 1's break or no case
    const body = [switchStmt(id('x'), [switchCase(num(0), [set('a')]), switchCase(num(1), [set('b'), brk(null)]), switchCase(num(2), [set('c'), ...jump(9)])]), ...jump(8)];
    expect(writtenAt(body).jumps).toEqual({ 9: ['c'], 8: ['a', 'b'] });
  });

  it('if/else joins both arms; return and jumps end a way; the fall-off set is what reaches the end', () => {
    // if (x) { a = 1; return; } else { b = 1; } if (y) { c = 1; jump 2; } d = 1;
    const body = [ifStmt(id('x'), block([set('a'), ret(null)]), block([set('b')])), ifStmt(id('y'), block([set('c'), ...jump(2)])), set('d')];
    const { jumps, end } = writtenAt(body);
    expect(jumps).toEqual({ 2: ['b', 'c'] });
    expect(end).toEqual(['b', 'd']);
    expect(writtenAt([...jump(1)]).end).toBeUndefined();
  });
});
