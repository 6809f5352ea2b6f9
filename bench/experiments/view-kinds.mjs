// bench/experiments/view-kinds.mjs: one loop of typed-array accesses (i32 read, f64 read-modify-
// write, u8 write, each under the generated code's kind of bounds test) over a 4 MiB buffer of
// each kind, for README "Decisions" D7. Prints CPU seconds of `rounds` passes.
//
//   node [--jitless] bench/experiments/view-kinds.mjs <kind> [rounds=60]
//
// kind: plain (an ArrayBuffer), rab (a resizable ArrayBuffer, fixed-length views), wasm (a
// WebAssembly.Memory's buffer), plain-detached (an ArrayBuffer, after some other buffer in the
// process was detached: V8's detach protector is gone).

const kind = process.argv[2];
const rounds = Number(process.argv[3] ?? 60);
const N = 1 << 22;
let buf;
if (kind === 'plain' || kind === 'plain-detached') buf = new ArrayBuffer(N);
else if (kind === 'rab') buf = new ArrayBuffer(N, { maxByteLength: 2 ** 32 });
else if (kind === 'wasm') buf = new WebAssembly.Memory({ initial: N / 65536 }).buffer;
else throw new Error(`unknown kind ${kind}`);
if (kind === 'plain-detached') {
  const other = new ArrayBuffer(8);
  structuredClone(other, { transfer: [other] });
}
const mem = { length: N, i32: new Int32Array(buf, 0, N / 4), f64: new Float64Array(buf, 0, N / 8), u8: new Uint8Array(buf, 0, N) };

function work(mem, rounds) {
  let s = 0;
  for (let r = 0; r < rounds; r++) {
    for (let a = 0; a + 8 <= mem.length; a += 8) {
      const x = (a & 3) === 0 && a + 4 <= mem.length ? mem.i32[a >>> 2] : 0;
      s = s + x | 0;
      if ((a & 7) === 0 && a + 8 <= mem.length) mem.f64[a >>> 3] = mem.f64[a >>> 3] + 1.5;
      if (a + 1 <= mem.length) mem.u8[a + 4] = s;
    }
  }
  return s;
}

work(mem, 2);
const c0 = process.cpuUsage();
work(mem, rounds);
const c = process.cpuUsage(c0);
console.log(`${kind} ${((c.user + c.system) / 1e6).toFixed(3)} s`);
