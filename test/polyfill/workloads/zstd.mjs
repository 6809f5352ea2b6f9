// @bokuweb/zstd-wasm (C, Emscripten): compress at level 10, decompress.
import { createRequire } from 'node:module';
import { digest, report, text } from './text.mjs';

const zstd = createRequire(import.meta.url)('@bokuweb/zstd-wasm');
await zstd.init();
const packed = zstd.compress(Buffer.from(text), 10);
report({ packed: await digest(packed), size: packed.length, roundTrip: Buffer.from(zstd.decompress(packed)).toString() === text });
