// Mutations for the malformed fuzzer: each takes a module's bytes and a PRNG and returns new
// bytes (or undefined when it does not apply, e.g. no code section). Structure-aware mutations
// re-encode the sizes around what they change, so they reach the reader's inner layers and the
// validator rather than stopping at the first section header.

import { Reader, concat, readSections, section, uleb } from './binary.mjs';

const pick = (next, n) => next() % n;

/** An overlong (padded) unsigned LEB128 of `n` in exactly `width` bytes (> 5 is malformed for u32). */
export function paddedLeb(n, width) {
  const out = [];
  for (let i = 0; i < width; i++) {
    const last = i === width - 1;
    out.push((n % 128) | (last ? 0 : 0x80));
    n = Math.floor(n / 128);
  }
  return out;
}

/** The function bodies of the code section: where each body's bytes start and end. */
export function codeBodies(bytes) {
  const code = readSections(bytes).find((s) => s.id === 10);
  if (!code) return undefined;
  const r = new Reader(bytes, code.start, code.end);
  const bodies = [];
  for (let n = r.u32(); n > 0; n--) {
    const size = r.u32();
    bodies.push({ start: r.pos, end: r.pos + size });
    r.pos += size;
  }
  return { code, bodies };
}

/** Replace bytes [start, end) of body `b` with `insert`, re-encoding the body and section sizes. */
function editBody(bytes, layout, b, start, end, insert) {
  const { code, bodies } = layout;
  const body = bodies[b];
  const newBody = concat([bytes.subarray(body.start, start), insert, bytes.subarray(end, body.end)]);
  const r = new Reader(bytes, code.start, code.end);
  const count = r.u32();
  const parts = [uleb(count)];
  for (let i = 0; i < bodies.length; i++) {
    const content = i === b ? newBody : bytes.subarray(bodies[i].start, bodies[i].end);
    parts.push(uleb(content.length), content);
  }
  const payload = concat(parts);
  return concat([bytes.subarray(0, code.headerAt), [10], uleb(payload.length), payload, bytes.subarray(code.end)]);
}

/** Opcodes that are invalid or belong to proposals (some unsupported by w2js, some by V8). */
const ODD_OPCODES = [
  [0x06], [0x07], [0x08, 0x00], [0x09, 0x00], [0x0a], [0x12, 0x00], [0x13, 0x00, 0x00], [0x14, 0x00], [0x15, 0x00],
  [0x18, 0x00], [0x19], [0x1c, 0x01, 0x7f], [0x1f], [0x27], [0xc5], [0xd3], [0xd4], [0xd5, 0x00], [0xd6, 0x00],
  [0xfb, 0x00], [0xfc, 0x12], [0xfc, 0x7f], [0xfc, 0x08, 0x00, 0x01], [0xfd, 0x0c, ...new Array(16).fill(0)],
  [0xfd, 0xff, 0x03], [0xfe, 0x00, 0x02, 0x00], [0xfe, 0x03, 0x00], [0xfe, 0x7f], [0xff], [0xe0], [0xf0],
  [0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], [0x42, ...new Array(10).fill(0xff), 0x00], [0x28, 0x40, 0x00], [0x28, 0x1f, 0x00],
  [0x11, 0x00, 0x01], [0x11, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00], [0x0e, 0xff, 0xff, 0xff, 0xff, 0x0f], [0x1c, 0x00], [0x20, 0xff, 0xff, 0xff, 0xff, 0x0f],
];

/** Every mutation, by name. */
export const MUTATIONS = {
  /** Cut the module short anywhere. */
  truncate(bytes, next) {
    if (bytes.length <= 1) return undefined;
    return bytes.slice(0, pick(next, bytes.length));
  },
  /** Cut right at, or one byte around, a section boundary. */
  truncateAtSection(bytes, next) {
    const s = readSections(bytes);
    if (s.length === 0) return undefined;
    const at = s[pick(next, s.length)];
    const cut = [at.headerAt, at.headerAt + 1, at.start, at.end - 1][pick(next, 4)];
    return bytes.slice(0, Math.max(0, cut));
  },
  /** Set 1–8 random bytes to random values. */
  flipBytes(bytes, next) {
    const out = bytes.slice();
    for (let n = 1 + pick(next, 8); n > 0; n--) out[pick(next, out.length)] = next() & 0xff;
    return out;
  },
  /** Flip one bit. */
  flipBit(bytes, next) {
    const out = bytes.slice();
    out[pick(next, out.length)] ^= 1 << pick(next, 8);
    return out;
  },
  /** Duplicate a section in place. */
  duplicateSection(bytes, next) {
    const s = readSections(bytes);
    if (s.length === 0) return undefined;
    const at = s[pick(next, s.length)];
    return concat([bytes.subarray(0, at.end), bytes.subarray(at.headerAt, at.end), bytes.subarray(at.end)]);
  },
  /** Swap two sections. */
  swapSections(bytes, next) {
    const s = readSections(bytes);
    if (s.length < 2) return undefined;
    const i = pick(next, s.length - 1);
    const a = s[i];
    const b = s[i + 1 + pick(next, s.length - i - 1)];
    return concat([bytes.subarray(0, a.headerAt), bytes.subarray(b.headerAt, b.end), bytes.subarray(a.end, b.headerAt), bytes.subarray(a.headerAt, a.end), bytes.subarray(b.end)]);
  },
  /** Drop a section. */
  dropSection(bytes, next) {
    const s = readSections(bytes);
    if (s.length === 0) return undefined;
    const at = s[pick(next, s.length)];
    return concat([bytes.subarray(0, at.headerAt), bytes.subarray(at.end)]);
  },
  /** Insert a section taken from another module (`donor`), at a random section boundary. */
  spliceSection(bytes, next, donor) {
    if (!donor) return undefined;
    const d = readSections(donor);
    const s = readSections(bytes);
    if (d.length === 0) return undefined;
    const from = d[pick(next, d.length)];
    const at = s.length ? [...s.map((x) => x.headerAt), bytes.length][pick(next, s.length + 1)] : 8;
    const replace = next() & 1 && s.length ? s.find((x) => x.headerAt === at) : undefined;
    return concat([bytes.subarray(0, at), donor.subarray(from.headerAt, from.end), bytes.subarray(replace ? replace.end : at)]);
  },
  /** Re-encode a section's size as an overlong LEB: 5 bytes is well-formed, 6 or more is not. */
  overlongSectionSize(bytes, next) {
    const s = readSections(bytes);
    if (s.length === 0) return undefined;
    const at = s[pick(next, s.length)];
    const width = [5, 5, 6, 10][pick(next, 4)];
    return concat([bytes.subarray(0, at.headerAt + 1), paddedLeb(at.end - at.start, width), bytes.subarray(at.start)]);
  },
  /** Re-encode a section's leading count (or a body's local count) as an overlong LEB. */
  overlongCount(bytes, next) {
    const s = readSections(bytes).filter((x) => x.id !== 0 && x.id !== 8 && x.end > x.start);
    if (s.length === 0) return undefined;
    const at = s[pick(next, s.length)];
    const r = new Reader(bytes, at.start, at.end);
    const count = r.u32();
    const width = [5, 5, 6, 8][pick(next, 4)];
    const payload = concat([paddedLeb(count, width), bytes.subarray(r.pos, at.end)]);
    return concat([bytes.subarray(0, at.headerAt), [at.id], uleb(payload.length), payload, bytes.subarray(at.end)]);
  },
  /** Replace a section's leading count with a huge one (the section keeps its bytes). */
  hugeCount(bytes, next) {
    const s = readSections(bytes).filter((x) => x.id !== 0 && x.id !== 8 && x.end > x.start);
    if (s.length === 0) return undefined;
    const at = s[pick(next, s.length)];
    const r = new Reader(bytes, at.start, at.end);
    r.u32();
    const count = [0xffffffff, 0x7fffffff, 0x10000000, 1_000_000, 100_001, 65_536][pick(next, 6)];
    const payload = concat([uleb(count), bytes.subarray(r.pos, at.end)]);
    return concat([bytes.subarray(0, at.headerAt), [at.id], uleb(payload.length), payload, bytes.subarray(at.end)]);
  },
  /** A section size larger or smaller than its payload. */
  wrongSectionSize(bytes, next) {
    const s = readSections(bytes);
    if (s.length === 0) return undefined;
    const at = s[pick(next, s.length)];
    const size = Math.max(0, at.end - at.start + [-1, 1, -2, 7, 0x10000][pick(next, 5)]);
    return concat([bytes.subarray(0, at.headerAt + 1), uleb(size), bytes.subarray(at.start)]);
  },
  /** Insert an invalid or unusual opcode into a function body (sizes fixed up). */
  insertOpcode(bytes, next) {
    const layout = codeBodies(bytes);
    if (!layout || layout.bodies.length === 0) return undefined;
    const b = pick(next, layout.bodies.length);
    const body = layout.bodies[b];
    const at = body.start + pick(next, body.end - body.start + 1);
    return editBody(bytes, layout, b, at, at, ODD_OPCODES[pick(next, ODD_OPCODES.length)]);
  },
  /** Overwrite, insert or delete a few bytes inside a function body (sizes fixed up). */
  editFunctionBody(bytes, next) {
    const layout = codeBodies(bytes);
    if (!layout || layout.bodies.length === 0) return undefined;
    const b = pick(next, layout.bodies.length);
    const body = layout.bodies[b];
    const at = body.start + pick(next, body.end - body.start + 1);
    const remove = Math.min(body.end - at, pick(next, 3));
    const insert = Array.from({ length: pick(next, 4) }, () => next() & 0xff);
    return editBody(bytes, layout, b, at, at + remove, insert);
  },
  /** Drop a function body's final `end`, or add one more. */
  breakEnd(bytes, next) {
    const layout = codeBodies(bytes);
    if (!layout || layout.bodies.length === 0) return undefined;
    const b = pick(next, layout.bodies.length);
    const body = layout.bodies[b];
    return next() & 1 ? editBody(bytes, layout, b, body.end - 1, body.end, []) : editBody(bytes, layout, b, body.end, body.end, [0x0b]);
  },
  /** Add a custom section with a random (possibly invalid UTF-8) name and random content. */
  customSection(bytes, next) {
    const name = Array.from({ length: pick(next, 6) }, () => (next() & 1 ? 0x61 + pick(next, 26) : next() & 0xff));
    const known = [[...'name'].map((c) => c.charCodeAt(0)), [...'.debug_line'].map((c) => c.charCodeAt(0)), [...'sourceMappingURL'].map((c) => c.charCodeAt(0))];
    const useName = next() & 1 ? known[pick(next, known.length)] : name;
    const content = Array.from({ length: pick(next, 40) }, () => next() & 0xff);
    const payload = [...uleb(useName.length), ...useName, ...content];
    const s = readSections(bytes);
    const at = s.length ? [...s.map((x) => x.headerAt), bytes.length][pick(next, s.length + 1)] : 8;
    return concat([bytes.subarray(0, at), section(0, payload), bytes.subarray(at)]);
  },
  /** Corrupt a custom section's contents (name, DWARF...): V8 ignores their contents. */
  corruptCustom(bytes, next) {
    const s = readSections(bytes).filter((x) => x.id === 0);
    if (s.length === 0) return undefined;
    const at = s[pick(next, s.length)];
    const out = bytes.slice();
    for (let n = 1 + pick(next, 4); n > 0; n--) out[at.start + pick(next, at.end - at.start)] = next() & 0xff;
    return out;
  },
  /** A header with a wrong magic or version. */
  badHeader(bytes, next) {
    const out = bytes.slice();
    out[pick(next, Math.min(8, out.length))] ^= 1 + pick(next, 255);
    return out;
  },
};

/**
 * A module whose one function nests `depth` blocks of `kind` ('block' | 'loop' | 'if'), closed
 * properly (`broken` = 0), with one `end` missing (1), or one extra (2).
 */
export function deepNesting(depth, kind, broken = 0) {
  const open = kind === 'if' ? [0x41, 0x00, 0x04, 0x40] : [kind === 'loop' ? 0x03 : 0x02, 0x40];
  const ends = depth + 1 - (broken === 1 ? 1 : 0) + (broken === 2 ? 1 : 0);
  const body = new Uint8Array(1 + open.length * depth + ends);
  body[0] = 0; // no locals
  let at = 1;
  for (let i = 0; i < depth; i++) {
    body.set(open, at);
    at += open.length;
  }
  body.fill(0x0b, at);
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types = section(1, [1, 0x60, 0, 0]);
  const funcs = section(3, [1, 0]);
  const exports = section(7, [1, 1, 0x66, 0, 0]);
  const code = concat([uleb(1), uleb(body.length), body]);
  return concat([header, types, funcs, exports, [10], uleb(code.length), code]);
}
