// test/kernel/: the child process of single-thread.test.ts's "without SharedArrayBuffer" test
// (run with --import delete-shared-array-buffer.mjs): boots the test kernel on one JS thread from
// the test's kernel cache, runs the transcript and prints what it saw as JSON.
//   node --import ./delete-shared-array-buffer.mjs no-shared-buffer.mjs '<BootOptions as JSON>'

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transcript } from '../../web/transcript.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { bootKernel } = await import(path.join(repo, 'dist/runtime/host/boot.js'));
const options = JSON.parse(process.argv[2] ?? '{}');
const kernel = await bootKernel(path.join(repo, 'kernel/test-kernel.wasm'), { ...options, singleThread: true });
const log = kernel.logLines();
// The kernel's memory, as the host sees it (KernelBase's protected view of it).
const buffer = kernel.memoryBuffer();
const lines = transcript(kernel);
await kernel.halt();
process.stdout.write(JSON.stringify({
  sharedArrayBuffer: typeof SharedArrayBuffer,
  webAssembly: typeof WebAssembly,
  // The kernel grew its memory (init's heap): a plain buffer was copied and the host kept up.
  grew: kernel.stats().pool.used > 0 && log.some((l) => l.startsWith('kmem: 8192 KiB')),
  plain: Object.prototype.toString.call(buffer) === '[object ArrayBuffer]',
  resizable: buffer.resizable === true,
  log,
  transcript: lines,
}));
