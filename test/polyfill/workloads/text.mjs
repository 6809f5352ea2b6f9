// The input text the toolchain workloads share: 3 000 lines of varied words and numbers.
export const text = Array.from({ length: 3000 }, (_, i) => `line ${i}: the quick brown fox ${(i * 7919) % 1000} jumps over ${'lazy dog '.repeat(i % 5)}`).join('\n');

/** A short hex digest of bytes, for output lines that stay short. */
export async function digest(bytes) {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** The JSON line a workload prints: its results, and whether WebAssembly was the polyfill. */
export function report(out) {
  console.log(JSON.stringify({ ...out, polyfilled: !String(WebAssembly.Module).includes('[native code]') }));
}
