/*
 * kernel/test-kernel: threads and waiting. Kernel threads are host threads; sleeping arms
 * a host timer whose callback (on the timer's own thread) ups the sleeper's semaphore;
 * condition variables are a waiter count and a semaphore, used under a host mutex.
 */
#include "kernel.h"

struct kthread_start {
	host_thread_fn fn;
	void *arg;
};

static void kthread_trampoline(void *p)
{
	struct kthread_start s = *(struct kthread_start *)p;
	kfree(p);
	KSTAT_INC(threads_started);
	s.fn(s.arg);
	KSTAT_INC(threads_finished);
}

host_thread_t kthread_start(host_thread_fn fn, void *arg)
{
	struct kthread_start *s = kmalloc(sizeof *s);
	s->fn = fn;
	s->arg = arg;
	host_thread_t t = host_thread_create(kthread_trampoline, s);
	if (!t)
		panic("kthread: the host could not create a thread\n");
	return t;
}

struct sleeper {
	host_sem_t wake;
};

static void sleeper_wake(void *arg)
{
	struct sleeper *s = arg;
	KSTAT_INC(timers_fired);
	host_sem_up(s->wake);
}

void ksleep_ms(unsigned ms)
{
	struct sleeper s = { host_sem_alloc(0) };
	host_timer_t t = host_timer_alloc(sleeper_wake, &s);
	KSTAT_INC(timers_armed);
	host_timer_set_oneshot(t, (uint64_t)ms * 1000000u);
	host_sem_down(s.wake);
	host_timer_free(t);
	host_sem_free(s.wake);
}

void kcond_init(struct kcond *c)
{
	c->sem = host_sem_alloc(0);
	c->waiters = 0;
}

void kcond_destroy(struct kcond *c)
{
	host_sem_free(c->sem);
}

/* Called with `held` locked; returns with it locked again. May wake spuriously. */
void kcond_wait(struct kcond *c, host_mutex_t held)
{
	c->waiters++;
	host_mutex_unlock(held);
	host_sem_down(c->sem);
	host_mutex_lock(held);
}

/* Called with the mutex held: one up per counted waiter, so no wake-up is lost. */
void kcond_broadcast(struct kcond *c)
{
	while (c->waiters > 0) {
		c->waiters--;
		host_sem_up(c->sem);
	}
}
