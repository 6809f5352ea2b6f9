/*
 * kernel/test-kernel: boot and shutdown. init() brings the kernel up (heap, fd table,
 * syscall table, the kworker thread), runs the self-tests and returns; the kernel then
 * serves syscalls until the reboot syscall stops it.
 */
#include "kernel.h"

#define HEAP_SIZE (8u << 20)

struct kstats kstats;
volatile int kernel_halted;

struct work {
	void (*fn)(void *);
	void *arg;
	struct work *next;
};

static struct {
	host_mutex_t lock;
	host_sem_t pending;
	struct work *head, **tail;
	int stopping;
	host_thread_t thread;
} kw;

void kworker_queue(void (*fn)(void *), void *arg)
{
	struct work *w = kmalloc(sizeof *w);
	w->fn = fn;
	w->arg = arg;
	w->next = 0;
	host_mutex_lock(kw.lock);
	*kw.tail = w;
	kw.tail = &w->next;
	host_mutex_unlock(kw.lock);
	host_sem_up(kw.pending);
}

/* Sleeps on its semaphore until work arrives; leaves through thread_exit at shutdown. */
static void kworker(void *arg)
{
	(void)arg;
	for (;;) {
		host_sem_down(kw.pending);
		host_mutex_lock(kw.lock);
		struct work *w = kw.head;
		if (w) {
			kw.head = w->next;
			if (!kw.head)
				kw.tail = &kw.head;
		}
		int stopping = kw.stopping;
		host_mutex_unlock(kw.lock);
		if (w) {
			w->fn(w->arg);
			kfree(w);
		} else if (stopping) {
			host_thread_exit();
		}
	}
}

__attribute__((export_name("init"))) int kernel_init(void)
{
	printk("%s %s (wasm32, WasmLinux host ABI)\n", KERNEL_NAME, KERNEL_RELEASE);
	if (host_time() == 0)
		panic("time: the host clock reads 0\n");
	/* As in LKL, idle, the irq and ksoftirqd run before the first mem_alloc grows the memory. */
	cpu_start();
	grow_probes_start();
	kmem_init(HEAP_SIZE);
	grow_probes_check();
	fd_init();
	syscalls_init();
	kw.lock = host_mutex_alloc(0);
	kw.pending = host_sem_alloc(0);
	kw.tail = &kw.head;
	kw.thread = kthread_start(kworker, 0);
	selftest_run();
	kthreads_boot();
	printk("syscalls: %d entries\n", syscall_count());
	printk("boot: done\n");
	return 0;
}

/* The reboot syscall: stop kworker, close every fd, report. */
void kernel_shutdown(void)
{
	if (__atomic_exchange_n(&kernel_halted, 1, __ATOMIC_SEQ_CST))
		return;
	host_mutex_lock(kw.lock);
	kw.stopping = 1;
	host_mutex_unlock(kw.lock);
	host_sem_up(kw.pending);
	host_thread_join(kw.thread);
	fd_close_all();
	cpu_stop();
	printk("reboot: kworker stopped, %d threads started, %d timers fired, %d TLS destructors run\n",
	       kstats.threads_started, kstats.timers_fired, kstats.tls_destructors);
	printk("reboot: System halted\n");
}
