// lightningcss-wasm (Rust; a 15.8 MB module): parse, lower for Chrome 80 and minify 600 rules.
import { createRequire } from 'node:module';
import { digest, report } from './text.mjs';

const { transform } = createRequire(import.meta.url)('lightningcss-wasm');
const css = Array.from({ length: 300 }, (_, i) =>
  `.a${i} > .b:hover { color: rgba(${i % 255}, 10, 20, 0.5); margin: 0px 0px ${i}px; display: flex; }\n` +
  `@media (min-width: ${i}px) { .c${i} { transform: translateX(${i}px); } }`).join('\n');
const { code } = transform({ filename: 'x.css', code: Buffer.from(css), minify: true, targets: { chrome: 80 << 16 } });
report({ code: await digest(code), size: code.length, head: Buffer.from(code).toString().slice(0, 60) });
