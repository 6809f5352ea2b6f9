/* hash: integer hashing over a 4 MiB buffer (i32 multiply, rotate, xor, shifts, byte and word
 * loads, a table-driven CRC). run(n) makes n rounds; each refills the buffer from a PRNG seeded by
 * the round, hashes it three ways and rewrites every word, so the work is linear in n. */
#include "common.h"

#define SIZE (4u << 20)

static uint8_t *buf;
static uint32_t crc_table[256];

static inline uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static void setup(void) {
  heap_reset();
  buf = bump_alloc(SIZE);
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

/* Refill the buffer from a xorshift32 stream seeded by the round. */
static NOINLINE void fill(uint32_t seed) {
  uint32_t s = seed | 1;
  for (uint32_t i = 0; i < SIZE / 4; i++) {
    s ^= s << 13; s ^= s >> 17; s ^= s << 5; /* xorshift32 */
    ((uint32_t *)buf)[i] = s;
  }
}

/* xxHash32 (Yann Collet), word-aligned input. */
static NOINLINE uint32_t xxh32(const uint8_t *p, uint32_t len, uint32_t seed) {
  const uint32_t P1 = 2654435761u, P2 = 2246822519u, P3 = 3266489917u, P4 = 668265263u, P5 = 374761393u;
  const uint8_t *end = p + len;
  uint32_t h;
  if (len >= 16) {
    uint32_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
    const uint8_t *limit = end - 16;
    do {
      v1 = rotl32(v1 + *(const uint32_t *)p * P2, 13) * P1; p += 4;
      v2 = rotl32(v2 + *(const uint32_t *)p * P2, 13) * P1; p += 4;
      v3 = rotl32(v3 + *(const uint32_t *)p * P2, 13) * P1; p += 4;
      v4 = rotl32(v4 + *(const uint32_t *)p * P2, 13) * P1; p += 4;
    } while (p <= limit);
    h = rotl32(v1, 1) + rotl32(v2, 7) + rotl32(v3, 12) + rotl32(v4, 18);
  } else {
    h = seed + P5;
  }
  h += len;
  while (p + 4 <= end) { h = rotl32(h + *(const uint32_t *)p * P3, 17) * P4; p += 4; }
  while (p < end) { h = rotl32(h + *p * P5, 11) * P1; p++; }
  h ^= h >> 15; h *= P2; h ^= h >> 13; h *= P3; h ^= h >> 16;
  return h;
}

/* FNV-1a, one byte at a time. */
static NOINLINE uint32_t fnv1a(const uint8_t *p, uint32_t len) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < len; i++) { h ^= p[i]; h *= 16777619u; }
  return h;
}

/* CRC-32 (IEEE), table-driven. */
static NOINLINE uint32_t crc32(const uint8_t *p, uint32_t len) {
  uint32_t c = 0xffffffffu;
  for (uint32_t i = 0; i < len; i++) c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return ~c;
}

/* Murmur3's finaliser over every word, written back: a read-modify-write pass. */
static NOINLINE uint32_t mix_words(uint32_t *w, uint32_t count, uint32_t salt) {
  uint32_t acc = 0;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t k = w[i] ^ salt;
    k ^= k >> 16; k *= 0x85ebca6bu; k ^= k >> 13; k *= 0xc2b2ae35u; k ^= k >> 16;
    w[i] = k;
    acc += k;
  }
  return acc;
}

static uint32_t bench(int n) {
  setup();
  uint32_t h = 0;
  for (int round = 0; round < n; round++) {
    fill(0x9e3779b9u * (uint32_t)(round + 1));
    h ^= xxh32(buf, SIZE, h);
    h = rotl32(h, 5) ^ fnv1a(buf + (round & 7), SIZE / 4);
    h = rotl32(h, 7) + crc32(buf + SIZE / 2, SIZE / 8);
    h += mix_words((uint32_t *)buf, SIZE / 4, h);
  }
  return h;
}
