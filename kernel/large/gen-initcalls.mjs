#!/usr/bin/env node
// kernel/large/gen-initcalls.mjs: writes kernel/large/initcalls.gen.c, the kernel-like C that
// turns the test kernel into the "large kernel" of the scale tests: library code, subsystems
// whose drivers sit behind ops tables, and initcalls that the kernel runs in parts on its
// kernel threads (gen_run_initcalls). Same bytes on every run: the PRNG below has a fixed seed.
//
// Usage: node kernel/large/gen-initcalls.mjs [--out path]
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Tuned so that the -O2 module has >= 4000 functions and >= 1.6 MB, and that one boot runs a
// few thousand distinct functions in a few tens of milliseconds of native wasm.
const SEED = 0x5eed1e55;
const SUBSYSTEMS = 64; // at most SUBSYSTEM_NAMES.length
const LIB_FUNCS = 96;
const BIG_SHARE = 0.04; // functions of a few KB among the many small ones
const NOINLINE_SHARE = 0.3; // helpers kept out of line, as if in another translation unit

/** mulberry32: small and fixed, unlike Math.random. */
function makeRng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const hex32 = () => Math.floor(next() * 4294967296).toString(16).padStart(8, '0');
  const shuffle = (a) => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = int(0, i);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };
  const pick = (a) => a[int(0, a.length - 1)];
  const hex = () => `0x${hex32()}u`;
  return { int, pick, shuffle, hex, chance: (p) => next() < p, hex64: () => `0x${hex32()}${hex32()}ull` };
}

const SUBSYSTEM_NAMES = `blk usb pci i2c spi gpio rtc tty snd drm fb input hid mmc scsi ata nvme virtio crypto ext4
  nfs sched irq clk regulator thermal power acpi dma iommu wdt led pwm iio mtd can wlan bt nfc phy mdio vfio tpm
  edac hwmon cpufreq devfreq pinctrl mfd rproc rpmsg sdw fpga mbox hwspin extcon icc nvmem reset counter ipmi
  xhci uart bridge nf`.split(/\s+/);
const VENDORS = 'acme zeta nova orion vega apex lyra kite mako nimbus pulse quark sigma titan umbra vortex'.split(' ');
const VERBS = 'update check fill queue map sync calc scan parse encode decode apply commit find setup drain'.split(' ');
const NOUNS = 'stats desc ring regs state config fifo table crc mask quirks clock window budget credits tags'.split(' ');
const LIB_NAMES = 'crc32 crc16 jhash siphash bitmap sort div64 kstrto hweight lzo base64 uuid ratelimit idr xa'.split(' ');
// Ops slots by signature kind: A u32(dev, u32), B u64(dev, u64), C format into a buffer,
// D consume bytes, E ioctl-like switch on a command, V void (teardown).
const SLOTS = Object.fromEntries(Object.entries({
  A: 'probe attach start stop poll reset suspend resume irq read_reg xmit flush', B: 'account get_time throttle',
  C: 'show describe', D: 'rx load_fw parse', E: 'ioctl control', V: 'remove shutdown',
}).map(([kind, names]) => [kind, names.split(' ')]));
// Library code: lib u32(bytes, u32), lib64 u64(u64, u32). `%` stands for the subsystem's prefix.
const PARAMS = {
  A: 'struct %_dev *dev, uint32_t arg', B: 'struct %_dev *dev, uint64_t v',
  C: 'struct %_dev *dev, char *buf, size_t size', D: 'struct %_dev *dev, const uint8_t *data, size_t size',
  E: 'struct %_dev *dev, unsigned cmd, uint32_t arg', V: 'struct %_dev *dev',
  lib: 'const uint8_t *p, size_t n, uint32_t a', lib64: 'uint64_t v, uint32_t d',
};
const RESULT = {
  A: 'uint32_t', B: 'uint64_t', C: 'uint32_t', D: 'uint32_t', E: 'uint32_t', V: 'void', lib: 'uint32_t', lib64: 'uint64_t',
};

// printk-style lines; only the directives klib.c's vsnprintf handles (%s %u %x %d %c %ll %l %z %0N %%).
const FORMATS = [
  ['%s%u: irq %u', 'dev->name, dev->id, acc & 0x3ffu'],
  ['%s: %llu bytes, %llu events', 'dev->name, (unsigned long long)dev->bytes, (unsigned long long)dev->events'],
  ['state=%d mode=%c tag=%04x', "(int)dev->state - 3, (char)('a' + dev->mode % 26), (unsigned)dev->hdr.tag"],
  ['%08x:%llx %%', 'acc, (unsigned long long)x'],
  ['flags %lu/%zu', '(unsigned long)dev->flags, sizeof dev->regs'],
  ['[%5u] %s', 'dev->id, dev->name'],
];

const bit = (r) => `BIT(${r.int(0, 31)})`;
/** A rotate of `v` by a random amount, as (v << a) | (v >> (width - a)) with 0 < a < width. */
const rotate = (r, v, width) => ((a) => `(${v} << ${a}) | (${v} >> ${width - a})`)(r.int(1, width - 1));

/** Statements over `dev`, `acc` (u32) and `x` (u64): the bodies of drivers and helpers. */
const DEV_FRAGMENTS = [
  (r) => [`acc = ${rotate(r, 'acc', 32)};`, `acc ^= (acc & ${r.hex()}) >> ${r.int(1, 31)};`,
    'acc += (uint32_t)__builtin_popcount(acc) + (uint32_t)__builtin_ctz(acc | 1u);'],
  (r) => [`x = x * ${r.hex64()} + dev->bytes;`, `dev->bytes += x >> ${r.int(1, 63)};`, 'dev->events++;',
    'acc ^= (uint32_t)(x >> 32) + (uint32_t)x;'],
  (r) => [`x += dev->bytes / ${r.int(3, 100000)}u;`, `acc += (uint32_t)(x % ${r.int(3, 65521)}u);`,
    'acc += acc / ((dev->id & 0xffu) | 1u);', 'x ^= x / ((uint64_t)(acc & 0xfffu) + 1u);'],
  (r, s) => [`for (unsigned i = 0; i < ${s.rn}u; i++) {`,
    `\tdev->regs[i] = ((dev->regs[i] << 1) | (dev->regs[i] >> 31)) ^ (acc + i * ${r.hex()});`,
    `\tacc += dev->regs[i] >> (i & 7u);`, '}'],
  (r, s) => [`dev->q[acc % ${s.qn}u] = (uint16_t)(acc ^ (uint32_t)x);`,
    `acc += (uint32_t)dev->q[(acc >> 4) % ${s.qn}u] * ${r.int(3, 65535)}u;`],
  (r, s) => switchOnState(r, s),
  (r, s) => [`for (const struct ${s.p}_dev *d = dev; d; d = d->next) {`, '\tacc = acc * 31u + d->id;',
    `\tif (d->flags & ${bit(r)})`, '\t\tx += d->events;', '}'],
  // The packed header sits at an odd offset: unaligned loads and stores of every width.
  (r) => ['dev->hdr.len += acc;', 'dev->hdr.tag = (uint16_t)(dev->hdr.tag ^ (uint32_t)x);', 'dev->hdr.stamp += x | 1u;',
    `dev->hdr.type = (uint8_t)(dev->hdr.type + ${r.int(1, 9)}u);`,
    `acc ^= dev->hdr.len + dev->hdr.tag + (uint32_t)(dev->hdr.stamp >> ${r.int(1, 40)});`],
  (r, s) => ['{', `\tstruct ${s.p}_hdr h;`, '',
    `\tmemcpy(&h, (const uint8_t *)dev->regs + ${r.int(0, 4 * s.rn - 16)}, sizeof h);`, '\th.len ^= acc;',
    `\tacc += h.len + h.type + (uint32_t)(h.stamp % ${r.int(7, 9999)}u);`, '\tmemcpy(&dev->hdr, &h, sizeof h);', '}'],
  (r) => ['{', `\tchar line[${r.pick([32, 48, 64])}];`,
    `\tint len = snprintf(line, sizeof line, "${r.pick(FORMATS).join('", ')});`, '',
    '\tacc += gen_strhash(line) ^ (uint32_t)len;', '}'],
  (r) => ['{', '\tuint8_t tmp[32];', '', '\tmemset(tmp, (int)(acc & 0xffu), sizeof tmp);',
    `\tmemcpy(tmp + ${r.int(1, 15)}, dev->regs, 16);`, `\tif (memcmp(tmp, dev->name, ${r.int(2, 12)}) != 0)`,
    '\t\tacc += (uint32_t)strlen(dev->name);', '\tacc ^= gen_hash(tmp, sizeof tmp, acc);', '}'],
  (r) => ['{', `\tunsigned n = ${r.int(4, 24)}u + (acc & 7u);`, '\tuint32_t *v = kmalloc(n * sizeof *v);', '',
    '\tif (v) {', '\t\tfor (unsigned i = 0; i < n; i++)', `\t\t\tv[i] = acc ^ (i * ${r.hex()});`,
    '\t\tfor (unsigned i = 1; i < n; i++)', `\t\t\tv[i] += v[i - 1] >> ${r.int(1, 7)};`, '\t\tacc += v[n - 1];',
    '\t\tkfree(v);', '\t}', '}'],
  (r, s) => [`acc += ${s.p}_tbl[acc & 15u] ^ ${s.p}_tbl[(uint32_t)(x >> ${r.int(1, 59)}) & 15u];`],
  (r) => [`if (dev->flags & ${bit(r)})`, `\tdev->flags &= ~${bit(r)};`, 'else', `\tdev->flags |= ${bit(r)};`,
    'acc += (uint32_t)__builtin_popcount(dev->flags);'],
  (r) => ['for (unsigned i = 0; dev->name[i]; i++)',
    `\tacc = acc * ${r.pick(['33u', '31u', '131u'])} ^ (uint8_t)dev->name[i];`],
  (r) => ['{', '\tconst uint8_t *b = (const uint8_t *)dev->regs;', '',
    `\tfor (unsigned i = 0; i < sizeof dev->regs; i += ${r.int(1, 5)}u)`, '\t\tacc += (uint32_t)b[i] << (i & 24u);', '}'],
  (r) => ['dev->mode = (uint8_t)(dev->mode + (acc & 3u));', `if (dev->mode > ${r.int(8, 200)})`, '\tdev->mode = 0;',
    `x += (uint64_t)dev->mode << ${r.int(8, 40)};`],
  // An error path the checksum never takes, but the compiler must keep.
  (r, s, f) => [`if (acc == ${r.hex()})`, `\treturn${f.ret ? ` ${f.ret}` : ''};`],
];

const CASE_STATEMENTS = [
  (r) => `acc += ${r.hex()};`, (r) => `x ^= (uint64_t)acc << ${r.int(1, 31)};`, () => 'acc = ~acc + dev->id;',
  (r) => `dev->flags ^= ${bit(r)};`, (r) => `x += dev->events / ${r.int(2, 999)}u;`,
  (r, s) => `acc ^= dev->regs[${r.int(0, s.rn - 1)}];`, () => 'dev->events += acc & 0xffu;',
];

/** A device state machine: dense cases, so a br_table. */
function switchOnState(r, s) {
  const n = r.int(3, 8);
  const lines = ['switch (dev->state) {'];
  for (let c = 0; c < n; c++) {
    lines.push(`case ${c}:`);
    for (let k = r.int(1, 2); k > 0; k--) lines.push(`\t${r.pick(CASE_STATEMENTS)(r, s)}`);
    lines.push(`\tdev->state = ${r.int(0, n)};`, '\tbreak;');
  }
  return [...lines, 'default:', '\tdev->state = 0;', '\tbreak;', '}'];
}

/** Statements over a byte buffer `p`, `n` and `acc`, `x`: library code. */
const LIB_FRAGMENTS = [
  // Bitwise CRC over at most 16 bytes: the boot path stays short.
  (r) => ['for (size_t i = 0; i < n && i < 16; i++) {', '\tacc ^= p[i];', '\tfor (unsigned k = 0; k < 8; k++)',
    `\t\tacc = (acc >> 1) ^ (${r.hex()} & (0u - (acc & 1u)));`, '}'],
  (r) => ['for (size_t i = 0; i < n; i++)', `\tacc = (acc ^ p[i]) * ${r.pick(['0x01000193u', '0x9e3779b1u', '0x85ebca6bu'])};`],
  () => ['for (size_t i = 0; i < n; i++)', '\tacc = gen_crc_tab[(acc ^ p[i]) & 0xffu] ^ (acc >> 8);'],
  (r) => ['for (size_t i = 0; i + 2 <= n; i += 2)', `\tx += (uint64_t)(p[i] | (uint32_t)p[i + 1] << 8) * ${r.int(3, 99999)}u;`],
  (r) => ['{', '\tuint32_t v[8];', '', '\tfor (unsigned i = 0; i < 8; i++)', `\t\tv[i] = (i < n ? p[i] : 0u) * ${r.hex()} ^ acc;`,
    '\tfor (unsigned i = 1; i < 8; i++) {', '\t\tuint32_t t = v[i];', '\t\tunsigned j = i;', '',
    '\t\twhile (j > 0 && v[j - 1] > t) {', '\t\t\tv[j] = v[j - 1];', '\t\t\tj--;', '\t\t}', '\t\tv[j] = t;', '\t}',
    `\tacc += v[0] ^ v[7] ^ v[${r.int(1, 6)}];`, '}'],
  (r) => ['for (size_t i = 0; i < n; i++) {', `\tif (p[i] & ${r.int(1, 255)}u) {`,
    '\t\tacc += (uint32_t)i * 8u + (uint32_t)__builtin_ctz(p[i]);', '\t\tbreak;', '\t}', '}'],
  (r) => [`x = x * ${r.hex64()} + acc;`, 'x /= (uint64_t)(n | 1u);', `acc += (uint32_t)(x % ${r.int(7, 1000003)}u);`],
  () => ['{', '\tuint32_t v = 0;', '', '\tfor (size_t i = 0; i < n && i < 9; i++)', '\t\tv = v * 10u + (uint32_t)(p[i] % 10u);',
    '\tacc ^= v;', '}'],
];

/** Statements over `x` (u64) and `acc`: 64-bit helpers (time, division, scaling). */
const LIB64_FRAGMENTS = [
  (r) => [`x = x * ${r.hex64()} + acc;`, 'x /= (uint64_t)(acc | 1u);'],
  (r) => ['acc += (uint32_t)__builtin_popcountll(x) + (uint32_t)__builtin_clzll(x | 1u);', `x = ${rotate(r, 'x', 64)};`],
  (r) => [`x = (x >> 32) * ${r.hex()} + (uint32_t)x * (uint64_t)${r.hex()};`],
  (r) => [`acc += (uint32_t)(x / ${r.int(1000, 1000000007)}u);`, `x %= ${r.hex64()};`],
  (r) => [`for (unsigned i = 0; i < ${r.int(3, 12)}u; i++)`, `\tx = (x ^ (x >> 29)) * ${r.hex64()} + i;`],
  (r) => [`if (x > ${r.hex64()})`, `\tx -= ${r.hex64()};`, 'else', '\tx += acc;'],
];

/** The byte views of a device that library functions get handed. */
const DEV_BUFFERS = ['(const uint8_t *)dev->regs, sizeof dev->regs', '(const uint8_t *)dev->name, strlen(dev->name)',
  '(const uint8_t *)&dev->hdr, sizeof dev->hdr', '(const uint8_t *)dev->q, sizeof dev->q'];

/** The statement calling `callee` from a function whose context is `ctx` ('dev' or 'lib'). */
function callText(r, callee, ctx) {
  const bytes = ctx === 'dev' ? r.pick(DEV_BUFFERS) : 'p, n';
  switch (callee.kind) {
    case 'lib': return `acc ^= ${callee.name}(${bytes}, acc);`;
    case 'split': return `acc += ${callee.name}(${bytes.replace(', ', ', 0, ')}, 0);`;
    case 'lib64': return `x = ${callee.name}(x, acc);`;
    case 'gcd': return `x += ${callee.name}(x | 1u, (uint64_t)acc + ${r.hex()});`;
    case 'A': return `acc += ${callee.name}(dev, acc ^ ${r.hex()});`;
    case 'B': return `x ^= ${callee.name}(dev, x + acc);`;
    case 'walk': return `acc += ${callee.name}(dev, 0);`;
    default: throw new Error(`no call for ${callee.kind}`);
  }
}

/** Fragments and calls, the calls spread among the fragments; a few functions get big. */
function bodyLines(r, pool, f, s, ctx) {
  const count = r.chance(BIG_SHARE) ? r.int(12, 24) : r.pick([1, 1, 1, 2, 2]);
  const parts = [];
  for (let i = 0; i < count; i++) parts.push(r.pick(pool)(r, s, f));
  for (const callee of f.callees) parts.splice(r.int(0, parts.length), 0, [callText(r, callee, ctx)]);
  return parts.flat();
}

const returnA = (r) => `acc ^ (uint32_t)(x >> ${r.int(0, 32)})`;
const RETURNS = { A: returnA, C: returnA, D: returnA, E: returnA, B: () => 'x + acc', lib: () => 'acc ^ (uint32_t)x', lib64: () => 'x ^ acc' };

/** The opening lines of a function of kind `kind`: acc and x from the arguments. */
function prologue(r, kind) {
  switch (kind) {
    case 'A': return [`uint32_t acc = arg ^ ${r.hex()};`, 'uint64_t x = dev->bytes + arg;'];
    case 'B': return [`uint64_t x = v ^ ${r.hex64()};`, 'uint32_t acc = dev->id ^ (uint32_t)v;'];
    case 'C': return ['uint32_t acc = dev->flags;', 'uint64_t x = dev->events;',
      `int n = snprintf(buf, size, "${r.pick(FORMATS).join('", ')});`, '', 'acc += gen_strhash(buf) + (uint32_t)n;'];
    case 'D': return ['uint32_t acc = gen_hash(data, size, dev->id);', 'uint64_t x = 0;', '',
      'for (size_t i = 0; i + 4 <= size; i += 4) {', '\tuint32_t w;', '', '\tmemcpy(&w, data + i, sizeof w);',
      `\tx = x * ${r.int(3, 999)}u + w;`, '}'];
    case 'E': return ['uint32_t acc = arg;', 'uint64_t x = dev->bytes;'];
    case 'V': return ['uint32_t acc = dev->flags;', 'uint64_t x = dev->bytes;'];
    case 'lib': return [`uint32_t acc = a ^ ${r.hex()};`, 'uint64_t x = n;'];
    case 'lib64': return [`uint64_t x = v ^ ${r.hex64()};`, 'uint32_t acc = d;'];
    default: throw new Error(kind);
  }
}

/** The whole function: signature, GEN_HIT, prologue, body, return. */
function emitFunction(r, f, s, out) {
  const ctx = f.kind === 'lib' || f.kind === 'lib64' ? f.kind : 'dev';
  f.ret = f.kind === 'V' ? '' : RETURNS[f.kind](r);
  let body;
  if (f.kind === 'E') {
    // The calls first: cases that never run must not hide a callee from the boot path.
    body = f.callees.map((c) => callText(r, c, ctx));
    body.push('switch (cmd) {');
    for (let c = 0, n = r.int(2, 6); c < n; c++)
      body.push(`case ${c}:`, ...r.pick(DEV_FRAGMENTS)(r, s, f).map((l) => (l ? `\t${l}` : '')), '\tbreak;');
    body.push('default:', '\tacc = ~acc;', '\tbreak;', '}');
  } else {
    const pool = { lib: LIB_FRAGMENTS, lib64: LIB64_FRAGMENTS, dev: DEV_FRAGMENTS }[ctx];
    body = bodyLines(r, pool, f, s, ctx === 'lib64' ? 'lib' : ctx);
  }
  const tail = f.kind === 'V' ? ['dev->flags ^= acc & 0xffu;', 'dev->bytes += x;'] : [`return ${f.ret};`];
  out.push(`${f.attrs}${f.result} ${f.name}(${f.params})`, '{', `\tGEN_HIT(${f.id});`,
    ...[...prologue(r, f.kind), ...body, ...tail].map((l) => (l ? `\t${l}` : '')), '}', '');
}

/** A unique name from two word lists, with a number when the lists run dry. */
function uniqueName(r, taken, make) {
  let name = make();
  for (let i = 1; taken.has(name); i++) name = make() + (i >= 8 ? `_${i}` : '');
  return taken.add(name), name;
}

/** The library: byte-buffer functions, 64-bit helpers, and two recursive shapes. */
function planLibrary(r, taken) {
  const lib = [];
  for (let i = 0; i < LIB_FUNCS; i++) {
    const kind = i % 16 === 7 ? 'split' : i % 16 === 11 ? 'gcd' : r.chance(0.25) ? 'lib64' : 'lib';
    const name = uniqueName(r, taken, () => `${r.pick(LIB_NAMES)}_${kind === 'lib64' ? 'u64' : 'buf'}${r.int(0, 99)}`);
    const f = { kind, name, callees: [], callers: 0 };
    // One earlier byte function at most, so a call chain stays short.
    const earlier = lib.filter((g) => g.kind === 'lib' || g.kind === 'lib64');
    if (kind === 'lib' && earlier.length && r.chance(0.3)) addCall(f, r.pick(earlier));
    lib.push(f);
  }
  return lib;
}

const addCall = (f, callee) => { f.callees.push(callee); callee.callers++; };

/** One subsystem: its device struct, helpers, drivers (ops tables) and initcalls. */
function planSubsystem(r, p, lib, taken) {
  const s = { p, rn: r.int(8, 16), qn: r.pick([4, 8, 16]), helpers: [], drivers: [], initcalls: [] };
  const kinds = [...'AAAAAA'.slice(0, r.int(3, 6)), 'B', 'C', 'V'];
  for (const [kind, share] of [['B', 0.6], ['D', 0.6], ['E', 0.5]]) if (r.chance(share)) kinds.push(kind);
  const slotNames = new Set();
  s.slots = kinds.map((kind) => {
    const name = uniqueName(r, slotNames, () => r.pick(SLOTS[kind]));
    return { kind, name, optional: kind !== 'A' && r.chance(0.3) };
  });
  for (let i = 0, n = r.int(8, 16); i < n; i++) {
    const kind = i === 0 ? 'walk' : r.chance(0.7) ? 'A' : 'B';
    const name = kind === 'walk' ? `${p}_walk_list` : uniqueName(r, taken, () => `${p}_${r.pick(VERBS)}_${r.pick(NOUNS)}`);
    const h = { kind, name, callees: [], callers: 0 };
    if (kind !== 'walk') {
      if (i > 1 && r.chance(0.4)) addCall(h, s.helpers[r.int(0, i - 1)]);
      if (r.chance(0.5)) addCall(h, r.pick(lib));
    }
    s.helpers.push(h);
  }
  const vendors = r.shuffle([...VENDORS]).slice(0, r.int(4, 8));
  for (const vendor of vendors) {
    const ops = s.slots.map((slot) => {
      if (slot.optional && r.chance(0.4)) return null;
      const op = { kind: slot.kind, name: `${p}_${vendor}_${slot.name}`, callees: [] };
      for (let k = r.int(0, 2); k > 0; k--) addCall(op, r.pick(s.helpers));
      if (r.chance(0.3)) addCall(op, r.pick(lib));
      return op;
    });
    s.drivers.push({ vendor, ops });
  }
  for (let j = 0, n = r.int(3, 9); j < n; j++) {
    const slots = s.slots.filter(() => r.chance(0.5));
    s.initcalls.push({ name: `${p}_init${j}`, slots, callees: [], ndev: s.drivers.length + r.int(0, 3) });
    for (let k = r.int(1, 2); k > 0; k--) addCall(s.initcalls[j], r.pick(s.helpers));
  }
  // Every slot runs in some initcall, every helper has a caller: the boot path reaches them all.
  for (const slot of s.slots)
    if (!s.initcalls.some((ic) => ic.slots.includes(slot))) r.pick(s.initcalls).slots.push(slot);
  s.helpers.forEach((h, i) => {
    const later = s.helpers.slice(i + 1); // only later helpers: the helpers' call graph stays acyclic
    if (!h.callers) addCall(later.length && r.chance(0.5) ? r.pick(later) : r.pick(s.initcalls), h);
  });
  return s;
}

/** The device, its packed header and its ops table type. */
function emitTypes(r, s, out) {
  const { p } = s;
  out.push(`/* ---- ${p} ---- */`, '', `struct ${p}_ops;`, '',
    '/* On-the-wire layout: packed, so its fields are unaligned wherever it sits. */',
    `struct ${p}_hdr {`, '\tuint8_t type;', '\tuint32_t len;', '\tuint16_t tag;', '\tuint64_t stamp;', '\tuint8_t csum;',
    '} __attribute__((packed));', '',
    `struct ${p}_dev {`, `\tstruct ${p}_dev *next;`, `\tconst struct ${p}_ops *ops;`, '\tuint64_t bytes;',
    '\tuint64_t events;', '\tuint32_t id;', '\tuint32_t flags;', '\tuint8_t state;',
    `\tstruct ${p}_hdr hdr; /* at an odd offset */`, '\tuint8_t mode;', `\tuint16_t q[${s.qn}];`,
    `\tuint32_t regs[${s.rn}];`, '\tchar name[16];', '};', '', `struct ${p}_ops {`);
  for (const slot of s.slots)
    out.push(`\t${RESULT[slot.kind]} (*${slot.name})(${PARAMS[slot.kind].replace('%', p)});`);
  const tbl = Array.from({ length: 16 }, () => r.hex());
  out.push('};', '', `static const uint32_t ${p}_tbl[16] = {`, `\t${tbl.slice(0, 8).join(', ')},`,
    `\t${tbl.slice(8).join(', ')},`, '};', '');
}

/** A recursive walk down the device list; not a tail call, so it stays recursive. */
function emitWalk(r, s, f, out) {
  out.push(`static uint32_t ${f.name}(const struct ${s.p}_dev *dev, unsigned depth)`, '{', `\tGEN_HIT(${f.id});`,
    '\tif (!dev || depth >= 8u)', `\t\treturn depth * ${r.hex()};`, '',
    `\tuint32_t v = ${f.name}(dev->next, depth + 1u);`, '',
    `\treturn (v ^ dev->id) * ${r.hex()} + (uint32_t)(dev->events % 977u) + dev->hdr.len;`, '}', '');
}

/** Recursive library shapes: divide and conquer over a buffer, and Euclid's gcd. */
function emitLibRecursive(r, f, out) {
  if (f.kind === 'gcd') {
    out.push(`static uint64_t ${f.name}(uint64_t a, uint64_t b)`, '{', `\tGEN_HIT(${f.id});`,
      `\treturn b ? ${f.name}(b, a % b) : a;`, '}', '');
    return;
  }
  out.push(`static uint32_t ${f.name}(const uint8_t *p, size_t lo, size_t hi, unsigned depth)`, '{', `\tGEN_HIT(${f.id});`,
    '\tif (hi - lo < 3 || depth >= 12u) {', `\t\tuint32_t acc = ${r.hex()};`, '',
    '\t\tfor (size_t i = lo; i < hi; i++)', '\t\t\tacc = acc * 31u + p[i];', '\t\treturn acc;', '\t}', '',
    '\tsize_t mid = lo + (hi - lo) / 2;', '',
    `\treturn ${f.name}(p, lo, mid, depth + 1u) * ${r.hex()} ^ ${f.name}(p, mid, hi, depth + 1u);`, '}', '');
}

/** dev_add and release: every initcall makes its own devices and frees them (no shared state). */
function emitDevLifetime(r, s, ids, out) {
  const { p } = s;
  out.push(`static struct ${p}_dev *${p}_dev_add(struct ${p}_dev **head, unsigned idx, uint32_t seed)`, '{',
    `\tstruct ${p}_dev *dev = kmalloc(sizeof *dev);`, `\tuint32_t s = seed ^ (idx * 0x9e3779b9u);`, '',
    `\tGEN_HIT(${ids.add});`, '\tif (!dev)', '\t\treturn 0;', '\tmemset(dev, 0, sizeof *dev);',
    `\tdev->ops = ${p}_drivers[(idx + seed) % ${s.drivers.length}u];`, '\tdev->id = idx;',
    '\tdev->flags = s & 0xffffu;', '\tdev->bytes = ((uint64_t)s << 20) | idx;', '\tdev->events = idx;',
    '\tdev->state = (uint8_t)(s & 3u);', '\tdev->mode = (uint8_t)(s >> 8);',
    `\tfor (unsigned i = 0; i < ${s.rn}u; i++)`, `\t\tdev->regs[i] = (s * (i + 1u)) ^ ${p}_tbl[i & 15u];`,
    `\tfor (unsigned i = 0; i < ${s.qn}u; i++)`, '\t\tdev->q[i] = (uint16_t)(s >> (i & 15u));',
    '\tdev->hdr.len = s;', '\tdev->hdr.tag = (uint16_t)idx;', '\tdev->hdr.stamp = (uint64_t)s * 3u;', '\tdev->hdr.type = 1;',
    `\tsnprintf(dev->name, sizeof dev->name, "${p}%u", idx);`, '\tdev->next = *head;', '\t*head = dev;',
    '\treturn dev;', '}', '',
    `static uint32_t ${p}_release(struct ${p}_dev *head)`, '{', `\tuint32_t acc = ${r.hex()};`, '',
    `\tGEN_HIT(${ids.release});`, '\twhile (head) {', `\t\tstruct ${p}_dev *next = head->next;`, '',
    '\t\tacc = acc * 31u + head->flags + (uint32_t)head->bytes + (uint32_t)(head->events >> 3);',
    '\t\tacc += head->hdr.len + head->hdr.tag + head->state + head->mode;',
    `\t\tfor (unsigned i = 0; i < ${s.rn}u; i++)`, '\t\t\tacc ^= head->regs[i] + i;', '\t\tkfree(head);', '\t\thead = next;',
    '\t}', '\treturn acc;', '}', '');
}

/** The indirect call of one ops slot on every device of an initcall. */
function slotCall(slot) {
  const op = `dev->ops->${slot.name}`;
  const call = {
    A: `acc += ${op}(dev, acc);`, B: `x += ${op}(dev, x ^ acc);`, C: `acc ^= ${op}(dev, buf, sizeof buf);`,
    D: `acc += ${op}(dev, (const uint8_t *)buf, sizeof buf);`, E: `acc ^= ${op}(dev, (acc >> 5) & 7u, acc);`,
    V: `${op}(dev);`,
  }[slot.kind];
  return slot.optional ? [`if (${op})`, `\t${call}`] : [call];
}

/** The slots in table order, but the teardown op after all others, as a driver's life goes. */
const teardownLast = (slots) => [...slots].sort((a, b) => (a.kind === 'V') - (b.kind === 'V'));

/** An initcall: its own devices, every one probed through its driver's ops, then all freed. */
function emitInitcall(r, s, ic, out) {
  const { p } = s;
  out.push(`static uint32_t ${ic.name}(uint32_t seed)`, '{', `\tstruct ${p}_dev *head = 0, *dev;`, '\tchar buf[64];',
    `\tuint32_t acc = seed ^ ${r.hex()};`, `\tuint64_t x = (uint64_t)seed * ${r.hex64()};`, '', `\tGEN_HIT(${ic.id});`,
    '\tmemset(buf, (int)(seed & 0x7fu), sizeof buf);', `\tfor (unsigned i = 0; i < ${ic.ndev}u; i++)`,
    `\t\tif (!${p}_dev_add(&head, i, seed))`, '\t\t\tbreak;', '\tif (!head)', '\t\treturn acc;',
    '\tfor (dev = head; dev; dev = dev->next) {', ...teardownLast(ic.slots).flatMap(slotCall).map((l) => `\t\t${l}`), '\t}',
    '\tdev = head;', ...ic.callees.map((c) => `\t${callText(r, c, 'dev')}`),
    `\tacc += ${p}_release(head);`, '\treturn acc ^ (uint32_t)(x >> 32) ^ (uint32_t)x;', '}', '');
}

/** Signature fields for emitFunction; helpers and library code partly out of line (NOINLINE_SHARE). */
function signature(r, f, p, outOfLine) {
  const attrs = outOfLine && r.chance(NOINLINE_SHARE) ? 'static noinline ' : 'static ';
  return Object.assign(f, { attrs, result: RESULT[f.kind], params: PARAMS[f.kind].replace('%', p) });
}

/** A subsystem in definition order: types, helpers, drivers, their ops tables, initcalls. */
function emitSubsystem(r, s, id, out) {
  const { p } = s;
  emitTypes(r, s, out);
  for (const h of s.helpers) {
    h.id = id();
    if (h.kind === 'walk') emitWalk(r, s, h, out);
    else emitFunction(r, signature(r, h, p, true), s, out);
  }
  for (const d of s.drivers)
    for (const op of d.ops.filter(Boolean)) emitFunction(r, signature(r, Object.assign(op, { id: id() }), p, false), s, out);
  for (const d of s.drivers) {
    out.push(`static const struct ${p}_ops ${p}_${d.vendor}_ops = {`);
    s.slots.forEach((slot, i) => d.ops[i] && out.push(`\t.${slot.name} = ${d.ops[i].name},`));
    out.push('};', '');
  }
  out.push(`static const struct ${p}_ops *const ${p}_drivers[${s.drivers.length}] = {`,
    ...s.drivers.map((d) => `\t&${p}_${d.vendor}_ops,`), '};', '');
  emitDevLifetime(r, s, { add: id(), release: id() }, out);
  for (const ic of s.initcalls) emitInitcall(r, s, Object.assign(ic, { id: id() }), out);
}

function crcTable() {
  const words = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return `0x${(c >>> 0).toString(16).padStart(8, '0')}u`;
  });
  return Array.from({ length: 32 }, (_, i) => `\t${words.slice(i * 8, i * 8 + 8).join(', ')},`).join('\n');
}

const fileHead = ({ initcalls, functions, seed }) => `/*
 * kernel/large/initcalls.gen.c: generated by kernel/large/gen-initcalls.mjs. Do not edit: change
 * the generator and rerun \`node kernel/large/gen-initcalls.mjs\`.
 *
 * Kernel-like code for the large kernel's scale tests: ${LIB_FUNCS} library functions, ${SUBSYSTEMS} subsystems
 * whose drivers sit behind ops tables, and ${initcalls} initcalls, which the kernel runs in parts on
 * its kernel threads. Unsigned arithmetic only, no shared mutable state and no pointer values in
 * the checksums: every part returns the same sum on every engine, in any order, on any thread.
 */
#include "../test-kernel/kernel.h"

int gen_initcall_count(void);
uint32_t gen_run_initcalls(int part, int parts, void (*yield)(void));

#define BIT(n) (1u << (n))
#define noinline __attribute__((noinline))

#ifdef GEN_COUNT_CALLS
/* Which generated functions ran (GEN_HIT ids, in file order): the coverage check. */
#define GEN_FUNCS ${functions}
unsigned char gen_hits[GEN_FUNCS];
#define GEN_HIT(id) (gen_hits[id] = 1)
#else
#define GEN_HIT(id) ((void)0)
#endif

/* Read from memory at run time, so that nothing below folds to a constant. */
static volatile uint32_t gen_seed = ${seed};

static const uint32_t gen_crc_tab[256] = {
${crcTable()}
};

static uint32_t gen_hash(const void *data, size_t n, uint32_t h)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x01000193u;
	return h;
}

static uint32_t gen_strhash(const char *s)
{
	return gen_hash(s, strlen(s), 0x811c9dc5u);
}
`;

const fileTail = (initcalls) => `/* ---- the initcalls, in link order ---- */

static uint32_t (*const gen_initcalls[])(uint32_t seed) = {
${initcalls.map((name) => `\t${name},`).join('\n')}
};

int gen_initcall_count(void)
{
	return (int)(sizeof gen_initcalls / sizeof gen_initcalls[0]);
}

uint32_t gen_run_initcalls(int part, int parts, void (*yield)(void))
{
	uint32_t seed = gen_seed, sum = 0;

	if (parts < 1 || part < 0 || part >= parts)
		return 0;
	for (int i = part; i < gen_initcall_count(); i += parts) {
		uint32_t r = gen_initcalls[i](seed ^ ((uint32_t)i * 0x9e3779b9u));

		sum = (sum ^ r) * 0x01000193u + (uint32_t)i;
		if (yield)
			yield();
	}
	return sum;
}
`;

/** The whole file, as one string. */
function generate() {
  const r = makeRng(SEED);
  const taken = new Set();
  const lib = planLibrary(r, taken);
  const subsystems = SUBSYSTEM_NAMES.slice(0, SUBSYSTEMS).map((p) => planSubsystem(r, p, lib, taken));
  // Library functions nobody calls yet get a caller among the drivers.
  for (const f of lib.filter((g) => !g.callers)) addCall(r.pick(r.pick(r.pick(subsystems).drivers).ops.filter(Boolean)), f);
  let functions = 0;
  const id = () => functions++;
  const body = [];
  for (const f of lib) {
    f.id = id();
    if (f.kind === 'split' || f.kind === 'gcd') emitLibRecursive(r, f, body);
    else emitFunction(r, signature(r, f, '', true), null, body);
  }
  for (const s of subsystems) emitSubsystem(r, s, id, body);
  // Link order mixes the subsystems, so that each part runs a bit of everything.
  const initcalls = r.shuffle(subsystems.flatMap((s) => s.initcalls.map((ic) => ic.name)));
  const head = fileHead({ initcalls: initcalls.length, functions, seed: r.hex() });
  return `${head}\n${body.join('\n')}\n${fileTail(initcalls)}`;
}

const args = process.argv.slice(2);
const out = args[0] === '--out' ? args[1] : fileURLToPath(new URL('./initcalls.gen.c', import.meta.url));
if (!out || args.length !== (args[0] === '--out' ? 2 : 0)) {
  console.error('usage: node kernel/large/gen-initcalls.mjs [--out path]');
  process.exit(2);
}
writeFileSync(out, generate());
