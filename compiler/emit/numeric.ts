// emit/: numeric instructions (spec 4.3): each maps its operands to one JS expression,
// inline where a JS operator has the exact wasm semantics, else a named runtime helper.

import type { Expr } from './ast.js';
import { assign, big, bin, boolToI32, call, cond, i32Test, id, literalValue, member, num, seq, unary } from './ast.js';
import { pairedByteRead } from './byte-order.js';

/** Records which runtime helpers the output uses, so link/ imports only those. */
export interface HelperSink {
  helper(name: string): Expr;
}

/** Result of emitting a numeric op: the expression, and whether it may trap. */
export interface NumericResult {
  e: Expr;
  traps: boolean;
}

/** `!test`, or the opposite equality; never `<` for `>=`, which differ on NaN. */
function negate(test: Expr): Expr {
  const flip: Record<string, '===' | '!=='> = { '===': '!==', '!==': '===' };
  if (test.type === 'BinaryExpression' && flip[test.operator]) return bin(flip[test.operator]!, test.left as Expr, test.right);
  return unary('!', test);
}
const or0 = (e: Expr): Expr => bin('|', e, num(0));
const u32 = (e: Expr): Expr => {
  const value = literalValue(e);
  return value === undefined ? bin('>>>', e, num(0)) : num(value >>> 0);
};
const fround = (e: Expr): Expr => call(member(id('Math'), 'fround'), [e]);
const math = (fn: string, e: Expr): Expr => call(member(id('Math'), fn), [e]);

/** Operators whose helper may trap (integer division, trapping truncation). */
const TRAPPING = /\.(div|rem)_[su]$|\.trunc_f(32|64)_[su]$/;

/**
 * Helpers named after the instruction (`i32.rotl` → `i32_rotl`). ceil/floor/trunc are helpers
 * because V8's Math.ceil returns a signalling NaN unquietened in its interpreter (spec: quiet).
 */
const HELPER_OPS = new Set([
  'i32.div_s', 'i32.div_u', 'i32.rem_s', 'i32.rem_u', 'i32.ctz', 'i32.popcnt', 'i32.rotl', 'i32.rotr',
  'f32.ceil', 'f32.floor', 'f32.trunc', 'f64.ceil', 'f64.floor', 'f64.trunc',
  'f32.min', 'f32.max', 'f64.min', 'f64.max', 'f32.nearest', 'f64.nearest', 'f32.sqrt',
  'f32.abs', 'f32.neg', 'f32.copysign', 'f64.abs', 'f64.neg', 'f64.copysign',
  'i32.trunc_f32_s', 'i32.trunc_f32_u', 'i32.trunc_f64_s', 'i32.trunc_f64_u',
  'i32.trunc_sat_f32_s', 'i32.trunc_sat_f32_u', 'i32.trunc_sat_f64_s', 'i32.trunc_sat_f64_u',
  'f32.demote_f64', 'f64.promote_f32',
]);

/** Reinterpretations go through the exact bit conversions of runtime/numeric/bits. */
const REINTERPRET: Record<string, string> = {
  'i32.reinterpret_f32': 'f32ToBits', 'f32.reinterpret_i32': 'f32FromBits',
};

const I32_BINARY: Record<string, (a: Expr, b: Expr) => Expr> = {
  'i32.add': (a, b) => or0(bin('+', a, b)),
  'i32.sub': (a, b) => or0(bin('-', a, b)),
  'i32.mul': (a, b) => call(member(id('Math'), 'imul'), [a, b]),
  'i32.and': (a, b) => bin('&', a, b),
  'i32.or': (a, b) => pairedByteRead(a, b) ?? bin('|', a, b),
  'i32.xor': (a, b) => bin('^', a, b),
  'i32.shl': (a, b) => bin('<<', a, b),
  'i32.shr_s': (a, b) => bin('>>', a, b),
  'i32.shr_u': (a, b) => or0(bin('>>>', a, b)),
  'i32.eq': (a, b) => boolToI32(bin('===', a, b)),
  'i32.ne': (a, b) => boolToI32(bin('!==', a, b)),
  'i32.lt_s': (a, b) => boolToI32(bin('<', a, b)),
  'i32.gt_s': (a, b) => boolToI32(bin('>', a, b)),
  'i32.le_s': (a, b) => boolToI32(bin('<=', a, b)),
  'i32.ge_s': (a, b) => boolToI32(bin('>=', a, b)),
  'i32.lt_u': (a, b) => boolToI32(bin('<', u32(a), u32(b))),
  'i32.gt_u': (a, b) => boolToI32(bin('>', u32(a), u32(b))),
  'i32.le_u': (a, b) => boolToI32(bin('<=', u32(a), u32(b))),
  'i32.ge_u': (a, b) => boolToI32(bin('>=', u32(a), u32(b))),
  'f32.add': (a, b) => fround(bin('+', a, b)),
  'f32.sub': (a, b) => fround(bin('-', a, b)),
  'f32.mul': (a, b) => fround(bin('*', a, b)),
  'f32.div': (a, b) => fround(bin('/', a, b)),
  'f64.add': (a, b) => bin('+', a, b),
  'f64.sub': (a, b) => bin('-', a, b),
  'f64.mul': (a, b) => bin('*', a, b),
  'f64.div': (a, b) => bin('/', a, b),
};
for (const t of ['f32', 'f64']) {
  I32_BINARY[`${t}.eq`] = (a, b) => boolToI32(bin('===', a, b));
  I32_BINARY[`${t}.ne`] = (a, b) => boolToI32(bin('!==', a, b));
  I32_BINARY[`${t}.lt`] = (a, b) => boolToI32(bin('<', a, b));
  I32_BINARY[`${t}.gt`] = (a, b) => boolToI32(bin('>', a, b));
  I32_BINARY[`${t}.le`] = (a, b) => boolToI32(bin('<=', a, b));
  I32_BINARY[`${t}.ge`] = (a, b) => boolToI32(bin('>=', a, b));
}

/**
 * The test `a === 0` for an int32 `a`; of a comparison's 0/1 (`i64.le_u` then `i32.eqz`, all over
 * Go's code) the comparison negated. i64.eqz of a zero-extended i32 uses it too (emit/i64.ts).
 */
export const eqzTest = (a: Expr): Expr => {
  const test = i32Test(a);
  return test ? negate(test) : bin('===', a, num(0));
};

const UNARY: Record<string, (a: Expr) => Expr> = {
  'i32.eqz': (a) => boolToI32(eqzTest(a)),
  'i32.clz': (a) => math('clz32', a),
  'i32.extend8_s': (a) => bin('>>', bin('<<', a, num(24)), num(24)),
  'i32.extend16_s': (a) => bin('>>', bin('<<', a, num(16)), num(16)),
  'f64.sqrt': (a) => math('sqrt', a),
  'f32.convert_i32_s': (a) => fround(a),
  'f32.convert_i32_u': (a) => fround(u32(a)),
  'f64.convert_i32_s': (a) => a,
  'f64.convert_i32_u': (a) => u32(a),
};

/** Emit a numeric operator without i64 operands or results (those are emit/i64.ts's), or return undefined. */
export function emitNumeric(op: string, args: Expr[], sink: HelperSink): NumericResult | undefined {
  const reinterpret = REINTERPRET[op];
  if (reinterpret) return { e: call(sink.helper(reinterpret), args), traps: false };
  if (HELPER_OPS.has(op)) return { e: call(sink.helper(op.replace('.', '_')), args), traps: TRAPPING.test(op) };
  if (args.length === 2) {
    const f = I32_BINARY[op];
    if (f) return { e: f(args[0]!, args[1]!), traps: false };
  } else if (args.length === 1) {
    const f = UNARY[op];
    if (f) return { e: f(args[0]!), traps: false };
  }
  return undefined;
}

/**
 * `i32.rotl`/`i32.rotr` of `x` by the constant `count`, inline instead of the helper call: `x` is
 * read twice, so it must be an identifier or a literal. hash's xxh32 rotates four times an
 * iteration: the program ran 0.95× with them inline (bench/README.md S16).
 */
export function rotateByConstant(op: 'i32.rotl' | 'i32.rotr', x: Expr, count: number): Expr {
  const n = count & 31;
  if (n === 0) return x;
  const left = op === 'i32.rotl' ? n : 32 - n;
  return bin('|', bin('<<', x, num(left)), bin('>>>', x, num(32 - left)));
}

/**
 * `i32.reinterpret_f32` / `f32.reinterpret_i32` of `x` (an identifier or a literal: it is read
 * twice), inline through the runtime's scratch word: `x === x ? (f32Scratch[0] = x, i32Scratch[0])
 * : f32ToBits(x)`, behind unlessNanCanonicalised. A NaN, which a Float32Array would quieten, goes
 * through the exact helper. As helper calls, they were a sixth of resvg's time: its rounding is
 * bit tricks on floats, thirty reinterprets a function, past TurboFan's inlining budget (bench
 * S28). A literal folds (for `i32.reinterpret_f32`, in the caller: knownBits).
 */
function reinterpretF32(op: 'i32.reinterpret_f32' | 'f32.reinterpret_i32', x: Expr, sink: HelperSink): Expr {
  const slot = (view: string): Expr => ({ type: 'MemberExpression', object: sink.helper(view), property: num(0), computed: true }) as Expr;
  const through = (from: string, to: string): Expr => seq([assign(slot(from) as never, x), slot(to)]);
  if (op === 'i32.reinterpret_f32') {
    return unlessNanCanonicalised((nan) => cond(bin('===', x, x), through('f32Scratch', 'i32Scratch'), nan), () => call(sink.helper('f32ToBits'), [x]), sink);
  }
  const value = literalValue(x);
  if (value !== undefined) return (value & 0x7fffffff) <= 0x7f800000 ? floatLiteral(f32Value(value >>> 0)) : call(sink.helper('f32FromBits'), [x]);
  // A NaN's bits: exponent all ones and a mantissa, `(x & 0x7fffffff) > 0x7f800000`.
  const isNan = bin('>', bin('&', x, num(0x7fffffff)), num(0x7f800000));
  return unlessNanCanonicalised((nan) => cond(isNan, nan, through('i32Scratch', 'f32Scratch')), () => call(sink.helper('f32FromBits'), [x]), sink);
}

/** The inline form of a unary `op` that reads its operand twice (an identifier or a literal), if it has one. */
export function readsOperandTwice(op: string, sink: HelperSink): ((x: Expr) => Expr) | undefined {
  if (op === 'i32.reinterpret_f32' || op === 'f32.reinterpret_i32') return (x) => reinterpretF32(op, x, sink);
  if (op === 'f32.abs' || op === 'f64.abs' || op === 'f32.neg' || op === 'f64.neg') return (x) => signOp(op, x, sink);
  return undefined;
}

/**
 * `NAN_BITS_KEPT ? fast : helper`, for an inline form that merges a NaN from a helper with a
 * float from a typed view or arithmetic. JavaScriptCore's optimising tiers give such a merge a
 * double representation and canonicalise a NaN boxed from it, sign and all (runtime/README.md "NaN
 * contract": on JSC every NaN sign is kept); there, the helper alone runs and the fast branch is
 * never compiled. On V8 the test is a constant of the runtime, always true.
 */
export function unlessNanCanonicalised(fast: (helperCall: Expr) => Expr, helperCall: () => Expr, sink: HelperSink): Expr {
  return cond(sink.helper('NAN_BITS_KEPT'), fast(helperCall()), helperCall());
}

/**
 * f32/f64 `abs` and `neg` of `x` (an identifier or a literal: it is read twice), inline for all
 * but a NaN: `x === x ? Math.abs(x) : f64_abs(x)`, behind unlessNanCanonicalised. Only a NaN
 * needs the helper, which sets its sign bit by hand; as calls they were 4% of resvg's time, past
 * TurboFan's inlining budget.
 */
function signOp(op: string, x: Expr, sink: HelperSink): Expr {
  const fast = op.endsWith('.abs') ? math('abs', x) : unary('-', x);
  return unlessNanCanonicalised((nan) => cond(bin('===', x, x), fast, nan), () => call(sink.helper(op.replace('.', '_')), [x]), sink);
}

/**
 * The bits of an f32 expression known at compile time, as an expression: a literal's, a NaN
 * constant's (`f32FromBits(k)`), and a select's of two such (`c ? -1 : 0`: resvg builds masks as
 * floats, and its NaN mask took the helpers both ways on every other pixel).
 */
export function knownBits(e: Expr): Expr | undefined {
  const value = literalValue(e);
  if (value !== undefined) return value === value ? num(f32Bits(value)) : undefined;
  if (e.type === 'Identifier' && e.name === 'Infinity') return num(0x7f800000);
  if (e.type === 'UnaryExpression' && e.operator === '-' && e.argument.type === 'Identifier' && e.argument.name === 'Infinity') return num(0xff800000 | 0);
  // A helper is named as itself (a function of the module is `$…`): emitConst's NaN constant.
  if (e.type === 'CallExpression' && e.callee.type === 'Identifier' && e.callee.name === 'f32FromBits' && e.arguments.length === 1) {
    const arg = literalValue(e.arguments[0] as Expr);
    if (arg !== undefined) return num(arg | 0);
  }
  if (e.type === 'ConditionalExpression') {
    const [a, b] = [knownBits(e.consequent), knownBits(e.alternate)];
    if (a && b) return cond(e.test, a, b);
  }
  return undefined;
}

/** Constants: f32/f64 NaNs keep their exact bits through the runtime's conversions. */
export function emitConst(op: string, value: number | bigint, sink: HelperSink): Expr {
  switch (op) {
    case 'i32.const':
      return num(value as number);
    case 'f32.const': {
      const bits = value as number;
      if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) {
        return call(sink.helper('f32FromBits'), [num(bits >>> 0)]);
      }
      return floatLiteral(f32Value(bits));
    }
    default: {
      const bits = value as bigint;
      if ((bits & 0x7ff0000000000000n) === 0x7ff0000000000000n && (bits & 0xfffffffffffffn) !== 0n) {
        return call(sink.helper('f64FromBits'), [big(BigInt.asIntN(64, bits))]);
      }
      return floatLiteral(f64Value(bits));
    }
  }
}

const scratch = new DataView(new ArrayBuffer(8));
function f32Value(bits: number): number {
  scratch.setUint32(0, bits >>> 0, true);
  return scratch.getFloat32(0, true);
}
function f32Bits(x: number): number {
  scratch.setFloat32(0, x, true);
  return scratch.getInt32(0, true);
}
function f64Value(bits: bigint): number {
  scratch.setBigUint64(0, bits, true);
  return scratch.getFloat64(0, true);
}

function floatLiteral(x: number): Expr {
  if (x === Infinity) return id('Infinity');
  if (x === -Infinity) return unary('-', id('Infinity'));
  return num(x);
}
