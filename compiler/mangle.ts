// The one name mangler: every name that reaches the output from the wasm (name section,
// imports, exports) goes through here. Rules (cf. wasm2c's single mangler):
//  - ASCII letters, digits and `_` pass through, so readable names stay readable;
//  - every other character becomes `$` + its code point in hex and `_` (`$3a_` for `:`),
//    so `$` only ever starts an escape and distinct names stay distinct;
//  - function names get a leading `$` (like wat's `$name`), which makes reserved words and
//    clashes with runtime helpers and locals impossible;
//  - a name already taken in its namespace gets `$$<index>` appended, which no escape produces.

/** Escape a wasm name into the identifier alphabet [A-Za-z0-9_$]. */
export function escapeName(name: string): string {
  let out = '';
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    const plain = (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
    out += plain ? ch : `$${code.toString(16)}_`;
  }
  return out;
}

/** A namespace of identifiers that hands out each mangled name once. */
export class NameSpace {
  private readonly taken = new Set<string>();

  constructor(private readonly prefix: string) {}

  /** `$fac`, or `$fac$$12` if `$fac` was already given to another index. */
  claim(name: string, index: number): string {
    let id = this.prefix + escapeName(name);
    if (id === '' || /^[0-9]/.test(id)) id = `_${id}`;
    if (this.taken.has(id)) id = `${id}$$${index}`;
    this.taken.add(id);
    return id;
  }
}

/** A JS string literal's content is safe anywhere: the emitter prints it as a literal, never pasted. */
export function isIdentifierSafe(id: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(id);
}
