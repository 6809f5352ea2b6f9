/*
 * kernel/test-kernel: one CPU shared by every kernel task, as LKL has it (arch/lkl: LKL is not
 * SMP). Each task runs on a host thread of its own, but only the task holding the CPU runs
 * kernel code; the others are blocked in host semaphores:
 *
 *  - a context switch hands the CPU over: switch_to(prev, next) is sem_up(next's sem) then
 *    sem_down(prev's sem), and touches no kernel state once next may run;
 *  - a task that dies, and a host thread leaving the CPU while tasks are runnable, switch away
 *    for the last time by a longjmp out of switch_to to a *copy* of their sched_jb (LKL copies
 *    it because the buffer may be freed as soon as next runs), landing in the host's
 *    jmp_buf_set frame in task_bootstrap (or cpu_leave);
 *  - idle, the softirq task (which runs expired timers) and the irq (the clock event's host
 *    timer) each have a host thread of their own; when nothing is runnable, idle parks and
 *    frees the CPU for host threads (syscalls, irqs), which take it with cpu_enter.
 *
 * Ownership of the CPU is a token: whoever holds it may touch the state below without locks.
 * cpu_sem holds the token while idle is parked; idle_sem hands it to the parked idle task.
 */
#include "kernel.h"

#define TIF_SCHED_JB 1 /* switch away by longjmp to sched_jb (a copy of it), not sem_down */

enum { TASK_RUNNING, TASK_SLEEPING, TASK_DEAD };

struct task {
	char name[16];
	host_sem_t sched_sem;
	host_thread_t thread;
	unsigned flags;
	int state;
	int on_rq;
	struct host_jmp_buf sched_jb;
	int (*fn)(void *);
	void *arg;
	int result;
	struct task *next;   /* run queue */
	struct task *joiner; /* woken when this task dies */
};

struct ktimer {
	uint64_t deadline;
	struct task *task;
	int fired;
	struct ktimer *next;
};

struct cpu_stats cpu_stats;

static host_sem_t cpu_sem, idle_sem;
static int idle_parked;
static int cpu_stopping;
static struct task *current_task;
static struct task *rq_head, *rq_tail;
static struct task idle_task, softirq_task, irq_task, boot_task;
static host_timer_t clockevent;
static uint64_t clock_deadline; /* when the clock event fires next, 0 when disarmed */
static struct ktimer *timers;   /* by deadline */
static host_tls_key_t host_task_key;

static void cpu_enter_as(struct task *me);

static void rq_add(struct task *t)
{
	if (t->on_rq || t == &idle_task)
		return;
	t->on_rq = 1;
	t->next = 0;
	if (rq_tail)
		rq_tail->next = t;
	else
		rq_head = t;
	rq_tail = t;
}

static struct task *rq_pop(void)
{
	struct task *t = rq_head;
	if (t) {
		rq_head = t->next;
		if (!rq_head)
			rq_tail = 0;
		t->on_rq = 0;
	}
	return t;
}

static void task_wake(struct task *t)
{
	if (t->state != TASK_SLEEPING)
		return;
	t->state = TASK_RUNNING;
	rq_add(t);
}

/* Hand the CPU from prev to next. Returns when prev is switched back to. */
__attribute__((noinline)) static void switch_to(struct task *prev, struct task *next)
{
	unsigned flags = prev->flags;
	struct host_jmp_buf jb;

	current_task = next;
	if (flags & TIF_SCHED_JB) {
		prev->flags &= ~TIF_SCHED_JB;
		jb = prev->sched_jb; /* prev may be freed once next runs */
	}
	/* No kernel state is touched once next may run. */
	if (next == &idle_task && idle_parked) {
		idle_parked = 0;
		host_sem_up(idle_sem);
	} else {
		host_sem_up(next->sched_sem);
	}
	if (flags & TIF_SCHED_JB)
		host_jmp_buf_longjmp(&jb, 1);
	host_sem_down(prev->sched_sem);
}

/* Run the next runnable task (idle when there is none). The caller decides whether it stays runnable. */
void schedule(void)
{
	struct task *prev = current_task;
	struct task *next = rq_pop();
	if (!next)
		next = &idle_task;
	if (next != prev)
		switch_to(prev, next);
}

void cond_resched(void)
{
	if (!rq_head)
		return;
	rq_add(current_task);
	schedule();
}

/* ---- tasks ---- */

static void task_init(struct task *t, const char *name, int (*fn)(void *), void *arg)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	t->sched_sem = host_sem_alloc(0);
	t->fn = fn;
	t->arg = arg;
	t->state = TASK_RUNNING;
}

/* The body of every task, inside jmp_buf_set: it ends by switching away for good. */
static void task_run_current(void)
{
	struct task *t = current_task;
	t->result = t->fn(t->arg);
	t->state = TASK_DEAD;
	t->flags |= TIF_SCHED_JB;
	if (t->joiner)
		task_wake(t->joiner);
	cpu_stats.tasks_exited++;
	schedule();
	panic("task %s: scheduled after its death\n", t->name);
}

/* A task's host thread: wait to be switched to, run; the longjmp of its last switch lands here. */
static void task_bootstrap(void *arg)
{
	struct task *t = arg;
	host_sem_down(t->sched_sem);
	host_jmp_buf_set(&t->sched_jb, task_run_current);
	/* t may be freed by now: the host thread just ends. */
}

static void task_start(struct task *t)
{
	t->thread = host_thread_create(task_bootstrap, t);
	if (!t->thread)
		panic("task %s: the host could not create a thread\n", t->name);
	cpu_stats.tasks_started++;
}

/* A new runnable task running fn(arg). Called holding the CPU. */
struct task *task_create(const char *name, int (*fn)(void *), void *arg)
{
	struct task *t = kmalloc(sizeof *t);
	task_init(t, name, fn, arg);
	task_start(t);
	rq_add(t);
	return t;
}

/* Wait for t to die; its result. Called holding the CPU. */
int task_join(struct task *t)
{
	while (t->state != TASK_DEAD) {
		t->joiner = current_task;
		current_task->state = TASK_SLEEPING;
		schedule();
	}
	host_thread_join(t->thread); /* it has left through the longjmp, or is leaving */
	int result = t->result;
	host_sem_free(t->sched_sem);
	if (t != &idle_task && t != &softirq_task)
		kfree(t);
	return result;
}

int cpu_should_stop(void)
{
	return cpu_stopping;
}

/* Sleep until woken by task_wake_up (or the CPU stops). */
void task_sleep(void)
{
	current_task->state = TASK_SLEEPING;
	schedule();
}

void task_wake_up(struct task *t)
{
	task_wake(t);
}

struct task *task_current(void)
{
	return current_task;
}

/* ---- time: a sorted list of timers, one host timer as the clock event ---- */

static void clockevent_program(uint64_t deadline, uint64_t now)
{
	if (clock_deadline && clock_deadline <= deadline)
		return;
	clock_deadline = deadline;
	host_timer_set_oneshot(clockevent, deadline > now ? deadline - now : 1);
}

void task_sleep_ms(unsigned ms)
{
	uint64_t now = host_time();
	struct ktimer kt = { now + (uint64_t)ms * 1000000u, current_task, 0, 0 };
	struct ktimer **p = &timers;
	while (*p && (*p)->deadline <= kt.deadline)
		p = &(*p)->next;
	kt.next = *p;
	*p = &kt;
	clockevent_program(kt.deadline, now);
	while (!kt.fired)
		task_sleep();
}

/* ksoftirqd: runs expired timers, re-arms the clock event, sleeps until the next irq. */
static int softirq_fn(void *arg)
{
	(void)arg;
	while (!cpu_stopping) {
		uint64_t now = host_time();
		while (timers && timers->deadline <= now) {
			struct ktimer *kt = timers;
			timers = kt->next;
			kt->fired = 1;
			task_wake(kt->task);
		}
		if (timers)
			clockevent_program(timers->deadline, now);
		task_sleep();
	}
	return 0;
}

/* The clock event's host timer: an irq, on a host thread of its own. */
static void clockevent_irq(void *arg)
{
	(void)arg;
	cpu_enter_as(&irq_task);
	clock_deadline = 0;
	task_wake(&softirq_task); /* raise the timer softirq */
	cpu_leave();
}

/* ---- idle ---- */

static int idle_fn(void *arg)
{
	(void)arg;
	for (;;) {
		if (rq_head) {
			schedule();
			continue;
		}
		if (cpu_stopping)
			return 0;
		/* Nothing to run: free the CPU for host threads until one hands it back. */
		idle_parked = 1;
		current_task = 0;
		host_sem_up(cpu_sem);
		host_sem_down(idle_sem);
		current_task = &idle_task;
	}
}

/* ---- host threads entering and leaving the CPU ---- */

static void free_host_task(void *p)
{
	struct task *t = p;
	if (t == &boot_task)
		return;
	host_sem_free(t->sched_sem);
	kfree(t);
}

/* Take the CPU on this host thread as host task `me` (blocks while tasks run). */
static void cpu_enter_as(struct task *me)
{
	host_sem_down(cpu_sem);
	me->state = TASK_RUNNING;
	current_task = me;
}

/* Take the CPU on this host thread (a syscall): its host task is made on first use. */
void cpu_enter(void)
{
	struct task *me = host_tls_get(host_task_key);
	if (!me) {
		host_sem_down(cpu_sem);
		me = kmalloc(sizeof *me);
		task_init(me, "host", 0, 0);
		host_tls_set(host_task_key, me);
		current_task = me;
		return;
	}
	cpu_enter_as(me);
}

/*
 * Leave the CPU. With nothing runnable and idle parked (or gone: the CPU stopped), the CPU is simply free again. Otherwise
 * switch away for good (runnable tasks run, then idle, which parks and frees the CPU): the CPU
 * is only ever free while idle is parked, so there is one token.
 */
void cpu_leave(void)
{
	struct task *me = current_task;
	me->state = TASK_SLEEPING;
	if (!rq_head && (idle_parked || idle_task.state == TASK_DEAD)) {
		current_task = 0;
		host_sem_up(cpu_sem);
		return;
	}
	me->flags |= TIF_SCHED_JB;
	host_jmp_buf_set(&me->sched_jb, schedule);
}

/* Called on the boot thread, before the heap exists: idle, ksoftirqd and the clock event. */
void cpu_start(void)
{
	cpu_sem = host_sem_alloc(0); /* the boot thread holds the CPU */
	idle_sem = host_sem_alloc(0);
	host_task_key = host_tls_alloc(free_host_task);
	task_init(&boot_task, "boot", 0, 0);
	task_init(&irq_task, "irq", 0, 0);
	task_init(&idle_task, "swapper", idle_fn, 0);
	task_init(&softirq_task, "ksoftirqd/0", softirq_fn, 0);
	current_task = &boot_task;
	task_start(&idle_task);
	task_start(&softirq_task);
	rq_add(&softirq_task);
	clockevent = host_timer_alloc(clockevent_irq, 0);
	host_tls_set(host_task_key, &boot_task); /* syscalls on the boot thread enter as boot_task */
	cpu_leave(); /* ksoftirqd runs, sleeps; idle runs and parks */
}

/* At shutdown, holding the CPU: the kernel threads, ksoftirqd, the clock event and idle end. */
void cpu_stop(void)
{
	cpu_stopping = 1;
	kthreads_stop();
	task_wake(&softirq_task);
	task_join(&softirq_task);
	host_timer_free(clockevent);
	task_join(&idle_task); /* switches to idle, which sees the CPU stopping and dies */
	printk("cpu: %d tasks started, %d exited\n", cpu_stats.tasks_started, cpu_stats.tasks_exited);
}
