// Comparing two traces of one module (harness.mjs runModule: native V8, then w2js). What counts as
// a mismatch and what is deliberately allowed is listed in README.md; in short:
//   - results, host-call logs, exported globals and tables: equal as encoded (bit-exact), except
//     that a NaN reaching JS may have other bits (allowance "nan-boundary");
//   - memories: same size and same hash after instantiation and after every call; where they
//     differ, only inside quiet NaNs on both sides (allowance "nan-memory");
//   - traps: the same kind (messages differ between engines, kinds are unified here);
//   - an atomic access V8 calls out of bounds and w2js unaligned (allowance "atomic-unaligned-oob",
//     the order runtime/README.md chose);
//   - a stack overflow on either side ends the comparison of that module there (allowance
//     "stack-overflow"): the two engines' stacks have different sizes.

/** Trap messages of V8 and of w2js (runtime/README.md) → one kind. */
const TRAP_KINDS = [
  [/^unreachable/, 'unreachable'],
  [/memory access out of bounds|out of bounds memory access|data segment is out of bounds/, 'memory-oob'],
  [/null function or function signature mismatch/, 'indirect-null-or-sig'],
  [/table index is out of bounds|out of bounds table access|table access out of bounds|undefined element/, 'table-oob'],
  [/divide by zero|remainder by zero/, 'div-zero'],
  [/float unrepresentable in integer range/, 'trunc-unrepresentable'],
  [/integer overflow|divide result unrepresentable/, 'int-overflow'],
  [/invalid conversion to integer/, 'invalid-conversion'],
  [/uninitialized element|null function/, 'indirect-null'],
  [/indirect call type mismatch|function signature mismatch/, 'indirect-sig'],
  [/unaligned/, 'unaligned'],
  [/call stack exhausted|maximum call stack/i, 'stack-overflow'],
  [/dereferencing a null pointer|null reference/, 'null'],
];

/** `trap:<message>` → `trap:<kind>`; anything else unchanged. */
export function errorKind(error) {
  if (error === undefined || !error.startsWith('trap:')) return error;
  const message = error.slice(5);
  for (const [re, kind] of TRAP_KINDS) if (re.test(message)) return `trap:${kind}`;
  return error;
}

/**
 * V8 kinds that cover two of the spec's: one message for a null entry and a signature mismatch
 * in call_indirect, one for a NaN and an out-of-range float in a trapping truncation (the spec
 * says "invalid conversion to integer" and "integer overflow").
 */
const V8_BROAD = {
  'trap:indirect-null-or-sig': ['trap:indirect-null', 'trap:indirect-sig'],
  'trap:trunc-unrepresentable': ['trap:invalid-conversion', 'trap:int-overflow'],
};

/** Whether two error kinds agree (native `a`, w2js `b`). */
function sameError(a, b) {
  const ka = errorKind(a);
  const kb = errorKind(b);
  return ka === kb || (V8_BROAD[ka]?.includes(kb) ?? false);
}

const isStackOverflow = (error) => errorKind(error) === 'trap:stack-overflow';
/**
 * `x` (native) and `y` equal except for NaN bits. A NaN that reaches JS is just NaN (JS API,
 * ToJSValue): V8 quiets an f32 signalling NaN on the way (cvtss2sd) and returns its canonical
 * NaN from Global.value, so the bits seen in JS are not the wasm value's bits.
 */
function nanOnly(x, y) {
  const xs = x.split(/(nan:[0-9a-f]+)/);
  const ys = y.split(/(nan:[0-9a-f]+)/);
  if (xs.length !== ys.length) return false;
  return xs.every((p, i) => p === ys[i] || (p.startsWith('nan:') && ys[i].startsWith('nan:')));
}

/**
 * Whether two memories differ only inside values that are quiet NaNs on both sides (as f32 or
 * f64 at any byte offset): arithmetic produces a NaN of nondeterministic sign and payload (spec
 * 4.3.3, "NaN propagation"), so only where both are arithmetic (quiet) NaNs may bits differ.
 */
export function quietNaNsOnly(x, y) {
  if (x.length !== y.length) return false;
  const dx = new DataView(x.buffer, x.byteOffset, x.length);
  const dy = new DataView(y.buffer, y.byteOffset, y.length);
  const quiet32 = (d, k) => k >= 0 && k + 4 <= d.byteLength && (d.getUint32(k, true) & 0x7fc00000) === 0x7fc00000;
  const quiet64 = (d, k) => k >= 0 && k + 8 <= d.byteLength && (d.getUint32(k + 4, true) & 0x7ff80000) === 0x7ff80000;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === y[i]) continue;
    let covered = false;
    for (let k = i - 7; k <= i && !covered; k++) covered = quiet64(dx, k) && quiet64(dy, k);
    for (let k = i - 3; k <= i && !covered; k++) covered = quiet32(dx, k) && quiet32(dy, k);
    if (!covered) return false;
  }
  return true;
}

/** A trap both engines raise on an atomic access both misaligned and out of bounds (runtime/README.md). */
const atomicOrder = (x, y) => errorKind(x) === 'trap:memory-oob' && errorKind(y) === 'trap:unaligned';

/**
 * Compare traces `a` (native) and `b` (w2js). Returns { mismatches: [{ where, native, w2js }],
 * allowances: { 'nan-boundary'?: n, 'stack-overflow'?: 1 } }.
 */
export function compareTraces(a, b) {
  const mismatches = [];
  const allowances = {};
  const allow = (name) => (allowances[name] = (allowances[name] ?? 0) + 1);
  const differ = (where, x, y) => mismatches.push({ where, native: x, w2js: y });
  /** Compare two encoded strings; where V8 gives the canonical NaN, w2js may give any NaN. */
  const value = (where, x, y) => {
    if (x === y) return;
    if (typeof x === 'string' && typeof y === 'string' && nanOnly(x, y)) return void allow('nan-boundary');
    differ(where, x, y);
  };
  const list = (where, xs = [], ys = []) => {
    if (xs.length !== ys.length) differ(`${where} (length)`, xs.join('\n'), ys.join('\n'));
    const n = Math.min(xs.length, ys.length);
    for (let i = 0; i < n; i++) value(`${where}[${i}]`, xs[i], ys[i]);
  };
  const memories = (where, xs = [], ys = []) => {
    for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
      if (xs[i] === ys[i]) continue;
      const bx = a.memoryStore?.get(xs[i]);
      const by = b.memoryStore?.get(ys[i]);
      if (bx && by && quietNaNsOnly(bx, by)) allow('nan-memory');
      else differ(`${where} memories[${i}]`, xs[i], ys[i]);
    }
  };
  const state = (where, x, y) => {
    memories(where, x.memories, y.memories);
    list(`${where} globals`, x.globals, y.globals);
    list(`${where} tables`, x.tables, y.tables);
  };

  if (isStackOverflow(a.instantiate) || isStackOverflow(b.instantiate)) {
    if (a.instantiate !== b.instantiate) allow('stack-overflow');
    return { mismatches, allowances };
  }
  if (atomicOrder(a.instantiate, b.instantiate)) allow('atomic-unaligned-oob');
  else if (!sameError(a.instantiate, b.instantiate)) differ('instantiate', a.instantiate, b.instantiate);
  list('instantiate log', a.instantiateLog, b.instantiateLog);
  if (a.instantiate !== 'ok' || b.instantiate !== 'ok') return { mismatches, allowances };
  list('exports', a.exports, b.exports);
  state('after instantiate:', a.initial, b.initial);
  const n = Math.max(a.calls.length, b.calls.length);
  for (let i = 0; i < n; i++) {
    const x = a.calls[i];
    const y = b.calls[i];
    if (!x || !y || x.name !== y.name) {
      differ(`call #${i}`, x?.name, y?.name);
      break;
    }
    const where = `call #${i} ${x.name}:`;
    if (isStackOverflow(x.error) || isStackOverflow(y.error)) {
      if (x.error !== y.error) allow('stack-overflow');
      break; // the engines' stack depths differ; what follows may differ too
    }
    if (x.error !== undefined || y.error !== undefined) {
      if (atomicOrder(x.error, y.error)) allow('atomic-unaligned-oob');
      else if (!sameError(x.error, y.error)) differ(`${where} outcome`, x.error ?? `returned ${x.result}`, y.error ?? `returned ${y.result}`);
    } else {
      value(`${where} result`, x.result, y.result);
    }
    list(`${where} log`, x.log, y.log);
    state(`${where}`, x, y);
  }
  return { mismatches, allowances };
}
