/*
 * kernel/test-kernel: the kernel threads of a booted kernel, on the one CPU of cpu.c. As in
 * LKL at the end of boot, 16 named kernel threads exist, each ran its share of the initcalls
 * and now sleeps until shutdown; a few short-lived workers slept on the clock event and died
 * (each switched away for the last time by a longjmp to a copy of its sched_jb); and a task
 * grew the memory while the boot thread's views of it were older.
 *
 * The small kernel's initcalls are a few functions here; the large kernel (kernel/large/)
 * links thousands of generated ones instead (LARGE_KERNEL).
 */
#include "kernel.h"

#define NKTHREADS 16

static const char *const kthread_names[NKTHREADS] = {
	"kthreadd", "rcu_gp", "rcu_par_gp", "kworker/0:0H", "mm_percpu_wq", "rcu_sched", "migration/0", "kdevtmpfs",
	"netns", "oom_reaper", "writeback", "kcompactd0", "kblockd", "kswapd0", "kworker/u2:1", "kauditd",
};

struct kthread {
	struct task *task;
	int index;
	uint32_t sum;
};

static struct kthread kthreads[NKTHREADS];
static int kthreads_done;
static struct task *boot_waiter;

#ifdef LARGE_KERNEL
int gen_initcall_count(void);
uint32_t gen_run_initcalls(int part, int parts, void (*yield)(void));
#else
/* The small kernel's initcalls: a little arithmetic over a table, yielding between them. */
#define SMALL_INITCALLS 64
static int gen_initcall_count(void)
{
	return SMALL_INITCALLS;
}

static uint32_t small_initcall(int i)
{
	uint32_t h = 2166136261u ^ (uint32_t)i;
	for (int k = 0; k < 100; k++)
		h = (h ^ (uint32_t)k) * 16777619u;
	return h;
}

static uint32_t gen_run_initcalls(int part, int parts, void (*yield)(void))
{
	uint32_t sum = 0;
	for (int i = part; i < SMALL_INITCALLS; i += parts) {
		sum += small_initcall(i);
		if (yield)
			yield();
	}
	return sum;
}
#endif

static int kthread_fn(void *arg)
{
	struct kthread *k = arg;
	k->sum = gen_run_initcalls(k->index, NKTHREADS, cond_resched);
	if (++kthreads_done == NKTHREADS)
		task_wake_up(boot_waiter);
	while (!cpu_should_stop())
		task_sleep();
	return 0;
}

/* A short-lived worker: sleeps on the clock event (irq, softirq), returns, dies. */
static int sleeper_fn(void *arg)
{
	int i = (int)(uintptr_t)arg;
	task_sleep_ms(1 + (unsigned)i);
	return i * i;
}

/* Larger than any block the kernel has freed so far, so the host's pool must grow the memory. */
#define GROW2_SIZE (32u << 20)

/* Grows the memory on this task's thread: the boot thread's views are then older than it. */
static int grow_fn(void *arg)
{
	(void)arg;
	unsigned long pages = __builtin_wasm_memory_size(0);
	unsigned char *p = host_mem_alloc(GROW2_SIZE);
	if (!p || __builtin_wasm_memory_size(0) <= pages)
		panic("kthreads: the memory did not grow\n");
	memset(p + GROW2_SIZE - 16, 0, 16);
	p[GROW2_SIZE - 1] = 0x42;
	return (int)(uintptr_t)p;
}

void kthreads_boot(void)
{
	cpu_enter();
	boot_waiter = task_current();
	for (int i = 0; i < NKTHREADS; i++) {
		kthreads[i].index = i;
		kthreads[i].task = task_create(kthread_names[i], kthread_fn, &kthreads[i]);
	}
	struct task *sleepers[4];
	for (int i = 0; i < 4; i++)
		sleepers[i] = task_create("kworker/0:1", sleeper_fn, (void *)(uintptr_t)i);
	unsigned char *grown = (unsigned char *)(uintptr_t)task_join(task_create("kswapd-grow", grow_fn, 0));
	int results[4];
	for (int i = 0; i < 4; i++)
		results[i] = task_join(sleepers[i]);
	while (kthreads_done < NKTHREADS)
		task_sleep();
	cpu_leave();

	/* This thread's first touches of the memory the task grew: unaligned, 16-bit, atomic. */
	struct __attribute__((packed)) u { char c; uint32_t v; };
	unsigned char *end = grown + GROW2_SIZE - 16;
	((volatile struct u *)end)->v = 0x01020304u;
	*(volatile uint16_t *)(end + 8) = 0x0506;
	__atomic_fetch_add((uint32_t *)(end + 12), 0x07000000u, __ATOMIC_SEQ_CST);
	uint32_t grown_sum = 0;
	for (int i = 0; i < 16; i++)
		grown_sum = grown_sum * 31u + end[i];
	host_mem_free(grown);

	uint32_t sum = 0;
	for (int i = 0; i < NKTHREADS; i++)
		sum ^= kthreads[i].sum;
	printk("kthreads: %d kernel threads ran %d initcalls, checksum %08x\n", NKTHREADS, gen_initcall_count(), sum);
	printk("kthreads: 4 workers slept and died, results %d %d %d %d\n", results[0], results[1], results[2],
	       results[3]);
	printk("kthreads: memory grown by a task, then written here: %08x\n", grown_sum);
}

/* At shutdown, holding the CPU: wake every kernel thread to see the CPU stopping, and reap it. */
void kthreads_stop(void)
{
	for (int i = 0; i < NKTHREADS; i++) {
		task_wake_up(kthreads[i].task);
		task_join(kthreads[i].task);
	}
}
