// @resvg/resvg-wasm (Rust; floating-point rendering): an SVG of gradients, circles and curves to PNG.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { digest, report } from './text.mjs';

await initWasm(fs.readFileSync(createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm')));
const shapes = Array.from({ length: 60 }, (_, i) =>
  `<circle cx="${(i * 37) % 400}" cy="${(i * 53) % 300}" r="${5 + (i % 30)}" fill="hsl(${i * 6},70%,50%)" opacity="0.7"/>` +
  `<path d="M${i} ${i * 2} Q ${200 - i} 10 ${300 + i} ${150 + i}" stroke="#123" stroke-width="${1 + (i % 4)}" fill="none"/>`).join('');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><defs><linearGradient id="g"><stop offset="0" stop-color="#f00"/><stop offset="1" stop-color="#00f"/></linearGradient></defs><rect width="400" height="300" fill="url(#g)"/>${shapes}</svg>`;
const png = new Resvg(svg).render().asPng();
report({ png: await digest(png), size: png.length });
