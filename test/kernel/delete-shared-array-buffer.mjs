// test/kernel/: preloaded with `node --import`: a JS realm without SharedArrayBuffer, as a page
// that is not cross-origin isolated. (Atomics stays: it works on plain typed arrays too.) The
// runtime then backs the kernel's memory by a WebAssembly.Memory that is not shared; with
// W2JS_TEST_NO_WASM=1 there is no WebAssembly either (a resizable ArrayBuffer then), and with
// W2JS_TEST_NO_RESIZE=1 ArrayBuffers cannot resize (as before ES2024: a grow is a copy).
delete globalThis.SharedArrayBuffer;
if (process.env.W2JS_TEST_NO_WASM === '1') delete globalThis.WebAssembly;
if (process.env.W2JS_TEST_NO_RESIZE === '1') delete ArrayBuffer.prototype.resize;
