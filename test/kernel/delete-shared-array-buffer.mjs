// test/kernel/: preloaded with `node --import`: a JS realm without SharedArrayBuffer, as a page
// that is not cross-origin isolated. (Atomics stays: it works on plain typed arrays too.) With
// W2JS_TEST_NO_RESIZE=1, ArrayBuffers cannot resize either, as in engines before ES2024: a
// memory's growth is then a copy into a new buffer.
delete globalThis.SharedArrayBuffer;
if (process.env.W2JS_TEST_NO_RESIZE === '1') delete ArrayBuffer.prototype.resize;
