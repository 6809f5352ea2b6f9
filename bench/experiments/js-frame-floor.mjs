// bench/experiments/js-frame-floor.mjs: how deep plain JS recursion goes on this Node's main thread
// with no flags, for README "Decisions" D8: the floor under any one-JS-frame-per-wasm-call
// scheme. f0 has no parameters, f1 one, f2 two (like w2js's `$f(inst, n)`); each counts its depth
// in a module variable. Cold: the first deep call (interpreter frames); warm: after shallow calls
// that return (V8 tiers up on returns), optimized frames. Bytes per frame assume V8's default
// --stack-size of 984 KiB.
//
//   node bench/experiments/js-frame-floor.mjs

let d = 0;
let n = 0;
function f0() { d = d + 1 | 0; return n-- === 0 ? 0 : f0() + 1 | 0; }
function f1(x) { d = d + 1 | 0; return x === 0 ? 0 : f1(x - 1 | 0) + 1 | 0; }
function f2(i, x) { d = d + 1 | 0; return x === 0 ? 0 : f2(i, x - 1 | 0) + 1 | 0; }
const shapes = { f0: (k) => (n = k, f0()), f1: (k) => f1(k), f2: (k) => f2(null, k) };

for (const [name, call] of Object.entries(shapes)) {
  const deepest = () => {
    d = 0;
    try {
      call(1e9);
    } catch {
      // RangeError: Maximum call stack size exceeded
    }
    return d;
  };
  const cold = deepest();
  for (let r = 0; r < 40; r++) {
    for (let i = 0; i < 20; i++) call(200);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const warm = deepest();
  const bytes = (k) => (984 * 1024 / k).toFixed(0);
  console.log(`${name}: cold ${cold} frames (${bytes(cold)} B each), warm ${warm} (${bytes(warm)} B)`);
}
