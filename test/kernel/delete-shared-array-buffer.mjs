// test/kernel/: preloaded with `node --import`: a JS realm without SharedArrayBuffer, as a page
// that is not cross-origin isolated. (Atomics stays: it works on plain typed arrays too.)
delete globalThis.SharedArrayBuffer;
