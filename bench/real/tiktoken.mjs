// bench/real/tiktoken.mjs: tiktoken (Rust, wasm-bindgen; a 5.6 MB module with its own regex
// engine) through its own loader: a round encodes `size` lines of text with cl100k_base and
// decodes them again.
import { createRequire } from 'node:module';

export async function setup() {
  const { get_encoding } = createRequire(import.meta.url)('tiktoken');
  const encoding = get_encoding('cl100k_base');
  return {
    info: {},
    run(size) {
      const text = Array.from({ length: size }, (_, i) => `line ${i}: the quick brown fox ${(i * 7919) % 1000} jumps over ${'lazy dog '.repeat(i % 5)}`).join('\n');
      const tokens = encoding.encode(text);
      const back = new TextDecoder().decode(encoding.decode(tokens));
      let h = 0;
      for (const t of tokens) h = (Math.imul(h, 31) + t) | 0;
      return JSON.stringify({ count: tokens.length, h, same: back === text });
    },
    close() {
      encoding.free();
    },
  };
}
