/* mem: memory- and pointer-heavy code. Per round: a linked list built from a bump allocator,
 * reversed and walked; a binary search tree filled and probed; an array of 48-byte records sorted by
 * a merge sort that moves them with memcpy; a sorted array kept by insertion with memmove; memset.
 * run(n) does n rounds. */
#include "common.h"

static uint32_t rng;
static inline uint32_t next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

struct node { struct node *next; uint32_t value; };

static NOINLINE uint32_t lists(int count) {
  struct node *head = 0;
  for (int i = 0; i < count; i++) {
    struct node *n = bump_alloc(sizeof *n);
    n->value = next();
    n->next = head;
    head = n;
  }
  struct node *prev = 0;
  while (head) { struct node *nx = head->next; head->next = prev; prev = head; head = nx; }
  uint32_t h = 0;
  for (struct node *p = prev; p; p = p->next) h = h * 33 + p->value;
  return h;
}

struct tree { struct tree *left, *right; uint32_t key, count; };

static NOINLINE uint32_t trees(int count) {
  struct tree *root = 0;
  for (int i = 0; i < count; i++) {
    uint32_t key = next() % (uint32_t)(count * 2);
    struct tree **slot = &root;
    while (*slot && (*slot)->key != key) slot = key < (*slot)->key ? &(*slot)->left : &(*slot)->right;
    if (*slot) { (*slot)->count++; continue; }
    struct tree *t = bump_alloc(sizeof *t);
    t->left = t->right = 0; t->key = key; t->count = 1;
    *slot = t;
  }
  uint32_t found = 0;
  for (int i = 0; i < count; i++) {
    uint32_t key = next() % (uint32_t)(count * 2);
    struct tree *t = root;
    while (t && t->key != key) t = key < t->key ? t->left : t->right;
    if (t) found += t->count;
  }
  return found;
}

struct record { uint32_t key; uint32_t seq; char payload[40]; };

static void merge_sort(struct record *a, struct record *tmp, int n) {
  if (n < 2) return;
  int h = n / 2;
  merge_sort(a, tmp, h);
  merge_sort(a + h, tmp, n - h);
  int i = 0, j = h, k = 0;
  while (i < h && j < n) {
    if (a[j].key < a[i].key) memcpy(&tmp[k++], &a[j++], sizeof *a);
    else memcpy(&tmp[k++], &a[i++], sizeof *a);
  }
  if (i < h) memcpy(&tmp[k], &a[i], (size_t)(h - i) * sizeof *a), k += h - i;
  memcpy(a, tmp, (size_t)k * sizeof *a);
}

static NOINLINE uint32_t records(int count) {
  struct record *a = bump_alloc((size_t)count * sizeof *a);
  struct record *tmp = bump_alloc((size_t)count * sizeof *a);
  for (int i = 0; i < count; i++) {
    a[i].key = next() & 0xffff;
    a[i].seq = (uint32_t)i;
    memset(a[i].payload, (int)(a[i].key & 0x7f), sizeof a[i].payload);
  }
  merge_sort(a, tmp, count);
  uint32_t h = 0;
  for (int i = 0; i < count; i++) h = h * 31 + a[i].seq + (uint8_t)a[i].payload[i % 40];
  return h;
}

static NOINLINE uint32_t inserts(int count) {
  uint32_t *sorted = bump_alloc((size_t)count * 4);
  int len = 0;
  for (int i = 0; i < count; i++) {
    uint32_t v = next();
    int lo = 0, hi = len;
    while (lo < hi) { int mid = (lo + hi) / 2; if (sorted[mid] < v) lo = mid + 1; else hi = mid; }
    memmove(&sorted[lo + 1], &sorted[lo], (size_t)(len - lo) * 4);
    sorted[lo] = v;
    len++;
  }
  uint32_t h = 0;
  for (int i = 0; i < len; i += 17) h = h * 31 + sorted[i];
  return h;
}

static uint32_t bench(int n) {
  rng = 2463534242u;
  uint32_t h = 0;
  for (int r = 0; r < n; r++) {
    heap_reset();
    h = h * 31 + lists(25000);
    h = h * 31 + trees(12500);
    h = h * 31 + records(10000);
    h = h * 31 + inserts(3000);
  }
  return h;
}
