// test/debug/: the kernel the DevTools protocol tests debug: the debug test kernel booted with
// source maps, its threads on workers, then idle until killed (its kernel threads asleep in host ops).
// Usage: node debuggee-kernel.mjs <cache dir>
import { execFileSync } from 'node:child_process';

const repo = new URL('../../', import.meta.url).pathname;
const { bootKernel } = await import(`${repo}dist/runtime/host/boot.js`);
const kernel = await bootKernel(`${repo}kernel/test-kernel.debug.wasm`, {
  cacheDir: process.argv[2],
  sourceMaps: true,
  compileTo: (wasm, out) => void execFileSync(process.execPath, [`${repo}dist/compiler/cli.js`, 'compile', wasm, '-o', out, '-q', '--source-map']),
});
console.log(`READY ${kernel.syscall(172)}`); // getpid
setInterval(() => {}, 1000);
