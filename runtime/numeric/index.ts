// runtime/numeric/index.ts: the numeric helpers generated code imports (bit casts, integer, float, conversions).

export { f32FromBits, f32ToBits, f64FromBits, f64ToBits, f32ToRepresentation, f32Scratch, i32Scratch, NAN_BITS_KEPT } from './bits.js';
export * from './i32.js';
export * from './i64.js';
export * from './float.js';
export * from './convert.js';
