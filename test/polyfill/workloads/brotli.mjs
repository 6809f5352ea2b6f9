// brotli-wasm (Rust, wasm-bindgen) through its Node loader: compress at quality 9, decompress.
import { createRequire } from 'node:module';
import { digest, report, text } from './text.mjs';

const brotli = createRequire(import.meta.url)('brotli-wasm');
const packed = brotli.compress(Buffer.from(text), { quality: 9 });
report({ packed: await digest(packed), size: packed.length, roundTrip: Buffer.from(brotli.decompress(packed)).toString() === text });
