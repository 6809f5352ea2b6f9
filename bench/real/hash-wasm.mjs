// bench/real/hash-wasm.mjs: hash-wasm (hand-tuned modules; a new instance for each hash) through
// its own loader: a round hashes 1 MiB with SHA-256, BLAKE3 and xxHash64, then derives a key with
// argon2id over `size` KiB of memory (Blake2b's 64-bit arithmetic).
import { createRequire } from 'node:module';

export async function setup() {
  const h = createRequire(import.meta.url)('hash-wasm');
  const data = new Uint8Array(1 << 20).map((_, i) => (i * 2654435761) >>> 24);
  return {
    info: {},
    async run(size) {
      const digests = [await h.sha256(data), await h.blake3(data), await h.xxhash64(data)];
      const key = await h.argon2id({ password: 'password', salt: 'saltsaltsalt', parallelism: 1, iterations: 3, memorySize: size, hashLength: 32, outputType: 'hex' });
      return JSON.stringify({ digests: digests.map((d) => d.slice(0, 16)), key });
    },
  };
}
