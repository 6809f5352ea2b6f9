/* bench/programs/common.h: the few libc pieces the benchmark programs need (no libc is linked),
 * and the entry points every program exports.
 *
 * Every program includes this header and defines `static uint32_t bench(int n)`; the header exports
 *   run(n)        the benchmark itself: n equal rounds, so the work is linear in n.
 *   bench_main()  run(bench_arg.n): for runners that can only call nullary exports (wabt's
 *                 wasm-interp --run-all-exports). bench/run.mjs patches `n` in a copy of the .wasm,
 *                 found by the 8-byte tag before it.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long long int64_t;
typedef unsigned long size_t;
typedef long intptr_t;
typedef unsigned long uintptr_t;

#define EXPORT(name) __attribute__((export_name(name)))
#define NOINLINE __attribute__((noinline))

/* Plain byte loops: clang does not turn the body of a function named memcpy/memset into a call to
 * itself. Word-at-a-time copies when both pointers are aligned, as a small libc would. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
    for (; n >= 4; n -= 4, d += 4, s += 4) *(uint32_t *)d = *(const uint32_t *)s;
  }
  for (; n; n--) *d++ = *s++;
  return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  if (d == s || n == 0) return dst;
  if (d < s || d >= s + n) return memcpy(dst, src, n);
  d += n;
  s += n;
  if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
    for (; n >= 4; n -= 4) { d -= 4; s -= 4; *(uint32_t *)d = *(const uint32_t *)s; }
  }
  while (n--) *--d = *--s;
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  uint8_t *d = dst;
  uint32_t w = (uint8_t)c * 0x01010101u;
  for (; n && ((uintptr_t)d & 3); n--) *d++ = (uint8_t)c;
  for (; n >= 4; n -= 4, d += 4) *(uint32_t *)d = w;
  for (; n; n--) *d++ = (uint8_t)c;
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *x = a, *y = b;
  for (; n; n--, x++, y++) if (*x != *y) return *x - *y;
  return 0;
}

/* Bump allocator over linear memory from __heap_base; heap_reset() frees everything. */
extern uint8_t __heap_base;
static uintptr_t heap_top;

static void heap_reset(void) { heap_top = (uintptr_t)&__heap_base; }

static void *bump_alloc(size_t n) {
  if (!heap_top) heap_reset();
  uintptr_t p = (heap_top + 7) & ~(uintptr_t)7;
  uintptr_t end = p + n;
  uintptr_t have = __builtin_wasm_memory_size(0) * 65536ul;
  if (end > have) {
    if (__builtin_wasm_memory_grow(0, (end - have + 65535) / 65536) == (size_t)-1) __builtin_trap();
  }
  heap_top = end;
  return (void *)p;
}

static uint32_t bench(int n);

EXPORT("run") uint32_t run(int n) { return bench(n); }

/* The tag is 8 bytes followed by the argument; run.mjs rewrites the argument in a copy. */
struct bench_arg { char tag[8]; volatile int n; };
struct bench_arg bench_arg = { { 'W', '2', 'J', 'S', 'A', 'R', 'G', '!' }, 1 };

EXPORT("bench_main") uint32_t bench_main(void) { return bench(bench_arg.n); }

#endif
