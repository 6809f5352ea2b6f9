// runtime/numeric/bits.ts: exact float <-> bit-pattern conversions for the value contract (runtime/README.md).
//
// An f32 lives in a JS number. Non-NaN f32 values are exact doubles. An f32 NaN is kept as the double
// NaN with the same sign whose top 23 mantissa bits are the f32 mantissa and whose low 29 bits are zero
// (the "contract form"). We never pass an f32 NaN through Float32Array -> number: the hardware widening
// (cvtss2sd) sets the quiet bit, so signalling NaNs (e.g. 0x7fa00000) would not survive. Instead we
// build the double's bits ourselves. On V8, Float64Array loads and stores keep every payload bit.
//
// JavaScriptCore (Bun, Safari) does not: it replaces every NaN read from a Float32Array, Float64Array
// or DataView by its one canonical NaN 0x7ff8000000000000 before the value becomes a JS number, so a
// NaN built through a float view loses its payload and its sign there. Integer views are exact on
// every engine and stores are never changed, so bits are always *read* through integer views; where
// NAN_BITS_KEPT is false a NaN is made as the JS NaN of the right sign (runtime/README.md "NaN contract").

const scratch = new ArrayBuffer(8);
/** Scratch views over one 8-byte buffer; internal to runtime/numeric (not re-exported). */
export const scratchF64 = new Float64Array(scratch);
/** Float32 view of the scratch buffer; only ever read for non-NaN values. */
export const scratchF32 = new Float32Array(scratch);
/** Uint32 words of the scratch buffer; index with {@link HI} / {@link LO}. */
export const scratchU32 = new Uint32Array(scratch);
/** Int32 words of the scratch buffer. */
export const scratchI32 = new Int32Array(scratch);
/** The scratch buffer as one signed 64-bit integer. */
export const scratchI64 = new BigInt64Array(scratch);

// Generated code's own 4-byte word, for f32 reinterprets inline (compiler/emit/numeric.ts
// reinterpretF32): `(f32Scratch[0] = x, i32Scratch[0])`; a NaN never goes through it.
const word = new ArrayBuffer(4);
export const f32Scratch = new Float32Array(word);
export const i32Scratch = new Int32Array(word);

// Typed arrays use the platform's byte order; find which 32-bit word holds a double's sign and exponent.
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Index of the high (sign, exponent) 32-bit word of a double in {@link scratchU32}. */
export const HI = littleEndian ? 1 : 0;
/** Index of the low 32-bit word of a double in {@link scratchU32}. */
export const LO = littleEndian ? 0 : 1;

/**
 * Whether a NaN read from a float view keeps its bits on this engine: true on V8 (Node, Deno); false
 * on JavaScriptCore, which canonicalises it (cold code always; optimised code only where the value
 * is boxed, so not reliably either way). Where false, a JS number holds one of two NaNs: +NaN, or
 * -NaN (0xfff8000000000000), which JSC's negation makes and keeps. Measured by test/engines/nan-probe.mjs.
 */
export const NAN_BITS_KEPT: boolean = (() => {
  scratchU32[HI] = 0xfff40000; // a negative signalling NaN with a payload in both words
  scratchU32[LO] = 1;
  const x = scratchF64[0]!;
  scratchF64[0] = x;
  return scratchU32[HI] === 0xfff40000 && scratchU32[LO] === 1;
})();

const negate = (x: number): number => -x;
/** -NaN (0xfff8000000000000). Made by negation at run time: JSC folds the literal `-NaN` to +NaN. */
const NEGATIVE_NAN = negate(NaN);

/** The canonical NaN with the sign of `signWord`'s bit 31 (a double's or an f32's high word): where NAN_BITS_KEPT is false. */
export function signedNan(signWord: number): number {
  return signWord < 0 || signWord >= 0x80000000 ? NEGATIVE_NAN : NaN;
}

/** The f32 with bit pattern `bits` (uint32 or int32), in contract form: f32.reinterpret_i32. */
export function f32FromBits(bits: number): number {
  const mantissa = bits & 0x7fffff;
  if ((bits & 0x7f800000) !== 0x7f800000 || mantissa === 0) {
    // Not a NaN: widening an f32 to a double is exact.
    scratchU32[0] = bits;
    return scratchF32[0]!;
  }
  if (!NAN_BITS_KEPT) return signedNan(bits);
  // NaN: the 23 mantissa bits go to the top of the double's 52 (20 in the high word, 3 in the low).
  scratchU32[HI] = (bits & 0x80000000) | 0x7ff00000 | (mantissa >>> 3);
  scratchU32[LO] = (mantissa & 7) << 29;
  return scratchF64[0]!;
}

/** The bit pattern of an f32 value as a signed int32: i32.reinterpret_f32. */
export function f32ToBits(x: number): number {
  if (x === x) {
    scratchF32[0] = x;
    return scratchI32[0]!;
  }
  scratchF64[0] = x;
  const hi = scratchU32[HI]!;
  let mantissa = ((hi & 0xfffff) << 3) | (scratchU32[LO]! >>> 29);
  // A double NaN whose payload lies only in the low 29 bits would read as infinity; keep it a NaN.
  if (mantissa === 0) mantissa = 0x400000;
  return (hi & 0x80000000) | 0x7f800000 | mantissa;
}

/** The f64 with bit pattern `bits` (signed or unsigned 64-bit): f64.reinterpret_i64. */
export function f64FromBits(bits: bigint): number {
  scratchI64[0] = bits;
  const x = scratchF64[0]!;
  return x === x || NAN_BITS_KEPT ? x : signedNan(scratchI32[HI]!);
}

/** The bit pattern of an f64 as a signed i64: i64.reinterpret_f64. */
export function f64ToBits(x: number): bigint {
  scratchF64[0] = x;
  return scratchI64[0]!;
}

/** The NaN `x` with its quiet bit set, keeping sign and payload (what hardware arithmetic does to a NaN). */
export function f64QuietNan(x: number): number {
  scratchF64[0] = x;
  if (!NAN_BITS_KEPT) return signedNan(scratchI32[HI]!);
  scratchU32[HI] = scratchU32[HI]! | 0x00080000;
  return scratchF64[0]!;
}

/** A double NaN in f32 contract form with the quiet bit set, keeping its sign and top 23 payload bits. */
export function f32QuietNan(x: number): number {
  scratchF64[0] = x;
  if (!NAN_BITS_KEPT) return signedNan(scratchI32[HI]!);
  // Bit 51 is the double's quiet bit and the f32's (bit 22) once the payload is moved to the top.
  scratchU32[HI] = scratchU32[HI]! | 0x00080000;
  scratchU32[LO] = scratchU32[LO]! & 0xe0000000;
  return scratchF64[0]!;
}

/**
 * What a JS number passed for an f32 parameter becomes (JS-API ToWebAssemblyValue): rounded to nearest
 * f32; a NaN becomes the quiet f32 NaN with its sign and top payload bits, as V8 does on x86 and arm64.
 */
export function f32ToRepresentation(x: number): number {
  return x === x ? Math.fround(x) : f32QuietNan(x);
}
