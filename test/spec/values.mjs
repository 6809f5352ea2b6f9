// Spec runner: wabt JSON values → JS arguments, and JS results checked against expected values,
// in the representation the engine uses at its JS boundary (runtime/README.md "Values").

/**
 * An array that holds its numbers as heap numbers. V8 stores an all-double array unboxed and quietens
 * signalling NaNs on the way in (FixedDoubleArray), which would corrupt f32/f64 NaN payloads; an
 * array that has once held a non-number never goes back to that representation.
 */
export function boxedArray() {
  const a = [undefined];
  a.pop();
  return a;
}

/** Host references for `ref.extern N`: one distinct object per N for the whole script. */
export function createHostRefs() {
  const refs = new Map();
  return (n) => {
    let r = refs.get(n);
    if (!r) refs.set(n, (r = { hostref: n }));
    return r;
  };
}

/** One wabt JSON argument as the JS value the engine's exported functions take. */
export function toJsValue(engine, hostRef, { type, value }) {
  switch (type) {
    case 'i32':
      return Number(value) | 0;
    case 'i64':
      return BigInt.asIntN(64, BigInt(value));
    case 'f32':
      return engine.f32FromBits(Number(value) >>> 0);
    case 'f64':
      return engine.f64FromBits(BigInt.asUintN(64, BigInt(value)));
    case 'externref':
      return value === 'null' ? null : hostRef(Number(value));
    case 'funcref':
      if (value === 'null') return null;
      throw new Error(`cannot pass funcref ${value} as an argument`);
    default:
      throw new Error(`unsupported value type ${type}`);
  }
}

/** The arguments of an action, in a NaN-safe array. */
export function toJsArgs(engine, hostRef, args) {
  const out = boxedArray();
  for (const a of args) out.push(toJsValue(engine, hostRef, a));
  return out;
}

const hex = (x, width) => `0x${x.toString(16).padStart(width, '0')}`;

function isF32Nan(bits) {
  return (bits & 0x7f800000) === 0x7f800000 && (bits & 0x007fffff) !== 0;
}

function isF64Nan(bits) {
  return (bits & 0x7ff0000000000000n) === 0x7ff0000000000000n && (bits & 0x000fffffffffffffn) !== 0n;
}

/**
 * Check one result. Returns { ok, boundary, message }: `boundary` marks a NaN whose exact payload
 * could not be checked because the engine cannot carry it across the JS boundary (native f32).
 * `signallingArg`: the action passed a signalling f32 NaN.
 */
export function checkValue(engine, hostRef, expected, actual, { signallingArg = false } = {}) {
  const { type, value } = expected;
  const bad = (what) => ({ ok: false, boundary: false, message: `expected ${type} ${value}, got ${what}` });
  switch (type) {
    case 'i32': {
      const want = Number(value) | 0;
      if (typeof actual !== 'number') return bad(`${typeof actual} ${String(actual)}`);
      if (actual === want) return { ok: true };
      // A signalling f32 NaN argument reaches native wasm quietened, so its bits read back
      // (i32.reinterpret_f32) carry the quiet bit: the payload assertion cannot be checked.
      if (engine.nanBoundary && signallingArg && isF32Nan(want >>> 0) && actual === (want | 0x00400000)) {
        return { ok: true, boundary: true };
      }
      return bad(`${actual} (${hex(actual >>> 0, 8)})`);
    }
    case 'i64': {
      const want = BigInt.asIntN(64, BigInt(value));
      if (typeof actual !== 'bigint') return bad(`${typeof actual} ${String(actual)}`);
      return actual === want ? { ok: true } : bad(`${actual}n (${hex(BigInt.asUintN(64, actual), 16)})`);
    }
    case 'f32': {
      if (typeof actual !== 'number') return bad(`${typeof actual} ${String(actual)}`);
      const bits = engine.f32ToBits(actual) >>> 0;
      const got = `${actual} (${hex(bits, 8)})`;
      if (value === 'nan:canonical') return (bits & 0x7fffffff) === 0x7fc00000 ? { ok: true } : bad(got);
      // Arithmetic NaN: any NaN with the quiet bit set (spec 4.3.3 "Floating-Point").
      if (value === 'nan:arithmetic') return (bits & 0x7fc00000) === 0x7fc00000 ? { ok: true } : bad(got);
      const want = Number(value) >>> 0;
      if (bits === want) return { ok: true };
      if (engine.nanBoundary && isF32Nan(want) && Number.isNaN(actual)) return { ok: true, boundary: true };
      return { ok: false, boundary: false, message: `expected f32 ${hex(want, 8)}, got ${got}` };
    }
    case 'f64': {
      if (typeof actual !== 'number') return bad(`${typeof actual} ${String(actual)}`);
      const bits = BigInt.asUintN(64, engine.f64ToBits(actual));
      const got = `${actual} (${hex(bits, 16)})`;
      if (value === 'nan:canonical') return (bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n ? { ok: true } : bad(got);
      if (value === 'nan:arithmetic') return (bits & 0x7ff8000000000000n) === 0x7ff8000000000000n ? { ok: true } : bad(got);
      const want = BigInt.asUintN(64, BigInt(value));
      if (bits === want) return { ok: true };
      if (engine.nanBoundary && isF64Nan(want) && Number.isNaN(actual)) return { ok: true, boundary: true };
      return { ok: false, boundary: false, message: `expected f64 ${hex(want, 16)}, got ${got}` };
    }
    case 'externref': {
      const want = value === 'null' ? null : hostRef(Number(value));
      if (actual === want) return { ok: true };
      const what = actual && typeof actual === 'object' && 'hostref' in actual ? `ref.extern ${actual.hostref}` : String(actual);
      return bad(what);
    }
    case 'funcref': {
      if (value === 'null') return actual === null ? { ok: true } : bad(typeof actual === 'function' ? 'a function' : String(actual));
      // `ref.func`: any function reference (wabt writes no identity for it).
      return typeof actual === 'function' ? { ok: true } : bad(String(actual));
    }
    default:
      return { ok: false, boundary: false, message: `unsupported expected type ${type}` };
  }
}

/** Whether an action passes an f32 signalling NaN (quiet bit clear), which native wasm quietens at the JS boundary. */
export function hasSignallingF32Arg(args) {
  return args.some((a) => {
    if (a.type !== 'f32') return false;
    const bits = Number(a.value) >>> 0;
    return isF32Nan(bits) && !(bits & 0x00400000);
  });
}

/** Check an action's result(s) against the expected list: one value, or an iterable of several. */
export function checkResults(engine, hostRef, expectedList, result, options = {}) {
  let actuals = boxedArray();
  if (expectedList.length === 1) actuals.push(result);
  else if (expectedList.length > 1) {
    if (result == null || typeof result[Symbol.iterator] !== 'function') {
      return { ok: false, boundary: false, message: `expected ${expectedList.length} results, got ${String(result)}` };
    }
    actuals = boxedArray();
    for (const v of result) actuals.push(v);
    if (actuals.length !== expectedList.length) {
      return { ok: false, boundary: false, message: `expected ${expectedList.length} results, got ${actuals.length}` };
    }
  }
  let boundary = false;
  for (let i = 0; i < expectedList.length; i++) {
    const r = checkValue(engine, hostRef, expectedList[i], actuals[i], options);
    if (!r.ok) return expectedList.length > 1 ? { ...r, message: `result ${i}: ${r.message}` } : r;
    boundary ||= !!r.boundary;
  }
  return { ok: true, boundary };
}
