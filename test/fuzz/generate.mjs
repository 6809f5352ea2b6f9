// Generating random valid modules from a seed: seed → PRNG bytes → binaryen translate-to-fuzz.
// A case is named by its seed alone, so `generateModule(seed)` always gives the same module.
//
//   node test/fuzz/generate.mjs --seed 5 [--count 3] [--out dir]   writes fuzz-<seed>.wasm

import fs from 'node:fs';
import path from 'node:path';
import { FEATURE_SETS, cleanScratch, translateToFuzz } from './binaryen-tools.mjs';

/** A small deterministic PRNG (splitmix32): same seed, same sequence, on every platform. */
export function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Even seeds use the base feature set, odd seeds add threads (shared memory, atomics). */
export function featureSetFor(seed) {
  return seed % 2 === 0 ? 'base' : 'threads';
}

/** The random input ttf shapes into a module: 1–24 KiB, smaller sizes more likely. */
export function fuzzInput(seed) {
  const next = prng(seed ^ 0x5eed);
  const r = next() / 2 ** 32;
  const size = 1024 + Math.floor(r * r * 23 * 1024);
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 4) {
    const v = next();
    bytes[i] = v;
    bytes[i + 1] = v >>> 8;
    bytes[i + 2] = v >>> 16;
    bytes[i + 3] = v >>> 24;
  }
  return bytes;
}

/** The module of case `seed`, and which feature set it was made with. */
export async function generateModule(seed) {
  const features = featureSetFor(seed);
  const bytes = await translateToFuzz(fuzzInput(seed), FEATURE_SETS[features]);
  return { seed, features, bytes };
}

/** `--name value` pairs from argv. */
export function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) args[a.slice(2)] = true;
    else args[a.slice(2)] = argv[++i];
  }
  return args;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2));
  const seed = Number(args.seed ?? 1);
  const count = Number(args.count ?? 1);
  const out = String(args.out ?? '.');
  fs.mkdirSync(out, { recursive: true });
  for (let s = seed; s < seed + count; s++) {
    const { bytes, features } = await generateModule(s);
    const file = path.join(out, `fuzz-${s}.wasm`);
    fs.writeFileSync(file, bytes);
    console.log(`${file} (${features}, ${bytes.length} bytes)`);
  }
  cleanScratch();
}
