// hash-wasm (hand-tuned modules, one per algorithm): digests, and argon2id and bcrypt, which
// allocate memory and loop.
import { createRequire } from 'node:module';
import { report, text } from './text.mjs';

const h = createRequire(import.meta.url)('hash-wasm');
const data = Buffer.from(text);
report({
  md5: await h.md5(data), sha256: await h.sha256(data), sha3: await h.sha3(data, 512), blake3: await h.blake3(data),
  xxhash64: await h.xxhash64(data), crc32: await h.crc32(data),
  argon2id: await h.argon2id({ password: 'pw', salt: 'saltsaltsalt', parallelism: 1, iterations: 2, memorySize: 512, hashLength: 32, outputType: 'hex' }),
  bcrypt: await h.bcrypt({ password: 'pw', salt: new Uint8Array(16).fill(7), costFactor: 6 }),
});
