// runtime/: helpers of code compiled with `--generators` (compiler/asyncify/generators.ts): the
// functions that may block are generators, and a call that may reach one uses these.

/** %GeneratorPrototype%: every generator object inherits from it. */
const GENERATOR_PROTOTYPE: object = Object.getPrototypeOf(function* () {}.prototype) as object;
function GeneratorBase(): void {}
GeneratorBase.prototype = GENERATOR_PROTOTYPE;

/** Whether `v` is a generator object (a blocking function's or host op's suspended call). */
export function is_gen(v: unknown): v is Generator<unknown, unknown, unknown> {
  return v instanceof (GeneratorBase as unknown as new () => object);
}

/** Run generator `g` to its end on the spot: a call that may block, from code that must not. */
export function run_gen(g: Generator<unknown, unknown, unknown>): unknown {
  const r = g.next();
  if (!r.done) throw new Error('a kernel function that cannot suspend called one that blocked (generator mode)');
  return r.value;
}

/** A call_indirect's result from code that cannot suspend: a generator callee is run to its end. */
export function gen_value(v: unknown): unknown {
  return is_gen(v) ? run_gen(v) : v;
}
