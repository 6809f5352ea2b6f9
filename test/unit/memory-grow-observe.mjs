// test/unit/memory-grow-observe.mjs: what memory.grow does, observed on a compiled module, for
// test/unit/memory-grow.test.ts. Imported by the test itself (the `wasm` backing) and run as a
// child process (`node [--jitless] memory-grow-observe.mjs <index.js> [--no-resizable]`) for the
// backings of hosts without WebAssembly or without resizable ArrayBuffers, whose globals must be
// gone before the runtime loads. Returns plain facts; the test holds the expected values.

import { pathToFileURL } from 'node:url';

export const PAGE = 65536;

export const WAT = `(module
  (memory (export "memory") 1 4)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "storef") (param i32 f64) (f64.store (local.get 0) (local.get 1)))
  (func (export "loadf") (param i32) (result f64) (f64.load (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  ;; grows, then stores and loads in the new pages within the same function (its views must follow)
  (func (export "growThenUse") (param $delta i32) (param $addr i32) (result i32)
    (if (i32.lt_s (memory.grow (local.get $delta)) (i32.const 0)) (then (return (i32.const -1))))
    (i32.store (local.get $addr) (i32.const 0x5eed))
    (i32.add (i32.load (local.get $addr)) (i32.load8_u (i32.add (local.get $addr) (i32.const 1))))))`;

/** A second module sharing the first one's memory by import. */
export const IMPORTER_WAT = `(module
  (import "m" "memory" (memory 1 4))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))`;

const trapOf = (f) => {
  try {
    f();
    return null;
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
};

/** Run the scenario on the two compiled modules (their index.js URLs); returns what was seen. */
export async function observe(mainUrl, importerUrl) {
  const main = await import(mainUrl);
  const importer = await import(importerUrl);
  const { instance } = await main.instantiate({});
  const x = instance.exports;
  const memory = x.memory;
  const facts = {};

  const first = memory.buffer;
  facts.initial = { size: x.size(), byteLength: first.byteLength, resizable: first.resizable === true };
  x.store(100, 0x11223344);
  x.store64(PAGE - 8, -0x123456789abcdefn);
  x.storef(PAGE - 16, Math.PI);

  // wasm memory.grow: contents survive, the old buffer is detached, memory.buffer is a new object.
  facts.grow1 = x.grow(1);
  const second = memory.buffer;
  facts.afterGrow1 = {
    size: x.size(),
    oldByteLength: first.byteLength,
    newObject: second !== first,
    byteLength: second.byteLength,
    load100: x.load(100),
    load64: x.load64(PAGE - 8),
    loadf: x.loadf(PAGE - 16),
    hostByte100: new Uint8Array(second)[100],
    newPageZero: x.load(2 * PAGE - 4),
  };
  x.store(PAGE + 12, 7);
  facts.hostSeesNewPage = new DataView(memory.buffer).getInt32(PAGE + 12, true);

  // Another instance importing the memory sees the same bytes, and each sees the other's grows.
  const other = (await importer.instantiate({ m: { memory } })).instance.exports;
  facts.importer = { load: other.load(PAGE + 12), grow: other.grow(1), mainSize: x.size() };
  x.store(2 * PAGE + 20, 99);
  facts.importer.loadAfterMainStore = other.load(2 * PAGE + 20);

  // Grown and used within one function.
  facts.growThenUse = x.growThenUse(1, 3 * PAGE + 8);
  facts.atMaximum = { size: x.size(), byteLength: memory.buffer.byteLength };

  // At the maximum (4 pages): -1, nothing changes, the buffer is not detached.
  const atMax = memory.buffer;
  facts.growPastMaximum = x.grow(1);
  facts.growThenUsePastMaximum = x.growThenUse(1, 0);
  facts.afterFailedGrow = { size: x.size(), sameObject: memory.buffer === atMax, byteLength: atMax.byteLength, load100: x.load(100) };
  facts.jsGrowPastMaximum = trapOf(() => memory.grow(1));
  facts.jsGrowPastMaximumErrorClass = (() => {
    try {
      memory.grow(1);
    } catch (e) {
      return e instanceof RangeError;
    }
    return false;
  })();

  // grow(0) detaches too (JS API: "even for grow(0)"; V8's memory.grow 0 does the same).
  facts.growZero = x.grow(0);
  facts.afterGrowZero = { oldByteLength: atMax.byteLength, newObject: memory.buffer !== atMax, byteLength: memory.buffer.byteLength, load100: x.load(100) };
  const beforeJsZero = memory.buffer;
  facts.jsGrowZero = memory.grow(0);
  facts.afterJsGrowZero = { oldByteLength: beforeJsZero.byteLength, newObject: memory.buffer !== beforeJsZero };

  // Out of bounds after all that is still a trap.
  facts.outOfBounds = trapOf(() => x.load(4 * PAGE));
  facts.lastWord = trapOf(() => x.load(4 * PAGE - 4));

  // A memory made by JS (no maximum: up to 65536 pages).
  const js = new main.Memory({ initial: 0 });
  const empty = js.buffer;
  facts.jsMemory = {
    initialByteLength: empty.byteLength,
    grow: js.grow(2),
    oldByteLength: empty.byteLength,
    byteLength: js.buffer.byteLength,
    past4GiB: trapOf(() => js.grow(65535)),
    sizeAfterFailure: js.buffer.byteLength,
  };
  return facts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mainFile, importerFile, flag] = process.argv.slice(2);
  // The `copy` backing: an engine with neither WebAssembly (run with --jitless) nor resizable buffers.
  if (flag === '--no-resizable') delete ArrayBuffer.prototype.resize;
  const facts = await observe(pathToFileURL(mainFile).href, pathToFileURL(importerFile).href);
  process.stdout.write(JSON.stringify({ facts, wasm: typeof WebAssembly, resize: typeof ArrayBuffer.prototype.resize }, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
}
