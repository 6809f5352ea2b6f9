// emit/: two byte loads that read one 16-bit number, as portable C writes it for file formats and
// network order (`p[0] << 8 | p[1]`: sqlite's get2byte, in its B-tree's hottest loops; `p[0] |
// p[1] << 8` for little-endian formats), fused into one DataView read (bench/README.md S47).

import { bool, call, literalValue, member, type Expr } from './ast.js';

/** A byte load through the DataView: `view.getUint8(address)` or `view.getInt8(address)`. */
interface ByteLoad {
  view: Expr;
  address: Expr;
  signed: boolean;
  /** The address as base identifier + constant, or a constant alone (base null). */
  base: string | null;
  offset: number;
}

/**
 * `view.getUint16(a)` (big-endian: no second argument) for `view.getUint8(a) << 8 |
 * view.getUint8(a + 1)`, `view.getUint16(a, true)` for `view.getUint8(a + 1) << 8 |
 * view.getUint8(a)`, in either operand order, `getInt16` where the high byte is read signed;
 * else undefined. Same value, and the same trap: the pair fails where either byte is out of
 * bounds, which is where the 16-bit read fails (a + 2 past the end), and neither load has an
 * effect that the order could show. The base must be one local, read twice with nothing between.
 */
export function pairedByteRead(left: Expr, right: Expr): Expr | undefined {
  return pair(left, right) ?? pair(right, left);
}

function pair(shifted: Expr, low: Expr): Expr | undefined {
  if (shifted.type !== 'BinaryExpression' || shifted.operator !== '<<' || literalValue(shifted.right) !== 8) return undefined;
  const hi = byteLoad(shifted.left as Expr);
  const lo = byteLoad(low);
  if (hi === undefined || lo === undefined || lo.signed) return undefined;
  if (hi.base !== lo.base || !sameView(hi.view, lo.view)) return undefined;
  const method = hi.signed ? 'getInt16' : 'getUint16';
  if (lo.offset === hi.offset + 1) return call(member(hi.view, method), [hi.address]);
  if (lo.offset === hi.offset - 1) return call(member(hi.view, method), [lo.address, bool(true)]);
  return undefined;
}

function byteLoad(e: Expr): ByteLoad | undefined {
  if (e.type !== 'CallExpression' || e.arguments.length !== 1) return undefined;
  const callee = e.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return undefined;
  const method = callee.property.name;
  if (method !== 'getUint8' && method !== 'getInt8') return undefined;
  const address = e.arguments[0] as Expr;
  const at = baseAndOffset(address);
  return at && { view: callee.object, address, signed: method === 'getInt8', ...at };
}

/** `x >>> 0`, `(x >>> 0) + k` (memory.ts effectiveAddress) or a constant address. */
function baseAndOffset(a: Expr): { base: string | null; offset: number } | undefined {
  if (a.type === 'NumericLiteral') return { base: null, offset: a.value };
  if (a.type === 'BinaryExpression' && a.operator === '+' && a.right.type === 'NumericLiteral') {
    const base = unsignedLocal(a.left as Expr);
    return base === undefined ? undefined : { base, offset: a.right.value };
  }
  const base = unsignedLocal(a);
  return base === undefined ? undefined : { base, offset: 0 };
}

function unsignedLocal(e: Expr): string | undefined {
  return e.type === 'BinaryExpression' && e.operator === '>>>' && literalValue(e.right) === 0 && e.left.type === 'Identifier' ? e.left.name : undefined;
}

/** `dv` and `dv`, or `mem.dv` and `mem.dv`. */
function sameView(a: Expr, b: Expr): boolean {
  if (a.type === 'Identifier') return b.type === 'Identifier' && a.name === b.name;
  return a.type === 'MemberExpression' && b.type === 'MemberExpression' && !a.computed && !b.computed &&
    sameView(a.object, b.object) && sameView(a.property as Expr, b.property as Expr);
}
