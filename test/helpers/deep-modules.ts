// Test modules nested deeper than any text-format tool can take (wabt's wat2wasm overflows its
// stack near 50 000 levels), written straight as binary. Each exports `f`; the comments give
// the wat shape.

const leb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>>= 7;
    if (n === 0) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    if (done) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const I32 = 0x7f;
const section = (id: number, payload: number[]): number[] => [id, ...leb(payload.length), ...payload];
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];

/** Instruction bytes; kept as chunks so a body of millions of bytes is not spread through one call. */
class Body {
  private readonly chunks: number[][] = [];
  private size = 0;
  add(...bytes: number[]): this {
    this.chunks.push(bytes);
    this.size += bytes.length;
    return this;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

const op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, brTable: 0x0e, return: 0x0f, call: 0x10,
  localGet: 0x20, localSet: 0x21, localTee: 0x22, i32Const: 0x41, i32Eq: 0x46, i32LtU: 0x49, i32GtU: 0x4b, i32GeU: 0x4f, i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c,
  void: 0x40,
};

interface Func {
  params: number;
  locals: number;
  body: Body;
  export?: string;
}

/** A module of `(param i32 × params) (result i32)` functions. */
function module(funcs: Func[]): Uint8Array {
  const arities = [...new Set(funcs.map((f) => f.params))];
  const types = section(1, vec(arities.map((n) => [0x60, ...vec(Array.from({ length: n }, () => [I32])), 1, I32])));
  const functions = section(3, vec(funcs.map((f) => leb(arities.indexOf(f.params)))));
  const exported = funcs.flatMap((f, i) => (f.export ? [[...vec([...new TextEncoder().encode(f.export)].map((b) => [b])), 0, ...leb(i)]] : []));
  const exports = section(7, vec(exported));
  const head = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...types, ...functions, ...exports];
  const bodies = funcs.map((f) => {
    const code = f.body.bytes();
    const locals = f.locals ? vec([[...leb(f.locals), I32]]) : [0];
    return { prefix: [...leb(locals.length + code.length + 1), ...locals], code };
  });
  const codeSize = leb(bodies.length).length + bodies.reduce((n, b) => n + b.prefix.length + b.code.length + 1, 0);
  const out = new Uint8Array(head.length + 1 + leb(codeSize).length + codeSize);
  let at = 0;
  const put = (bytes: ArrayLike<number>) => {
    out.set(bytes, at);
    at += bytes.length;
  };
  put(head);
  put([10, ...leb(codeSize), ...leb(bodies.length)]);
  for (const b of bodies) {
    put(b.prefix);
    put(b.code);
    put([op.end]);
  }
  return out;
}

/**
 * n nested blocks and one br_table of `cases` entries spread over them (case i → depth
 * i·(n-1)/(cases-1), the default the outermost); after block k's end,
 * `(if (local.get 0) == n-1-k) (return k*3+1))`; past all of them, -1.
 */
export function nestedBlocksBrTable(n: number, cases = n): Uint8Array {
  const b = new Body();
  for (let i = 0; i < n; i++) b.add(op.block, op.void);
  b.add(op.localGet, 0, op.brTable, ...leb(cases - 1));
  for (let i = 0; i < cases; i++) b.add(...leb(cases === n ? i : Math.floor((i * (n - 1)) / (cases - 1))));
  for (let i = n - 1; i >= 0; i--) {
    b.add(op.end, op.localGet, 0, op.i32Const, ...sleb(n - 1 - i), op.i32Eq, op.if, op.void, op.i32Const, ...sleb(i * 3 + 1), op.return, op.end);
  }
  b.add(op.i32Const, ...sleb(-1));
  return module([{ params: 1, locals: 0, body: b, export: 'f' }]);
}

/**
 * The shape Go gives every function (esbuild): a loop over a br_table that resumes at any of
 * `blocks` blocks, each tiny but the first, which adds 1..`filler` to acc one at a time. f(pc, n)
 * runs block pc (k), which then adds k to acc and sets pc to block (7k + 3) mod blocks, and
 * goes round again while --n; then returns acc (pc ≥ blocks: -1).
 */
export function goShapedDispatch(blocks: number, filler = 0): Uint8Array {
  const b = new Body();
  b.add(op.loop, op.void);
  for (let i = 0; i <= blocks; i++) b.add(op.block, op.void);
  b.add(op.localGet, 0, op.brTable, ...leb(blocks));
  for (let k = 0; k <= blocks; k++) b.add(...leb(k));
  for (let k = 0; k < blocks; k++) {
    b.add(op.end);
    if (k === 0) for (let i = 1; i <= filler; i++) b.add(op.localGet, 2, op.i32Const, ...sleb(i), op.i32Add, op.localSet, 2);
    b.add(op.localGet, 2, op.i32Const, ...sleb(k), op.i32Add, op.localSet, 2);
    b.add(op.i32Const, ...sleb((k * 7 + 3) % blocks), op.localSet, 0);
    b.add(op.localGet, 1, op.i32Const, 1, op.i32Sub, op.localTee, 1, op.brIf, ...leb(blocks - k));
    b.add(op.localGet, 2, op.return);
  }
  b.add(op.end, op.i32Const, ...sleb(-1), op.return, op.end, op.i32Const, ...sleb(-1));
  return module([{ params: 2, locals: 1, body: b, export: 'f' }]);
}

/** n nested loops, each run once except the innermost three (twice each): f() counts 8 passes. */
export function nestedLoops(n: number): Uint8Array {
  const b = new Body();
  const counter = 0;
  for (let i = 0; i < n; i++) b.add(op.i32Const, 0, op.localSet, ...leb(i + 1), op.loop, op.void);
  b.add(op.localGet, counter, op.i32Const, 1, op.i32Add, op.localSet, counter);
  for (let i = n - 1; i >= 0; i--) {
    const local = leb(i + 1);
    b.add(op.localGet, ...local, op.i32Const, 1, op.i32Add, op.localSet, ...local);
    b.add(op.localGet, ...local, op.i32Const, i >= n - 3 ? 2 : 1, op.i32LtU, op.brIf, 0, op.end);
  }
  b.add(op.localGet, counter);
  return module([{ params: 0, locals: n + 1, body: b, export: 'f' }]);
}

/** n nested if/else with results: f(x) = x < n ? x : 1000000. */
export function nestedIfs(n: number): Uint8Array {
  const b = new Body();
  for (let i = 0; i < n; i++) b.add(op.localGet, 0, op.i32Const, ...sleb(i), op.i32GtU, op.if, I32);
  b.add(op.i32Const, ...sleb(1000000));
  for (let i = n - 1; i >= 0; i--) b.add(op.else, op.i32Const, ...sleb(i), op.end);
  return module([{ params: 1, locals: 0, body: b, export: 'f' }]);
}

/** f(x) = g(g(…g(x)…)) n times, with g(x) = x + 1. */
export function nestedCalls(n: number): Uint8Array {
  const g = new Body().add(op.localGet, 0, op.i32Const, 1, op.i32Add);
  const f = new Body().add(op.localGet, 0);
  for (let i = 0; i < n; i++) f.add(op.call, 0);
  return module([{ params: 1, locals: 0, body: g }, { params: 1, locals: 0, body: f, export: 'f' }]);
}

/** f(x) = x + (x + (… + (x + 7))) with n additions, nested on the right. */
export function nestedAdds(n: number): Uint8Array {
  const b = new Body();
  for (let i = 0; i < n; i++) b.add(op.localGet, 0);
  b.add(op.i32Const, 7);
  for (let i = 0; i < n; i++) b.add(op.i32Add);
  return module([{ params: 1, locals: 0, body: b, export: 'f' }]);
}

/**
 * n nested `block $bk (if (x >= k) (then c += 1; br_if $bk (x == k + 1000) …)) c *= 3` frames:
 * ifs without else, branches out of them, code after each end.
 */
export function nestedIfsNoElse(n: number): Uint8Array {
  const b = new Body();
  const c = leb(1);
  for (let i = 0; i < n; i++) {
    b.add(op.block, op.void, op.localGet, 0, op.i32Const, ...sleb(i), op.i32GeU, op.if, op.void);
    b.add(op.localGet, ...c, op.i32Const, 1, op.i32Add, op.localSet, ...c);
    b.add(op.localGet, 0, op.i32Const, ...sleb(i + 1000), op.i32Eq, op.brIf, 1);
  }
  for (let i = n - 1; i >= 0; i--) b.add(op.end, op.end, op.localGet, ...c, op.i32Const, 3, op.i32Mul, op.localSet, ...c);
  b.add(op.localGet, ...c);
  return module([{ params: 1, locals: 1, body: b, export: 'f' }]);
}
