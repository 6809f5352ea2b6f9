// Spec runner: read the module names a binary imports from, so the harness can hand every one of
// them an object (an unknown module must fail to link with LinkError, not with the TypeError the
// JS API throws when `imports[module]` is not an object).

/** The distinct import module names of `bytes`; [] when the binary is too broken to read. */
export function readImportModuleNames(bytes) {
  let pos = 8;
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw new RangeError('eof');
      const b = bytes[pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
    }
  };
  const name = () => {
    const len = u32();
    const s = Buffer.from(bytes.buffer, bytes.byteOffset + pos, len).toString('utf8');
    pos += len;
    return s;
  };
  const limits = () => {
    const flags = bytes[pos++];
    u32();
    if (flags & 1) u32();
  };
  try {
    while (pos < bytes.length) {
      const id = bytes[pos++];
      const size = u32();
      const end = pos + size;
      if (id !== 2) {
        pos = end;
        continue;
      }
      const names = new Set();
      for (let n = u32(); n > 0; n--) {
        names.add(name());
        name();
        const kind = bytes[pos++];
        if (kind === 0) u32(); // func: typeidx
        else if (kind === 1) (pos++, limits()); // table: reftype, limits
        else if (kind === 2) limits(); // memory: limits (flag bit 1 = shared)
        else if (kind === 3) pos += 2; // global: valtype, mut
        else if (kind === 4) (pos++, u32()); // tag: attribute, typeidx
        else break;
      }
      return [...names];
    }
  } catch {
    // A malformed binary: the engine's compile reports it.
  }
  return [];
}
