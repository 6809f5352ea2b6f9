/*
 * kernel/test-kernel: the boot self-tests. Each starts kernel threads that exercise host
 * operations, joins them, checks the outcome and prints one line (from the boot thread
 * only, so the log is the same on every run). A failed check panics.
 */
#include "kernel.h"

#define CHECK(cond, ...) do { if (!(cond)) panic(__VA_ARGS__); } while (0)

static inline uintptr_t stack_pointer(void)
{
	uintptr_t sp;
	__asm__ volatile(".globaltype __stack_pointer, i32\n\tglobal.get __stack_pointer\n\tlocal.set %0" : "=r"(sp));
	return sp;
}

/* Keeps `p` alive in memory so the frames below really use the linear-memory stack. */
__attribute__((noinline)) static void touch(volatile char *p, int v)
{
	p[0] = (char)v;
}

/* ---- semaphores: a bounded buffer ---- */

#define SEM_SLOTS 8
#define SEM_PRODUCERS 4
#define SEM_CONSUMERS 2
#define SEM_ITEMS 250

static struct {
	host_sem_t empty, full;
	host_mutex_t lock;
	int buf[SEM_SLOTS];
	int head, tail;
	long long sum;
	int consumed;
} bb;

static void producer(void *arg)
{
	int base = (int)(uintptr_t)arg * SEM_ITEMS;
	for (int i = 0; i < SEM_ITEMS; i++) {
		host_sem_down(bb.empty);
		host_mutex_lock(bb.lock);
		bb.buf[bb.tail] = base + i;
		bb.tail = (bb.tail + 1) % SEM_SLOTS;
		host_mutex_unlock(bb.lock);
		host_sem_up(bb.full);
	}
}

static void consumer(void *arg)
{
	(void)arg;
	for (int i = 0; i < SEM_PRODUCERS * SEM_ITEMS / SEM_CONSUMERS; i++) {
		host_sem_down(bb.full);
		host_mutex_lock(bb.lock);
		bb.sum += bb.buf[bb.head];
		bb.head = (bb.head + 1) % SEM_SLOTS;
		bb.consumed++;
		host_mutex_unlock(bb.lock);
		host_sem_up(bb.empty);
	}
}

static void test_semaphores(void)
{
	host_thread_t t[SEM_PRODUCERS + SEM_CONSUMERS];
	bb.empty = host_sem_alloc(SEM_SLOTS);
	bb.full = host_sem_alloc(0);
	bb.lock = host_mutex_alloc(0);
	for (int i = 0; i < SEM_CONSUMERS; i++)
		t[i] = kthread_start(consumer, 0);
	for (int i = 0; i < SEM_PRODUCERS; i++)
		t[SEM_CONSUMERS + i] = kthread_start(producer, (void *)(uintptr_t)i);
	for (int i = 0; i < SEM_PRODUCERS + SEM_CONSUMERS; i++)
		host_thread_join(t[i]);
	int n = SEM_PRODUCERS * SEM_ITEMS;
	CHECK(bb.consumed == n && bb.sum == (long long)n * (n - 1) / 2, "sem: consumed %d, sum %lld\n", bb.consumed, bb.sum);
	host_sem_free(bb.empty);
	host_sem_free(bb.full);
	host_mutex_free(bb.lock);
	printk("selftest: sem: %d producers, %d consumers, %d items, sum %lld\n", SEM_PRODUCERS, SEM_CONSUMERS, n, bb.sum);
}

/* ---- mutexes: a plain counter, and a recursive mutex taken three deep ---- */

#define MUTEX_THREADS 4
#define MUTEX_ROUNDS 5000
#define RMUTEX_THREADS 3
#define RMUTEX_ROUNDS 100

static host_mutex_t counter_lock;
static volatile int counter;

static void incrementer(void *arg)
{
	(void)arg;
	for (int i = 0; i < MUTEX_ROUNDS; i++) {
		host_mutex_lock(counter_lock);
		int v = counter; /* not atomic: only the mutex keeps increments apart */
		counter = v + 1;
		host_mutex_unlock(counter_lock);
	}
}

static void rlock_deep(int depth)
{
	host_mutex_lock(counter_lock);
	if (depth < 3)
		rlock_deep(depth + 1);
	else
		counter = counter + 1;
	host_mutex_unlock(counter_lock);
}

static void rincrementer(void *arg)
{
	(void)arg;
	for (int i = 0; i < RMUTEX_ROUNDS; i++)
		rlock_deep(1);
}

static void run_counter_test(host_thread_fn fn, int threads, int recursive)
{
	host_thread_t t[MUTEX_THREADS];
	counter = 0;
	counter_lock = host_mutex_alloc(recursive);
	for (int i = 0; i < threads; i++)
		t[i] = kthread_start(fn, 0);
	for (int i = 0; i < threads; i++)
		host_thread_join(t[i]);
	host_mutex_free(counter_lock);
}

static void test_mutexes(void)
{
	run_counter_test(incrementer, MUTEX_THREADS, 0);
	CHECK(counter == MUTEX_THREADS * MUTEX_ROUNDS, "mutex: counter %d\n", counter);
	printk("selftest: mutex: %d threads x %d increments = %d\n", MUTEX_THREADS, MUTEX_ROUNDS, counter);
	run_counter_test(rincrementer, RMUTEX_THREADS, 1);
	CHECK(counter == RMUTEX_THREADS * RMUTEX_ROUNDS, "rmutex: counter %d\n", counter);
	printk("selftest: rmutex: %d threads x %d rounds at depth 3 = %d\n", RMUTEX_THREADS, RMUTEX_ROUNDS, counter);
}

/* ---- thread-local storage with destructors, and thread_exit from nested frames ---- */

#define TLS_THREADS 5
#define EXIT_THREADS 4
#define EXIT_DEPTH 10

static host_tls_key_t key_a, key_b;
static int dtor_a, dtor_b, exit_deepest, exit_leaked;

static void destroy_b(void *value)
{
	CHECK(value == (void *)0xb, "tls: destructor b got %p\n", value);
	__atomic_fetch_add(&dtor_b, 1, __ATOMIC_SEQ_CST);
	KSTAT_INC(tls_destructors);
}

/* Sets another key: the host must run destructors again while values remain. */
static void destroy_a(void *value)
{
	CHECK(*(int *)value == 0xa11ce, "tls: destructor a got a bad value\n");
	kfree(value);
	host_tls_set(key_b, (void *)0xb);
	__atomic_fetch_add(&dtor_a, 1, __ATOMIC_SEQ_CST);
	KSTAT_INC(tls_destructors);
}

static void exit_deep(int depth)
{
	volatile char frame[32];
	touch(frame, depth);
	if (depth == EXIT_DEPTH) {
		__atomic_fetch_add(&exit_deepest, 1, __ATOMIC_SEQ_CST);
		host_thread_exit();
	}
	exit_deep(depth + 1);
	__atomic_fetch_add(&exit_leaked, 1, __ATOMIC_SEQ_CST); /* never: thread_exit does not return */
}

static void tls_thread(void *arg)
{
	int *v = kmalloc(sizeof *v);
	*v = 0xa11ce;
	CHECK(host_tls_get(key_a) == 0, "tls: a new thread sees a value\n");
	host_tls_set(key_a, v);
	CHECK(host_tls_get(key_a) == v, "tls: get after set\n");
	if ((uintptr_t)arg & 1)
		exit_deep(1); /* odd threads leave through thread_exit, the others return */
}

static void exit_thread(void *arg)
{
	(void)arg;
	exit_deep(1);
}

static void test_tls_and_exit(void)
{
	host_thread_t t[TLS_THREADS + EXIT_THREADS];
	key_a = host_tls_alloc(destroy_a);
	key_b = host_tls_alloc(destroy_b);
	CHECK(key_a && key_b && key_a != key_b, "tls: keys %u %u\n", key_a, key_b);
	host_tls_set(key_a, (void *)0x1234);
	CHECK(host_tls_get(key_a) == (void *)0x1234, "tls: boot thread get\n");
	host_tls_set(key_a, 0);
	for (int i = 0; i < TLS_THREADS; i++)
		t[i] = kthread_start(tls_thread, (void *)(uintptr_t)i);
	for (int i = 0; i < EXIT_THREADS; i++)
		t[TLS_THREADS + i] = kthread_start(exit_thread, 0);
	for (int i = 0; i < TLS_THREADS + EXIT_THREADS; i++)
		host_thread_join(t[i]);
	CHECK(dtor_a == TLS_THREADS && dtor_b == TLS_THREADS, "tls: destructors %d %d\n", dtor_a, dtor_b);
	printk("selftest: tls: %d threads, %d destructors, %d second-round destructors\n", TLS_THREADS, dtor_a, dtor_b);
	int exited_tls = TLS_THREADS / 2;
	CHECK(exit_deepest == EXIT_THREADS + exited_tls && exit_leaked == 0, "thread_exit: %d %d\n", exit_deepest, exit_leaked);
	printk("selftest: thread_exit: %d threads left from depth %d, none returned\n", exit_deepest, EXIT_DEPTH);
	host_tls_free(key_b);
	host_tls_free(key_a);
}

/* ---- thread identity and join results ---- */

static host_thread_t self_seen[4];

static int square(void *arg)
{
	int i = (int)(uintptr_t)arg;
	self_seen[i] = host_thread_self();
	return i * i;
}

static void test_join(void)
{
	host_thread_t t[4];
	long r[4];
	for (int i = 0; i < 4; i++)
		t[i] = host_thread_create(INT_THREAD_FN(square), (void *)(uintptr_t)i);
	for (int i = 0; i < 4; i++)
		r[i] = host_thread_join(t[i]);
	for (int i = 0; i < 4; i++)
		CHECK(host_thread_equal(self_seen[i], t[i]), "join: thread %d saw itself as %u, not %u\n", i, self_seen[i], t[i]);
	CHECK(!host_thread_equal(t[0], t[1]), "join: two threads compare equal\n");
	CHECK(host_thread_equal(host_thread_self(), host_thread_self()), "join: self differs\n");
	CHECK(host_gettid() > 0, "gettid\n");
	printk("selftest: join: results %ld %ld %ld %ld\n", r[0], r[1], r[2], r[3]);
}

/* ---- timers: three armed at once fire in deadline order, each waking a sleeper ---- */

static struct {
	host_sem_t done;
	int order[3];
	int fired;
} tt;

static void timer_cb(void *arg)
{
	int n = __atomic_fetch_add(&tt.fired, 1, __ATOMIC_SEQ_CST);
	tt.order[n] = (int)(uintptr_t)arg;
	KSTAT_INC(timers_fired);
	host_sem_up(tt.done);
}

static void test_timers(void)
{
	static const unsigned delay_ms[3] = { 50, 150, 100 };
	host_timer_t t[3];
	tt.done = host_sem_alloc(0);
	for (int i = 0; i < 3; i++)
		t[i] = host_timer_alloc(timer_cb, (void *)(uintptr_t)(i + 1));
	/* Re-arming replaces the deadline: timer 1 is first set far out. */
	host_timer_set_oneshot(t[0], 10000000000ull);
	uint64_t t0 = host_time();
	for (int i = 0; i < 3; i++) {
		host_timer_set_oneshot(t[i], (uint64_t)delay_ms[i] * 1000000u);
		KSTAT_INC(timers_armed);
	}
	for (int i = 0; i < 3; i++)
		host_sem_down(tt.done);
	uint64_t elapsed = (host_time() - t0) / 1000000u;
	CHECK(elapsed >= 150, "timers: all fired after %llu ms\n", (unsigned long long)elapsed);
	for (int i = 0; i < 3; i++)
		host_timer_free(t[i]);
	host_sem_free(tt.done);
	printk("selftest: timers: %d fired in order %d %d %d\n", tt.fired, tt.order[0], tt.order[1], tt.order[2]);

	uint64_t s0 = host_time();
	ksleep_ms(20);
	uint64_t slept = (host_time() - s0) / 1000000u;
	CHECK(slept >= 20, "sleep: woke after %llu ms\n", (unsigned long long)slept);
	printk("selftest: sleep: a timer woke a sleeper\n");
}

/* ---- jmp_buf_set / longjmp out of deep call chains, on two threads at once ---- */

#define JMP_ROUNDS 100
#define JMP_DEPTH 64

struct jmp_ctx {
	struct host_jmp_buf outer, inner;
	int round, landed, inner_returned, value;
};

static host_tls_key_t jmp_key;

static void jmp_deep(struct jmp_ctx *c, int depth)
{
	volatile char frame[48];
	touch(frame, depth);
	if (depth == JMP_DEPTH) {
		c->value = c->round + 1;
		/* Every other round jumps past the inner jmp_buf_set frame to the outer one. */
		host_jmp_buf_longjmp((c->round & 1) ? &c->outer : &c->inner, c->round + 1);
	}
	jmp_deep(c, depth + 1);
}

static void jmp_inner_body(void)
{
	jmp_deep(host_tls_get(jmp_key), 1);
}

static void jmp_outer_body(void)
{
	struct jmp_ctx *c = host_tls_get(jmp_key);
	host_jmp_buf_set(&c->inner, jmp_inner_body);
	c->inner_returned++;
}

static int returned_normally;
static void plain_body(void)
{
	returned_normally++;
}

static void jmp_thread(void *arg)
{
	struct jmp_ctx *c = arg;
	host_tls_set(jmp_key, c);
	for (c->round = 0; c->round < JMP_ROUNDS; c->round++) {
		uintptr_t before = stack_pointer();
		host_jmp_buf_set(&c->outer, jmp_outer_body);
		CHECK(stack_pointer() == before, "longjmp: stack pointer %p, was %p\n", (void *)stack_pointer(), (void *)before);
		CHECK(c->value == c->round + 1, "longjmp: value %d in round %d\n", c->value, c->round);
		c->landed++;
		KSTAT_INC(longjmps);
	}
}

static void test_longjmp(void)
{
	struct jmp_ctx *c = kmalloc(2 * sizeof *c);
	memset(c, 0, 2 * sizeof *c);
	jmp_key = host_tls_alloc(0);
	host_thread_t t0 = kthread_start(jmp_thread, &c[0]);
	host_thread_t t1 = kthread_start(jmp_thread, &c[1]);
	host_thread_join(t0);
	host_thread_join(t1);
	struct host_jmp_buf jb;
	host_jmp_buf_set(&jb, plain_body);
	CHECK(returned_normally == 1, "jmp_buf_set: body without longjmp\n");
	for (int i = 0; i < 2; i++)
		CHECK(c[i].landed == JMP_ROUNDS && c[i].inner_returned == JMP_ROUNDS / 2, "longjmp: thread %d landed %d, inner %d\n", i, c[i].landed, c[i].inner_returned);
	host_tls_free(jmp_key);
	kfree(c);
	printk("selftest: longjmp: 2 threads x %d jumps from depth %d, stack pointer restored\n", JMP_ROUNDS, JMP_DEPTH);
}

/* ---- a pipe between two threads ---- */

#define PIPE_BYTES 65536

static int pipe_fds[2];
static uint32_t pipe_sum_in, pipe_sum_out;

static uint32_t mix(uint32_t sum, unsigned char b)
{
	return (sum ^ b) * 16777619u;
}

static void pipe_writer(void *arg)
{
	(void)arg;
	char chunk[1000];
	int sent = 0;
	uint32_t sum = 2166136261u;
	while (sent < PIPE_BYTES) {
		int n = PIPE_BYTES - sent < (int)sizeof chunk ? PIPE_BYTES - sent : (int)sizeof chunk;
		for (int i = 0; i < n; i++) {
			chunk[i] = (char)((sent + i) * 7 + 3);
			sum = mix(sum, (unsigned char)chunk[i]);
		}
		CHECK(fd_write(pipe_fds[1], chunk, n) == n, "pipe: short write\n");
		sent += n;
	}
	pipe_sum_in = sum;
	fd_close(pipe_fds[1]);
}

static void pipe_reader(void *arg)
{
	(void)arg;
	char chunk[777];
	long n, got = 0;
	uint32_t sum = 2166136261u;
	while ((n = fd_read(pipe_fds[0], chunk, sizeof chunk)) > 0) {
		for (long i = 0; i < n; i++)
			sum = mix(sum, (unsigned char)chunk[i]);
		got += n;
	}
	CHECK(n == 0 && got == PIPE_BYTES, "pipe: read %ld bytes, last %ld\n", got, n);
	pipe_sum_out = sum;
	fd_close(pipe_fds[0]);
}

static void test_pipe(void)
{
	CHECK(pipe_create(pipe_fds) == 0, "pipe: create\n");
	host_thread_t r = kthread_start(pipe_reader, 0);
	host_thread_t w = kthread_start(pipe_writer, 0);
	host_thread_join(w);
	host_thread_join(r);
	CHECK(pipe_sum_in == pipe_sum_out, "pipe: checksum %x != %x\n", pipe_sum_in, pipe_sum_out);
	printk("selftest: pipe: %d bytes through a 4096-byte pipe between 2 threads, checksum %08x\n", PIPE_BYTES, pipe_sum_out);
}

/* ---- the host's memory pool ---- */

static void test_memory(void)
{
	void *blocks[4];
	for (int i = 0; i < 4; i++) {
		blocks[i] = host_mem_alloc(1 << 20);
		CHECK(blocks[i] != 0 && ((uintptr_t)blocks[i] & 15) == 0, "mem: block %d at %p\n", i, blocks[i]);
		memset(blocks[i], i, 1 << 20);
	}
	for (int i = 0; i < 4; i++)
		CHECK(((unsigned char *)blocks[i])[(1 << 20) - 1] == i, "mem: blocks overlap\n");
	for (int i = 0; i < 4; i++)
		host_mem_free(blocks[i]);
	void *again = host_mem_alloc(1 << 20);
	CHECK(again == blocks[0], "mem: freed memory not reused (%p, %p)\n", again, blocks[0]);
	host_mem_free(again);
	printk("selftest: mem: 4 blocks of 1 MiB allocated, filled, freed and reused\n");
}

/* ---- deferred work on the kworker thread ---- */

static host_sem_t work_done;
static int work_count;

static void work_item(void *arg)
{
	work_count += (int)(uintptr_t)arg;
	host_sem_up(work_done);
}

static void test_kworker(void)
{
	work_done = host_sem_alloc(0);
	for (int i = 1; i <= 10; i++)
		kworker_queue(work_item, (void *)(uintptr_t)i);
	for (int i = 0; i < 10; i++)
		host_sem_down(work_done);
	host_sem_free(work_done);
	CHECK(work_count == 55, "kworker: %d\n", work_count);
	printk("selftest: kworker: 10 work items done\n");
}

void selftest_run(void)
{
	test_memory();
	test_semaphores();
	test_mutexes();
	test_join();
	test_tls_and_exit();
	test_timers();
	test_longjmp();
	test_pipe();
	test_kworker();
}
