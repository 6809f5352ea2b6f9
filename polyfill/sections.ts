// polyfill/: custom sections straight from a module's bytes (Module.customSections), so modules
// that came precompiled from a cache answer too without the compiler.

/** Copies of the payloads of every custom section named `name`, in order (the bytes are valid: they compiled). */
export function customSections(bytes: Uint8Array, name: string): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  let at = 8; // magic and version
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  const decoder = new TextDecoder();
  while (at < bytes.length) {
    const id = bytes[at++]!;
    const size = leb();
    const end = at + size;
    if (id === 0) {
      const length = leb();
      if (decoder.decode(bytes.subarray(at, at + length)) === name) out.push(bytes.slice(at + length, end).buffer);
    }
    at = end;
  }
  return out;
}
