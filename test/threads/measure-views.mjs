// Measures the choice documented in runtime/README.md ("Shared memory views"): typed views of
// fixed length over a growable SharedArrayBuffer (refreshed after a grow) against views that
// track its length. Not a test: `node test/threads/measure-views.mjs` prints ns per access.

const MiB = 1 << 20;
const sab = new SharedArrayBuffer(16 * MiB, { maxByteLength: 64 * MiB });
const views = {
  fixed: { dv: new DataView(sab, 0, sab.byteLength), i32: new Int32Array(sab, 0, sab.byteLength / 4) },
  tracking: { dv: new DataView(sab), i32: new Int32Array(sab) },
};
const N = 1 << 20; // accesses per round, over the first 4 MiB
const ROUNDS = 40;

// Each kernel is its own function per view kind, so V8 sees one view kind per call site.
function makeKernels() {
  return {
    dataView(v) {
      const dv = v.dv;
      let s = 0;
      for (let i = 0; i < N; i++) {
        const a = (i * 4) & (4 * MiB - 4);
        dv.setInt32(a, dv.getInt32(a, true) + 1, true);
        s = (s + dv.getInt32(a, true)) | 0;
      }
      return s;
    },
    typed(v) {
      const i32 = v.i32;
      let s = 0;
      for (let i = 0; i < N; i++) {
        const a = i & (MiB - 1);
        i32[a] = i32[a] + 1;
        s = (s + i32[a]) | 0;
      }
      return s;
    },
    atomics(v) {
      const i32 = v.i32;
      let s = 0;
      for (let i = 0; i < N; i++) s = (s + Atomics.add(i32, i & (MiB - 1), 1)) | 0;
      return s;
    },
  };
}

const results = {};
for (const kind of ['fixed', 'tracking']) {
  const kernels = makeKernels();
  for (const [name, fn] of Object.entries(kernels)) {
    for (let r = 0; r < 5; r++) fn(views[kind]); // warm up
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < ROUNDS; r++) fn(views[kind]);
    const ns = Number(process.hrtime.bigint() - t0) / (ROUNDS * N);
    (results[name] ??= {})[kind] = ns;
  }
}
console.log(`node ${process.version}, ${process.arch}; ns per read-modify-write (lower is better)`);
for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(9)} fixed ${r.fixed.toFixed(2)}  tracking ${r.tracking.toFixed(2)}  (tracking/fixed ${(r.tracking / r.fixed).toFixed(2)}x)`);
}
