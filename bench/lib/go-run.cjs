// Runs a Go program compiled to wasm (GOOS=js) through w2js output, with Go's own loader
// (wasm_exec.js, from the package that ships the program): the job of wasm_exec_node.js, except
// that the instance comes from our compiled ES module instead of WebAssembly.instantiate.
//   node bench/lib/go-run.cjs <compiled dir | program.wasm> <wasm_exec.js> [program args...]
// Given the .wasm itself, it runs on the engine's WebAssembly instead: the baseline.
'use strict';
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const [dir, wasmExec, ...args] = process.argv.slice(2);
globalThis.require = require;
globalThis.fs = require('node:fs');
globalThis.path = path;
globalThis.crypto ??= require('node:crypto');
require(path.resolve(wasmExec));

const go = new globalThis.Go();
go.argv = ['program', ...args];
// Go's runtime copies the environment into its memory at start; keep it small (Go issue 49011).
go.env = { TMPDIR: require('node:os').tmpdir() };
go.exit = process.exit;
const instantiate = dir.endsWith('.wasm')
  ? WebAssembly.instantiate(globalThis.fs.readFileSync(dir), go.importObject)
  : import(pathToFileURL(path.join(path.resolve(dir), 'index.js')).href).then((mod) => mod.instantiate(go.importObject)).then((result) => {
    // wasm_exec.js checks `instance instanceof WebAssembly.Instance`; ours has the same shape.
    Object.setPrototypeOf(result.instance, WebAssembly.Instance.prototype);
    return result;
  });
instantiate
  .then(({ instance }) => {
    process.on('exit', (code) => {
      if (code === 0 && !go.exited) {
        // Deadlock: make Go print its error and stacks, as wasm_exec_node.js does.
        go._pendingEvent = { id: 0 };
        go._resume();
      }
    });
    return go.run(instance);
  })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
