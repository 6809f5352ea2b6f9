// tiktoken (Rust, wasm-bindgen; a 5.6 MB module): the cl100k_base tokenizer, encode and decode.
import { createRequire } from 'node:module';
import { digest, report, text } from './text.mjs';

const { get_encoding } = createRequire(import.meta.url)('tiktoken');
const encoding = get_encoding('cl100k_base');
const tokens = encoding.encode(text);
report({ count: tokens.length, tokens: await digest(Buffer.from(tokens.buffer)), roundTrip: new TextDecoder().decode(encoding.decode(tokens)) === text });
encoding.free();
