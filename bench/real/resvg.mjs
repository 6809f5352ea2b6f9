// bench/real/resvg.mjs: @resvg/resvg-wasm (Rust; floating point, much of it f32) through its own
// loader: a round renders an 800×600 SVG of `size` translucent circles and curves over a gradient
// to PNG.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

export async function setup() {
  await initWasm(fs.readFileSync(createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm')));
  return {
    info: {},
    run(size) {
      const shapes = Array.from({ length: size }, (_, i) =>
        `<circle cx="${(i * 37) % 800}" cy="${(i * 53) % 600}" r="${5 + (i % 50)}" fill="hsl(${i * 6},70%,50%)" opacity="0.7"/>` +
        `<path d="M${i % 800} ${(i * 2) % 600} Q ${200 - (i % 400)} 10 ${300 + (i % 500)} ${150 + (i % 450)}" stroke="#123" stroke-width="${1 + (i % 4)}" fill="none"/>`).join('');
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><defs><linearGradient id="g"><stop offset="0" stop-color="#f00"/><stop offset="1" stop-color="#00f"/></linearGradient></defs><rect width="800" height="600" fill="url(#g)"/>${shapes}</svg>`;
      const png = new Resvg(svg).render().asPng();
      let h = 0;
      for (let i = 0; i < png.length; i++) h = (Math.imul(h, 31) + png[i]) | 0;
      return JSON.stringify({ bytes: png.length, h });
    },
  };
}
