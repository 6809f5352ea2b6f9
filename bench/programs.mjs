// bench/programs.mjs: the programs `npm run bench` runs. Sources and build: programs/*.c, build.sh.
//
// Each entry:
//   name      the name used by --only and in the report
//   wasm      the module, relative to bench/
//   what      one line for the report
//   entry     the export to time (called with one argument, the size n); default "run"
//   n         the size for a normal run: about one second under V8's native wasm
//   slowN     the size for the slow runners (no JIT: w2js --jitless, wasm-interp); their time is
//             scaled by n / slowN, so `run(n)` must be linear in n (each program does n equal rounds)
//   quickN    the size every runner uses with --quick (default slowN)
//   expected  known results by size (unsigned decimal, as child.mjs prints): the native result must
//             match; every runner must match the native result
//   imports   optional: a module (relative to bench/) whose default export returns the import
//             object (called once per measurement, in the measuring process)
//   skip      optional: { runner: reason } for runners that cannot run this program
//
// Hook for the kernel benchmark (boot time, a round of pipe syscalls): add an entry here, e.g.
//   { name: 'kernel', wasm: '../kernel/out/kernel.wasm', what: 'boot + 1000 pipe round trips',
//     entry: 'bench', n: 1000, slowN: 100, imports: '../kernel/bench-imports.mjs',
//     skip: { 'wasm-interp': 'needs host imports', wasm2js: 'needs host imports' } }
// where `bench(n)` boots the kernel and does n rounds of pipe syscalls. If boot time dominates, n
// stops being linear: give slowN = n (no scaling) and accept a longer run.

/** @type {Array<{name: string, wasm: string, what: string, entry?: string, n: number, slowN: number, quickN?: number, expected?: Record<number, string>, imports?: string, skip?: Record<string, string>}>} */
export const PROGRAMS = [
  {
    name: 'hash',
    wasm: 'programs/hash.wasm',
    what: 'i32 hashing over 4 MiB: xxHash32, FNV-1a, CRC-32, murmur3 finaliser',
    n: 100,
    slowN: 2,
    expected: { 2: '1256082243', 100: '2281617210' },
  },
  {
    name: 'nbody',
    wasm: 'programs/nbody.wasm',
    what: 'f64: n-body (sqrt, div) and a 48x48 matrix product',
    n: 1200,
    slowN: 24,
    expected: { 24: '2604774435', 1200: '3878090259' },
  },
  {
    name: 'i64',
    wasm: 'programs/i64.wasm',
    what: 'i64: splitmix64, mul/div/rem (signed, unsigned), shifts, rotates, bit counts',
    n: 600,
    slowN: 12,
    expected: { 12: '2079387109', 600: '1484157816' },
  },
  {
    name: 'mem',
    wasm: 'programs/mem.wasm',
    what: 'pointers and memory: linked list, BST, merge sort with memcpy, memmove inserts',
    n: 200,
    slowN: 4,
    expected: { 4: '283021641', 200: '1529294023' },
  },
  {
    name: 'interp',
    wasm: 'programs/interp.wasm',
    what: 'bytecode VM: switch dispatch (br_table), calls through a function table',
    n: 100,
    slowN: 2,
    expected: { 2: '2888733400', 100: '3405008667' },
  },
];
