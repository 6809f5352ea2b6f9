// polyfill/: what the browser bundle gets for `node:module`. The compiler loads ts-morph through
// createRequire only to write index.d.ts, which the polyfill never asks for.

export function createRequire(): never {
  throw new Error('w2js: typings (ts-morph) need Node; the browser polyfill compiles without them');
}
