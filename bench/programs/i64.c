/* i64: 64-bit integer arithmetic. splitmix64 (64-bit mul, xor, shifts), modular exponentiation
 * with 64-bit multiply and unsigned remainder, signed 64-bit division and remainder by varying
 * divisors, variable shifts and rotates, and bit counts. run(n) does n rounds of 50 000 steps. */
#include "common.h"

static uint64_t state;

static inline uint64_t splitmix64(void) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* base^exp mod m for m < 2^32: each product fits in 64 bits. */
static NOINLINE uint64_t powmod(uint64_t base, uint64_t exp, uint64_t m) {
  uint64_t r = 1 % m;
  base %= m;
  while (exp) {
    if (exp & 1) r = r * base % m;
    base = base * base % m;
    exp >>= 1;
  }
  return r;
}

static inline uint64_t rotl64(uint64_t x, unsigned r) { return (x << (r & 63)) | (x >> ((64 - r) & 63)); }

static NOINLINE uint64_t round_(int steps) {
  uint64_t acc = 0;
  int64_t sacc = 0;
  for (int k = 0; k < steps; k++) {
    uint64_t x = splitmix64();
    uint64_t m = (x >> 32) | 1;
    if ((k & 7) == 0) acc += powmod(x, x >> 40, m);
    int64_t s = (int64_t)x;
    int64_t d = (int64_t)(x >> 41) - (1ll << 21);
    if (d == 0) d = 7;
    sacc += s / d + s % (d | 1);
    acc ^= rotl64(x, (unsigned)k) + (x >> (k & 63)) + ((uint64_t)s >> ((k * 7) & 63));
    acc += (uint64_t)__builtin_popcountll(x) + (uint64_t)__builtin_clzll(x | 1) + (uint64_t)__builtin_ctzll(x | (1ull << 63));
    acc = acc * 6364136223846793005ull + (uint64_t)sacc;
    acc += x / ((acc >> 45) | 1);
  }
  return acc;
}

static uint32_t bench(int n) {
  state = 0x0123456789abcdefull;
  uint64_t h = 0;
  for (int r = 0; r < n; r++) h = rotl64(h, 11) ^ round_(50000);
  return (uint32_t)h ^ (uint32_t)(h >> 32);
}
