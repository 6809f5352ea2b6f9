/*
 * kernel/test-kernel: threads whose views of linear memory predate its growth. In LKL the
 * first mem_alloc grows the memory while idle, irq and timer threads already run; each of them
 * then touches the new memory for the first time through whatever access comes first. On w2js
 * every worker holds its own views of the shared buffer, refreshed on the first access beyond
 * them, so each kind of access must work as that first one. One probe thread per kind is
 * started before kmem_init grows the memory, and released after it.
 */
#include "kernel.h"

enum {
	P_I32_LOAD, P_I32_STORE_UNALIGNED, P_I16, P_I8_SIGNED, P_I64_LOAD, P_F64_STORE, P_F32_LOAD,
	P_ATOMIC_ADD, P_ATOMIC_CMPXCHG8, P_FILL, P_WAIT, P_NOTIFY, NPROBES
};

struct probe {
	host_sem_t go;
	host_thread_t thread;
	uint32_t result;
};

static struct probe probes[NPROBES];
static host_sem_t probes_ready;
static unsigned char *volatile probe_area; /* in the grown memory; 64 bytes per kind */

/* The access of each kind, first thing in `a` (64 bytes); a number that depends on what it read. */
__attribute__((noinline)) static uint32_t probe_access(int kind, unsigned char *a)
{
	switch (kind) {
	case P_I32_LOAD:
		return *(volatile uint32_t *)(a + 8);
	case P_I32_STORE_UNALIGNED: {
		struct __attribute__((packed)) u { char c; uint32_t v; };
		((volatile struct u *)(a + 16))->v = 0xa1b2c3d4u;
		return a[17];
	}
	case P_I16:
		*(volatile uint16_t *)(a + 2) = (uint16_t)(*(volatile uint16_t *)(a + 4) + 1);
		return *(volatile uint16_t *)(a + 2);
	case P_I8_SIGNED:
		return (uint32_t)(int32_t) * (volatile int8_t *)(a + 63);
	case P_I64_LOAD:
		return (uint32_t)(*(volatile uint64_t *)(a + 8) >> 24);
	case P_F64_STORE:
		*(volatile double *)(a + 16) = 1.5;
		return a[23];
	case P_F32_LOAD:
	{
		float f = *(volatile float *)(a + 4);
		return (uint32_t)(f > 0.0f) + 2u * (f < 0.0f) + 4u * (f != f);
	}
	case P_ATOMIC_ADD:
		return __atomic_fetch_add((uint32_t *)(a + 12), 5u, __ATOMIC_SEQ_CST);
	case P_ATOMIC_CMPXCHG8: { /* fails (the byte is not 40): `want` gets the byte */
		unsigned char want = 40;
		__atomic_compare_exchange_n(a + 40, &want, 99, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		return want;
	}
	case P_FILL:
		__builtin_memset(a + 32, 0x5a, 32);
		return a[40];
	case P_WAIT: /* the word is not the expected value: returns "not-equal" at once */
		return (uint32_t)__builtin_wasm_memory_atomic_wait32((int *)(a + 24), -1, 0);
	case P_NOTIFY:
		return __builtin_wasm_memory_atomic_notify((int *)(a + 24), 1);
	}
	return 0;
}

static void probe_thread(void *arg)
{
	struct probe *p = arg;
	host_sem_up(probes_ready); /* this thread runs, so its views of memory exist */
	host_sem_down(p->go);
	p->result = probe_access((int)(p - probes), probe_area + 64 * (p - probes));
}

static void probe_fill(unsigned char *area)
{
	for (int i = 0; i < 64 * NPROBES; i++)
		area[i] = (unsigned char)(i * 7 + 1);
}

/* Before the first mem_alloc: the probe threads start, and wait. */
void grow_probes_start(void)
{
	probes_ready = host_sem_alloc(0);
	for (int i = 0; i < NPROBES; i++) {
		probes[i].go = host_sem_alloc(0);
		probes[i].thread = host_thread_create(probe_thread, &probes[i]);
		if (!probes[i].thread)
			panic("grow: no thread\n");
	}
	for (int i = 0; i < NPROBES; i++)
		host_sem_down(probes_ready);
	host_sem_free(probes_ready);
}

/* After the memory grew: each probe does its access in the new memory; all must match this thread's. */
void grow_probes_check(void)
{
	unsigned char *area = (unsigned char *)kmem_top() - 2 * 64 * NPROBES;
	unsigned char *mine = area + 64 * NPROBES;
	probe_fill(area);
	probe_fill(mine);
	probe_area = area;
	for (int i = 0; i < NPROBES; i++) {
		host_sem_up(probes[i].go);
		host_thread_join(probes[i].thread);
		host_sem_free(probes[i].go);
	}
	int ok = 0;
	for (int i = 0; i < NPROBES; i++) {
		uint32_t expect = probe_access(i, mine + 64 * i);
		if (probes[i].result == expect && memcmp(area + 64 * i, mine + 64 * i, 64) == 0)
			ok++;
		else
			printk("grow: probe %d read %u, expected %u\n", i, probes[i].result, expect);
	}
	printk("grow: %d of %d threads from before the grow accessed the new memory\n", ok, NPROBES);
}
