// Spec runner: the `spectest` host module every script may import from (spec interpreter's
// host/spectest.ml, 2022 values), built from the engine's own Memory, Table and Global.

/** A fresh spectest module for one script; its table and memories are shared by that script's modules. */
export function createSpectest(engine) {
  const print = () => {};
  return {
    print,
    print_i32: print,
    print_i64: print,
    print_f32: print,
    print_f64: print,
    print_i32_f32: print,
    print_f64_f64: print,
    global_i32: new engine.Global({ value: 'i32', mutable: false }, 666),
    global_i64: new engine.Global({ value: 'i64', mutable: false }, 666n),
    global_f32: new engine.Global({ value: 'f32', mutable: false }, 666),
    global_f64: new engine.Global({ value: 'f64', mutable: false }, 666),
    table: new engine.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
    memory: new engine.Memory({ initial: 1, maximum: 2 }),
    // The threads proposal's interpreter adds a shared memory of the same size.
    shared_memory: new engine.Memory({ initial: 1, maximum: 2, shared: true }),
  };
}
