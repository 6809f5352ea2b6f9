// read/: a cursor over the input bytes with the binary format's primitive decoders (spec 5.2).
// Every failure is a malformed-module CompileError at the exact byte offset.

import { malformed } from '../diagnostics.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class Cursor {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    /** One past the last byte this cursor may read (a section's or function's end). */
    public end = bytes.length,
  ) {
    this.pos = start;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(reason: string, at = this.pos): never {
    throw malformed(reason, at);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail(this.end < this.bytes.length ? 'unexpected end of section or function' : 'unexpected end');
    return this.bytes[this.pos++]!;
  }

  /** Unsigned LEB128 of at most `bits` bits (spec 5.2.2). */
  u32(): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      const byte = this.u8();
      if (i === 4) {
        if (byte & 0x80) this.fail('integer representation too long', start);
        if (byte & 0x70) this.fail('integer too large', start);
      }
      result |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
      shift += 7;
    }
    return result >>> 0;
  }

  /** Signed LEB128, 32 bits. */
  s32(): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    let byte: number;
    for (let i = 0; ; i++) {
      byte = this.u8();
      if (i === 4) {
        if (byte & 0x80) this.fail('integer representation too long', start);
        // The unused high bits must be a sign extension of bit 31.
        const high = byte & 0x70;
        if (high !== 0 && high !== 0x70) this.fail('integer too large', start);
        if ((byte & 0x08 ? 0x70 : 0) !== high) this.fail('integer too large', start);
      }
      result |= (byte & 0x7f) << shift;
      shift += 7;
      if (!(byte & 0x80)) break;
    }
    if (shift < 32 && byte & 0x40) result |= -1 << shift;
    return result | 0;
  }

  /** Signed LEB128, 33 bits: block types' type indices (spec 5.4.1). */
  s33(): number {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    let byte: number;
    for (let i = 0; ; i++) {
      byte = this.u8();
      if (i === 4) {
        if (byte & 0x80) this.fail('integer representation too long', start);
        const high = byte & 0x60;
        if ((byte & 0x10 ? 0x60 : 0) !== high) this.fail('integer too large', start);
      }
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (!(byte & 0x80)) break;
    }
    if (shift < 33n && byte & 0x40) result -= 1n << shift;
    return Number(BigInt.asIntN(33, result));
  }

  /** Signed LEB128, 64 bits, as a BigInt. */
  s64(): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    let byte: number;
    for (let i = 0; ; i++) {
      byte = this.u8();
      if (i === 9) {
        if (byte & 0x80) this.fail('integer representation too long', start);
        // Only bit 0 is used in the tenth byte; the rest must extend its sign.
        const high = byte & 0x7e;
        if ((byte & 0x01 ? 0x7e : 0) !== high) this.fail('integer too large', start);
      }
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (!(byte & 0x80)) break;
    }
    if (shift < 64n && byte & 0x40) result -= 1n << shift;
    return BigInt.asIntN(64, result);
  }

  /** Fixed-width little-endian 32 bits, unsigned (f32 bits). */
  fixed32(): number {
    if (this.pos + 4 > this.end) this.fail('unexpected end');
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** Fixed-width little-endian 64 bits, unsigned, as a BigInt (f64 bits). */
  fixed64(): bigint {
    const lo = this.fixed32();
    const hi = this.fixed32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  take(length: number): Uint8Array {
    if (length > this.end - this.pos) this.fail(this.end < this.bytes.length ? 'unexpected end of section or function' : 'unexpected end');
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** A name: a length-prefixed UTF-8 string (spec 5.2.4). */
  name(): string {
    const at = this.pos;
    const length = this.u32();
    const bytes = this.take(length);
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail('malformed UTF-8 encoding', at);
    }
  }
}
